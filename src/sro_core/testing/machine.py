"""A Hypothesis state machine that runs a backend and the memory reference side by side.

Each step applies one command to both stores: add and update officers, schools, incidents and
contacts, report incidents and move them through their lifecycle and their review (the review
queue must follow), seal and unseal incidents (the counts must follow), escalate a contact
into an incident, allocate numbers, append audit entries, put events and record their
deliveries, and run a unit of work that fails midway. Both stores must answer alike (the
same records, or the same kind of error); after every step the machine checks that every
repository, the outbox, the deliveries, the audit log, the next incident numbers and the
queries (the counts asked with the sealed incidents too) agree.

A backend's test module holds::

    from hypothesis import settings
    from sro_core.testing import StorageMachine

    class MyMachine(StorageMachine):
        def make_storage(self, calendar: ProgramCalendar) -> Storage:
            return MyStorage(StorageSettings(f"my:///{self.storage_dir()}/db", calendar))

    TestMyMachine = MyMachine.TestCase
    TestMyMachine.settings = settings(max_examples=20, stateful_step_count=20, deadline=None)

Without that last line a subclass runs on a share of the active profile (a tenth of its
examples, at most 25 steps). A store that needs no folder can use :func:`machine_test`::

    TestMyMachine = machine_test(lambda calendar: MyStorage(StorageSettings("my:", calendar)))
"""

# ruff: noqa: S101 - a test kit checks with assert, as pytest's own tests do; pytest rewrites it

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import unittest
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TypeVar

import attrs
import hypothesis
from hypothesis import HealthCheck
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    invariant,
    multiple,
    precondition,
    rule,
)

from sro_core.builtin.memory import MemoryStorage
from sro_core.domain import (
    INCIDENT_TRANSITIONS,
    REVIEW_TRANSITIONS,
    AuditEntry,
    CommunityContact,
    DispositionKind,
    DomainError,
    DomainEvent,
    Incident,
    IncidentEscalated,
    IncidentReported,
    IncidentStatus,
    IncidentStatusChanged,
    InvolvementRole,
    LocationKind,
    Officer,
    PersonRecord,
    ProgramCalendar,
    ReviewState,
    School,
    candidates,
)
from sro_core.ports import (
    MAX_PAGE_SIZE,
    Conflict,
    Delivery,
    DeliveryStatus,
    IncidentFilter,
    Page,
    Period,
    Storage,
    StorageSettings,
    UnitOfWork,
)
from sro_core.testing import strategies
from sro_core.testing.contracts import in_utc
from sro_core.testing.person_index import merge_read
from sro_core.testing.sealing import SEALED_COUNTS, sealed

__all__ = ["StorageMachine", "machine_test"]

T = TypeVar("T")

_YEARS: Final = (2024, 2025, 2026)
_NOTIFIERS: Final = ("log", "webhook")
_ALL_TIME: Final = Period(
    dt.datetime(1900, 1, 1, tzinfo=dt.UTC), dt.datetime(2200, 1, 1, tzinfo=dt.UTC)
)
_LATER: Final = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)
_TABLES: Final = ("officers", "schools", "incidents", "contacts", "people")
_COUNTS: Final = (
    "monthly_counts",
    "location_counts",
    "contact_counts",
    "referral_counts",
    "triad_split",
)


@attrs.frozen
class _Outcome:
    """What a command did to one store: its result, or the kind of domain error it raised."""

    value: Any
    error: str | None


class _Abandoned(Exception):
    """Raised inside a unit of work to leave it by an exception."""


def _fresh(record: T) -> T:
    return attrs.evolve(record, version=0)  # type: ignore[misc]


def _outcome(storage: Storage, command: Callable[[UnitOfWork], object]) -> _Outcome:
    """Run a command in a unit of work of its own; a domain error is an outcome, not a failure."""
    try:
        with storage.unit_of_work() as unit:
            return _Outcome(command(unit), None)
    except (DomainError, _Abandoned) as error:
        return _Outcome(None, type(error).__name__)


def _peek_numbers(unit: UnitOfWork) -> list[str]:
    return [unit.next_incident_number(year) for year in _YEARS]


