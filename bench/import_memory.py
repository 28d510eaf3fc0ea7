"""Peak memory of ``sro import`` over a small and a large JSON-lines file: flat in the size.

Each size runs in a fresh interpreter: it makes a SQLite store with one officer and one school,
writes N community contacts as JSON lines, and runs ``sro import contacts FILE`` in-process; it
reports its own peak resident memory (``ru_maxrss``) and the import's records per second. The
figure is the peak of the large import (floor < 500 MB, aim < 300 MB); "raw" is the peak of the
small one, so the ratio shows how much memory grows with ten times the records (1.0 is flat).
The default sizes are 100,000 and 1,000,000 records; ``--tiny`` uses 2,000 and 20,000.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import common

CHILD = """
import datetime as dt, json, resource, sys, time, uuid
from click.testing import CliRunner
from sro_core.cli import cli
from sro_core.cli.app import user
from sro_core.domain import Actor, ActorRole, GradeSpan, Officer, School, SchoolLevel
from sro_core.service import Program

url, path, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
chief = Actor("bench", "Bench", ActorRole.SUPERVISOR)
with Program.open(url) as program:
    school = program.register_school(
        chief, School("Bench High", "Bench USD", SchoolLevel.HIGH, GradeSpan(9, 12))
    )
    officer = program.register_officer(chief, Officer(badge="1", name="Bench Officer"))
    program.register_first_supervisor(user())
start = dt.datetime(2026, 9, 1, 15, tzinfo=dt.UTC)
with open(path, "w", encoding="utf-8") as out:
    for n in range(count):
        out.write(json.dumps({
            "id": str(uuid.UUID(int=n + 1)), "officer_id": str(officer.id),
            "at": (start + dt.timedelta(minutes=n % 400_000)).isoformat(),
            "party": "staff", "purpose": "advice", "triad_role": "informal_counselor_mentor",
            "minutes": 1 + n % 60, "school_id": str(school.id),
            "summary": "Talked with the vice principal about the bus line.",
        }) + "\\n")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
began = time.perf_counter()
result = CliRunner().invoke(cli, ["--store", url, "import", "contacts", path])
seconds = time.perf_counter() - began
assert result.exit_code == 0, result.output
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"peak_mb": peak / 1024, "before_mb": before / 1024, "seconds": seconds}))
"""


def _run(count: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="sro-bench-") as folder:
        store = Path(folder) / "import.db"
        found = subprocess.run(  # noqa: S603 - our own interpreter and code
            [
                sys.executable,
                "-c",
                CHILD,
                f"sqlite:///{store}",
                str(Path(folder) / "contacts.jsonl"),
                str(count),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    if found.returncode != 0:
        raise SystemExit(found.stderr.strip().splitlines()[-1] if found.stderr else "failed")
    result: dict[str, float] = json.loads(found.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    """Import a small and a large file in fresh interpreters; report the peaks."""
    options = common.arguments(__doc__.splitlines()[0], size=1_000_000, tiny=20_000)
    small_size = options.size // 10
    small, large = _run(small_size), _run(options.size)
    common.report(
        common.Figure(
            f"peak memory importing {options.size:,} records (raw: {small_size:,})",
            "MB",
            large["peak_mb"],
            small["peak_mb"],
            large["peak_mb"] / small["peak_mb"],
            "< 500 MB",
            "< 300 MB, flat",
            large["peak_mb"] < 500,
            large["peak_mb"] < 300 and large["peak_mb"] / small["peak_mb"] < 1.2,
            options.size,
            f"{options.size / large['seconds']:,.0f} records/s (check, then store);"
            f" {small_size / small['seconds']:,.0f} records/s at {small_size:,};"
            f" before the import {large['before_mb']:.0f} MB",
        ),
        as_json=options.json,
    )


if __name__ == "__main__":
    main()
