"""The SQLite store's part of the master person index: a person's records, read in SQL.

A person's incidents are found through ``involvements_by_person``; contacts, referrals and
crises through the ids their documents hold.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, TypeVar

from sro_core.builtin.sqlite import rows
from sro_core.ports import Aggregate, PersonRecords

if TYPE_CHECKING:
    from sro_core.builtin.sqlite.store import SQLiteUnitOfWork

R = TypeVar("R", bound=Aggregate)

_PEOPLE = "SELECT value FROM json_each(?)"
_INVOLVED = f"SELECT incident_id FROM involvements WHERE person_id IN ({_PEOPLE})"  # noqa: S608

INCIDENTS = f"WHERE id IN ({_INVOLVED})"
"""The incidents that involve one of the people (a JSON list of ids)."""
CONTACTS = f"WHERE json_extract(document, '$.person_id') IN ({_PEOPLE})"
"""The contacts with one of the people."""
REFERRALS = (
    f"WHERE json_extract(document, '$.person_id') IN ({_PEOPLE}) "
    f"OR (json_extract(document, '$.person_id') IS NULL AND incident_id IN ({_INVOLVED}))"
)
"""The referrals that name one of the people, or name no one and refer one's incident."""
CRISES = f"WHERE json_extract(document, '$.incident_id') IN ({_INVOLVED})"
"""The crises linked to an incident of one of the people."""


def _read(
    unit: SQLiteUnitOfWork, table: rows.Table[R], condition: str, parameters: Sequence[object]
) -> tuple[R, ...]:
    found = unit.execute(f"{table.select_sql} {condition} ORDER BY id", parameters).fetchall()
    return tuple(table.read(document, unit.where) for (document,) in found)


def person_records(unit: SQLiteUnitOfWork, people: Collection[uuid.UUID]) -> PersonRecords:
    """Return the records that name any of ``people``, each kind by id."""
    ids = rows.encode(sorted(str(p) for p in people))
    return PersonRecords(
        incidents=_read(unit, rows.INCIDENTS, INCIDENTS, (ids,)),
        contacts=_read(unit, rows.CONTACTS, CONTACTS, (ids,)),
        referrals=_read(unit, rows.REFERRALS, REFERRALS, (ids, ids)),
        crises=_read(unit, rows.CRISES, CRISES, (ids,)),
    )
