"""The storage contract's promises, one example-based test each, run before the properties.

Each test here stores a few fixed records (:mod:`sro_core.testing.examples`), checks one
promise of the contract, and fails within a second with a message that starts with the
promise's name (``numbers: two open units were given 2026-000001, and both committed``). The
Hypothesis properties of :class:`~sro_core.testing.StorageContract` and the state machine
stay as the net for what no example foresaw.

The promises:

- ``numbers``: incident numbers run 1, 2, 3 … in each year; two open units never commit one
  number; a failed unit gives its numbers back.
- ``badges``, ``incident numbers``, ``ids``: unique among committed records, whichever of two
  open units commits first, and free again once a record gave the value up.
- ``updates``: an update from a version that moved on is Conflict (no lost update).
- ``atomicity``: a unit left by an exception keeps nothing.
- ``audit``: an entry follows the head, by sequence and by ``previous_hash``; a unit reads its
  own entries after the committed ones; two open units never fork the chain.
- ``independence``: a list or mapping a store returns is the caller's: changing it changes
  nothing in the store.
- ``persistence``: every kind of record, the outbox, deliveries, the audit log and the number
  counters outlive the store (``PERSISTENT``).
- ``order``, ``pages``, ``after``: records by id; incidents newest start first, ties by the
  higher id first; keyset pages hold each record once.
- ``text``: only A to Z fold case (as SQL's ``lower``); ``%`` and ``_`` are plain characters.
- ``counts``: local months of the program's time zone, half-open periods, drafts not
  counted, rows as the memory reference gives them.
- ``queue``: ``review_queue`` gives the reports waiting for review, oldest (last) submission
  first, ties by number; approved, returned and unsubmitted reports and drafts stay out.
- ``outbox``: order, ``due`` (backoff, urgent first, then oldest), deliveries and dead letters
  (in :class:`OutboxPromises`).

Tests that hold two units of work open and write in both (the ``interleaved`` promises) are
skipped for a store whose test class sets ``interleaved_writes = False``: a store whose first
write takes a lock the other unit would wait for (SQLite's one writer, PostgreSQL's row locks)
serializes units instead, and the sequential tests cover it.
"""

# ruff: noqa: S101 - a test kit checks with assert, as pytest's own tests do; pytest rewrites it

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import uuid
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs
import pytest

from sro_core.builtin.memory import MemoryStorage
from sro_core.domain import (
    ActorRole,
    AuditEntry,
    AuditOutcome,
    CrisisDeclared,
    CrisisKind,
    DomainEvent,
    Incident,
    Officer,
    OfficerRegistered,
    ProgramCalendar,
    ReviewState,
    SchoolYear,
    incident_number,
    verify_chain,
)
from sro_core.ports import (
    Capability,
    Conflict,
    Delivery,
    DeliveryStatus,
    IncidentFilter,
    OutboxEntry,
    Page,
    Queries,
    Storage,
    UnitOfWork,
)
from sro_core.testing._support import broken, in_unit, in_utc
from sro_core.testing.examples import (
    CASED_NARRATIVE,
    REVIEW_START,
    SCHOOL_A,
    Term,
    key,
    reviewed,
    reviewer,
    term,
)

__all__ = ["OutboxPromises", "PromiseContracts"]

_YEAR: Final = 2026
_COUNTS: Final = tuple(
    n for n in vars(Queries) if n.endswith(("_counts", "_split")) and n != "crdc_counts"
)
"""The queries that count over a period (``crdc_counts`` counts a school year)."""
_AT: Final = dt.datetime(2025, 10, 6, 15, 0, tzinfo=dt.UTC)


class _Abandoned(Exception):
    """Raised inside a unit of work to leave it by an exception."""


def _audit(previous: AuditEntry | None, action: str = "report_incident") -> AuditEntry:
    """Return the audit entry that follows ``previous``, for an action."""
    return AuditEntry.sealed(
        previous,
        at=_AT,
        actor_id="sgt.lopez",
        actor_role=ActorRole.SUPERVISOR,
        component="incidents",
        action=action,
        outcome=AuditOutcome.ALLOWED,
    )


def _chain(length: int) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    for _ in range(length):
        entries.append(_audit(entries[-1] if entries else None))
    return entries


def _event(n: int, *, urgent: bool = False) -> DomainEvent:
    at = _AT + dt.timedelta(minutes=n)
    if urgent:
        return CrisisDeclared(
            occurred_at=at,
            crisis_id=key(0x900 + n),
            school_id=SCHOOL_A,
            kind=CrisisKind.LOCKDOWN,
            event_id=key(0x800 + n),
        )
    return OfficerRegistered(
        occurred_at=at, officer_id=key(0xA00 + n), badge=str(n), event_id=key(0x800 + n)
    )


def _load(storage: Storage, records: Term) -> None:
    """Store every record of the example term in one unit of work."""
    with storage.unit_of_work() as unit:
        for table, rows in records.tables().items():
            getattr(unit, table).add_many(rows)


def _numbers(incidents: Sequence[Incident]) -> list[str | None]:
    return [i.number for i in incidents]


@attrs.frozen
class _Race:
    """What became of two units of work held open at once and committed one after the other."""

    committed: tuple[bool, bool]
    values: tuple[Any, Any]


