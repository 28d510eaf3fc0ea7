"""What an export released, named in its audit entry: the records' ids, or their digest.

CJIS asks that an audit record say what was acted on. An export's entry names each record it
released when they are few, and otherwise their number and a SHA-256 digest of their ids in
the order written (anyone holding a copy of the export can recompute it), with the filter
that chose them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

import attrs

from sro_core.ports import IncidentFilter, Period

LISTED = 10
"""Up to this many released records are named one by one; more are named by their digest."""


T = TypeVar("T")


class Released(Generic[T]):
    """Passes records through to an exporter, keeping the ids of those it releases.

    :param id_of: a record's id, or None for a record that has none (an aggregate).
    """

    def __init__(self, records: Iterable[T], id_of: Callable[[T], str | None]) -> None:
        self._records = records
        self._id_of = id_of
        self._digest = hashlib.sha256()
        self.ids: list[str] = []
        self.count = 0

    def __iter__(self) -> Iterator[T]:
        for record in self._records:
            key = self._id_of(record)
            if key is not None:
                self.count += 1
                self._digest.update(key.encode() + b"\n")
                if len(self.ids) < LISTED:
                    self.ids.append(key)
            yield record

    def describe(self) -> str:
        """Return the released records as the audit entry names them."""
        if self.count == 0:
            return "no records by id"
        if self.count <= LISTED:
            return "ids " + " ".join(self.ids)
        return f"{self.count} records, ids sha256:{self._digest.hexdigest()}"


def describe_selection(where: IncidentFilter | None, period: Period | None) -> str:
    """Return the filter and period that chose an export's records, as ``name=value`` pairs."""
    parts: list[str] = []
    if where is not None:
        for field in attrs.fields(IncidentFilter):
            value = getattr(where, field.name)
            if value is not None:
                shown = sorted(str(v) for v in value) if isinstance(value, frozenset) else value
                parts.append(f"{field.name}={shown}")
    if period is not None:
        parts.append(f"period={period.start.isoformat()}..{period.end.isoformat()}")
    return ", ".join(parts) or "everything the actor may read"
