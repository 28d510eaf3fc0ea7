"""The repositories of a SQL store: one table per aggregate, optimistic updates by version."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs

from sro_core.domain import Assignment, CrisisEvent, Incident, Officer, Referral
from sro_core.ports import (
    Aggregate,
    AssignmentRepository,
    Conflict,
    CrisisRepository,
    IncidentRepository,
    NotFound,
    OfficerRepository,
    ReferralRepository,
    Repository,
)
from sro_core.serialization import collection_paused
from sro_core.sql import tables
from sro_core.sql.executor import Executor

R = TypeVar("R", bound=Aggregate)


class SQLRepository(Repository[R], Generic[R]):
    """An aggregate's table: inserts that never break the transaction, versioned updates.

    An insert whose id or unique value is taken, and an update of a record that moved on
    since it was read, change no row; the repository tells which it was and raises
    :class:`~sro_core.ports.Conflict` (or :class:`~sro_core.ports.NotFound`), and the unit of
    work goes on, as the memory reference's does.
    """

    def __init__(self, unit: Executor, table: tables.Table[R]) -> None:
        self.unit = unit
        self.table = table
        self.kind = table.kind
        self.d = unit.dialect

    def get(self, key: uuid.UUID) -> R:
        """Return the record with this id, or raise NotFound."""
        row = self.unit.execute(self.table.get_sql, (self.d.key(key),)).fetchone()
        if row is None:
            raise NotFound(self.kind, key)
        return self.table.read(row[0], self.unit.where)

    def add(self, record: R) -> R:
        """Insert a new record (version 0); a taken id or unique value is a Conflict."""
        if record.version != 0:
            raise Conflict(self.kind, record.id, "a new record has version 0")
        self.unit.write_lock()
        stored = self.table.stored(record, 1)  # checked when it was built
        rows, beside = self.table.rows([stored], self.unit.calendar, self.d)
        if self.unit.execute(self.table.insert_sql, rows[0]).rowcount == 0:
            raise self._clash(record)
        self.written([stored], beside, replace=False)
        return stored

    def _clash(self, record: R) -> Conflict:
        """Return the Conflict of a record that was not inserted: its id or a unique value."""
        unique = self.table.unique
        if unique is None or self.exists(record.id):
            return Conflict(self.kind, record.id, "a record with this id exists")
        return Conflict(self.kind, unique.value(record), unique.reason)

    def update(self, record: R) -> R:
        """Store a changed record over the version it was read at, or raise Conflict."""
        self.unit.write_lock()
        # Validated again: the next version may pass the largest a record holds (RuleViolation).
        stored: R = attrs.evolve(record, version=record.version + 1)  # type: ignore[misc]
        parameters, beside = self.table.update_rows(
            stored, record.version, self.unit.calendar, self.d
        )
        if self.unit.execute(self.table.update_sql, parameters).rowcount == 0:
            found = self.unit.execute(self.table.exists_sql, (self.d.key(record.id),)).fetchone()
            if found is None:
                raise NotFound(self.kind, record.id)
            unique = self.table.unique
            if found[0] != record.version or unique is None:
                raise Conflict(self.kind, record.id, "changed by someone else since it was read")
            raise Conflict(self.kind, unique.value(record), unique.reason)
        self.written([stored], beside, replace=True)
        return stored

    def add_many(
        self, records: Iterable[R], documents: Sequence[Mapping[str, Any]] | None = None
    ) -> list[R]:
        """Write every record by the store's bulk path; on a clash, redo them one by one.

        Redoing them one by one raises the same Conflict, at the same record, as ``add``
        would, and keeps the records before it, as the memory reference does.
        """
        batch = list(records)
        if not batch:
            return []
        if any(record.version != 0 for record in batch):
            return [self.add(record) for record in batch]
        self.unit.write_lock()
        table = self.table
        with collection_paused():  # the batch's copies and rows hold no cycles
            stored = [table.stored(record, 1) for record in batch]
            rows, beside = table.rows(stored, self.unit.calendar, self.d, documents)
        self.unit.savepoint("add_many")
        try:
            clean = self.unit.load(table, rows) and self.loaded(stored, beside)
        except BaseException:
            self.unit.back_to("add_many")
            raise
        if not clean:
            self.unit.back_to("add_many")
            return [self.add(record) for record in batch]
        self.unit.release("add_many")
        return stored

    def all(self) -> Iterator[R]:
        """Return every record, by id."""
        return self._where("", ())

    def after(self, key: uuid.UUID | None, limit: int) -> list[R]:
        """Return up to ``limit`` records after an id, by id (keyset pages)."""
        if key is None:
            return list(self._where("", (), limit=limit))
        return list(self._where("WHERE id > ?", (self.d.key(key),), limit=limit))

    def written(self, stored: list[R], beside: list[tables.Row], *, replace: bool) -> None:
        """Write what goes with records besides their rows: the rows beside them.

        ``beside`` are the rows the records keep in the table beside theirs (the incidents'
        involvements), made with their rows; those of a changed record replace its old ones.
        """
        table = self.table.beside
        if table is None:
            return
        if replace:
            for record in stored:
                self.unit.execute(table.delete_sql, (self.d.key(record.id),))
        if beside:
            self.unit.executemany(table.insert_sql, beside)

    def loaded(self, stored: list[R], beside: list[tables.Row]) -> bool:  # noqa: ARG002
        """Load what goes with a bulk-loaded batch besides its rows; False on a clash.

        The rows beside them go by the store's bulk path too (``stored``: for the person
        index's keys).
        """
        table = self.table.beside
        return table is None or self.unit.load(table, beside)

    def _where(
        self, condition: str, parameters: Sequence[object], *, limit: int | None = None
    ) -> Iterator[R]:
        found = self.unit.execute(
            f"{self.table.select_sql} {condition} ORDER BY id LIMIT ?",
            (*parameters, self.d.no_limit if limit is None else limit),
        ).fetchall()
        where, read = self.unit.where, self.table.read
        return iter([read(document, where) for (document,) in found])

    def exists(self, key: uuid.UUID) -> bool:
        """Return whether a record with this id is stored."""
        return self.unit.execute(self.table.exists_sql, (self.d.key(key),)).fetchone() is not None


class SQLOfficers(SQLRepository[Officer], OfficerRepository):
    """Officers, found by badge too."""

    def by_badge(self, badge: str) -> Officer:
        """Return the officer with this badge, or raise NotFound."""
        for officer in self._where("WHERE badge = ?", (badge,)):
            return officer
        raise NotFound(self.kind, badge)


class SQLIncidents(SQLRepository[Incident], IncidentRepository):
    """Incidents, found by number too; each with its involvements' rows beside it.

    The involvements are the table beside ``tables.INCIDENTS``: the shared ``written`` and
    ``loaded`` write them.
    """

    def by_number(self, number: str) -> Incident:
        """Return the incident with this number, or raise NotFound."""
        for incident in self._where("WHERE number = ?", (number,)):
            return incident
        raise NotFound(self.kind, number)


class SQLAssignments(SQLRepository[Assignment], AssignmentRepository):
    """Assignments, found by officer and by school."""

    def for_officer(self, officer_id: uuid.UUID) -> list[Assignment]:
        """Return the officer's assignments."""
        return list(self._where("WHERE officer_id = ?", (self.d.key(officer_id),)))

    def for_school(self, school_id: uuid.UUID) -> list[Assignment]:
        """Return the school's assignments."""
        return list(self._where("WHERE school_id = ?", (self.d.key(school_id),)))


class SQLReferrals(SQLRepository[Referral], ReferralRepository):
    """Referrals, found by incident and by partner."""

    def for_incident(self, incident_id: uuid.UUID) -> list[Referral]:
        """Return the incident's referrals."""
        return list(self._where("WHERE incident_id = ?", (self.d.key(incident_id),)))

    def for_partner(self, partner_id: uuid.UUID) -> list[Referral]:
        """Return the partner's referrals."""
        return list(self._where("WHERE partner_id = ?", (self.d.key(partner_id),)))


class SQLCrises(SQLRepository[CrisisEvent], CrisisRepository):
    """Crises, the active ones found by school."""

    def active(self, school_id: uuid.UUID | None = None) -> list[CrisisEvent]:
        """Return the active crises (of one school)."""
        if school_id is None:
            return list(self._where("WHERE status = 'active'", ()))
        return list(
            self._where("WHERE status = 'active' AND school_id = ?", (self.d.key(school_id),))
        )