def _race(
    storage: Storage,
    first: Callable[[UnitOfWork], Any],
    second: Callable[[UnitOfWork], Any],
    *,
    second_commits_first: bool,
) -> _Race:
    """Open two units, write in both, commit them in an order; Conflict is a loss, not a failure."""
    units = (storage.unit_of_work(), storage.unit_of_work())
    values: list[Any] = [None, None]
    committed = [False, False]
    writing = [True, True]
    try:
        for n, (unit, work) in enumerate(zip(units, (first, second), strict=True)):
            try:
                values[n] = work(unit)
            except Conflict:
                writing[n] = False
        for n in (1, 0) if second_commits_first else (0, 1):
            if writing[n]:
                with contextlib.suppress(Conflict):
                    units[n].commit()
                    committed[n] = True
    finally:
        for unit, done in zip(units, committed, strict=True):
            if not done:
                unit.rollback()
    return _Race((committed[0], committed[1]), (values[0], values[1]))


_ORDERS: Final = {"the first opened commits first": False, "the second commits first": True}


class PromiseContracts:
    """Example-based contracts, one per promise; a base of :class:`StorageContract`."""

    interleaved_writes: ClassVar[bool] = True
    """Whether two open units of one thread may both write before either commits."""

    if TYPE_CHECKING:  # given by StorageContract

        def opened(
            self, calendar: ProgramCalendar | None = None
        ) -> contextlib.AbstractContextManager[Storage]:
            """Open a fresh store of the backend under test."""

        def make_storage(self, calendar: ProgramCalendar) -> Storage:
            """Open a new, empty store."""

        def close_storage(self, storage: Storage) -> None:
            """Close a store."""

        def reopen_storage(self, storage: Storage) -> Storage:
            """Open a store again."""

        def need(self, storage: Storage, capability: Capability) -> None:
            """Skip unless the store claims a capability."""

        def need_interleaved_units(self, storage: Storage) -> None:
            """Skip unless two units may be open at once."""

        def _keeping_folders(self) -> contextlib.AbstractContextManager[None]:
            """Remove the folders made meanwhile."""

        @staticmethod
        def reference(calendar: ProgramCalendar | None = None) -> MemoryStorage:
            """Return an empty memory store."""

    def need_interleaved_writes(self, storage: Storage) -> None:
        """Skip the test unless two open units of the store may both write before a commit."""
        self.need_interleaved_units(storage)
        if not self.interleaved_writes:
            pytest.skip(f"{type(storage).__name__} serializes units that write")

    @contextlib.contextmanager
    def raced(self) -> Iterator[Callable[..., _Race]]:
        """Give a race runner that opens a fresh store for each order of commits."""
        with contextlib.ExitStack() as stack:

            def run(
                first: Callable[[UnitOfWork], Any],
                second: Callable[[UnitOfWork], Any],
                order: str,
                check: Callable[[Storage, _Race, str], None],
                prepare: Callable[[UnitOfWork], Any] | None = None,
            ) -> _Race:
                storage = stack.enter_context(self.opened())
                self.need_interleaved_writes(storage)
                if prepare is not None:
                    in_unit(storage, prepare)
                race = _race(storage, first, second, second_commits_first=_ORDERS[order])
                check(storage, race, order)
                return race

            yield run

    # --- units of work held open at once ---------------------------------------------------------

    def test_two_open_units_never_allocate_one_number_twice(self) -> None:
        """numbers: two open units that allocate in one year never both commit one number."""

        def allocate(unit: UnitOfWork) -> str:
            return unit.next_incident_number(_YEAR)

        def check(storage: Storage, race: _Race, order: str) -> None:
            kept = [v for v, c in zip(race.values, race.committed, strict=True) if c]
            if len(kept) == 2 and kept[0] == kept[1]:
                broken("numbers", f"two open units were given {kept[0]}, and both committed")
            following = in_unit(storage, allocate)
            expected = incident_number(_YEAR, len(kept) + 1)
            if following != expected:
                broken("numbers", f"after {kept} were committed ({order}) the next is {following}")

        with self.raced() as run:
            for order in _ORDERS:
                run(allocate, allocate, order, check)

    def test_two_open_units_never_commit_one_badge(self) -> None:
        """badges: of two open units adding officers with one badge, at most one commits."""
        one = Officer("1042", "Dana Ortiz", id=key(1))
        other = Officer("1042", "Lee Park", id=key(2))
        self._check_one_kept(
            "badges",
            lambda u: u.officers.add(one),
            lambda u: u.officers.add(other),
            lambda u: [o for o in u.officers.all() if o.badge == "1042"],
            "officers with badge 1042",
        )

    def test_two_open_units_never_commit_one_id(self) -> None:
        """ids: of two open units adding a record under one id, at most one commits."""
        one = Officer("1042", "Dana Ortiz", id=key(1))
        other = Officer("2077", "Lee Park", id=key(1))
        self._check_one_kept(
            "ids",
            lambda u: u.officers.add(one),
            lambda u: u.officers.add(other),
            lambda u: list(u.officers.all()),
            f"officers with id {key(1)}",
        )

    def test_two_open_units_never_commit_two_incidents_with_one_number(self) -> None:
        """Incident numbers: of two open units adding incidents with one number, one commits."""
        first = term().incidents[0]
        twin = attrs.evolve(first, id=key(0x1FF))
        number = first.number
        self._check_one_kept(
            "incident numbers",
            lambda u: u.incidents.add(first),
            lambda u: u.incidents.add(twin),
            lambda u: [i for i in u.incidents.all() if i.number == number],
            f"incidents numbered {number}",
        )

    def _check_one_kept(
        self,
        promise: str,
        first: Callable[[UnitOfWork], Any],
        second: Callable[[UnitOfWork], Any],
        kept: Callable[[UnitOfWork], list[Any]],
        what: str,
    ) -> None:
        def check(storage: Storage, race: _Race, order: str) -> None:
            found = in_unit(storage, kept)
            if len(found) != sum(race.committed) or len(found) > 1:
                commits = sum(race.committed)
                broken(
                    promise, f"two open units ({order}): {commits} committed, {len(found)} {what}"
                )

        with self.raced() as run:
            for order in _ORDERS:
                run(first, second, order, check)

    def test_two_open_units_never_fork_the_audit_chain(self) -> None:
        """audit: of two open units appending the same next entry, at most one commits."""
        head = _audit(None)
        ours, theirs = _audit(head, "close_incident"), _audit(head, "export")

        def check(storage: Storage, race: _Race, order: str) -> None:
            chain = in_unit(storage, lambda u: u.audit.entries())
            if sum(race.committed) > 1 or len(chain) != 1 + sum(race.committed):
                broken("audit", f"two open units ({order}) both appended entry 2: {chain}")
            if (gap := verify_chain(chain)) is not None:
                broken("audit", f"two open units ({order}) left a broken chain: {gap}")

        with self.raced() as run:
            for order in _ORDERS:
                run(
                    lambda u: u.audit.append(ours),
                    lambda u: u.audit.append(theirs),
                    order,
                    check,
                    prepare=lambda u: u.audit.append(head),
                )

    def test_two_open_units_never_lose_an_update(self) -> None:
        """updates: two open units update one record; the later commit is Conflict."""
        officer = Officer("1042", "Dana Ortiz", id=key(1))

        def rename(name: str) -> Callable[[UnitOfWork], Officer]:
            return lambda u: u.officers.update(attrs.evolve(u.officers.get(officer.id), name=name))

        def check(storage: Storage, race: _Race, order: str) -> None:
            final = in_unit(storage, lambda u: u.officers.get(officer.id))
            if all(race.committed):
                broken("updates", f"two open units ({order}) both updated {officer.id} from v1")
            if final.version != 1 + sum(race.committed):
                broken(
                    "updates", f"{sum(race.committed)} updates committed, version {final.version}"
                )

        with self.raced() as run:
            for order in _ORDERS:
                run(
                    rename("A"),
                    rename("B"),
                    order,
                    check,
                    prepare=lambda u: u.officers.add(officer),
                )

    def test_an_update_from_a_version_that_moved_on_is_a_conflict(self) -> None:
        """updates: a record read, then changed by another unit, cannot be updated: Conflict."""
        officer = Officer("1042", "Dana Ortiz", id=key(1))
        with self.opened() as storage:
            stored = in_unit(storage, lambda u: u.officers.add(officer))
            winner = in_unit(storage, lambda u: u.officers.update(attrs.evolve(stored, name="B")))
            if winner.version != 2:
                broken("updates", f"an update of version 1 stored version {winner.version}")
            try:
                in_unit(storage, lambda u: u.officers.update(attrs.evolve(stored, name="C")))
            except Conflict:
                pass
            else:
                broken("updates", "an update from version 1, after version 2, was kept")
            if in_unit(storage, lambda u: u.officers.get(officer.id)).name != "B":
                broken("updates", "the refused update changed the record")

    # --- uniqueness after updates, failed units and conflicts ------------------------------------

    def test_a_badge_given_up_is_free_again(self) -> None:
        """badges: once an officer's badge changes, the old one can be taken, the new one not."""
        first = Officer("1042", "Dana Ortiz", id=key(1))
        second = Officer("1042", "Lee Park", id=key(2))
        third = Officer("9999", "Ash Kim", id=key(3))
        with self.opened() as storage:
            stored = in_unit(storage, lambda u: u.officers.add(first))
            in_unit(storage, lambda u: u.officers.update(attrs.evolve(stored, badge="9999")))
            try:
                in_unit(storage, lambda u: u.officers.add(second))
            except Conflict as error:
                broken("badges", f"badge 1042, given up by its officer, is still taken: {error}")
            with pytest.raises(Conflict):
                in_unit(storage, lambda u: u.officers.add(third))
            found = in_unit(
                storage, lambda u: (u.officers.by_badge("1042"), u.officers.by_badge("9999"))
            )
            if (found[0].id, found[1].id) != (second.id, first.id):
                broken("badges", f"by_badge after a badge change gives {found}")

    def test_a_badge_of_a_failed_unit_is_free(self) -> None:
        """badges: a badge added in a unit that failed was never taken."""
        officer = Officer("1042", "Dana Ortiz", id=key(1))

        def abandoned(unit: UnitOfWork) -> None:
            unit.officers.add(officer)
            raise _Abandoned

        with self.opened() as storage:
            with pytest.raises(_Abandoned):
                in_unit(storage, abandoned)
            try:
                in_unit(storage, lambda u: u.officers.add(attrs.evolve(officer, id=key(2))))
            except Conflict as error:
                broken("badges", f"a badge of a failed unit is still taken: {error}")

    def test_an_incident_number_given_up_is_free_again(self) -> None:
        """Incident numbers: a number an incident no longer holds can be taken by another."""
        first = term().incidents[0]
        number = first.number
        assert number is not None
        with self.opened() as storage:
            stored = in_unit(storage, lambda u: u.incidents.add(first))
            moved = attrs.evolve(stored, number=incident_number(2025, 99))
            in_unit(storage, lambda u: u.incidents.update(moved))
            other = attrs.evolve(first, id=key(0x1FF))
            try:
                in_unit(storage, lambda u: u.incidents.add(other))
            except Conflict as error:
                broken("incident numbers", f"{number}, given up, is still taken: {error}")
            with pytest.raises(Conflict):
                in_unit(
                    storage,
                    lambda u: u.incidents.add(attrs.evolve(moved, id=key(0x1FE), version=0)),
                )
            if in_unit(storage, lambda u: u.incidents.by_number(number)).id != other.id:
                broken("incident numbers", f"by_number({number}) does not give its new holder")

    def test_a_taken_id_is_a_conflict_and_nothing_of_the_unit_is_kept(self) -> None:
        """ids: adding under a stored id is Conflict, in the same unit or a later one."""
        officer = Officer("1042", "Dana Ortiz", id=key(1))
        with self.opened() as storage:
            in_unit(storage, lambda u: u.officers.add(officer))

            def again(unit: UnitOfWork) -> None:
                unit.schools.add(term().schools[0])
                unit.officers.add(attrs.evolve(officer, badge="2077", name="Lee Park"))

            try:
                in_unit(storage, again)
            except Conflict:
                pass
            else:
                broken("ids", f"a second officer was added under the id {officer.id}")
            kept = in_unit(storage, lambda u: (list(u.officers.all()), list(u.schools.all())))
            if [o.name for o in kept[0]] != ["Dana Ortiz"] or kept[1]:
                broken("atomicity", f"a unit refused as Conflict kept its writes: {kept}")

    def test_a_unit_committed_in_its_block_commits_once(self) -> None:
        """units: commit() inside the with block, then leaving it, keeps one copy of each write."""
        officer = Officer("1042", "Dana Ortiz", id=key(1))
        with self.opened() as storage:
            with storage.unit_of_work() as unit:
                unit.officers.add(officer)
                unit.outbox.put([_event(1)], _AT)
                unit.audit.append(_audit(None))
                unit.commit()
            kept = in_unit(
                storage,
                lambda u: (list(u.officers.all()), u.outbox.entries(), u.audit.entries()),
            )
            if [len(part) for part in kept] != [1, 1, 1]:
                broken("units", f"a unit committed, then left, holds {kept}")

    # --- numbers and atomicity -------------------------------------------------------------------

    def test_numbers_run_from_one_and_a_failed_unit_gives_them_back(self) -> None:
        """numbers: 1, 2, 3 … in each year, across units; a failed unit gives its numbers back."""

        def abandoned(unit: UnitOfWork) -> None:
            unit.next_incident_number(2025)
            raise _Abandoned

        with self.opened() as storage:
            got: list[object] = [in_unit(storage, lambda u: u.next_incident_number(2025))]
            got.append(in_unit(storage, lambda u: u.next_incident_number(2026)))
            with pytest.raises(_Abandoned):
                in_unit(storage, abandoned)
            got.append(
                in_unit(
                    storage, lambda u: (u.next_incident_number(2025), u.next_incident_number(2025))
                )
            )
            expected = [
                "2025-000001",
                "2026-000001",
                ("2025-000002", "2025-000003"),
            ]
            if got != expected:
                broken("numbers", f"allocated {got}, where {expected} is due")

    def test_a_failed_unit_keeps_nothing_of_any_kind(self) -> None:
        """atomicity: records, updates, events, deliveries, audit entries and numbers all go."""
        records = term()
        event = _event(1)

        def abandoned(unit: UnitOfWork) -> None:
            officer = unit.officers.get(records.officers[0].id)
            unit.officers.update(attrs.evolve(officer, name="Changed"))
            for table, rows in records.tables().items():
                if table != "officers":
                    getattr(unit, table).add_many(rows)
            unit.outbox.put([_event(2)], _AT)
            unit.outbox.record(Delivery(event.event_id, "log", DeliveryStatus.DELIVERED, 1))
            unit.audit.append(_audit(None))
            unit.next_incident_number(2025)
            raise _Abandoned

        with self.opened() as storage:

            def first(unit: UnitOfWork) -> None:
                unit.officers.add_many(records.officers)
                unit.outbox.put([event], _AT)

            in_unit(storage, first)
            before = in_utc(_snapshot(storage))
            with pytest.raises(_Abandoned):
                in_unit(storage, abandoned)
            after = in_utc(_snapshot(storage))
            for part, value in before.items():
                if after[part] != value:
                    broken("atomicity", f"a unit left by an exception kept its {part}")

    # --- the audit chain -------------------------------------------------------------------------

    def test_an_audit_entry_follows_the_head_by_its_previous_hash(self) -> None:
        """audit: an entry whose previous_hash is not the head's hash is Conflict, named so."""
        chain = _chain(2)
        good = _audit(chain[-1])
        forged = attrs.evolve(good, previous_hash="0" * 64)
        with self.opened() as storage:
            in_unit(storage, lambda u: [u.audit.append(e) for e in chain])
            try:
                in_unit(storage, lambda u: u.audit.append(forged))
            except Conflict as error:
                if "hash" not in str(error):
                    broken("audit", f"a wrong previous_hash was refused as {str(error)!r}")
            else:
                broken("audit", "entry 3 with a previous_hash other than entry 2's hash was kept")
            try:
                in_unit(storage, lambda u: u.audit.append(attrs.evolve(good, sequence=4)))
            except Conflict:
                pass
            else:
                broken("audit", "entry 4 was appended after entry 2")
            try:
                in_unit(storage, lambda u: u.audit.append(good))
            except Conflict as error:
                broken("audit", f"the entry that follows the head was refused: {error}")
            if verify_chain(in_unit(storage, lambda u: u.audit.entries())) is not None:
                broken("audit", "the stored chain does not verify")

    def test_the_first_audit_entry_follows_the_genesis(self) -> None:
        """audit: an empty log takes only entry 1 whose previous_hash is the genesis."""
        first = _audit(None)
        with self.opened() as storage:
            for wrong in (
                attrs.evolve(first, previous_hash="f" * 64),
                attrs.evolve(first, sequence=2),
            ):
                try:
                    in_unit(storage, functools.partial(_append, entry=wrong))
                except Conflict:
                    continue
                broken("audit", f"an empty log took {wrong}")

    def test_a_unit_reads_its_audit_entries_after_the_committed_ones(self) -> None:
        """audit: within a unit, entries are the committed ones, then its own, by sequence."""
        chain = _chain(4)
        with self.opened() as storage:
            in_unit(storage, lambda u: [u.audit.append(e) for e in chain[:2]])
            with storage.unit_of_work() as unit:
                for entry in chain[2:]:
                    unit.audit.append(entry)
                seen = [e.sequence for e in unit.audit.entries()]
                beyond = [e.sequence for e in unit.audit.entries(after=1, limit=2)]
                head = unit.audit.head()
            if seen != [1, 2, 3, 4] or beyond != [2, 3]:
                broken("audit", f"a unit reads its chain as {seen} (after 1, limit 2: {beyond})")
            if head is None or head.sequence != 4:
                broken("audit", f"a unit's head after appending entry 4 is {head}")
            stored = [e.sequence for e in in_unit(storage, lambda u: u.audit.entries())]
            if stored != [1, 2, 3, 4]:
                broken("audit", f"the committed chain reads {stored}")

    # --- what a store returns is the caller's --------------------------------------------------

    def test_values_a_store_returns_are_the_callers(self) -> None:
        """independence: clearing a list, or a mapping, a store returned changes nothing."""
        records = reviewed(term())  # some reports wait, so that the queue is not empty
        with self.opened() as storage:
            _load(storage, records)
            in_unit(storage, _deliveries_and_chain)
            with storage.unit_of_work() as unit:
                for name, read in _READS.items():
                    first = read(unit)
                    kept = in_utc(first)
                    _spoil(first)
                    if in_utc(read(unit)) != kept:
                        broken("independence", f"changing what {name} returned changed the store")
            with storage.unit_of_work() as unit:
                for name, read in _READS.items():
                    if not read(unit):
                        broken("independence", f"{name} is empty after its answer was changed")

    # --- persistence -------------------------------------------------------------------------

    def test_every_kind_of_record_outlives_the_store(self) -> None:
        """persistence: records, outbox, deliveries, audit and numbers outlive the store."""
        records = term()
        with self._keeping_folders():
            storage = self.make_storage(records.calendar)
            try:
                self.need(storage, Capability.PERSISTENT)
                _load(storage, records)
                in_unit(storage, _deliveries_and_chain)
                in_unit(storage, lambda u: u.next_incident_number(2025))
                before = in_utc(_snapshot(storage))
            finally:
                self.close_storage(storage)
            again = self.reopen_storage(storage)
            try:
                after = in_utc(_snapshot(again))
                for part, value in before.items():
                    if after[part] != value:
                        broken("persistence", f"{part} changed when the store was reopened")
            finally:
                self.close_storage(again)

    # --- order and pages ---------------------------------------------------------------------

    def test_records_come_back_as_stored_in_id_order(self) -> None:
        """order: every kind of record comes back as stored, version 1, by id; updates make 2."""
        records = term()
        with self.opened() as storage:
            with storage.unit_of_work() as unit:
                for table, rows in records.tables().items():
                    getattr(unit, table).add_many(reversed(rows))
            with storage.unit_of_work() as unit:
                for table, rows in records.tables().items():
                    expected = sorted((attrs.evolve(r, version=1) for r in rows), key=_id)
                    found = list(getattr(unit, table).all())
                    if in_utc(found) != in_utc(expected):
                        broken("order", f"{table}.all() is not every record by id, as stored")
                    for row in rows:
                        if in_utc(getattr(unit, table).get(row.id)) != in_utc(
                            attrs.evolve(row, version=1)
                        ):
                            broken("order", f"{table}.get({row.id}) is not the record as stored")
                first = records.officers[0]
                changed = unit.officers.update(attrs.evolve(first, name="Changed", version=1))
            if changed.version != 2:
                broken("order", f"an update of version 1 came back at version {changed.version}")

    def test_lookups_find_what_the_reference_finds(self) -> None:
        """lookups: by badge, by number, by officer and school, by incident and partner, active."""
        records = term()
        reference = self.reference(records.calendar)
        _load(reference, records)
        with self.opened(records.calendar) as storage:
            _load(storage, records)
            for name, read in _LOOKUPS.items():
                expected = in_utc(_sorted(in_unit(reference, read)))
                found = in_utc(_sorted(in_unit(storage, read)))
                if found != expected:
                    broken("lookups", f"{name} gives {found}, the reference {expected}")

    def test_after_pages_by_id_and_never_gives_its_key_again(self) -> None:
        """after: pages from no key on hold every record once, by id; a page ends at a limit."""
        records = term()
        everything = sorted(r.id for r in records.contacts)
        with self.opened() as storage:
            _load(storage, records)
            for size in (1, 2, len(everything)):
                seen: list[uuid.UUID] = []
                last: uuid.UUID | None = None
                for _ in range(len(everything) + 2):
                    page = [
                        r.id
                        for r in in_unit(
                            storage, functools.partial(_contacts_after, key=last, limit=size)
                        )
                    ]
                    if last is not None and last in page:
                        broken("after", f"after({last}, {size}) gave {last} again")
                    if len(page) > size:
                        broken("after", f"after(…, {size}) gave {len(page)} records")
                    seen += page
                    if len(page) < size:
                        break
                    last = page[-1]
                else:
                    broken("after", f"pages of {size} did not end after {len(everything)} records")
                if seen != everything:
                    broken("after", f"pages of {size} hold {seen}, not every id in order")

    def test_incidents_come_newest_first_ties_by_the_higher_id(self) -> None:
        """order: find_incidents gives the newest start first; at one instant, the higher id."""
        records = term()
        expected = sorted(records.incidents, key=lambda i: (i.occurred_start, i.id), reverse=True)
        with self.opened(records.calendar) as storage:
            _load(storage, records)
            found = _all_pages(storage, IncidentFilter(), 1000)
            if _numbers(found) != _numbers(expected):
                broken("order", f"find_incidents gives {_numbers(found)}, not {_numbers(expected)}")
            for size in (1, 2, 3):
                paged = _all_pages(storage, IncidentFilter(), size)
                if _numbers(paged) != _numbers(expected):
                    broken("pages", f"pages of {size} hold {_numbers(paged)}")
            with storage.unit_of_work() as unit:
                documents = unit.queries.find_incident_documents(IncidentFilter(), Page(3))
                plain = unit.queries.find_incidents(IncidentFilter(), Page(3))
            if [d.get("number") for d in documents.items] != _numbers(plain.items):
                broken("order", "find_incident_documents does not page as find_incidents")

    def test_filters_find_what_the_reference_finds(self) -> None:
        """filters: each criterion alone finds what the memory reference finds, in its order."""
        records = term()
        reference = self.reference(records.calendar)
        _load(reference, records)
        period = records.period
        filters = {
            "school_ids": IncidentFilter(school_ids=frozenset({SCHOOL_A})),
            "occurred_from": IncidentFilter(occurred_from=records.late_september.occurred_start),
            "occurred_before": IncidentFilter(occurred_before=period.end),
            "categories": IncidentFilter(categories=frozenset({"fight"})),
            "officer_id": IncidentFilter(officer_id=records.officers[1].id),
            "ids": IncidentFilter(ids=frozenset({records.incidents[2].id})),
        }
        with self.opened(records.calendar) as storage:
            _load(storage, records)
            for name, where in filters.items():
                expected = _numbers(_all_pages(reference, where, 1000))
                found = _numbers(_all_pages(storage, where, 1000))
                if found != expected:
                    broken("filters", f"{name} finds {found}, the reference {expected}")

    def test_text_folds_only_a_to_z_and_has_no_wildcards(self) -> None:
        """text: only A to Z fold case, as SQL's lower; % and _ are plain characters."""
        needles = {
            "bike stolen": True,
            "ÉCOLE": True,
            "École": True,
            "école": False,  # É is not folded to é
            "straße": True,
            "STRASSE": False,  # ß is not folded to ss
            "100%": True,
            "1%0": False,  # % is not a wildcard
            "bent_over": True,
            "bent-over": False,  # _ is not a wildcard
        }
        incident = term().late_september
        with self.opened() as storage:
            in_unit(storage, lambda u: u.incidents.add(incident))
            for needle, found in needles.items():
                hits = _all_pages(storage, IncidentFilter(text=needle), 1000)
                if bool(hits) != found:
                    what = "finds" if hits else "does not find"
                    broken("text", f"{needle!r} {what} {CASED_NARRATIVE!r}")

    # --- counts ------------------------------------------------------------------------------

    def test_counts_are_by_local_month_over_a_half_open_period(self) -> None:
        """counts: months are the program's; a period takes its start, not its end; no drafts."""
        records = term()
        with self.opened(records.calendar) as storage:
            _load(storage, records)
            rows = in_unit(storage, lambda u: u.queries.monthly_counts(records.period))
            late = [r for r in rows if r.school_id == SCHOOL_A and r.category == "theft"]
            months = {r.month: r.count for r in late}
            expected = {"2025-09": 1, "2025-10": 1, "2025-11": 1}
            if months != expected:
                broken(
                    "counts",
                    f"theft at Central High by month is {months}, not {expected}: an incident at"
                    " 23:30 local on 30 September is September's, the one at the period's end is"
                    " not counted",
                )
            total = sum(r.count for r in rows)
            if total != 6:
                broken("counts", f"monthly_counts counts {total} incidents, not the 6 reported")

    def test_counting_queries_give_the_reference_rows(self) -> None:
        """counts: every counting query gives the memory reference's rows, in its order."""
        records = term()
        reference = self.reference(records.calendar)
        _load(reference, records)
        queries: dict[str, Callable[[UnitOfWork], list[Any]]] = {
            name: functools.partial(_count, query=name, period=records.period) for name in _COUNTS
        }
        queries["crdc_counts"] = lambda u: u.queries.crdc_counts(SchoolYear(2025))
        with self.opened(records.calendar) as storage:
            _load(storage, records)
            for name, read in queries.items():
                expected = in_unit(reference, read)
                found = in_unit(storage, read)
                if found != expected:
                    missing = [r for r in expected if r not in found]
                    extra = [r for r in found if r not in expected]
                    broken("counts", f"{name}: missing {missing}, extra {extra} (or out of order)")

    def test_the_review_queue_is_oldest_submission_first(self) -> None:
        """queue: waiting reports by their last submission, ties by number; no others, no draft."""
        records = reviewed(term())
        moves = {1: (ReviewState.APPROVED, 180), 6: (ReviewState.SUBMITTED, 90)}
        with self.opened(records.calendar) as storage:
            _load(storage, records)
            found = _numbers(in_unit(storage, lambda u: u.queries.review_queue()))
            expected = [incident_number(2025, n) for n in (2, 3, 1, 8)]
            if found != expected:
                broken("queue", f"review_queue gives {found}, not {expected}")
            with storage.unit_of_work() as unit:
                for n, (state, minutes) in moves.items():
                    stored = unit.incidents.get(records.incidents[n - 1].id)
                    at = REVIEW_START + dt.timedelta(minutes=minutes)
                    unit.incidents.update(stored.under_review(state, reviewer(state), at))
            found = _numbers(in_unit(storage, lambda u: u.queries.review_queue()))
        expected = [incident_number(2025, n) for n in (2, 3, 6, 8)]
        if found != expected:
            broken("queue", f"after an approval and a resubmission the queue is {found}")


