"""Sealed incidents in the counts: the storage contract's part, on seal and unseal.

:class:`~sro_core.testing.StorageContract` includes these tests, so every backend's test file
runs them. A count asked with ``include_sealed=False`` (the default) leaves out the sealed
incidents and the referrals of them, as if they had never been recorded; asked with
``include_sealed=True`` it counts them, and a seal or its undo changes nothing. After any
sequence of seals and unseals each count, asked either way, is the memory reference's.
"""

# ruff: noqa: S101 - a test kit checks with assert, as pytest's own tests do; pytest rewrites it

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Final

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn

from sro_core.domain import (
    Incident,
    ProgramCalendar,
    RecordRestriction,
    Referral,
    SchoolYear,
)
from sro_core.ports import Period, Storage, UnitOfWork
from sro_core.testing import strategies
from sro_core.testing._support import _property, broken, in_unit
from sro_core.testing.examples import Term, term

if TYPE_CHECKING:
    from sro_core.builtin.memory import MemoryStorage

SEALED_COUNTS: Final = ("monthly_counts", "location_counts", "referral_counts", "crdc_counts")
"""The queries a seal may change: those counting incidents, and referrals of incidents."""

_ALL_TIME: Final = Period(
    dt.datetime(1900, 1, 1, tzinfo=dt.UTC), dt.datetime(2200, 1, 1, tzinfo=dt.UTC)
)


def sealed(incident: Incident, *, seal: bool = True) -> Incident:
    """Return an incident sealed (or unsealed) as the restrictions desk leaves it."""
    change = incident.restrictions | {RecordRestriction.SEALED}
    if not seal:
        change = incident.restrictions - {RecordRestriction.SEALED}
    return attrs.evolve(incident, restrictions=change)


def counted(
    unit: UnitOfWork, years: Iterable[SchoolYear], period: Period = _ALL_TIME
) -> dict[tuple[str, bool], Any]:
    """Return every count a seal may change, asked without and with the sealed incidents."""
    found: dict[tuple[str, bool], Any] = {}
    for include in (False, True):
        for query in SEALED_COUNTS[:-1]:
            found[query, include] = getattr(unit.queries, query)(period, include_sealed=include)
        found["crdc_counts", include] = [
            unit.queries.crdc_counts(y, include_sealed=include) for y in years
        ]
    return found


def _seal_in(storage: Storage, incident_id: uuid.UUID, *, seal: bool) -> None:
    """Seal or unseal a stored incident in a unit of its own."""
    in_unit(storage, lambda u: u.incidents.update(sealed(u.incidents.get(incident_id), seal=seal)))


@attrs.frozen
class _Sealable:
    """Incidents, some of them sealed, and referrals of them."""

    incidents: tuple[Incident, ...]
    referrals: tuple[Referral, ...]

    @property
    def years(self) -> list[SchoolYear]:
        """Return the school years the incidents start in (by UTC date: near enough)."""
        years = {SchoolYear.of(i.occurred_start.date()) for i in self.incidents}
        return sorted(years, key=lambda y: y.start_year)


@st.composite
def _sealables(draw: DrawFn) -> _Sealable:
    """Draw a few incidents, each sealed or not, and referrals of them."""
    drawn = draw(st.lists(strategies.incidents(), min_size=1, max_size=5, unique_by=_id))
    incidents = [
        attrs.evolve(
            sealed(i, seal=draw(st.booleans())),
            number=None if i.number is None else f"{i.number[:4]}-{n:06d}",
            version=0,
        )
        for n, i in enumerate(drawn, 1)
    ]
    linked = st.sampled_from([i.id for i in incidents])
    referrals = [
        attrs.evolve(r, incident_id=draw(linked), version=0)
        for r in draw(st.lists(strategies.referrals(), max_size=4, unique_by=_id))
    ]
    return _Sealable(tuple(incidents), tuple(referrals))


def _id(record: Any) -> uuid.UUID:
    found: uuid.UUID = record.id
    return found


def _stored(storage: Storage, records: _Sealable | Term) -> None:
    """Store incidents and their referrals."""

    def add(unit: UnitOfWork) -> None:
        unit.incidents.add_many(records.incidents)
        unit.referrals.add_many(records.referrals)

    in_unit(storage, add)


class SealedCountsContract:
    """The sealed incidents' tests; :class:`~sro_core.testing.StorageContract` includes them."""

    if TYPE_CHECKING:  # given by StorageContract: a fresh store, and an empty memory reference
        opened: Callable[[ProgramCalendar | None], contextlib.AbstractContextManager[Storage]]
        reference: Callable[[ProgramCalendar | None], MemoryStorage]

    @contextlib.contextmanager
    def _holding(self, records: _Sealable | Term) -> Iterator[tuple[Storage, Storage]]:
        calendar = records.calendar if isinstance(records, Term) else None
        reference = self.reference(calendar)
        with self.opened(calendar) as storage:
            for store in (storage, reference):
                _stored(store, records)
            yield storage, reference

    @_property(
        0.1, records=_sealables(), steps=st.lists(st.tuples(st.integers(0, 4), st.booleans()))
    )
    def test_sealed_counts_match_memory_through_seals_and_unseals(
        self, records: _Sealable, steps: list[tuple[int, bool]]
    ) -> None:
        """Every count, asked without and with the sealed, is the reference's after each seal."""
        years = records.years
        with self._holding(records) as (storage, reference):
            for step in [None, *steps]:
                if step is not None:
                    chosen = records.incidents[step[0] % len(records.incidents)].id
                    for store in (storage, reference):
                        _seal_in(store, chosen, seal=step[1])
                expected = in_unit(reference, lambda u: counted(u, years))
                assert in_unit(storage, lambda u: counted(u, years)) == expected, step

    def test_a_seal_takes_an_incident_out_of_the_counts_as_if_never_recorded(self) -> None:
        """Sealed, the term's 7th incident leaves every count but those asked with the sealed.

        It is referred to law enforcement, with three referrals in the term: without the
        sealed, each count is that of a store that never held it (nor its referrals); with
        them, no count moves; unsealed, every count is back.
        """
        records = term()
        target = records.incidents[6]
        years = [SchoolYear(2025)]
        never = attrs.evolve(
            records,
            incidents=tuple(i for i in records.incidents if i.id != target.id),
            referrals=tuple(r for r in records.referrals if r.incident_id != target.id),
        )
        without = self.reference(records.calendar)
        _stored(without, never)
        expected = in_unit(without, lambda u: counted(u, years, records.period))
        with self._holding(records) as (storage, _reference):
            before = in_unit(storage, lambda u: counted(u, years, records.period))
            _seal_in(storage, target.id, seal=True)
            after = in_unit(storage, lambda u: counted(u, years, records.period))
            _seal_in(storage, target.id, seal=False)
            unsealed = in_unit(storage, lambda u: counted(u, years, records.period))
        for query in SEALED_COUNTS:
            if after[query, False] != expected[query, False]:
                broken("sealed counts", f"{query} counts a sealed incident (or its referrals)")
            if after[query, True] != before[query, True]:
                broken("sealed counts", f"{query} with include_sealed=True moved on a seal")
            if before[query, False] == after[query, False]:
                broken("sealed counts", f"{query} did not move on a seal")
        if unsealed != before:
            broken("sealed counts", "the counts after an unseal are not those before the seal")
