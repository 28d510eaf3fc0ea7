"""Run every benchmark and print the table of the performance figures (docs/performance.md).

``python bench/run.py`` runs each script with its default sizes (minutes on a 2-core machine);
``--tiny`` runs them on a few thousand records (seconds, for CI); ``--runs 3`` runs every
script three times, round after round, and gives each figure's median with the spread over the
runs; ``--markdown`` prints the table as docs/performance.md holds it, and ``--update FILE``
writes it into that file between its ``<!-- figures -->`` and ``<!-- /figures -->`` lines;
``--strict`` also fails when a figure's median is below its floor. A script that fails, or a
figure the library could not produce, makes the run fail. A script whose database is not there
(PostgreSQL) is reported as skipped unless ``SRO_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import common

HERE = Path(__file__).parent
SCRIPTS = (
    "bulk_sqlite.py",
    "bulk_postgres.py",
    "record_one.py",
    "monthly_counts.py",
    "export_stream.py",
    "program_open.py",
    "audit_writers.py",
    "cold_start.py",
    "import_memory.py",
    "dispatch_outbox.py",
    "notifiers.py",
    "find_people.py",
)
NEEDS_POSTGRES = frozenset({"bulk_postgres.py", "audit_writers.py"})


def _postgres_problem() -> str | None:
    try:
        import psycopg  # noqa: PLC0415

        with psycopg.connect(common.postgres_url(), connect_timeout=3):
            return None
    except Exception as error:  # noqa: BLE001 - any failure means no server to measure
        return f"{type(error).__name__}: {str(error).strip().splitlines()[0]}"


def main() -> int:
    """Run the scripts, print the table, and return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="a few seconds per script")
    parser.add_argument("--runs", type=int, default=1, help="runs of every script (default 1)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--update", type=Path, help="write the table into this Markdown file")
    parser.add_argument("--strict", action="store_true", help="fail below a floor too")
    parser.add_argument("--only", nargs="*", default=None, help="scripts to run (by name)")
    options = parser.parse_args()
    scripts = [s for s in SCRIPTS if not options.only or s.removesuffix(".py") in options.only]
    runs: dict[str, list[dict[str, object]]] = {}
    failed: list[str] = []
    for _ in range(max(1, options.runs)):
        for figure in _round(scripts, tiny=options.tiny, failed=failed):
            runs.setdefault(str(figure["name"]), []).append(figure)
            common.report(common.Figure(**figure), as_json=False)
    figures = [summary(found) for found in runs.values()]
    if options.runs > 1:
        sys.stdout.write(f"\nover {options.runs} runs (median, spread):\n")
        for figure in figures:
            common.report(common.Figure(**figure), as_json=False)
    if options.markdown:
        sys.stdout.write(table(figures))
    if options.update:
        update(options.update, table(figures), runs=options.runs, tiny=options.tiny)
    if options.strict:
        failed.extend(f"below the floor: {f['name']}" for f in figures if not f["meets_floor"])
    for failure in dict.fromkeys(failed):
        sys.stderr.write(f"FAILED {failure}\n")
    return 1 if failed else 0


def _round(scripts: list[str], *, tiny: bool, failed: list[str]) -> Iterator[dict[str, object]]:
    """Run each script once and yield its figures; a failure is added to ``failed``."""
    problem = _postgres_problem()
    required = os.environ.get("SRO_REQUIRE_SERVICES") == "1"
    for script in scripts:
        if problem and script in NEEDS_POSTGRES | {"monthly_counts.py"}:
            if required:
                failed.append(f"{script}: no PostgreSQL server ({problem})")
                continue
            if script in NEEDS_POSTGRES:
                sys.stdout.write(f"skipped {script}: no PostgreSQL server ({problem})\n")
                continue
        command = [sys.executable, str(HERE / script), "--json", *(["--tiny"] * tiny)]
        found = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        for line in found.stdout.splitlines():
            if line.startswith("{"):
                yield json.loads(line)
        if found.returncode != 0:
            last = (found.stderr.strip().splitlines() or [f"exit {found.returncode}"])[-1]
            failed.append(f"{script}: {last}")


def summary(runs: list[dict[str, object]]) -> dict[str, object]:
    """Return one figure for its runs: the run of the median ratio, with the spread noted.

    The verdicts are the median run's; the notes say the ratio of every run, in order.
    """
    ratios = [float(str(run["ratio"])) for run in runs]
    middle = statistics.median_low(ratios)
    chosen = dict(runs[ratios.index(middle)])
    if len(runs) > 1:
        each = ", ".join(f"{r:.2f}" for r in ratios)
        spread = f"ratio over {len(runs)} runs: {min(ratios):.2f}-{max(ratios):.2f} ({each})"
        chosen["notes"] = f"{spread}; {chosen['notes']}" if chosen["notes"] else spread
    return chosen


START, END = "<!-- figures -->", "<!-- /figures -->"


def update(path: Path, found: str, *, runs: int, tiny: bool) -> None:
    """Write the table between a Markdown file's figure markers; the rest stays as it is."""
    text = path.read_text(encoding="utf-8")
    if text.count(START) != 1 or text.count(END) != 1:
        raise SystemExit(f"{path}: needs one {START} line and one {END} line")
    head, rest = text.split(START)
    _, tail = rest.split(END)
    how = f"python bench/run.py --runs {runs}" + (" --tiny" if tiny else "")
    written = f"{START}\n\nMeasured by `{how} --update {path.as_posix()}`.\n\n{found}\n{END}"
    fresh = path.with_name(path.name + ".new")  # replaced whole: a failed write leaves the page
    fresh.write_text(head + written + tail, encoding="utf-8")
    fresh.replace(path)


def table(figures: list[dict[str, object]]) -> str:
    """Return the figures as the Markdown table of docs/performance.md."""
    lines = [
        "| figure | n | library | raw | ratio | floor | aim | verdict | notes |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        verdict = "aim" if f["meets_aim"] else ("floor" if f["meets_floor"] else "**below floor**")
        unit = f["unit"]
        lines.append(
            f"| {f['name']} | {f['size']:,} | {common.number(float(str(f['library'])))} {unit} "
            f"| {common.number(float(str(f['raw'])))} {unit} | {float(str(f['ratio'])):.2f} "
            f"| {f['floor']} | {f['aim']} | {verdict} | {f['notes']} |"
        )
    machine = common.machine()
    lines.append("")
    lines.append("Machine: " + ", ".join(f"{k} {v}" for k, v in machine.items()))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