class OutboxPromises:
    """Example-based contracts of the outbox as it stands: order, due, deliveries, dead letters."""

    if TYPE_CHECKING:  # given by StorageContract

        def opened(
            self, calendar: ProgramCalendar | None = None
        ) -> contextlib.AbstractContextManager[Storage]:
            """Open a fresh store of the backend under test."""

    def test_the_outbox_keeps_its_order_across_units(self) -> None:
        """outbox: entries come in the order put, sequences rising; after and limit cut."""
        events = [_event(n) for n in range(1, 5)]
        with self.opened() as storage:
            in_unit(storage, lambda u: u.outbox.put(events[:2], _AT))
            in_unit(storage, lambda u: u.outbox.put(events[2:], _AT))
            entries = in_unit(storage, lambda u: u.outbox.entries())
            if [e.event.event_id for e in entries] != [e.event_id for e in events]:
                broken("outbox", "entries are not in the order put")
            sequences = [e.sequence for e in entries]
            if sequences != sorted(set(sequences)) or sequences[0] < 1:
                broken("outbox", f"sequences {sequences} do not rise from 1 up")
            cut = in_unit(storage, lambda u: u.outbox.entries(after=sequences[0], limit=2))
            if [e.sequence for e in cut] != sequences[1:3]:
                broken("outbox", f"entries(after={sequences[0]}, limit=2) gives {cut}")

    def test_due_waits_for_the_next_attempt(self) -> None:
        """due: a pending delivery is not due before its next attempt; delivered and dead never."""
        events = [_event(n) for n in range(1, 5)]
        later = _AT + dt.timedelta(hours=1)
        states = [
            Delivery(events[0].event_id, "log", DeliveryStatus.PENDING, 1, later, "timeout"),
            Delivery(events[1].event_id, "log", DeliveryStatus.DELIVERED, 1),
            Delivery(events[2].event_id, "log", DeliveryStatus.DEAD, 5, None, "refused"),
        ]
        with self.opened() as storage:

            def record(unit: UnitOfWork) -> None:
                unit.outbox.put(events, _AT)
                for state in states:
                    unit.outbox.record(state)

            in_unit(storage, record)
            with storage.unit_of_work() as unit:
                now = _ids(unit.outbox.due("log", _AT, 10))
                then = _ids(unit.outbox.due("log", later, 10))
                other = _ids(unit.outbox.due("webhook", _AT, 10))
            if events[0].event_id in now:
                broken("due", f"an event whose next attempt is at {later} was given at {_AT}")
            if now != [events[3].event_id] or then != [events[0].event_id, events[3].event_id]:
                broken("due", f"due gives {now} now and {then} an hour later")
            if other != [e.event_id for e in events]:
                broken("due", "another notifier's deliveries held back this one's events")

    def test_due_gives_urgent_events_first_then_the_oldest(self) -> None:
        """due: urgent events first, then the oldest; the limit cuts the list so ordered."""
        events = [_event(1), _event(2, urgent=True), _event(3), _event(4, urgent=True)]
        expected = [events[1].event_id, events[3].event_id, events[0].event_id, events[2].event_id]
        with self.opened() as storage:
            in_unit(storage, lambda u: u.outbox.put(events, _AT))
            with storage.unit_of_work() as unit:
                found = _ids(unit.outbox.due("log", _AT, 10))
                first = _ids(unit.outbox.due("log", _AT, 3))
            if found != expected or first != expected[:3]:
                broken(
                    "due", f"due gives {found} (limit 3: {first}), not urgent first, then oldest"
                )

    def test_deliveries_are_replaced_and_dead_letters_come_oldest_event_first(self) -> None:
        """outbox: the last state per event and notifier is kept; dead letters by event order."""
        events = [_event(n) for n in range(1, 4)]
        with self.opened() as storage:

            def record(unit: UnitOfWork) -> None:
                unit.outbox.put(events, _AT)
                unit.outbox.record(Delivery(events[2].event_id, "log", DeliveryStatus.DEAD, 5))
                unit.outbox.record(
                    Delivery(events[0].event_id, "webhook", DeliveryStatus.PENDING, 1)
                )
                unit.outbox.record(Delivery(events[0].event_id, "log", DeliveryStatus.DEAD, 3))

            in_unit(storage, record)
            in_unit(
                storage,
                lambda u: u.outbox.record(
                    Delivery(events[0].event_id, "webhook", DeliveryStatus.DEAD, 2)
                ),
            )
            with storage.unit_of_work() as unit:
                kept = unit.outbox.deliveries(events[0].event_id)
                dead = [(d.event_id, d.notifier) for d in unit.outbox.dead_letters()]
            if [(d.notifier, d.status, d.attempts) for d in kept] != [
                ("log", DeliveryStatus.DEAD, 3),
                ("webhook", DeliveryStatus.DEAD, 2),
            ]:
                broken("outbox", f"deliveries of an event, by notifier, are {kept}")
            expected = [
                (events[0].event_id, "log"),
                (events[0].event_id, "webhook"),
                (events[2].event_id, "log"),
            ]
            if dead != expected:
                broken("outbox", f"dead letters come {dead}, not oldest event first")


