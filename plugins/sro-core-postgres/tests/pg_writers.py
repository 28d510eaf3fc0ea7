"""What each writer process of the concurrency test does (imported by name in the child)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import attrs
from sro_core_postgres.store import PostgresStorage

from sro_core.domain import (
    Actor,
    ActorRole,
    AuditEntry,
    AuditOutcome,
    Incident,
    IncidentReported,
    IncidentStatus,
    Location,
    LocationKind,
)
from sro_core.ports import Conflict, StorageSettings

WRITERS = 4
ROUNDS = 20  # the shared officer's name (200 characters at most) takes a mark per round
YEAR = 2025
OFFICER = uuid.UUID(int=1)
SUPERVISOR = Actor(id="sgt.writers", name="Sgt. Writers", role=ActorRole.SUPERVISOR)


def report(store: PostgresStorage, writer: int, n: int) -> None:
    """Record an incident with its number, outbox event and audit entry, in one unit."""
    with store.unit_of_work() as unit:
        number = unit.next_incident_number(YEAR)
        began = dt.datetime(YEAR, 3, 1, 8, tzinfo=dt.UTC) + dt.timedelta(minutes=n)
        stored = unit.incidents.add(
            Incident(
                reporting_officer_id=uuid.UUID(int=writer),
                occurred_start=began,
                reported_at=began,
                location=Location(LocationKind.COMMUNITY, "13"),
                category="theft",
                narrative=f"writer {writer}, incident {n}",
                status=IncidentStatus.REPORTED,
                number=number,
            )
        )
        event = IncidentReported(
            occurred_at=began,
            incident_id=stored.id,
            number=number,
            school_id=None,
            category="theft",
        )
        unit.outbox.put([event], began)
        unit.audit.append(
            AuditEntry.sealed(
                unit.audit.head(),
                at=began,
                actor_id=f"writer {writer}",
                actor_role=ActorRole.SRO,
                component="test",
                action="report_incident",
                outcome=AuditOutcome.ALLOWED,
                target=str(stored.id),
            )
        )


def rename(store: PostgresStorage, writer: int) -> None:
    """Add the writer's mark to the shared officer's name, from the version just read."""
    with store.unit_of_work() as unit:
        officer = unit.officers.get(OFFICER)
        unit.officers.update(attrs.evolve(officer, name=f"{officer.name} {writer}"))


def retrying(action: Any, conflicts: list[str]) -> None:
    """Run an action until it commits, counting the conflicts it meets on the way."""
    for _ in range(1_000):
        try:
            action()
        except Conflict as conflict:
            conflicts.append(conflict.kind)
        else:
            return
    raise AssertionError("a thousand conflicts in a row")


def write(url: str, writer: int, start: Any, results: Any) -> None:
    """Open the store and report incidents and rename the officer, round after round.

    Runs in a child process; every error is sent back to the test rather than raised.
    """
    errors: list[str] = []
    conflicts: list[str] = []
    try:
        start.wait(timeout=120)
        with PostgresStorage(StorageSettings(url)) as store:
            for n in range(ROUNDS):
                retrying(lambda n=n: report(store, writer, n), conflicts)
                retrying(lambda: rename(store, writer), conflicts)
    except BaseException as error:  # noqa: BLE001 - the child reports every error to the test
        errors.append(f"{type(error).__name__}: {error}")
    results.put((writer, errors, conflicts))


PROGRAM_WRITERS = 8
PROGRAM_ROUNDS = 10


def report_through_the_program(url: str, writer: int, start: Any, results: Any) -> None:
    """Report incidents through the Program with no retry of a lost race: any race refuses one.

    Runs in a child process; sends back how many commands were refused and every error.
    """
    from sro_core.service import Program, ProgramSettings, core  # noqa: PLC0415 - in the child

    core._RETRIES = 1
    refused: list[str] = []
    errors: list[str] = []
    try:
        start.wait(timeout=120)
        settings = ProgramSettings(dispatch_after_commit=False, audit_key_variable=None)
        with Program.open(url, settings) as program:
            for n in range(PROGRAM_ROUNDS):
                # a year of its own per writer: numbers do not make the writers take turns
                year = YEAR + writer
                began = dt.datetime(year, 3, 1, 8, tzinfo=dt.UTC) + dt.timedelta(minutes=n)
                draft = Incident(
                    reporting_officer_id=OFFICER,
                    occurred_start=began,
                    reported_at=began,
                    location=Location(LocationKind.COMMUNITY, "13"),
                    category="theft",
                    narrative=f"writer {writer}, incident {n}",
                )
                try:
                    program.report_incident(SUPERVISOR, draft)
                except Conflict as conflict:
                    refused.append(str(conflict))
    except BaseException as error:  # noqa: BLE001 - the child reports every error to the test
        errors.append(f"{type(error).__name__}: {error}")
    results.put((writer, errors, refused))
