"""One incident recorded and committed through the Program (SQLite WAL), vs a raw single-row commit.

Library: ``Program.report_incident`` for a draft built from a JSON-lines dict: the officer and
school are checked, the number allocated, the incident (and its persons) stored, the
``IncidentReported`` event put in the outbox and the audit entry appended, in one committed
unit of work. Measured twice: with the default setting, which also delivers each event to the
log notifier at once (the figure the aim is about), and with events waiting for a dispatcher
(``dispatch_after_commit=False``).
Raw: ``INSERT`` of the incident row (built by hand from the dict) and ``COMMIT`` on a ``sqlite3``
connection to a WAL file with the same pragmas. Median and 99th percentile of each.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

import attrs
import bulk_sqlite
import common

from sro_core.domain import (
    Actor,
    ActorRole,
    GradeSpan,
    Incident,
    Officer,
    School,
    SchoolLevel,
)
from sro_core.serialization import structure
from sro_core.service import Program, ProgramSettings

CHIEF = Actor(id="chief", name="Chief", role=ActorRole.SUPERVISOR)
SRO = Actor(id="sro", name="Officer", role=ActorRole.SRO)


def _drafts(dicts: list[dict[str, Any]], officer: Officer, school: School) -> list[Incident]:
    drafts = []
    for data in dicts:
        draft = structure(
            {
                **data,
                "status": "draft",
                "number": None,
                "reporting_officer_id": str(officer.id),
                "school_id": str(school.id),
            },
            Incident,
        )
        drafts.append(draft)
    return drafts


def library(path: Path, dicts: list[dict[str, Any]], *, dispatch: bool) -> list[float]:
    """Report each draft through the Program; return each call's seconds."""
    settings = ProgramSettings(time_zone=common.ZONE, dispatch_after_commit=dispatch)
    with Program.open(f"sqlite:///{path}", settings) as program:
        school = program.register_school(
            CHIEF, School("Bench High", "Bench USD", SchoolLevel.HIGH, GradeSpan(9, 12))
        )
        officer = program.register_officer(CHIEF, Officer(badge="1", name="Bench Officer"))
        drafts = _drafts(dicts, officer, school)
        for draft in drafts[:20]:  # warm the caches and the statement cache
            program.report_incident(
                SRO, attrs.evolve(draft, id=type(draft.id)(int=draft.id.int ^ 1))
            )
        samples = []
        for draft in drafts:
            began = time.perf_counter()
            program.report_incident(SRO, draft)
            samples.append(time.perf_counter() - began)
        return samples


def raw(path: Path, dicts: list[dict[str, Any]]) -> list[float]:
    """Insert each incident row and commit it, on its own; return each commit's seconds."""
    bulk_sqlite._store(path.parent, path.stem)  # noqa: SLF001 - the same empty schema
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA foreign_keys = ON")
    samples = []
    try:
        for data in dicts:
            began = time.perf_counter()
            row, _ = common.raw_incident(data)
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(
                bulk_sqlite.INCIDENT_INSERT,
                (*row[:8], row[8].isoformat(timespec="microseconds"), *row[9:]),
            )
            connection.execute("COMMIT")
            samples.append(time.perf_counter() - began)
    finally:
        connection.close()
    return samples


def main() -> None:
    """Measure both sides and report the figures."""
    options = common.arguments(__doc__.splitlines()[0], size=2_000, tiny=200)
    dicts = list(common.incident_dicts(options.size))
    with tempfile.TemporaryDirectory(prefix="sro-bench-") as folder:
        where = Path(folder)
        waiting = library(where / "library.db", dicts, dispatch=False)
        dispatching = library(where / "dispatching.db", dicts, dispatch=True)
        theirs = raw(where / "raw.db", dicts)
    raw_median, raw_p99 = common.median(theirs) * 1e3, common.percentile(theirs, 0.99) * 1e3
    for name, samples, floor in (
        ("median, events waiting for a dispatcher", waiting, 1.0),
        ("median, with dispatch after commit (log notifier)", dispatching, 1.0),
        ("p99, with dispatch after commit (log notifier)", dispatching, None),
    ):
        p99 = name.startswith("p99")
        mine = (common.percentile(samples, 0.99) if p99 else common.median(samples)) * 1e3
        raw_figure = raw_p99 if p99 else raw_median
        ratio = mine / raw_figure
        common.report(
            common.Figure(
                f"one incident through the Program, SQLite WAL, {name}, vs a raw single-row commit",
                "ms",
                mine,
                raw_figure,
                ratio,
                "< 1 ms" if floor else "<= 5x raw",
                "<= 3x raw",
                mine < floor if floor else ratio <= 5.0,
                ratio <= 3.0,
                options.size,
                f"raw median {raw_median:.3f} ms, p99 {raw_p99:.3f} ms",
            ),
            as_json=options.json,
        )


if __name__ == "__main__":
    main()
