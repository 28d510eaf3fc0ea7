"""The master person index's part of the storage contract: merges, their undo, a person's records.

:class:`~sro_core.testing.StorageContract` includes these tests, so every backend's test file
runs them: resolving ids through merges and gathering the ids merged into a person give the
memory reference's answers after any sequence of merges and undos; ``person_records`` finds what
the reference finds; the candidates found among ``similar`` are the reference's, after
corrections and merges; two merges of one pair at once cannot both commit.
"""

# ruff: noqa: S101 - a test kit checks with assert, as pytest's own tests do; pytest rewrites it

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn

from sro_core.domain import (
    CommunityContact,
    CrisisEvent,
    DomainError,
    Incident,
    PersonKind,
    PersonRecord,
    ProgramCalendar,
    Referral,
    candidates,
)
from sro_core.ports import Conflict, PersonRecords, Storage, UnitOfWork
from sro_core.testing import strategies
from sro_core.testing._support import _property, in_unit, in_utc

if TYPE_CHECKING:
    from sro_core.builtin.memory import MemoryStorage

Step = tuple[int, int, bool]
"""One step of a merge walk: the kept record's index, the duplicate's, and whether to undo."""


def merge_step(unit: UnitOfWork, keep: uuid.UUID, duplicate: uuid.UUID, *, undo: bool) -> bool:
    """Merge (or undo the merge of) one record as the program does; return whether it did.

    Both records are written, the kept one first, so that a merge racing another over either
    record conflicts. A merge the rules refuse does nothing.
    """
    record = unit.people.get(duplicate)
    kept_id = record.merged_into if undo else keep
    if kept_id is None:
        return False
    kept = unit.people.get(kept_id)
    try:
        changed = record.unmerged() if undo else record.merged(kept)
    except DomainError:
        return False
    unit.people.update(kept)
    unit.people.update(changed)
    return True


def merge_read(unit: UnitOfWork, keep: PersonRecord, duplicate: PersonRecord) -> PersonRecord:
    """Merge from records read before, as the program does: the kept one written, then the other."""
    unit.people.update(keep)
    return unit.people.update(duplicate.merged(keep))


@attrs.frozen
class _Linked:
    """Incidents and the contacts, referrals and crises that name their people."""

    incidents: tuple[Incident, ...]
    contacts: tuple[CommunityContact, ...]
    referrals: tuple[Referral, ...]
    crises: tuple[CrisisEvent, ...]

    @property
    def people(self) -> list[uuid.UUID]:
        """Return every person id the incidents involve, and one nobody names."""
        found = {i.person.id for r in self.incidents for i in r.involvements}
        return [*sorted(found), uuid.UUID(int=1)]


@st.composite
def _linked(draw: DrawFn) -> _Linked:
    """Draw incidents, and contacts, referrals and crises some of which name their people."""
    incidents = draw(
        st.lists(strategies.incidents(), min_size=1, max_size=3, unique_by=lambda i: i.id)
    )
    incidents = [
        attrs.evolve(i, number=None if i.number is None else f"{i.number[:4]}-{n:06d}")
        for n, i in enumerate(incidents, 1)
    ]
    people = [p.person.id for i in incidents for p in i.involvements]
    someone = st.sampled_from(people) if people else st.none()
    linked = st.sampled_from([i.id for i in incidents])
    contacts = [
        attrs.evolve(c, person_id=draw(st.none() | someone), version=0)
        for c in draw(st.lists(strategies.community_contacts(), max_size=3, unique_by=_id))
    ]
    referrals = [
        attrs.evolve(r, incident_id=draw(linked), person_id=draw(st.none() | someone), version=0)
        for r in draw(st.lists(strategies.referrals(), max_size=3, unique_by=_id))
    ]
    crises = [
        attrs.evolve(c, incident_id=draw(st.none() | linked), version=0)
        for c in draw(st.lists(strategies.crisis_events(), max_size=2, unique_by=_id))
    ]
    return _Linked(
        tuple(attrs.evolve(i, version=0) for i in incidents),
        tuple(contacts),
        tuple(referrals),
        tuple(crises),
    )


def _id(record: Any) -> uuid.UUID:
    found: uuid.UUID = record.id
    return found


def _answers(storage: Storage, ids: list[uuid.UUID]) -> list[Any]:
    """Return how a store resolves each id, the family of each, and their records."""

    def read(unit: UnitOfWork) -> list[Any]:
        return [(unit.people.resolve(k), unit.people.family(k)) for k in ids]

    return in_unit(storage, read)