def _view(storage: Storage) -> dict[str, Any]:
    """Return what a store holds and answers, in forms two backends must agree on."""
    with storage.unit_of_work() as unit:
        view: dict[str, Any] = {t: list(getattr(unit, t).all()) for t in _TABLES}
        entries = unit.outbox.entries()
        view["outbox"] = [(e.event, e.recorded_at) for e in entries]
        view["deliveries"] = [unit.outbox.deliveries(e.event.event_id) for e in entries]
        view["dead letters"] = unit.outbox.dead_letters()
        view["due"] = [e.event for e in unit.outbox.due(_NOTIFIERS[0], _LATER, MAX_PAGE_SIZE)]
        view["audit"] = unit.audit.entries()
        page = unit.queries.find_incidents(IncidentFilter(), Page(MAX_PAGE_SIZE))
        view["found"] = (page.items, page.next is None)
        for query in _COUNTS:
            view[query] = getattr(unit.queries, query)(_ALL_TIME)
        for query in SEALED_COUNTS[:-1]:
            view[f"{query} with the sealed"] = getattr(unit.queries, query)(
                _ALL_TIME, include_sealed=True
            )
        view["review queue"] = unit.queries.review_queue()
        people = [p.id for p in view["people"]]
        view["resolved"] = [(unit.people.resolve(k), unit.people.family(k)) for k in people]
        view["records"] = [unit.queries.person_records(unit.people.family(k)) for k in people]
        view["similar"] = [
            [c.record.id for c in candidates(p, unit.people.similar(p))] for p in view["people"]
        ]
    peek = storage.unit_of_work()
    try:
        view["next numbers"] = _peek_numbers(peek)
    finally:
        peek.rollback()
    return view