# --- reads and snapshots -------------------------------------------------------------------------


def _id(record: Any) -> uuid.UUID:
    identifier: uuid.UUID = record.id
    return identifier


def _ids(entries: Sequence[OutboxEntry]) -> list[uuid.UUID]:
    return [e.event.event_id for e in entries]


def _append(unit: UnitOfWork, entry: AuditEntry) -> None:
    unit.audit.append(entry)


def _contacts_after(unit: UnitOfWork, key: uuid.UUID | None, limit: int) -> list[Any]:
    return unit.contacts.after(key, limit)


def _first_page(unit: UnitOfWork, table: str) -> list[Any]:
    found: list[Any] = getattr(unit, table).after(None, 100)
    return found


def _count(unit: UnitOfWork, query: str, period: Any) -> list[Any]:
    rows: list[Any] = getattr(unit.queries, query)(period)
    return rows


def _find(unit: UnitOfWork, where: IncidentFilter, page: Page) -> Any:
    return unit.queries.find_incidents(where, page)


def _sorted(value: Any) -> Any:
    return sorted(value, key=_id) if isinstance(value, list) else value


def _all_pages(storage: Storage, where: IncidentFilter, size: int) -> list[Incident]:
    """Return every incident of a query, page by page; a cursor that never ends is a failure."""
    found: list[Incident] = []
    after: str | None = None
    for _ in range(100):
        page = in_unit(storage, functools.partial(_find, where=where, page=Page(size, after)))
        found += page.items
        if page.next is None:
            return found
        after = page.next
    return broken("pages", f"100 pages of {size}, and the cursors still do not reach the last")