NAMES = ("José Hernández", "Jose Hernandes", "Katherine Smith", "Catherine Smyth", "Li", None)
"""Names that often match each other: accents, case, spellings, a one-word name."""

_MATCHABLE = strategies.person_records(
    names=st.sampled_from(NAMES), born=st.sampled_from([None, dt.date(2010, 4, 2)])
).map(lambda r: attrs.evolve(r, student_number=r.student_number and r.student_number[-1:]))
"""Index records that often match: few names and births, one-character student numbers."""


def _matches(storage: Storage, people: list[PersonRecord]) -> list[list[uuid.UUID]]:
    """Return each person's candidates among a store's records, by the matching rule."""

    def read(unit: UnitOfWork) -> list[list[uuid.UUID]]:
        return [[c.record.id for c in candidates(p, unit.people.similar(p))] for p in people]

    return in_unit(storage, read)


def _committed(unit: UnitOfWork, keep: PersonRecord, duplicate: PersonRecord) -> None:
    merge_read(unit, keep, duplicate)
    unit.commit()


def _corrected(unit: UnitOfWork, record: PersonRecord, name: str | None) -> None:
    unit.people.update(record.corrected({"name": name}))
    unit.commit()


class PersonIndexContract:
    """The person index's tests; :class:`~sro_core.testing.StorageContract` includes them."""

    if TYPE_CHECKING:  # given by StorageContract

        def opened(
            self, calendar: ProgramCalendar | None = None
        ) -> contextlib.AbstractContextManager[Storage]:
            """Open a fresh store of the backend under test."""

        @staticmethod
        def reference(calendar: ProgramCalendar | None = None) -> MemoryStorage:
            """Return an empty memory reference."""

        def need_interleaved_units(self, storage: Storage) -> None:
            """Skip unless two units may be open at once."""

    @contextlib.contextmanager
    def _both(self) -> Iterator[tuple[Storage, Storage]]:
        reference = self.reference()
        with self.opened() as storage:
            yield storage, reference

    @_property(
        0.05,
        records=st.lists(
            strategies.person_records(), min_size=2, max_size=5, unique_by=lambda r: r.id
        ),
        steps=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.booleans()), max_size=8),
    )
    def test_merges_resolve_as_the_reference_does(
        self, records: list[PersonRecord], steps: list[Step]
    ) -> None:
        """After any merges and undos, ids resolve and families gather as in the reference."""
        ids = [r.id for r in records]
        with self._both() as (storage, reference):
            for store in (storage, reference):
                in_unit(store, lambda u: u.people.add_many(records))
            for keep, duplicate, undo in steps:
                pair = ids[keep % len(ids)], ids[duplicate % len(ids)]
                done = [
                    in_unit(
                        s, functools.partial(merge_step, keep=pair[0], duplicate=pair[1], undo=undo)
                    )
                    for s in (storage, reference)
                ]
                assert done[0] == done[1], f"merge {pair} (undo: {undo})"
                assert _answers(storage, ids) == _answers(reference, ids)
            stored = in_unit(storage, lambda u: list(u.people.all()))
            assert in_utc(stored) == in_utc(in_unit(reference, lambda u: list(u.people.all())))

    @_property(0.02, record=strategies.person_records(), other=strategies.person_records())
    def test_a_merge_and_its_undo_give_back_each_id_alone(
        self, record: PersonRecord, other: PersonRecord
    ) -> None:
        """A merge makes the duplicate resolve to the kept record; its undo makes it its own."""
        if record.id == other.id:
            return
        with self._both() as (storage, _reference):
            in_unit(storage, lambda u: u.people.add_many([record, other]))
            assert in_unit(storage, lambda u: merge_step(u, record.id, other.id, undo=False))
            assert _answers(storage, [other.id, record.id]) == [
                (record.id, frozenset({other.id})),
                (record.id, frozenset({record.id, other.id})),
            ]
            assert in_unit(storage, lambda u: merge_step(u, record.id, other.id, undo=True))
            assert _answers(storage, [other.id, record.id]) == [
                (other.id, frozenset({other.id})),
                (record.id, frozenset({record.id})),
            ]

    @_property(0.05, linked=_linked(), data=st.data())
    def test_person_records_are_the_references(self, linked: _Linked, data: st.DataObject) -> None:
        """``person_records`` finds a person's incidents, contacts, referrals and crises, by id."""
        with self._both() as (storage, reference):
            for store in (storage, reference):
                with store.unit_of_work() as unit:
                    unit.incidents.add_many(linked.incidents)
                    unit.contacts.add_many(linked.contacts)
                    unit.referrals.add_many(linked.referrals)
                    unit.crises.add_many(linked.crises)
            wanted = data.draw(st.lists(st.sampled_from(linked.people), min_size=1, max_size=3))

            def records(unit: UnitOfWork) -> PersonRecords:
                return unit.queries.person_records(frozenset(wanted))

            expected = in_unit(reference, records)
            assert in_utc(in_unit(storage, records)) == in_utc(expected)
            named = {c.id for c in linked.contacts if c.person_id in wanted}
            assert {c.id for c in expected.contacts} == named

    @_property(
        0.05,
        records=st.lists(_MATCHABLE, min_size=1, max_size=6, unique_by=lambda r: r.id),
        data=st.data(),
    )
    def test_similar_finds_what_the_reference_finds_after_corrections_and_merges(
        self, records: list[PersonRecord], data: st.DataObject
    ) -> None:
        """Candidates among ``similar`` are the reference's, after a correction and a merge."""
        probes = [*records, data.draw(_MATCHABLE)]
        with self._both() as (storage, reference):
            for store in (storage, reference):
                in_unit(store, lambda u: u.people.add_many(records))
            assert _matches(storage, probes) == _matches(reference, probes)
            fixed = data.draw(st.sampled_from(records))
            changes = {"name": data.draw(st.sampled_from(NAMES)), "aliases": ("Hernandez",)}

            def correct(unit: UnitOfWork) -> None:
                unit.people.update(unit.people.get(fixed.id).corrected(changes))

            for store in (storage, reference):
                in_unit(store, correct)
            found = _matches(storage, probes)
            assert found == _matches(reference, probes)
            changed = fixed.corrected(changes)
            assert _matches(storage, [changed]) == [
                [c.record.id for c in candidates(changed, records)]
            ]
            if len(records) > 1:
                for store in (storage, reference):
                    in_unit(
                        store, lambda u: merge_step(u, records[0].id, records[1].id, undo=False)
                    )
                assert _matches(storage, probes) == _matches(reference, probes)

    def test_two_merges_of_one_pair_at_once_do_not_both_commit(self) -> None:
        """Two open units merge one pair from the same reads: the second to commit conflicts."""
        keep, duplicate = (PersonRecord(kind=PersonKind.STUDENT) for _ in range(2))
        with self.opened() as storage:
            self.need_interleaved_units(storage)
            in_unit(storage, lambda u: u.people.add_many([keep, duplicate]))
            first, second = storage.unit_of_work(), storage.unit_of_work()
            reads = [(u.people.get(keep.id), u.people.get(duplicate.id)) for u in (first, second)]
            for unit, (kept, dup) in zip((first, second), reads, strict=True):
                if unit is first:
                    merge_read(unit, kept, dup)
                    unit.commit()
                    continue
                with pytest.raises(Conflict):
                    _committed(unit, kept, dup)
                unit.rollback()
            stored = in_unit(storage, lambda u: u.people.get(duplicate.id))
            assert stored.merged_into == keep.id
            assert stored.version == 2

    def test_two_corrections_of_one_person_at_once_do_not_both_commit(self) -> None:
        """Two open units correct one person from the same read: the second to commit conflicts.

        The record and its matching keys stay the first correction's: a probe by the first
        correction's name finds the person, one by the lost correction's name does not.
        """
        person = PersonRecord(kind=PersonKind.STUDENT, name="Ana Lopez")
        kept, lost = (
            PersonRecord(kind=PersonKind.STUDENT, name=n) for n in ("Anna Lopes", "Ruth Ng")
        )
        with self.opened() as storage:
            self.need_interleaved_units(storage)
            in_unit(storage, lambda u: u.people.add_many([person]))
            first, second = storage.unit_of_work(), storage.unit_of_work()
            reads = [u.people.get(person.id) for u in (first, second)]
            _corrected(first, reads[0], kept.name)
            with pytest.raises(Conflict):
                _corrected(second, reads[1], lost.name)
            second.rollback()
            stored = in_unit(storage, lambda u: u.people.get(person.id))
            assert (stored.name, stored.version) == (kept.name, 2)
            assert _matches(storage, [kept, lost]) == [[person.id], []]
