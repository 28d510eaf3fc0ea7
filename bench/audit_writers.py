"""Audit cost under concurrent writers on PostgreSQL: the same writers with and without audit.

Each of W writer processes (1 and 8; 1 and 2 with ``--tiny``) records incidents in units of
work of their own on one PostgreSQL store: the year's next number, the incident, its
``IncidentReported`` event in the outbox, and, on the audited side, its keyed audit entry
appended with ``AuditLog.append_next`` as the Program does (under the store's audit lock, held
from the append to the commit). Each writer numbers in a year of its own, so without audit
nothing makes the writers take turns; with audit, only the append does. The figure is the
throughput (committed units per second, all writers together) with audit over the throughput
of the same writers without it, at the highest number of writers; the note gives it for one
writer and how throughput changes from one writer to many. Writers open their store before
the clock starts; the clock stops when the last writer has committed.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import sys
import time
import uuid
from typing import Any

import common
from sro_core_postgres.store import PostgresStorage

from sro_core.domain import (
    ActorRole,
    AuditEntry,
    AuditKey,
    AuditOutcome,
    Incident,
    IncidentReported,
    IncidentStatus,
    Location,
    LocationKind,
)
from sro_core.ports import StorageSettings

KEY = AuditKey(b"bench audit key, 32 bytes or more")
OFFICER = uuid.UUID(int=1)


def _record(store: PostgresStorage, writer: int, n: int, *, audited: bool) -> None:
    year = 2000 + writer
    began = dt.datetime(year, 3, 1, 8, tzinfo=dt.UTC) + dt.timedelta(seconds=n)
    with store.unit_of_work() as unit:
        number = unit.next_incident_number(year)
        stored = unit.incidents.add(
            Incident(
                reporting_officer_id=OFFICER,
                occurred_start=began,
                reported_at=began,
                location=Location(LocationKind.COMMUNITY, "13"),
                category="theft",
                status=IncidentStatus.REPORTED,
                number=number,
            )
        )
        unit.outbox.put(
            [
                IncidentReported(
                    occurred_at=began,
                    incident_id=stored.id,
                    number=number,
                    school_id=None,
                    category="theft",
                )
            ],
            began,
        )
        if audited:
            unit.audit.append_next(
                lambda head: AuditEntry.sealed(
                    head,
                    at=began,
                    actor_id=f"writer{writer}",
                    actor_role=ActorRole.SRO,
                    component="bench",
                    action="report_incident",
                    outcome=AuditOutcome.ALLOWED,
                    target=str(stored.id),
                    key=KEY,
                )
            )


def writer_process(url: str, writer: int, units: int, audited: bool, start: Any) -> None:
    """Open the store, wait for the others, then record ``units`` incidents."""
    with PostgresStorage(StorageSettings(url)) as store:
        start.wait(timeout=120)
        for n in range(units):
            _record(store, writer, n, audited=audited)


def throughput(writers: int, units: int, *, audited: bool) -> float:
    """Return committed units per second of ``writers`` processes on a new schema."""
    schema = common.new_schema_name("audit")
    url = common.with_schema(common.postgres_url(), schema)
    PostgresStorage(StorageSettings(url)).close()  # the schema, made before the clock
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(writers + 1)
    children = [
        context.Process(target=writer_process, args=(url, w, units, audited, start))
        for w in range(1, writers + 1)
    ]
    try:
        for child in children:
            child.start()
        start.wait(timeout=120)
        began = time.perf_counter()
        for child in children:
            child.join()
        elapsed = time.perf_counter() - began
        if any(child.exitcode != 0 for child in children):
            sys.exit("a writer process failed")
    finally:
        common.drop_schema(common.postgres_url(), schema)
    return writers * units / elapsed


def main() -> None:
    """Measure both sides at one writer and at many, and report the figure."""
    options = common.arguments(__doc__.splitlines()[0], size=300, tiny=20)
    many = 2 if options.tiny else 8
    rates: dict[tuple[int, bool], float] = {}
    for writers in (1, many):
        for audited in (False, True):
            rates[writers, audited] = max(
                throughput(writers, options.size, audited=audited) for _ in range(options.repeat)
            )
    ratio = rates[many, True] / rates[many, False]
    one = rates[1, True] / rates[1, False]
    common.report(
        common.Figure(
            f"{many} PostgreSQL writers: units/s with a keyed audit entry each vs without",
            "units/s",
            rates[many, True],
            rates[many, False],
            ratio,
            ">= 0.5",
            ">= 0.8",
            ratio >= 0.5,
            ratio >= 0.8,
            options.size * many,
            f"1 writer: {rates[1, True]:.0f} vs {rates[1, False]:.0f} units/s (ratio {one:.2f}); "
            f"from 1 to {many} writers, with audit x{rates[many, True] / rates[1, True]:.2f}, "
            f"without x{rates[many, False] / rates[1, False]:.2f}",
        ),
        as_json=options.json,
    )


if __name__ == "__main__":
    main()