def _deliveries_and_chain(unit: UnitOfWork) -> None:
    """Put events, record deliveries of every status, append an audit chain."""
    events = [_event(1), _event(2, urgent=True), _event(3)]
    unit.outbox.put(events, _AT)
    unit.outbox.record(
        Delivery(events[0].event_id, "log", DeliveryStatus.PENDING, 1, _AT, "timeout")
    )
    unit.outbox.record(Delivery(events[1].event_id, "log", DeliveryStatus.DELIVERED, 1))
    unit.outbox.record(Delivery(events[2].event_id, "webhook", DeliveryStatus.DEAD, 5, None, "no"))
    for entry in _chain(3):
        unit.audit.append(entry)


_TABLES: Final = tuple(term().tables())
_READS: Final[dict[str, Callable[[UnitOfWork], Any]]] = {
    **{f"{t}.after()": functools.partial(_first_page, table=t) for t in _TABLES},
    "officers.all()": lambda u: list(u.officers.all()),
    "assignments.for_officer()": lambda u: u.assignments.for_officer(term().officers[0].id),
    "assignments.for_school()": lambda u: u.assignments.for_school(SCHOOL_A),
    "referrals.for_partner()": lambda u: u.referrals.for_partner(term().partners[0].id),
    "referrals.for_incident()": lambda u: u.referrals.for_incident(term().incidents[6].id),
    "crises.active()": lambda u: u.crises.active(),
    "outbox.entries()": lambda u: u.outbox.entries(),
    "outbox.due()": lambda u: u.outbox.due("log", _AT, 10),
    "outbox.deliveries()": lambda u: u.outbox.deliveries(_event(1).event_id),
    "outbox.dead_letters()": lambda u: u.outbox.dead_letters(),
    "audit.entries()": lambda u: u.audit.entries(),
    "queries.monthly_counts()": lambda u: u.queries.monthly_counts(term().period),
    "queries.crdc_counts()": lambda u: u.queries.crdc_counts(SchoolYear(2025)),
    "queries.review_queue()": lambda u: u.queries.review_queue(),
    "queries.find_incident_documents()": lambda u: (
        u.queries.find_incident_documents(IncidentFilter(), Page(3)).items
    ),
}
"""Every read that returns a list or mappings, by name."""