def _default_settings() -> hypothesis.settings:
    """Return the machine's settings: a share of the active profile, which may be overridden."""
    profile = hypothesis.settings.default
    examples = profile.max_examples if profile is not None else 100
    steps = profile.stateful_step_count if profile is not None else 50
    return hypothesis.settings(
        max_examples=max(min(examples, 5), examples // 10),
        stateful_step_count=min(steps, 25),
        deadline=None,
        suppress_health_check=[
            *(profile.suppress_health_check if profile is not None else ()),
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


class StorageMachine(RuleBasedStateMachine):
    """Random commands against the backend under test and the memory reference, compared."""

    officer_ids = Bundle("officer_ids")
    school_ids = Bundle("school_ids")
    incident_ids = Bundle("incident_ids")
    contact_ids = Bundle("contact_ids")
    person_ids = Bundle("person_ids")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.TestCase.settings = _default_settings()

    def __init__(self) -> None:
        super().__init__()
        self.folders: list[Path] = []
        self.calendar = ProgramCalendar()
        self.reference = MemoryStorage(StorageSettings("memory:", self.calendar))
        self.storage = self.make_storage(self.calendar)
        self.event_ids: list[uuid.UUID] = []

    def make_storage(self, calendar: ProgramCalendar) -> Storage:
        """Open a new, empty store of the backend under test (a subclass gives this)."""
        raise NotImplementedError(f"{type(self).__name__} must define make_storage")

    def close_storage(self, storage: Storage) -> None:
        """Close the store when the run ends (``storage.close()`` unless overridden)."""
        storage.close()

    def storage_dir(self) -> Path:
        """Return a new empty folder for a file-backed store, removed when the run ends."""
        path = Path(tempfile.mkdtemp(prefix="sro-machine-"))
        self.folders.append(path)
        return path

    def teardown(self) -> None:
        """Close the store and remove its folders."""
        try:
            self.close_storage(self.storage)
        finally:
            for folder in self.folders:
                shutil.rmtree(folder, ignore_errors=True)

    def both(
        self, command: Callable[[UnitOfWork], T], expect: type[Exception] | None = None
    ) -> T | None:
        """Run a command on both stores; check they did alike; return the reference's result."""
        expected = _outcome(self.reference, command)
        found = _outcome(self.storage, command)
        assert in_utc(found) == in_utc(expected), f"{found} where the reference gives {expected}"
        if expect is not None:
            assert expected.error == expect.__name__, f"{expected} where {expect.__name__} is due"
        result: T | None = expected.value
        return result

    def reference_read(self, read: Callable[[UnitOfWork], T]) -> T:
        """Return what the reference store answers."""
        with self.reference.unit_of_work() as unit:
            return read(unit)

    # --- officers and schools --------------------------------------------------------------------

    @rule(target=officer_ids, officer=strategies.officers())
    def add_officer(self, officer: Officer) -> uuid.UUID | MultipleResults[uuid.UUID]:
        """Add an officer (a taken id or badge is Conflict in both)."""
        added = self.both(lambda u: u.officers.add(_fresh(officer)))
        return officer.id if added is not None else multiple()

    @rule(officer_id=officer_ids, officer=strategies.officers())
    def add_an_officer_with_a_taken_badge(self, officer_id: uuid.UUID, officer: Officer) -> None:
        """Adding an officer under a badge another holds is Conflict."""
        badge = self.reference_read(lambda u: u.officers.get(officer_id).badge)
        other = _fresh(attrs.evolve(officer, badge=badge))
        self.both(lambda u: u.officers.add(other), expect=Conflict)

    @rule(officer_id=officer_ids, officer=strategies.officers())
    def update_officer(self, officer_id: uuid.UUID, officer: Officer) -> None:
        """Replace an officer's details, from the version just read."""

        def update(unit: UnitOfWork) -> Officer:
            read = unit.officers.get(officer_id)
            return unit.officers.update(attrs.evolve(officer, id=officer_id, version=read.version))

        self.both(update)

    @rule(officer_id=officer_ids)
    def update_an_officer_from_a_stale_read(self, officer_id: uuid.UUID) -> None:
        """Update an officer from the version before the stored one: Conflict."""

        def stale(unit: UnitOfWork) -> Officer:
            read = unit.officers.get(officer_id)
            return unit.officers.update(attrs.evolve(read, version=read.version - 1))

        self.both(stale, expect=Conflict)

    @rule(target=school_ids, school=strategies.schools())
    def add_school(self, school: School) -> uuid.UUID | MultipleResults[uuid.UUID]:
        """Add a school."""
        added = self.both(lambda u: u.schools.add(_fresh(school)))
        return school.id if added is not None else multiple()

    @rule(school_id=school_ids, enrollment=st.integers(0, 5_000))
    def update_school(self, school_id: uuid.UUID, enrollment: int) -> None:
        """Change a school's enrollment."""

        def update(unit: UnitOfWork) -> School:
            read = unit.schools.get(school_id)
            return unit.schools.update(attrs.evolve(read, enrollment=enrollment))

        self.both(update)

    # --- incidents -------------------------------------------------------------------------------

    @rule(
        target=incident_ids,
        incident=strategies.incidents(IncidentStatus.DRAFT),
        officer_id=officer_ids,
        school_id=school_ids,
        at_school=st.booleans(),
    )
    def add_incident(
        self, incident: Incident, officer_id: uuid.UUID, school_id: uuid.UUID, at_school: bool
    ) -> uuid.UUID | MultipleResults[uuid.UUID]:
        """Add a draft incident by a known officer, at a known school or none."""
        on_campus = incident.location.kind is LocationKind.ON_CAMPUS
        draft = attrs.evolve(
            incident,
            reporting_officer_id=officer_id,
            school_id=school_id if on_campus or at_school else None,
            version=0,
        )
        added = self.both(lambda u: u.incidents.add(draft))
        return draft.id if added is not None else multiple()

    @rule(incident_id=incident_ids, event_id=st.uuids())
    def report_incident(self, incident_id: uuid.UUID, event_id: uuid.UUID) -> None:
        """Report a draft under the next number of its year, with its event, in one unit."""

        def report(unit: UnitOfWork) -> Incident | None:
            draft = unit.incidents.get(incident_id)
            if draft.status is not IncidentStatus.DRAFT:
                return None
            year = self.calendar.local_date(draft.reported_at).year
            reported = unit.incidents.update(draft.reported(unit.next_incident_number(year)))
            assert reported.number is not None
            event = IncidentReported(
                occurred_at=draft.reported_at,
                event_id=event_id,
                incident_id=incident_id,
                number=reported.number,
                school_id=reported.school_id,
                category=reported.category,
            )
            unit.outbox.put([event], draft.reported_at)
            return reported

        if self.both(report) is not None:
            self.event_ids.append(event_id)

    @rule(incident_id=incident_ids, data=st.data(), event_id=st.uuids())
    def move_incident(
        self, incident_id: uuid.UUID, data: st.DataObject, event_id: uuid.UUID
    ) -> None:
        """Move a reported incident to a status its lifecycle allows, with its event."""
        read = self.reference_read(lambda u: u.incidents.get(incident_id))
        if read.status is IncidentStatus.DRAFT:
            return
        status = data.draw(
            st.sampled_from(sorted(INCIDENT_TRANSITIONS[read.status], key=lambda s: s.value))
        )
        disposition = None
        if status is IncidentStatus.CLOSED:
            arrested = bool(read.with_role(InvolvementRole.ARRESTEE))
            kinds = [k for k in DispositionKind if arrested or k is not DispositionKind.ARREST]
            day = self.calendar.local_date(read.occurred_start)
            disposition = data.draw(
                strategies.dispositions(data.draw(st.sampled_from(kinds)), not_before=day)
            )
        at = data.draw(strategies.aware_datetimes())

        def move(unit: UnitOfWork) -> Incident:
            incident = unit.incidents.get(incident_id)
            assert incident.number is not None
            if disposition is None:
                moved = incident.moved_to(status)
            else:
                moved = incident.closed(disposition)
            event = IncidentStatusChanged(
                occurred_at=at,
                event_id=event_id,
                incident_id=incident_id,
                number=incident.number,
                previous=incident.status,
                status=status,
                disposition=disposition.kind if disposition is not None else None,
            )
            unit.outbox.put([event], at)
            return unit.incidents.update(moved)

        if self.both(move) is not None:
            self.event_ids.append(event_id)

    @rule(incident_id=incident_ids, data=st.data())
    def review_incident(self, incident_id: uuid.UUID, data: st.DataObject) -> None:
        """Move a reported incident's review one step the review table allows, later or at once."""
        read = self.reference_read(lambda u: u.incidents.get(incident_id))
        if read.status is IncidentStatus.DRAFT:
            return
        state = data.draw(
            st.sampled_from(sorted(REVIEW_TRANSITIONS[read.review], key=lambda s: s.value))
        )
        last = read.reviews[-1].at if read.reviews else read.reported_at
        at = last + data.draw(st.timedeltas(dt.timedelta(0), dt.timedelta(days=3)))
        by = "ofc.reyes" if state is ReviewState.SUBMITTED else "sgt.lopez"
        note = "Say who saw it." if state is ReviewState.RETURNED else ""

        def review(unit: UnitOfWork) -> Incident:
            incident = unit.incidents.get(incident_id)
            return unit.incidents.update(incident.under_review(state, by, at, note))

        self.both(review)

    @rule(incident_id=incident_ids, seal=st.booleans())
    def seal_incident(self, incident_id: uuid.UUID, seal: bool) -> None:
        """Seal or unseal an incident: counts asked with the sealed do not move."""

        def with_sealed(unit: UnitOfWork) -> list[object]:
            return [
                getattr(unit.queries, q)(_ALL_TIME, include_sealed=True) for q in SEALED_COUNTS[:-1]
            ]

        before = self.reference_read(with_sealed)
        self.both(lambda u: u.incidents.update(sealed(u.incidents.get(incident_id), seal=seal)))
        assert in_utc(self.reference_read(with_sealed)) == in_utc(before)

    @rule(year=st.sampled_from(_YEARS), count=st.integers(1, 3))
    def allocate_numbers(self, year: int, count: int) -> None:
        """Allocate some numbers of a year: both stores give the same ones."""
        self.both(lambda u: [u.next_incident_number(year) for _ in range(count)])

    # --- the daily log ---------------------------------------------------------------------------

    @rule(
        target=contact_ids,
        contact=strategies.community_contacts(escalated=False),
        officer_id=officer_ids,
    )
    def add_contact(
        self, contact: CommunityContact, officer_id: uuid.UUID
    ) -> uuid.UUID | MultipleResults[uuid.UUID]:
        """Log a community contact of a known officer."""
        logged = _fresh(attrs.evolve(contact, officer_id=officer_id))
        added = self.both(lambda u: u.contacts.add(logged))
        return logged.id if added is not None else multiple()

    @rule(contact_id=contact_ids, minutes=st.integers(1, 600))
    def update_contact(self, contact_id: uuid.UUID, minutes: int) -> None:
        """Correct the minutes of a contact."""

        def update(unit: UnitOfWork) -> CommunityContact:
            read = unit.contacts.get(contact_id)
            return unit.contacts.update(attrs.evolve(read, minutes=minutes))

        self.both(update)

    @rule(
        target=incident_ids,
        contact_id=contact_ids,
        incident=strategies.incidents(IncidentStatus.DRAFT),
        event_id=st.uuids(),
    )
    def escalate_contact(
        self, contact_id: uuid.UUID, incident: Incident, event_id: uuid.UUID
    ) -> uuid.UUID | MultipleResults[uuid.UUID]:
        """Escalate a contact into a new incident, both linked, in one unit (once only)."""
        draft = _fresh(attrs.evolve(incident, escalated_from=contact_id))

        def escalate(unit: UnitOfWork) -> uuid.UUID:
            contact = unit.contacts.get(contact_id)
            added = unit.incidents.add(attrs.evolve(draft, reporting_officer_id=contact.officer_id))
            unit.contacts.update(contact.escalated_to(added))
            event = IncidentEscalated(
                occurred_at=draft.reported_at,
                event_id=event_id,
                contact_id=contact_id,
                incident_id=added.id,
            )
            unit.outbox.put([event], draft.reported_at)
            return added.id

        escalated = self.both(escalate)
        if escalated is None:
            return multiple()
        self.event_ids.append(event_id)
        return escalated

    # --- outbox and audit ------------------------------------------------------------------------

    @rule(
        events=st.lists(strategies.domain_events(), min_size=1, max_size=3),
        at=strategies.aware_datetimes(),
    )
    def put_events(self, events: list[DomainEvent], at: dt.datetime) -> None:
        """Put some events in the outbox."""
        self.both(lambda u: u.outbox.put(events, at))
        self.event_ids.extend(e.event_id for e in events)

    @precondition(lambda self: bool(self.event_ids))
    @rule(
        data=st.data(),
        status=st.sampled_from(DeliveryStatus),
        attempts=st.integers(0, 5),
        next_attempt_at=st.none() | strategies.aware_datetimes(),
    )
    def record_delivery(
        self,
        data: st.DataObject,
        status: DeliveryStatus,
        attempts: int,
        next_attempt_at: dt.datetime | None,
    ) -> None:
        """Record how the delivery of an event to a notifier stands."""
        delivery = Delivery(
            data.draw(st.sampled_from(self.event_ids)),
            data.draw(st.sampled_from(_NOTIFIERS)),
            status,
            attempts,
            next_attempt_at,
            None if status is DeliveryStatus.DELIVERED else "refused",
        )
        self.both(lambda u: u.outbox.record(delivery))

    @rule(entry=strategies.audit_entries())
    def append_audit_entry(self, entry: AuditEntry) -> None:
        """Append an entry sealed after the head."""

        def append(unit: UnitOfWork) -> AuditEntry:
            sealed = _sealed_after(unit.audit.head(), entry)
            unit.audit.append(sealed)
            return sealed

        self.both(append)

    @rule(entry=strategies.audit_entries())
    def append_an_audit_entry_that_does_not_follow(self, entry: AuditEntry) -> None:
        """Append an entry that skips a sequence: Conflict."""

        def append(unit: UnitOfWork) -> None:
            sealed = _sealed_after(unit.audit.head(), entry)
            unit.audit.append(attrs.evolve(sealed, sequence=sealed.sequence + 1))

        self.both(append, expect=Conflict)

    # --- the person index ------------------------------------------------------------------------

    @rule(target=person_ids, record=strategies.person_records())
    def add_person(self, record: PersonRecord) -> uuid.UUID | MultipleResults[uuid.UUID]:
        """Add a person to the index."""
        added = self.both(lambda unit: unit.people.add(record))
        return multiple() if added is None else added.id

    @rule(target=person_ids, incident_id=incident_ids)
    def lift_people(self, incident_id: uuid.UUID) -> MultipleResults[uuid.UUID]:
        """Lift an incident's people into the index (those already in it are left alone)."""

        def lift(unit: UnitOfWork) -> int:
            incident = unit.incidents.get(incident_id)
            return unit.people.lift((i.person, incident.school_id) for i in incident.involvements)

        self.both(lift)
        incident = self.reference_read(lambda unit: unit.incidents.find(incident_id))
        return multiple(*(i.person.id for i in incident.involvements) if incident else ())

    @rule(keep=person_ids, duplicate=person_ids)
    def merge_people(self, keep: uuid.UUID, duplicate: uuid.UUID) -> None:
        """Merge a duplicate into a kept record, writing both (a broken rule is refused alike)."""
        self.both(lambda unit: merge_read(unit, unit.people.get(keep), unit.people.get(duplicate)))

    @rule(duplicate=person_ids)
    def undo_merge(self, duplicate: uuid.UUID) -> None:
        """Undo a duplicate's merge (refused alike when it is not merged)."""

        def undo(unit: UnitOfWork) -> PersonRecord:
            record = unit.people.get(duplicate)
            if record.merged_into is not None:
                unit.people.update(unit.people.get(record.merged_into))
            return unit.people.update(record.unmerged())

        self.both(undo)

    @rule(person=person_ids, name=st.sampled_from(["Zoë Ramírez", "Zoe Ramires", None]))
    def correct_person(self, person: uuid.UUID, name: str | None) -> None:
        """Correct a person's name as the program does (a merged record is refused alike)."""
        self.both(
            lambda unit: unit.people.update(unit.people.get(person).corrected({"name": name}))
        )

    @rule(keep=person_ids, duplicate=person_ids)
    def merge_one_pair_twice_at_once(self, keep: uuid.UUID, duplicate: uuid.UUID) -> None:
        """Two merges of one pair read the same versions: the second to commit is Conflict."""
        dup = self.reference_read(lambda unit: unit.people.find(duplicate))
        kept = self.reference_read(lambda unit: unit.people.find(keep))
        if dup is None or kept is None or dup.merged_into or kept.merged_into or keep == duplicate:
            return
        self.both(lambda unit: merge_read(unit, kept, dup))
        self.both(lambda unit: merge_read(unit, kept, dup), expect=Conflict)

    # --- failure ---------------------------------------------------------------------------------

    @rule(
        officer=strategies.officers(),
        events=st.lists(strategies.domain_events(), min_size=1, max_size=2),
        entry=strategies.audit_entries(),
        year=st.sampled_from(_YEARS),
    )
    def fail_midway(
        self, officer: Officer, events: list[DomainEvent], entry: AuditEntry, year: int
    ) -> None:
        """Write everywhere in a unit, then raise: nothing of it is kept."""

        def abandoned(unit: UnitOfWork) -> None:
            unit.next_incident_number(year)
            unit.outbox.put(events, entry.at)
            unit.audit.append(_sealed_after(unit.audit.head(), entry))
            for known in list(unit.officers.all())[:1]:
                unit.officers.update(attrs.evolve(known, rank="Lieutenant"))
            for incident in list(unit.incidents.all())[:1]:
                unit.incidents.update(attrs.evolve(incident, narrative="overwritten"))
            unit.officers.add(_fresh(officer))
            raise _Abandoned

        before = in_utc(_view(self.storage))
        self.both(abandoned)
        assert in_utc(_view(self.storage)) == before, "a unit left by an exception kept writes"

    # --- the check after every step --------------------------------------------------------------

    @invariant()
    def stores_agree(self) -> None:
        """Both stores hold, and answer, the same."""
        found, expected = in_utc(_view(self.storage)), in_utc(_view(self.reference))
        for part, answer in expected.items():
            assert found[part] == answer, f"the stores disagree on {part}"


def _sealed_after(head: AuditEntry | None, entry: AuditEntry) -> AuditEntry:
    """Return an entry's content sealed as the successor of a head."""
    return AuditEntry.sealed(
        head,
        at=entry.at,
        actor_id=entry.actor_id,
        actor_role=entry.actor_role,
        component=entry.component,
        action=entry.action,
        outcome=entry.outcome,
        target=entry.target,
        detail=entry.detail,
    )


def machine_test(
    factory: Callable[[ProgramCalendar], Storage],
    *,
    settings: hypothesis.settings | None = None,
) -> type[unittest.TestCase]:
    """Return a test case running :class:`StorageMachine` on stores a factory opens."""

    def make_storage(_machine: StorageMachine, calendar: ProgramCalendar) -> Storage:
        return factory(calendar)

    name = f"{getattr(factory, '__name__', 'Storage').strip('<>').title()}Machine"
    machine: type[StorageMachine] = type(name, (StorageMachine,), {"make_storage": make_storage})
    case = machine.TestCase
    if settings is not None:
        case.settings = settings
    return case
