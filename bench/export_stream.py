"""Streaming export of incidents to CSV and JSON lines, vs ``csv.writer`` over rows read by hand.

Library: ``Program.export`` by an SRO (department audience, juvenile identities redacted) in
the ``csv`` and ``jsonl`` formats: pages of incidents read, each redacted for the audience and
flattened to the export's columns. Raw: the same incidents read from the same SQLite file in
the same order (``SELECT document … ORDER BY occurred_at DESC, id DESC``), each document
decoded and the same columns written with ``csv.writer`` (no redaction). Each side runs in a
child process of its own, which reports its peak memory (``ru_maxrss``).
"""

from __future__ import annotations

import csv
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import common

from sro_core.domain import Actor, ActorRole
from sro_core.service import Program, ProgramSettings

SRO = Actor(id="sro", name="Officer", role=ActorRole.SRO)


def _columns() -> tuple[str, ...]:
    from sro_core.service.exports import INCIDENT_COLUMNS  # noqa: PLC0415

    return INCIDENT_COLUMNS


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(path: Path, size: int) -> None:
    """Fill a SQLite store with incidents through the library's bulk path."""
    from sro_core.builtin.sqlite import SQLiteStorage  # noqa: PLC0415
    from sro_core.domain import Incident  # noqa: PLC0415
    from sro_core.ports import StorageSettings  # noqa: PLC0415
    from sro_core.serialization import structure  # noqa: PLC0415

    with SQLiteStorage(StorageSettings(f"sqlite:///{path}", common.calendar())) as storage:
        batch = []
        for data in common.incident_dicts(size):
            batch.append(structure(data, Incident))
            if len(batch) == 10_000:
                with storage.unit_of_work() as unit:
                    unit.incidents.add_many(batch)
                batch = []
        with storage.unit_of_work() as unit:
            unit.incidents.add_many(batch)


def library(path: Path, fmt: str) -> tuple[float, float, int]:
    """Export every incident through the Program to a null sink; return seconds, cpu, count."""
    settings = ProgramSettings(time_zone=common.ZONE, dispatch_after_commit=False)
    with Program.open(f"sqlite:///{path}", settings, plugins=common.plugins()) as program:
        sink = open("/dev/null", "w", encoding="utf-8", newline="")  # noqa: SIM115, PTH123
        began, cpu = time.perf_counter(), time.process_time()
        written = program.export(SRO, fmt, sink)
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        sink.close()
    return seconds, cpu, written


def _raw_rows(path: Path) -> object:
    connection = sqlite3.connect(path)
    columns = _columns()
    cursor = connection.execute("SELECT document FROM incidents ORDER BY occurred_at DESC, id DESC")
    loads = json.loads
    simple = [c for c in columns if "." not in c]
    # the school's and the officer's names, read once, as a hand-written export would
    names = {
        key: loads(document)["name"]
        for key, document in connection.execute(
            "SELECT id, document FROM schools UNION ALL SELECT id, document FROM officers"
        )
    }
    for (document,) in cursor:
        data = loads(document)
        location, disposition = data["location"], data["disposition"] or {}
        involvements = data["involvements"]
        extra = {
            "school": names.get(data["school_id"]),
            "reporting_officer": names.get(data["reporting_officer_id"]),
            "location.kind": location["kind"],
            "location.zone": location["zone"],
            "location.nibrs_code": location["nibrs_code"],
            "location.address": location["address"],
            "offense_codes": ";".join(o["ucr_code"] for o in data["offenses"]),
            "victims": sum("victim" in i["roles"] for i in involvements),
            "offenders": sum("offender" in i["roles"] for i in involvements),
            "arrestees": sum("arrestee" in i["roles"] for i in involvements),
            "juveniles": len(involvements),
            "disposition.kind": disposition.get("kind"),
            "disposition.decided_on": disposition.get("decided_on"),
            "restrictions": ";".join(data["restrictions"]),
        }
        yield tuple(
            extra[c] if c in extra else data[c] for c in columns if c in extra or c in simple
        )
    connection.close()


def raw(path: Path) -> tuple[float, float, int]:
    """Write the same columns with csv.writer over rows read by hand; return seconds, cpu, count."""
    sink = open("/dev/null", "w", encoding="utf-8", newline="")  # noqa: SIM115, PTH123
    began, cpu = time.perf_counter(), time.process_time()
    writer = csv.writer(sink, lineterminator="\r\n")
    writer.writerow(_columns())
    count = 0
    for row in _raw_rows(path):  # type: ignore[attr-defined]
        writer.writerow(row)
        count += 1
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    sink.close()
    return seconds, cpu, count


def child(side: str, path: str) -> None:
    """Run one side in this process and print its seconds, cpu, count and peak memory as JSON."""
    seconds, cpu, count = library(Path(path), side) if side != "raw" else raw(Path(path))
    figures = {"seconds": seconds, "cpu": cpu, "count": count, "peak_mb": _peak_mb()}
    sys.stdout.write(json.dumps(figures))


def _run(side: str, path: Path) -> dict[str, float] | str:
    """Run a side in a child process; return its figures, or the error it ended with."""
    found = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--child", side, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if found.returncode != 0:
        lines = found.stderr.strip().splitlines()
        return lines[-1] if lines else f"exit status {found.returncode}"
    result: dict[str, float] = json.loads(found.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    """Load the store once, then measure each side in a child process."""
    options = common.arguments(__doc__.splitlines()[0], size=50_000, tiny=1_000)
    with tempfile.TemporaryDirectory(prefix="sro-bench-") as folder:
        path = Path(folder) / "export.db"
        load(path, options.size)
        theirs = _run("raw", path)
        if isinstance(theirs, str):
            raise SystemExit(f"export_stream: the raw side failed: {theirs}")
        failed = False
        for fmt in ("csv", "jsonl"):
            mine = _run(fmt, path)
            if isinstance(mine, str):
                failed = True
                mine = {"count": 0, "seconds": 1.0, "cpu": 1.0, "peak_mb": 0.0}
                error = f"the library's export FAILED: {_run(fmt, path)}"
            else:
                error = ""
            rate, raw_rate = mine["count"] / mine["seconds"], theirs["count"] / theirs["seconds"]
            ratio = rate / raw_rate
            cpu_ratio = (mine["count"] / mine["cpu"]) / (theirs["count"] / theirs["cpu"])
            peak = mine["peak_mb"]
            common.report(
                common.Figure(
                    f"streaming export to {fmt} vs csv.writer over hand-read rows (SQLite)",
                    "incidents/s",
                    rate,
                    raw_rate,
                    ratio,
                    ">= 40%, < 150 MB",
                    ">= 60%, < 100 MB",
                    ratio >= 0.4 and peak < 150,
                    ratio >= 0.6 and peak < 100,
                    options.size,
                    error
                    or f"peak memory: library {peak:.0f} MB, raw {theirs['peak_mb']:.0f} MB "
                    f"(ru_maxrss of each child process); in cpu time (each side's process) "
                    f"the ratio is {cpu_ratio:.2f}",
                ),
                as_json=options.json,
            )
        if failed:
            raise SystemExit(1)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