_LOOKUPS: Final[dict[str, Callable[[UnitOfWork], Any]]] = {
    "officers.by_badge()": lambda u: u.officers.by_badge("2077"),
    "incidents.by_number()": lambda u: u.incidents.by_number("2025-000003"),
    "assignments.for_officer()": lambda u: u.assignments.for_officer(term().officers[0].id),
    "assignments.for_school()": lambda u: u.assignments.for_school(term().schools[1].id),
    "referrals.for_incident()": lambda u: u.referrals.for_incident(term().incidents[6].id),
    "referrals.for_partner()": lambda u: u.referrals.for_partner(term().partners[0].id),
    "crises.active()": lambda u: u.crises.active(),
    "crises.active(school)": lambda u: u.crises.active(term().schools[1].id),
}


def _spoil(value: Any) -> None:
    """Change a returned list, or the mappings in it, in place, as a careless caller would."""
    if isinstance(value, list):
        for item in value:
            _spoil(item)
        value.clear()
    elif isinstance(value, MutableMapping):
        value.clear()
    elif isinstance(value, tuple):
        for item in value:
            _spoil(item)


def _snapshot(storage: Storage) -> dict[str, Any]:
    """Return everything a store holds and the next numbers, read in units of their own."""
    with storage.unit_of_work() as unit:
        found: dict[str, Any] = {t: list(getattr(unit, t).all()) for t in _TABLES}
        entries = unit.outbox.entries()
        found["outbox"] = entries
        found["deliveries"] = [unit.outbox.deliveries(e.event.event_id) for e in entries]
        found["dead letters"] = unit.outbox.dead_letters()
        found["due"] = unit.outbox.due("log", _AT, 10)
        found["audit"] = unit.audit.entries()
    peek = storage.unit_of_work()
    try:
        found["next numbers"] = [peek.next_incident_number(y) for y in (2025, 2026)]
    finally:
        peek.rollback()
    return found
