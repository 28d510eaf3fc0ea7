"""The PostgreSQL store's part of the master person index: a person's records, read in SQL.

A person's incidents are found through ``involvements_by_person``; contacts, referrals and
crises through the ids their documents hold.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, TypeVar

from sro_core.ports import Aggregate, PersonRecords
from sro_core_postgres import rows

if TYPE_CHECKING:
    from sro_core_postgres.store import PostgresUnitOfWork

R = TypeVar("R", bound=Aggregate)

_INVOLVED = "SELECT incident_id FROM involvements WHERE person_id = ANY(%(ids)s)"

INCIDENTS = f"WHERE id IN ({_INVOLVED})"
"""The incidents that involve one of the people."""
CONTACTS = "WHERE (document::jsonb ->> 'person_id') = ANY(%(texts)s)"
"""The contacts with one of the people."""
REFERRALS = (
    "WHERE (document::jsonb ->> 'person_id') = ANY(%(texts)s) "
    f"OR ((document::jsonb ->> 'person_id') IS NULL AND incident_id IN ({_INVOLVED}))"
)
"""The referrals that name one of the people, or name no one and refer one's incident."""
CRISES = f"WHERE ((document::jsonb ->> 'incident_id')::uuid) IN ({_INVOLVED})"
"""The crises linked to an incident of one of the people."""


def _read(
    unit: PostgresUnitOfWork,
    table: rows.Table[R],
    condition: str,
    parameters: dict[str, Sequence[object]],
) -> tuple[R, ...]:
    found = unit.execute(f"{table.select_sql} {condition} ORDER BY id", parameters).fetchall()
    return tuple(table.read(document, unit.where) for (document,) in found)


def person_records(unit: PostgresUnitOfWork, people: Collection[uuid.UUID]) -> PersonRecords:
    """Return the records that name any of ``people``, each kind by id."""
    ids = sorted(people)
    parameters: dict[str, Sequence[object]] = {"ids": ids, "texts": [str(p) for p in ids]}
    return PersonRecords(
        incidents=_read(unit, rows.INCIDENTS, INCIDENTS, parameters),
        contacts=_read(unit, rows.CONTACTS, CONTACTS, parameters),
        referrals=_read(unit, rows.REFERRALS, REFERRALS, parameters),
        crises=_read(unit, rows.CRISES, CRISES, parameters),
    )
