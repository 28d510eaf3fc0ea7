"""Where the library side of a figure spends its time: steps, statements, and a profile.

The figures whose aims are not met are explained by this script's output, which
``docs/performance.md`` quotes. For the bulk figures it gives the cpu time per incident of
each step of the library side (validating with ``structure_documents``, then ``add_many`` and
the commit) beside the raw side's whole; for one incident, the statements a report sends
(each one named) and the cpu time per incident; then, for either, the functions that took
the most cpu time of their own under ``cProfile`` (which slows every Python call alike, so
read it for shares, not for times).

    python bench/steps.py bulk_sqlite [--size 10000] [--top 25]
    python bench/steps.py record_one [--size 500]
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import io
import pstats
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import bulk_sqlite
import common
import record_one

from sro_core.builtin.sqlite import SQLiteStorage
from sro_core.domain import GradeSpan, Incident, Officer, School, SchoolLevel
from sro_core.ports import StorageSettings
from sro_core.serialization import structure_documents
from sro_core.service import Program, ProgramSettings


def _cpu(action: Callable[[], object]) -> float:
    began = time.process_time()
    action()
    return time.process_time() - began


def bulk(folder: Path, size: int, profile: cProfile.Profile) -> None:
    """Print the cpu time per incident of each bulk step, and profile the library side."""
    dicts = list(common.incident_dicts(size))
    read: list[tuple[Incident, dict[str, Any]]] = []
    validating = _cpu(lambda: read.extend(structure_documents(dicts, Incident)))
    storage = SQLiteStorage(
        StorageSettings(f"sqlite:///{bulk_sqlite._store(folder, 'lib')}", common.calendar())  # noqa: SLF001
    )

    def store() -> None:
        with storage.unit_of_work() as unit:
            unit.incidents.add_many([r for r, _ in read], [d for _, d in read])

    storing = _cpu(store)
    storage.close()
    raw = _cpu(lambda: bulk_sqlite.raw(bulk_sqlite._store(folder, "raw"), dicts))  # noqa: SLF001
    per = 1e6 / size
    sys.stdout.write(
        f"cpu per incident (n={size}): validating {validating * per:.1f} µs, storing "
        f"(add_many and commit) {storing * per:.1f} µs, library {(validating + storing) * per:.1f}"
        f" µs; raw (rows, executemany, commit) {raw * per:.1f} µs; ratio "
        f"{raw / (validating + storing):.2f}\n"
    )
    again = SQLiteStorage(
        StorageSettings(f"sqlite:///{bulk_sqlite._store(folder, 'again')}", common.calendar())  # noqa: SLF001
    )
    profile.enable()
    found = structure_documents(dicts, Incident)
    with again.unit_of_work() as unit:
        unit.incidents.add_many([r for r, _ in found], [d for _, d in found])
    profile.disable()
    again.close()


@contextmanager
def _statements() -> Iterator[collections.Counter[str]]:
    """Count the statements every SQLite connection opened meanwhile sends, by their start."""
    counted: collections.Counter[str] = collections.Counter()
    connect = sqlite3.connect

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = connect(*args, **kwargs)
        connection.set_trace_callback(lambda sql: counted.update([" ".join(sql.split()[:3])]))
        return connection

    sqlite3.connect = traced  # type: ignore[assignment]
    try:
        yield counted
    finally:
        sqlite3.connect = connect


def _reports(path: Path, count: int) -> tuple[Program, list[Incident]]:
    """Open a Program (dispatch after commit on, the default) with drafts ready to report."""
    program = Program.open(f"sqlite:///{path}", ProgramSettings(time_zone=common.ZONE))
    school = program.register_school(
        record_one.CHIEF, School("Bench High", "Bench USD", SchoolLevel.HIGH, GradeSpan(9, 12))
    )
    officer = program.register_officer(record_one.CHIEF, Officer(badge="1", name="Bench Officer"))
    drafts = record_one._drafts(list(common.incident_dicts(count)), officer, school)  # noqa: SLF001
    for draft in drafts[:20]:  # warm the caches, as the figure's script does
        program.report_incident(record_one.SRO, draft)
    return program, drafts[20:]


def one(folder: Path, size: int, profile: cProfile.Profile) -> None:
    """Print the statements and cpu time of one report, and profile the reports."""
    with _statements() as counted:
        program, drafts = _reports(folder / "counted.db", 40)
        counted.clear()
        for draft in drafts:
            program.report_incident(record_one.SRO, draft)
        program.close()
    program, drafts = _reports(folder / "timed.db", 2 * size + 20)
    cpu = _cpu(lambda: [program.report_incident(record_one.SRO, d) for d in drafts[:size]])
    profile.enable()
    for draft in drafts[size:]:
        program.report_incident(record_one.SRO, draft)
    profile.disable()
    program.close()
    sys.stdout.write(
        f"one incident with dispatch after commit: {cpu / size * 1e6:.0f} µs cpu, "
        f"{sum(counted.values()) / 20:.1f} statements each:\n"
        + "".join(f"  {n / 20:5.1f}  {start}\n" for start, n in sorted(counted.items()))
    )


def main() -> None:
    """Measure the steps of one figure's library side and print its profile."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("figure", choices=("bulk_sqlite", "record_one"))
    parser.add_argument("--size", type=int, default=0, help="incidents (default 10000 or 500)")
    parser.add_argument("--top", type=int, default=25, help="functions shown (default 25)")
    options = parser.parse_args()
    profile = cProfile.Profile()
    with tempfile.TemporaryDirectory(prefix="sro-bench-") as folder:
        if options.figure == "bulk_sqlite":
            bulk(Path(folder), options.size or 10_000, profile)
        else:
            one(Path(folder), options.size or 500, profile)
    shown = io.StringIO()
    pstats.Stats(profile, stream=shown).sort_stats("tottime").print_stats(options.top)
    sys.stdout.write(shown.getvalue().split("\n\n", 1)[-1])


if __name__ == "__main__":
    main()
