"""The master person index in SQL, written once for both stores: lifting, merges, keys, records.

Merges live in the ``people.merged_into`` column, so that the ids merged into a person are one
recursive query; each person's matching keys live in ``person_keys`` (migration 8), written
with the record, so that ``similar`` reads only the records sharing a key with the person; a
person's contacts, referrals and crises are found by the ``person_id`` and ``incident_id``
columns their tables keep beside the documents (migration 7).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

from sro_core.domain import Person, PersonRecord, record_keys
from sro_core.ports import PersonIndex, PersonRecords
from sro_core.sql import ddl, tables
from sro_core.sql.migrations import Execute
from sro_core.sql.repositories import SQLRepository

if TYPE_CHECKING:
    from sro_core.sql.executor import Executor

FAMILY = """
WITH RECURSIVE family (id) AS (
    SELECT id FROM people WHERE merged_into = ?
    UNION
    SELECT p.id FROM people AS p JOIN family AS f ON p.merged_into = f.id
)
SELECT id FROM family
"""
"""Every id merged into a person, directly or through other merges (merges never loop)."""

INSERT_KEY = "INSERT INTO person_keys (key, person_id) VALUES (?, ?)"
DELETE_KEYS = "DELETE FROM person_keys WHERE person_id = ?"
FILL_BATCH = 400
"""Keys written by one statement when a migration fills them (800 parameters)."""


class SQLPeople(SQLRepository[PersonRecord], PersonIndex):
    """The person index of a SQL store."""

    def lift(self, people: Iterable[tuple[Person, uuid.UUID | None]]) -> int:
        """Add the people the index lacks in two statements: which are there, then the rest."""
        wanted: dict[uuid.UUID, tuple[Person, uuid.UUID | None]] = {}
        for person, school_id in people:
            wanted.setdefault(person.id, (person, school_id))
        if not wanted:
            return 0
        parameters: list[object] = []
        test = self.d.any_key("id", frozenset(wanted), parameters)
        sql = f"SELECT id FROM people WHERE {test}"  # noqa: S608 - only placeholders
        for (key,) in self.unit.execute(sql, parameters).fetchall():
            wanted.pop(self.d.read_key(key), None)
        self.add_many(PersonRecord.of(*wanted[k]) for k in sorted(wanted))
        return len(wanted)

    def family(self, key: uuid.UUID) -> frozenset[uuid.UUID]:
        """Return ``key`` and every id merged into it, by one recursive query."""
        found = self.unit.execute(FAMILY, (self.d.key(key),)).fetchall()
        return frozenset({key, *(self.d.read_key(k) for (k,) in found)})

    def written(
        self,
        stored: list[PersonRecord],
        beside: list[tables.Row],  # noqa: ARG002 - the people's table has none beside
        *,
        replace: bool,
    ) -> None:
        """Write the records' matching keys (replacing those of a changed record)."""
        if replace:
            for record in stored:
                self.unit.execute(DELETE_KEYS, (self.d.key(record.id),))
        rows = [(key, self.d.key(r.id)) for r in stored for key in sorted(record_keys(r))]
        if rows:
            self.unit.executemany(INSERT_KEY, rows)

    def loaded(self, stored: list[PersonRecord], beside: list[tables.Row]) -> bool:
        """Write a bulk-loaded batch's matching keys."""
        self.written(stored, beside, replace=False)
        return True

    def similar(self, person: PersonRecord) -> list[PersonRecord]:
        """Return the unmerged records sharing a matching key with a person, by id."""
        keys = record_keys(person)
        if not keys:
            return []
        parameters: list[object] = []
        test = self.d.any_text("key", keys, parameters)
        sharing = f"SELECT DISTINCT person_id FROM person_keys WHERE {test}"  # noqa: S608
        rows = self.unit.execute(sharing, parameters).fetchall()
        found = frozenset(self.d.read_key(k) for (k,) in rows)
        if not found:
            return []
        # Two statements, each led by its own index: as one (``id IN (SELECT ...)``), a prepared
        # statement's generic plan on PostgreSQL walks the whole index in id order instead.
        parameters = []
        test = self.d.any_key("id", found, parameters)
        return list(self._where(f"WHERE {test} AND merged_into IS NULL", parameters))


def fill_keys(execute: Execute) -> None:
    """Write the matching keys of every person in the index (migration 8, in both stores)."""
    rows: list[object] = []
    for key, document in execute("SELECT id, document FROM people", ()).fetchall():
        record = tables.PEOPLE.read(document, "the person index")
        rows.extend(v for k in sorted(record_keys(record)) for v in (k, key))
    for start in range(0, len(rows), 2 * FILL_BATCH):
        batch = rows[start : start + 2 * FILL_BATCH]
        values = ", ".join(["(?, ?)"] * (len(batch) // 2))
        execute(f"INSERT INTO person_keys (key, person_id) VALUES {values}", batch)  # noqa: S608


def person_records(unit: Executor, people: Collection[uuid.UUID]) -> PersonRecords:
    """Return the records that name any of ``people``, each kind by id."""
    d, keys = unit.dialect, frozenset(people)

    def involved(parameters: list[object]) -> str:
        test = d.any_key("person_id", keys, parameters)
        return f"SELECT incident_id FROM involvements WHERE {test}"  # noqa: S608 - placeholders

    def read(table: tables.Table[Any], condition: str, parameters: list[object]) -> tuple[Any, ...]:
        found = unit.execute(
            f"{table.select_sql} WHERE {condition} ORDER BY id", parameters
        ).fetchall()
        return tuple(table.read(document, unit.where) for (document,) in found)

    incidents: list[object] = []
    contacts: list[object] = []
    referrals: list[object] = []
    crises: list[object] = []
    return PersonRecords(
        incidents=read(tables.INCIDENTS, f"id IN ({involved(incidents)})", incidents),
        contacts=read(tables.CONTACTS, d.any_key("person_id", keys, contacts), contacts),
        referrals=read(
            tables.REFERRALS,
            f"{d.any_key('person_id', keys, referrals)} OR "
            f"(person_id IS NULL AND incident_id IN ({involved(referrals)}))",
            referrals,
        ),
        crises=read(tables.CRISES, f"incident_id IN ({involved(crises)})", crises),
    )


FILLS = {ddl.MIGRATIONS.index(ddl.PERSON_KEYS) + 1: fill_keys}
"""What fills each SQL store's tables in Python after a migration's script (``Schema.filled``)."""
