"""The unit of work both SQL stores share, over the few things each runs its own way.

A store's unit of work subclasses :class:`SQLUnitOfWork` and gives it an executor: it runs
statements in its transaction (mapping driver errors to :class:`~sro_core.ports.StorageError`),
takes the locks writes need, marks savepoints, and loads batches by its bulk path. Everything
else (repositories, outbox, audit log, NIBRS ledger, queries, incident numbers) is written once
in this package, over the store's :class:`~sro_core.sql.dialect.Dialect`.
"""

from __future__ import annotations

import abc
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

from sro_core.domain import (
    ActorEntry,
    Agreement,
    CommunityContact,
    EducationActivity,
    Partner,
    ProgramCalendar,
    School,
    SchoolLevel,
    incident_number,
)
from sro_core.ports import Conflict, UnitOfWork
from sro_core.sql import tables
from sro_core.sql.audit import SQLAudit, SQLSubmissions
from sro_core.sql.dialect import Dialect
from sro_core.sql.executor import Cursor, Parameters
from sro_core.sql.outbox import SQLOutbox
from sro_core.sql.people import SQLPeople
from sro_core.sql.queries import SQLQueries
from sro_core.sql.repositories import (
    SQLAssignments,
    SQLCrises,
    SQLIncidents,
    SQLOfficers,
    SQLReferrals,
    SQLRepository,
)

NEXT_NUMBER = (
    "INSERT INTO incident_numbers AS n VALUES (?, 1) "
    "ON CONFLICT (year) DO UPDATE SET last = n.last + 1 RETURNING last"
)
"""Allocates a year's next incident number; the upsert locks the year's row to the unit's end."""

OFFICER_AND_SCHOOL = (
    "SELECT (SELECT 1 FROM officers WHERE id = ?), (SELECT document FROM schools WHERE id = ?)"
)
"""Whether an officer is stored, and a school's document: what reporting an incident reads."""


class SQLUnitOfWork(UnitOfWork, abc.ABC):
    """One transaction of a SQL store: the shared parts, over the store's executor methods."""

    dialect: ClassVar[Dialect]
    """How the store's database spells the shared statements."""
    outbox_type: ClassVar[type[SQLOutbox]] = SQLOutbox
    """The outbox, whose claims and pruning a store may write its own way."""

    officers: SQLOfficers
    schools: SQLRepository[School]
    assignments: SQLAssignments
    people: SQLPeople
    incidents: SQLIncidents
    contacts: SQLRepository[CommunityContact]
    activities: SQLRepository[EducationActivity]
    partners: SQLRepository[Partner]
    actors: SQLRepository[ActorEntry]
    agreements: SQLRepository[Agreement]
    referrals: SQLReferrals
    crises: SQLCrises
    outbox: SQLOutbox
    audit: SQLAudit
    submissions: SQLSubmissions
    queries: SQLQueries

    def __init__(self, calendar: ProgramCalendar, where: str) -> None:
        self.calendar = calendar
        self.where = where

    def __getattr__(self, name: str) -> Any:
        """Make a repository, the outbox, the audit log … of the unit at its first use.

        A unit of work uses a few of them: the others are never made.
        """
        make = _PARTS.get(name)
        if make is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        part = make(self)
        setattr(self, name, part)
        return part

    @abc.abstractmethod
    def execute(self, sql: str, parameters: Parameters = ()) -> Cursor:
        """Run one statement in the unit's transaction; a driver error becomes StorageError."""

    @abc.abstractmethod
    def executemany(self, sql: str, parameters: Iterable[Sequence[object]]) -> None:
        """Run one statement for many rows in the unit's transaction."""

    @abc.abstractmethod
    def load(self, table: tables.Table[Any] | tables.Involvements, rows: Iterable[Any]) -> bool:
        """Write many new rows of a table by the store's bulk path, in the unit's transaction.

        Return False, having written part of them or none, when a row's id or unique value
        is taken: the caller rolls back to its savepoint and adds the rows one by one.
        """

    def write_lock(self) -> None:
        """Hold what writes need from now to the unit's end (SQLite: the database's lock)."""

    @abc.abstractmethod
    def lock_audit(self) -> None:
        """Hold the audit chain's head from now to the unit's end: other appends wait."""

    def savepoint(self, name: str) -> None:
        """Mark a point the unit can roll back to."""
        self.execute(f"SAVEPOINT {name}")

    def back_to(self, name: str) -> None:
        """Undo what was done since a savepoint, and forget it; the unit goes on."""
        self.execute(f"ROLLBACK TO SAVEPOINT {name}")
        self.release(name)

    def release(self, name: str) -> None:
        """Forget a savepoint, keeping what was done since."""
        self.execute(f"RELEASE SAVEPOINT {name}")

    def officer_and_school(
        self, officer_id: uuid.UUID, school_id: uuid.UUID | None
    ) -> tuple[bool, SchoolLevel | None]:
        """Return whether an officer is stored, and a school's level, in one statement.

        The level is read from the school's document alone, without building the school; a
        document it cannot be read from is read whole, as ``schools.get`` reads it (and fails
        as that does).
        """
        key = self.dialect.key
        statement = self.execute(OFFICER_AND_SCHOOL, (key(officer_id), key(school_id)))
        officer, document = statement.fetchall()[0]
        if document is None or school_id is None:
            return officer is not None, None
        try:
            level = SchoolLevel(json.loads(document)["level"])
        except (ValueError, KeyError, TypeError):
            level = self.schools.get(school_id).level
        return officer is not None, level

    def next_incident_number(self, year: int) -> str:
        """Allocate the year's next number in this transaction: unique and gap-free per year.

        The upsert locks the year's row until commit or rollback, so a concurrent unit
        allocating in the same year waits and then reads the committed count, and a
        rolled-back unit gives its numbers back (a SEQUENCE would not).
        """
        self.write_lock()
        try:
            (last,) = self.execute(NEXT_NUMBER, (year,)).fetchall()[0]
        except Conflict as race:
            raise Conflict("incident number", year, race.reason) from race
        return incident_number(year, int(last))


_PARTS: dict[str, Callable[[SQLUnitOfWork], object]] = {
    "officers": lambda unit: SQLOfficers(unit, tables.OFFICERS),
    "schools": lambda unit: SQLRepository[School](unit, tables.SCHOOLS),
    "assignments": lambda unit: SQLAssignments(unit, tables.ASSIGNMENTS),
    "people": lambda unit: SQLPeople(unit, tables.PEOPLE),
    "incidents": lambda unit: SQLIncidents(unit, tables.INCIDENTS),
    "contacts": lambda unit: SQLRepository[CommunityContact](unit, tables.CONTACTS),
    "activities": lambda unit: SQLRepository[EducationActivity](unit, tables.ACTIVITIES),
    "partners": lambda unit: SQLRepository[Partner](unit, tables.PARTNERS),
    "actors": lambda unit: SQLRepository[ActorEntry](unit, tables.ACTORS),
    "agreements": lambda unit: SQLRepository[Agreement](unit, tables.AGREEMENTS),
    "referrals": lambda unit: SQLReferrals(unit, tables.REFERRALS),
    "crises": lambda unit: SQLCrises(unit, tables.CRISES),
    "outbox": lambda unit: unit.outbox_type(unit),
    "audit": SQLAudit,
    "submissions": SQLSubmissions,
    "queries": SQLQueries,
}
"""What each part of a unit of work is made of, at its first use (see SQLUnitOfWork)."""
