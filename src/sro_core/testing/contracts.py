"""The storage contract as a pytest test base: a backend's whole test file is one subclass.

A backend author writes::

    from sro_core.domain import ProgramCalendar
    from sro_core.ports import Storage, StorageSettings
    from sro_core.testing import StorageContract

    class TestMyStorage(StorageContract):
        def make_storage(self, calendar: ProgramCalendar) -> Storage:
            return MyStorage(StorageSettings(f"my:///{self.storage_dir()}/db", calendar))

Every test opens fresh stores with ``make_storage`` (once per Hypothesis example) and closes
them with ``close_storage``; ``storage_dir`` gives a file-backed store a new folder, removed
with the store. A test that needs a :class:`~sro_core.ports.Capability` the store does not
claim is skipped and says so; naming the capability in ``requires`` makes that a failure.
``interleaved_units = False`` skips the tests that hold two units of work open in one thread
(a store whose unit takes the write lock at its start cannot); ``interleaved_writes = False``
only those where both units write before either commits. ``expected_failures`` marks known
gaps as strict expected failures, so that a fix is noticed.

The example-based promise tests (:class:`~sro_core.testing.promises.PromiseContracts` and
:class:`~sro_core.testing.promises.OutboxPromises`, bases of this class) are collected first:
each names the promise a store breaks within a second; the properties below are the net.

The query tests store the same generated records in the backend and in the memory reference
and compare every answer, the ``text`` criterion included (``IncidentFilter`` defines it for
every backend; ``FULL_TEXT_SEARCH`` only says how it is answered). Records are compared instant
for instant (:func:`in_utc`): a backend may give times back in UTC or in any offset.

The class has no ``Test`` prefix, so pytest collects only its subclasses. ``@given`` is applied
anew for each subclass, so each backend runs Hypothesis tests of its own; each test runs on a
share of the active profile's ``max_examples`` (stores are costly to fill) with no deadline
(storage does I/O).
"""

# ruff: noqa: S101 - a test kit checks with assert, as pytest's own tests do; pytest rewrites it

from __future__ import annotations

import abc
import base64
import contextlib
import datetime as dt
import functools
import itertools
import random
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, Final, TypeVar

import attrs
import pytest
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from sro_core.builtin.memory import MemoryStorage
from sro_core.domain import (
    GENESIS_HASH,
    MINUTES_IN_A_DAY,
    MOST_ATTENDING,
    ActorEntry,
    Agreement,
    Assignment,
    AssignmentRole,
    AuditEntry,
    CommunityContact,
    CrisisEvent,
    CrisisStatus,
    DomainEvent,
    EducationActivity,
    Incident,
    IncidentStatus,
    LocationKind,
    Officer,
    OfficerRegistered,
    Partner,
    Person,
    PersonKind,
    PersonRecord,
    ProgramCalendar,
    Referral,
    ReviewState,
    ReviewStep,
    School,
    SchoolYear,
    incident_number,
)
from sro_core.ports import (
    MAX_PAGE_SIZE,
    Aggregate,
    BadQuery,
    Capability,
    Claim,
    Conflict,
    Delivery,
    DeliveryStatus,
    IncidentFilter,
    NotFound,
    OutboxEntry,
    Page,
    Period,
    Repository,
    Storage,
    StorageSettings,
    UnitOfWork,
)
from sro_core.serialization import structure, structure_document, unstructure
from sro_core.testing import strategies
from sro_core.testing._support import _PLAN, _Plan, _property, broken, in_utc
from sro_core.testing._support import in_unit as _in_unit
from sro_core.testing.person_index import PersonIndexContract
from sro_core.testing.promises import OutboxPromises, PromiseContracts
from sro_core.testing.sealing import SealedCountsContract

__all__ = ["OutboxClaimsContract", "StorageContract", "in_utc"]

T = TypeVar("T")
A = TypeVar("A", bound=Aggregate)
F = TypeVar("F", bound=Callable[..., None])

_NOTIFIERS: Final = ("log", "webhook")
_TABLES: Final = (
    "officers",
    "schools",
    "assignments",
    "people",
    "incidents",
    "contacts",
    "activities",
    "partners",
    "actors",
    "agreements",
    "referrals",
    "crises",
)


def _other_role(role: AssignmentRole) -> AssignmentRole:
    return AssignmentRole.RELIEF if role is not AssignmentRole.RELIEF else AssignmentRole.PRIMARY


_CHANGES: Final[Mapping[str, Callable[[Any], Any]]] = {
    "officers": lambda r: attrs.evolve(r, name=f"{r.name} (changed)"),
    "schools": lambda r: attrs.evolve(r, name=f"{r.name} (changed)"),
    "assignments": lambda r: attrs.evolve(r, role=_other_role(r.role)),
    "people": lambda r: attrs.evolve(r, name="Changed Name"),
    "incidents": lambda r: attrs.evolve(r, narrative=f"{r.narrative} (changed)"),
    "contacts": lambda r: attrs.evolve(r, minutes=r.minutes % MINUTES_IN_A_DAY + 1),
    "activities": lambda r: attrs.evolve(r, attendance=r.attendance % MOST_ATTENDING + 1),
    "partners": lambda r: attrs.evolve(r, name=f"{r.name} (changed)"),
    "actors": lambda r: attrs.evolve(r, name=f"{r.name} (changed)"),
    "agreements": lambda r: attrs.evolve(r, title=f"{r.title} (changed)"),
    "referrals": lambda r: attrs.evolve(r, note=f"{r.note} (changed)"),
    "crises": lambda r: attrs.evolve(r, declared_by=f"{r.declared_by} (changed)"),
}
"""How the round-trip tests change a stored record of each repository before updating it."""


# --- building the tests for each subclass --------------------------------------------------------


def _own_copy(test: Callable[..., None]) -> Callable[..., None]:
    """Return a copy of an inherited test that can be marked for one subclass alone."""

    @functools.wraps(test)
    def copy(self: object, *args: Any, **kwargs: Any) -> None:
        test(self, *args, **kwargs)

    return copy


# --- small helpers -------------------------------------------------------------------------------


def _fresh(record: A) -> A:
    """Return a record as a new one (version 0), as ``add`` takes it."""
    return attrs.evolve(record, version=0)  # type: ignore[misc]


def _stored(record: A, version: int = 1) -> A:
    """Return a record as storage gives it back, at a version."""
    return attrs.evolve(record, version=version)  # type: ignore[misc]


def _twin(record: A) -> A:
    """Return a record under another id (its last bit flipped), nothing else changed."""
    return attrs.evolve(record, id=uuid.UUID(int=record.id.int ^ 1))  # type: ignore[misc]


def _by_id(records: Iterable[A]) -> list[A]:
    return sorted(records, key=lambda r: r.id)


def _renumbered(incidents: Sequence[Incident]) -> list[Incident]:
    """Return incidents with distinct numbers: the n-th, if it has one, gets sequence n."""
    return [
        i if i.number is None else attrs.evolve(i, number=incident_number(int(i.number[:4]), n))
        for n, i in enumerate(incidents, start=1)
    ]


def _repository(unit: UnitOfWork, table: str) -> Repository[Any]:
    repository: Repository[Any] = getattr(unit, table)
    return repository


def _after(key: uuid.UUID | None, size: int) -> Callable[[UnitOfWork], list[CommunityContact]]:
    """Return the read of a page of contacts after an id."""
    return lambda unit: unit.contacts.after(key, size)


def _committed(unit: UnitOfWork, work: Callable[[UnitOfWork], object]) -> None:
    """Do some work in an open unit of work, then commit it."""
    work(unit)
    unit.commit()


def _everything(unit: UnitOfWork) -> dict[str, list[Any]]:
    """Return every record, outbox event and audit entry a unit of work sees."""
    found: dict[str, list[Any]] = {t: list(_repository(unit, t).all()) for t in _TABLES}
    found["outbox"] = [(e.event, e.recorded_at) for e in unit.outbox.entries()]
    found["audit"] = unit.audit.entries()
    return found


def _encoded(text: str) -> str:
    """Return text in the shape of a cursor (URL-safe base64)."""
    return base64.urlsafe_b64encode(text.encode()).decode()


def _an_event(at: dt.datetime) -> DomainEvent:
    return OfficerRegistered(occurred_at=at, officer_id=uuid.UUID(int=7), badge="7")


def _batches(items: Sequence[T], cuts: Sequence[int]) -> list[list[T]]:
    """Split items into consecutive, non-empty batches at some positions (any, in any order)."""
    bounds = sorted({0, len(items), *(c % (len(items) + 1) for c in cuts)})
    return [list(items[a:b]) for a, b in itertools.pairwise(bounds)]


class _Abandoned(Exception):
    """Raised by a test inside a unit of work, to leave it by an exception."""


# --- generated data ------------------------------------------------------------------------------


def _optional(strategy: SearchStrategy[T]) -> SearchStrategy[T | None]:
    return st.none() | strategy


def _records(strategy: SearchStrategy[A], most: int = 4) -> SearchStrategy[list[A]]:
    """Draw one to ``most`` records with distinct ids."""
    return st.lists(strategy, min_size=1, max_size=most, unique_by=lambda r: r.id)


_OFFICERS: Final = st.lists(
    strategies.officers(), min_size=1, max_size=4, unique_by=(lambda o: o.id, lambda o: o.badge)
)
_INCIDENTS: Final = _records(strategies.incidents()).map(_renumbered)
_EVENTS: Final = st.lists(
    strategies.domain_events(), min_size=1, max_size=8, unique_by=lambda e: e.event_id
)
_CHAINS: Final = strategies.audit_chains(min_size=1, max_size=6)
_CUTS: Final = st.lists(st.integers(0, 20), max_size=3)
_CASED_TEXTS: Final = st.text(st.sampled_from("aAzZéÉßẞ\u0131İΣ\u03c3ς%_\\ -0"), max_size=12)
"""Narratives where folding case by more than A to Z, or LIKE's wildcards, would show."""
_BAD_CURSORS: Final = (
    "not a cursor",
    "!!!!",
    "=",
    _encoded("nonsense"),
    _encoded("|"),
    _encoded(f"2024-01-01T00:00:00+00:00|{'x' * 36}"),
)


@attrs.frozen
class _Sample:
    """Records stored in both stores, and the values worth asking about them."""

    calendar: ProgramCalendar
    year: SchoolYear
    incidents: tuple[Incident, ...]
    contacts: tuple[CommunityContact, ...]
    activities: tuple[EducationActivity, ...]
    referrals: tuple[Referral, ...]
    school_ids: tuple[uuid.UUID, ...]
    officer_ids: tuple[uuid.UUID, ...]
    instants: tuple[dt.datetime, ...]


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def _zones(calendar: ProgramCalendar) -> SearchStrategy[dt.tzinfo]:
    """Draw a time zone to write an instant in: UTC, the program's, or a fixed offset."""
    offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
    return st.sampled_from([dt.UTC, calendar.zone]) | offsets


@st.composite
def _instants(draw: DrawFn, calendar: ProgramCalendar, year: SchoolYear) -> dt.datetime:
    """Draw an instant of a school year (or a month either side), often at a local boundary.

    Local month starts, midnights, the school year's first instant and the zone's DST changes
    are where a backend that groups in UTC, or by the wrong offset, goes wrong.
    """
    first = year.first_day - dt.timedelta(days=31)
    last = year.last_day + dt.timedelta(days=31)
    start, end = calendar.span(first, last)
    near = draw(st.sampled_from(("anywhere", "month", "midnight", "year", "dst")))
    changes = [t for t in strategies.dst_transitions(calendar) if start <= t < end]
    if near == "month":
        edge = calendar.day_bounds(draw(st.sampled_from(_months(first, last))))[0]
    elif near == "midnight":
        edge = calendar.day_bounds(draw(st.dates(first, last)))[0]
    elif near == "year":
        edge = calendar.day_bounds(year.first_day)[0]
    elif near == "dst" and changes:
        edge = draw(st.sampled_from(changes))
    else:
        edge = start + draw(st.timedeltas(dt.timedelta(0), end - start))
    hour = dt.timedelta(hours=1)
    offset = draw(st.just(dt.timedelta(0)) | st.timedeltas(-hour, hour))
    return (edge + offset).astimezone(draw(_zones(calendar)))


def _waiting_since(incident: Incident, at: dt.datetime) -> Incident:
    """Return an incident whose report was submitted for review at an instant, and waits."""
    step = ReviewStep(state=ReviewState.SUBMITTED, actor_id="ofc.reyes", at=at)
    return attrs.evolve(incident, review=ReviewState.SUBMITTED, reviews=(step,))


def _placed(incident: Incident, start: dt.datetime) -> Incident:
    """Return an incident moved in time to start at an instant, its other times with it."""
    shift = start - incident.occurred_start
    end = incident.occurred_end
    return attrs.evolve(
        incident,
        occurred_start=start,
        occurred_end=None if end is None else end + shift,
        reported_at=incident.reported_at + shift,
    )


@st.composite
def _recast(draw: DrawFn, incident: Incident, students: Sequence[Person]) -> Incident:
    """Return an incident some of whose people are students of a pool, in new demographics.

    The same students turn up in several incidents, in other roles and with other recorded
    demographics, as the CRDC counts need; a victim's relationships follow the new ids.
    """
    pool = draw(st.permutations(students))[: draw(st.integers(1, len(students)))]
    cast = dict(zip((i.person.id for i in incident.involvements), pool, strict=False))
    involvements = []
    for involvement in incident.involvements:
        person, victim = involvement.person, involvement.victim
        if person.id in cast:
            demographics = draw(strategies.demographics())
            person = attrs.evolve(cast[person.id], demographics=demographics)
        if victim is not None:
            related = tuple(
                attrs.evolve(r, offender=cast[r.offender].id if r.offender in cast else r.offender)
                for r in victim.relationships
            )
            victim = attrs.evolve(victim, relationships=related)
        involvements.append(attrs.evolve(involvement, person=person, victim=victim))
    people = [i.person.id for i in involvements]
    if len(set(people)) < len(people):  # a student of the pool was already in the cast
        return incident
    return attrs.evolve(incident, involvements=tuple(involvements))


@st.composite
def _samples(draw: DrawFn, most: int = 8, *, logs: bool = False) -> _Sample:
    """Draw a small store's worth of incidents (and contacts, activities, referrals) to query.

    The incidents share a few schools, officers and categories; they fall in one school year
    or a month either side, often at a local boundary; some are twins of another at its very
    instant or a few days off; a few students turn up in many of them. Every record is
    valid; moving incidents in time may break the calendar rules of ``check_incident``, which
    are the service's to enforce, not storage's.
    """
    calendar = draw(strategies.program_calendars())
    year = SchoolYear(draw(st.integers(strategies.FIRST_YEAR + 1, strategies.LAST_YEAR - 2)))
    school_ids = tuple(draw(st.lists(st.uuids(), min_size=1, max_size=3, unique=True)))
    officer_ids = tuple(draw(st.lists(st.uuids(), min_size=1, max_size=3, unique=True)))
    students = draw(_records(strategies.people(PersonKind.STUDENT), 3))
    drawn = draw(st.lists(strategies.incidents(calendar=calendar), min_size=1, max_size=most))
    ids = draw(st.lists(st.uuids(), min_size=len(drawn), max_size=len(drawn), unique=True))
    categories = draw(
        st.lists(st.sampled_from(sorted({i.category for i in drawn}) or ["other"]), min_size=1)
    )
    officers, three_days = st.sampled_from(officer_ids), dt.timedelta(days=3)
    incidents: list[Incident] = []
    for incident, key in zip(drawn, ids, strict=True):
        if incidents and draw(st.integers(0, 3)) == 0:
            twin = draw(st.sampled_from(incidents))
            shift = draw(st.just(dt.timedelta(0)) | st.timedeltas(-three_days, three_days))
            placed = _placed(twin, twin.occurred_start + shift)
        else:
            on_campus = incident.location.kind is LocationKind.ON_CAMPUS
            school = draw(st.sampled_from(school_ids if on_campus else (*school_ids, None)))
            placed = attrs.evolve(
                _placed(incident, draw(_instants(calendar, year))),
                school_id=school,
                reporting_officer_id=draw(officers),
                category=draw(st.sampled_from(categories)),
                narrative=draw(st.just(incident.narrative) | _CASED_TEXTS),
            )
        incidents.append(draw(_recast(attrs.evolve(placed, id=key), students)))
    contacts: list[CommunityContact] = []
    activities: list[EducationActivity] = []
    referrals: list[Referral] = []
    if logs:
        schools = st.sampled_from(school_ids)
        contacts = [
            attrs.evolve(
                c,
                officer_id=draw(officers),
                at=draw(_instants(calendar, year)),
                school_id=None if c.school_id is None else draw(schools),
            )
            for c in draw(st.lists(strategies.community_contacts(), max_size=6, unique_by=_id))
        ]
        activities = [
            attrs.evolve(a, officer_id=draw(officers), held_at=draw(_instants(calendar, year)))
            for a in draw(st.lists(strategies.education_activities(), max_size=6, unique_by=_id))
        ]
        partners = st.sampled_from(draw(st.lists(st.uuids(), min_size=1, max_size=3)))
        referrals = [
            attrs.evolve(r, partner_id=draw(partners), sent_at=draw(_instants(calendar, year)))
            for r in draw(st.lists(strategies.referrals(), max_size=6, unique_by=_id))
        ]
    instants = [
        *(i.occurred_start for i in incidents),
        *(c.at for c in contacts),
        *(a.held_at for a in activities),
        *(r.sent_at for r in referrals),
        *draw(st.lists(_instants(calendar, year), min_size=2, max_size=4)),
    ]
    return _Sample(
        calendar,
        year,
        tuple(_fresh(i) for i in _renumbered(incidents)),
        tuple(_fresh(c) for c in contacts),
        tuple(_fresh(a) for a in activities),
        tuple(_fresh(r) for r in referrals),
        school_ids,
        officer_ids,
        tuple(instants),
    )


def _id(record: Aggregate) -> uuid.UUID:
    return record.id


@st.composite
def _needles(draw: DrawFn, incidents: Sequence[Incident]) -> str:
    """Draw a text to look for: a short part of a narrative, number or category, case changed."""
    narratives = [i.narrative for i in incidents if i.narrative]
    others = [t for i in incidents for t in (i.number, i.category) if t]
    if not narratives + others or draw(st.integers(0, 4)) == 0:
        return draw(_CASED_TEXTS.filter(bool))
    text = draw(st.sampled_from(narratives or others) | st.sampled_from(others or narratives))
    first = draw(st.integers(0, len(text)))
    part = text[first : first + draw(st.integers(0, 4))]
    flips = draw(st.lists(st.booleans(), min_size=len(part), max_size=len(part)))
    return "".join(c.swapcase() if flip else c for c, flip in zip(part, flips, strict=True))


@st.composite
def _filters(draw: DrawFn, sample: _Sample) -> IncidentFilter:
    """Draw a filter over a sample: up to three criteria, with known and unknown values."""
    schools = st.sampled_from((*sample.school_ids, uuid.UUID(int=0)))
    categories = st.sampled_from(sorted({i.category for i in sample.incidents} | {"none-such"}))
    bounds = st.sampled_from(sample.instants)
    criteria: dict[str, SearchStrategy[Any]] = {
        "school_ids": st.frozensets(schools, max_size=3),
        "occurred_from": bounds,
        "occurred_before": bounds,
        "categories": st.frozensets(categories, max_size=3),
        "statuses": st.frozensets(st.sampled_from(IncidentStatus), max_size=4),
        "officer_id": st.sampled_from((*sample.officer_ids, uuid.UUID(int=1))),
        "text": _needles(sample.incidents),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(criteria)), max_size=3, unique=True))
    return IncidentFilter(**{name: draw(criteria[name]) for name in chosen})


@st.composite
def _periods(draw: DrawFn, sample: _Sample) -> Period:
    """Draw a period whose ends are stored instants, local boundaries, or the whole span."""
    two_months = dt.timedelta(days=62)
    whole = sample.calendar.span(
        sample.year.first_day - two_months, sample.year.last_day + two_months
    )
    if draw(st.integers(0, 2)) == 0:
        return Period(*whole)
    ends = st.sampled_from((*sample.instants, *whole))
    start, end = sorted((draw(ends), draw(ends)))
    return Period(start, end)


@st.composite
def _deliveries(draw: DrawFn, events: Sequence[DomainEvent], now: dt.datetime) -> list[Delivery]:
    """Draw the delivery states of some events to some notifiers, next tries around now."""
    two_hours = dt.timedelta(hours=2)
    around = st.just(now) | st.timedeltas(-two_hours, two_hours).map(lambda d: now + d)
    return [
        Delivery(
            event.event_id,
            notifier,
            draw(st.sampled_from(DeliveryStatus)),
            draw(st.integers(0, 9)),
            draw(_optional(around)),
            draw(_optional(st.text(max_size=20))),
        )
        for event in events
        for notifier in draw(st.lists(st.sampled_from(_NOTIFIERS), unique=True))
    ]


# --- answers of a store --------------------------------------------------------------------------


def _pages(storage: Storage, where: IncidentFilter, size: int) -> list[tuple[Incident, ...]]:
    """Return every page of a query, each read in a unit of work of its own."""
    pages: list[tuple[Incident, ...]] = []
    after: str | None = None
    while len(pages) <= 1_000:
        with storage.unit_of_work() as unit:
            page = unit.queries.find_incidents(where, Page(size, after))
        pages.append(page.items)
        if page.next is None:
            return pages
        after = page.next
    return broken("pages", "a thousand pages, and the cursors still do not reach the last")


def _document_pages(
    storage: Storage, where: IncidentFilter, size: int
) -> list[tuple[Mapping[str, Any], ...]]:
    """Return every page of ``find_incident_documents``, each read in a unit of its own."""
    pages: list[tuple[Mapping[str, Any], ...]] = []
    after: str | None = None
    while len(pages) <= 1_000:
        with storage.unit_of_work() as unit:
            page = unit.queries.find_incident_documents(where, Page(size, after))
        pages.append(page.items)
        if page.next is None:
            return pages
        after = page.next
    return broken("pages", "a thousand pages, and the cursors still do not reach the last")


def _counted(storage: Storage, query: str, period: Period) -> list[Any]:
    """Return the rows of one of the queries that count over a period."""
    rows: list[Any] = _in_unit(storage, lambda u: getattr(u.queries, query)(period))
    return rows


def _allocate(storage: Storage, year: int) -> str:
    """Allocate a number in a unit of its own, trying again when a race is lost."""
    for _ in range(200):
        try:
            return _in_unit(storage, lambda u: u.next_incident_number(year))
        except Conflict:
            continue
    return broken("numbers", "200 races for a number lost in a row")


def _rename(storage: Storage, officer_id: uuid.UUID, mark: str) -> None:
    """Add a mark to an officer's name in a unit of its own, trying again when a race is lost."""

    def rename(unit: UnitOfWork) -> None:
        officer = unit.officers.get(officer_id)
        unit.officers.update(attrs.evolve(officer, name=f"{officer.name}{mark}"))

    for _ in range(200):
        try:
            _in_unit(storage, rename)
        except Conflict:
            continue
        return
    broken("updates", "200 races for an update lost in a row")


# --- the outbox's claims ------------------------------------------------------------------------

_LEASE: Final = dt.timedelta(seconds=60)
_CLAIM_STEPS: Final = st.lists(
    st.tuples(
        st.sampled_from(_NOTIFIERS),
        st.sampled_from((0, 1, 30, 61, 3600)),
        st.integers(1, 3),
        st.lists(st.sampled_from((*DeliveryStatus, None)), min_size=3, max_size=3),
    ),
    min_size=1,
    max_size=8,
)
"""Claim steps: a notifier, seconds to wait first, how many to claim, and what becomes of each
claim (an outcome to settle, or None: left to its lease)."""


def _claimed(claims: Sequence[Claim]) -> list[tuple[uuid.UUID, str, int]]:
    return [(c.entry.event.event_id, c.notifier, c.attempt) for c in claims]


def _claim_in_unit(
    storage: Storage, notifier: str, now: dt.datetime, limit: int, token: str
) -> list[Claim]:
    """Claim in a unit of its own, trying again when a race is lost."""
    for _ in range(200):
        try:
            return _in_unit(
                storage, lambda u: u.outbox.claim(notifier, now, _LEASE, limit, token=token)
            )
        except Conflict:
            continue
    raise AssertionError("200 races lost in a row")


def _settle_in_unit(
    storage: Storage, claim: Claim, outcome: Delivery, notifiers: Sequence[str], now: dt.datetime
) -> bool:
    """Settle a claim in a unit of its own, trying again when a race is lost."""
    for _ in range(200):
        try:
            return _in_unit(storage, lambda u: u.outbox.settle(claim, outcome, notifiers, now))
        except Conflict:
            continue
    raise AssertionError("200 races lost in a row")


def _deliveries_of(storage: Storage, event_id: uuid.UUID) -> list[Delivery]:
    return _in_unit(storage, lambda u: u.outbox.deliveries(event_id))


class OutboxClaimsContract:
    """The storage contract's part on claims: leases, guarded outcomes, settling, pruning.

    Mixed into :class:`StorageContract`; its tests run for every backend.
    """

    def opened(
        self, calendar: ProgramCalendar | None = None
    ) -> contextlib.AbstractContextManager[Storage]:
        """Open a fresh store of the backend under test (:class:`StorageContract` gives it)."""
        raise NotImplementedError

    @staticmethod
    def reference(calendar: ProgramCalendar | None = None) -> MemoryStorage:
        """Return an empty memory reference (:class:`StorageContract` gives it)."""
        raise NotImplementedError

    @_property(0.02, events=_EVENTS, steps=_CLAIM_STEPS)
    def test_claims_and_outcomes_agree_with_the_reference(
        self,
        events: list[DomainEvent],
        steps: list[tuple[str, int, int, list[DeliveryStatus | None]]],
    ) -> None:
        """Claims, leases, guarded outcomes and settling give the reference's answers."""
        now = events[0].occurred_at
        reference = self.reference()
        with self.opened() as storage:
            for store in (storage, reference):
                _in_unit(store, lambda u: u.outbox.put(events, now))
            for n, (notifier, wait, limit, fates) in enumerate(steps):
                now += dt.timedelta(seconds=wait)
                token = f"claim {n}"
                got = _claim_in_unit(storage, notifier, now, limit, token)
                want = _claim_in_unit(reference, notifier, now, limit, token)
                assert _claimed(got) == _claimed(want), f"step {n}"
                assert all(c.lease_until == now + _LEASE for c in got)
                for claim, fate in zip(got, fates, strict=False):
                    if fate is None:
                        continue
                    outcome = Delivery(
                        claim.entry.event.event_id, notifier, fate, claim.attempt, None, "x"
                    )
                    answers = [
                        _settle_in_unit(s, claim, outcome, _NOTIFIERS, now)
                        for s in (storage, reference)
                    ]
                    assert answers[0] == answers[1], f"step {n}: settle"
            for event in events:
                found, expected = (_deliveries_of(s, event.event_id) for s in (storage, reference))
                assert in_utc(found) == in_utc(expected)

    def test_a_claim_holds_until_its_lease_runs_out(self) -> None:
        """A claimed delivery is not claimed again before its lease ends; after it, once more."""
        at = dt.datetime(2025, 3, 1, 8, tzinfo=dt.UTC)
        events = [_an_event(at), attrs.evolve(_an_event(at), event_id=uuid.UUID(int=8))]
        with self.opened() as storage:
            _in_unit(storage, lambda u: u.outbox.put(events, at))
            first = _claim_in_unit(storage, "log", at, 1, "a")
            assert _claimed(first) == [(events[0].event_id, "log", 1)]
            second = _claim_in_unit(storage, "log", at + _LEASE / 2, 5, "b")
            assert _claimed(second) == [(events[1].event_id, "log", 1)]
            assert _claim_in_unit(storage, "log", at + _LEASE / 2, 5, "c") == []
            other = _claim_in_unit(storage, "webhook", at, 5, "d")
            assert [c.entry.event.event_id for c in other] == [e.event_id for e in events]
            again = _claim_in_unit(storage, "log", at + _LEASE, 5, "e")
            assert _claimed(again) == [(events[0].event_id, "log", 2)]

    def test_a_late_outcome_is_discarded_and_delivered_is_final(self) -> None:
        """A stale claim's outcome is refused; a delivered delivery is never overwritten."""
        at = dt.datetime(2025, 3, 1, 8, tzinfo=dt.UTC)
        event = _an_event(at)
        with self.opened() as storage:
            _in_unit(storage, lambda u: u.outbox.put([event], at))
            [stale] = _claim_in_unit(storage, "log", at, 1, "stale")
            [fresh] = _claim_in_unit(storage, "log", at + _LEASE, 1, "fresh")
            done = Delivery(event.event_id, "log", DeliveryStatus.DELIVERED, 2)
            dead = Delivery(event.event_id, "log", DeliveryStatus.DEAD, 1, None, "boom")
            assert _in_unit(storage, lambda u: u.outbox.settle(fresh, done, ["log"], at)) is True
            assert _in_unit(storage, lambda u: u.outbox.settle(stale, dead, ["log"], at)) is False
            assert _in_unit(storage, lambda u: u.outbox.settle(fresh, dead, ["log"], at)) is False
            _in_unit(storage, lambda u: u.outbox.record(dead))
            assert _deliveries_of(storage, event.event_id) == [done]
            assert _claim_in_unit(storage, "log", at + 10 * _LEASE, 1, "later") == []

    def test_claims_of_some_events_take_only_those(self) -> None:
        """``events`` limits a claim to those event ids, urgent or not."""
        at = dt.datetime(2025, 3, 1, 8, tzinfo=dt.UTC)
        events = [attrs.evolve(_an_event(at), event_id=uuid.UUID(int=n)) for n in range(1, 6)]
        wanted = [events[3].event_id, events[1].event_id]
        holder = "the dispatcher"
        with self.opened() as storage:
            _in_unit(storage, lambda u: u.outbox.put(events, at))
            claims = _in_unit(
                storage,
                lambda u: u.outbox.claim("log", at, _LEASE, 10, token=holder, events=wanted),
            )
            assert [c.entry.event.event_id for c in claims] == [wanted[1], wanted[0]]

    @_property(0.02, events=_EVENTS, chosen=st.lists(st.booleans(), min_size=8, max_size=8))
    def test_events_put_claimed_are_claimed_as_a_claim_after_put_would(
        self, events: list[DomainEvent], chosen: list[bool]
    ) -> None:
        """``put_claimed`` gives the claims, deliveries and later claims of put, then claim."""
        now = events[0].occurred_at
        claimed = frozenset(e.event_id for e, take in zip(events, chosen, strict=False) if take)
        leases = {"log": ("a", _LEASE), "webhook": ("b", 2 * _LEASE)}
        reference = self.reference()
        with self.opened() as storage:
            got, want = (
                _in_unit(s, lambda u: u.outbox.put_claimed(events, now, claimed, leases))
                for s in (storage, reference)
            )
            assert [(c.token, c.lease_until, c.entry.event) for c in got] == [
                (c.token, c.lease_until, c.entry.event) for c in want
            ]
            assert _claimed(got) == _claimed(want)
            entries = [_in_unit(s, lambda u: u.outbox.entries()) for s in (storage, reference)]
            assert [(e.event, in_utc(e.recorded_at)) for e in entries[0]] == [
                (e.event, in_utc(e.recorded_at)) for e in entries[1]
            ]
            for event in events:
                found, expected = (_deliveries_of(s, event.event_id) for s in (storage, reference))
                assert in_utc(found) == in_utc(expected)
            for n, later in enumerate((now, now + _LEASE, now + 2 * _LEASE)):
                for notifier in _NOTIFIERS:
                    token = f"{notifier} {n}"
                    again = [
                        _claim_in_unit(s, notifier, later, 8, token) for s in (storage, reference)
                    ]
                    assert _claimed(again[0]) == _claimed(again[1]), f"{notifier} at {later}"

    def test_settled_events_are_pruned_but_dead_letters_stay(self) -> None:
        """Events delivered everywhere go after the retention; one with a dead letter stays."""
        at = dt.datetime(2025, 3, 1, 8, tzinfo=dt.UTC)
        events = [attrs.evolve(_an_event(at), event_id=uuid.UUID(int=n)) for n in range(1, 4)]
        done, dead = DeliveryStatus.DELIVERED, DeliveryStatus.DEAD
        fates = {  # event -> its outcome per notifier (missing: never settled)
            events[0].event_id: {"log": done, "webhook": done},
            events[1].event_id: {"log": done, "webhook": dead},
            events[2].event_id: {"log": done},
        }
        with self.opened() as storage:
            _in_unit(storage, lambda u: u.outbox.put(events, at))
            for notifier in _NOTIFIERS:
                for claim in _claim_in_unit(storage, notifier, at, 10, notifier):
                    fate = fates[claim.entry.event.event_id].get(notifier)
                    if fate is not None:
                        outcome = Delivery(claim.entry.event.event_id, notifier, fate, 1)
                        assert _settle_in_unit(storage, claim, outcome, _NOTIFIERS, at)
            assert _in_unit(storage, lambda u: u.outbox.prune(at, 10)) == 0, "not old enough"
            later = at + dt.timedelta(days=1)
            assert _in_unit(storage, lambda u: u.outbox.prune(later, 10)) == 1
            assert _in_unit(storage, lambda u: u.outbox.prune(later, 10)) == 0
            left = _in_unit(storage, lambda u: u.outbox.entries())
            assert [e.event.event_id for e in left] == [e.event_id for e in events[1:]]
            assert _deliveries_of(storage, events[0].event_id) == []
            claims = _claim_in_unit(storage, "webhook", later, 10, "w")
            assert [c.entry.event.event_id for c in claims] == [events[2].event_id]

    def test_a_replay_opens_a_settled_event_again(self) -> None:
        """Recording a dead delivery as pending (a replay) makes it claimable again."""
        at = dt.datetime(2025, 3, 1, 8, tzinfo=dt.UTC)
        event = _an_event(at)
        with self.opened() as storage:
            _in_unit(storage, lambda u: u.outbox.put([event], at))
            [claim] = _claim_in_unit(storage, "log", at, 1, "a")
            dead = Delivery(event.event_id, "log", DeliveryStatus.DEAD, 1, None, "gone")
            assert _in_unit(storage, lambda u: u.outbox.settle(claim, dead, ["log"], at))
            assert _claim_in_unit(storage, "log", at, 1, "b") == []
            _in_unit(
                storage,
                lambda u: u.outbox.record(Delivery(event.event_id, "log", DeliveryStatus.PENDING)),
            )
            [again] = _claim_in_unit(storage, "log", at, 1, "c")
            assert again.attempt == 1

    def test_threads_claiming_at_once_never_share_a_delivery(self) -> None:
        """Four threads claiming side by side take every delivery exactly once."""
        at = dt.datetime(2025, 3, 1, 8, tzinfo=dt.UTC)
        events = [attrs.evolve(_an_event(at), event_id=uuid.UUID(int=n)) for n in range(1, 61)]
        taken: list[list[uuid.UUID]] = [[] for _ in range(4)]
        with self.opened() as storage:
            _in_unit(storage, lambda u: u.outbox.put(events, at))

            def claim_all(mine: list[uuid.UUID], token: str) -> None:
                while claims := _claim_in_unit(storage, "log", at, 3, token):
                    mine.extend(c.entry.event.event_id for c in claims)

            threads = [
                threading.Thread(target=claim_all, args=(taken[n], f"t{n}")) for n in range(4)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        every = [key for mine in taken for key in mine]
        assert sorted(every) == sorted(e.event_id for e in events)


# --- the contract --------------------------------------------------------------------------------


class StorageContract(
    PromiseContracts,
    OutboxPromises,
    OutboxClaimsContract,
    PersonIndexContract,
    SealedCountsContract,
    abc.ABC,
):
    """The tests every storage backend passes; subclass it and give ``make_storage``."""

    requires: ClassVar[frozenset[Capability]] = frozenset()
    """Capabilities the backend must claim: their tests fail, rather than skip, if it does not."""

    interleaved_units: ClassVar[bool] = True
    """Whether one thread may hold two units of work of a store open at once."""

    expected_failures: ClassVar[Mapping[str, str]] = {}
    """Tests known to fail for this backend, by name, with the reason (strict expected failure)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        names = [name for name in dir(cls) if name.startswith("test_")]
        unknown = sorted(set(cls.expected_failures) - set(names))
        if unknown:
            raise TypeError(f"{cls.__name__}.expected_failures names no test: {unknown}")
        for name in names:
            test = getattr(cls, name)
            plan = getattr(test, _PLAN, None)
            reason = cls.expected_failures.get(name)
            if isinstance(plan, _Plan):
                test = plan.build(failing=reason is not None)
            elif reason is not None:
                test = _own_copy(test)
            else:
                continue
            if reason is not None:
                test = pytest.mark.xfail(reason=reason, strict=True)(test)
            setattr(cls, name, test)

    # --- what a backend's test class gives -------------------------------------------------------

    @abc.abstractmethod
    def make_storage(self, calendar: ProgramCalendar) -> Storage:
        """Open a new, empty store of the backend under test, with the program's calendar."""

    def close_storage(self, storage: Storage) -> None:
        """Close a store the test is done with (``storage.close()`` unless overridden)."""
        storage.close()

    def reopen_storage(self, storage: Storage) -> Storage:
        """Open a store again, as another process would (from its settings unless overridden)."""
        return type(storage)(storage.settings)

    # --- helpers for the tests and for backend authors -------------------------------------------

    def storage_dir(self) -> Path:
        """Return a new empty folder for a file-backed store; it goes when the store is closed."""
        path = Path(tempfile.mkdtemp(prefix="sro-contract-"))
        self._folders().append(path)
        return path

    def _folders(self) -> list[Path]:
        folders: list[Path] = self.__dict__.setdefault("_sro_folders", [])
        return folders

    @contextlib.contextmanager
    def _keeping_folders(self) -> Iterator[None]:
        """Remove, on the way out, the folders ``storage_dir`` made on the way through."""
        folders = self._folders()
        mark = len(folders)
        try:
            yield
        finally:
            for folder in folders[mark:]:
                shutil.rmtree(folder, ignore_errors=True)
            del folders[mark:]

    @contextlib.contextmanager
    def opened(self, calendar: ProgramCalendar | None = None) -> Iterator[Storage]:
        """Open a fresh store of the backend under test; close it, and remove its folders, after."""
        with self._keeping_folders():
            storage = self.make_storage(calendar or ProgramCalendar())
            try:
                yield storage
            finally:
                self.close_storage(storage)

    @contextlib.contextmanager
    def _loaded(self, sample: _Sample) -> Iterator[tuple[Storage, Storage]]:
        """Open the backend and the memory reference, both holding a sample's records."""
        reference = self.reference(sample.calendar)
        with self.opened(sample.calendar) as storage:
            for store in (storage, reference):
                with store.unit_of_work() as unit:
                    unit.incidents.add_many(sample.incidents)
                    unit.contacts.add_many(sample.contacts)
                    unit.activities.add_many(sample.activities)
                    unit.referrals.add_many(sample.referrals)
            yield storage, reference

    @staticmethod
    def reference(calendar: ProgramCalendar | None = None) -> MemoryStorage:
        """Return an empty memory store: the reference that every answer is compared with."""
        return MemoryStorage(StorageSettings("memory:", calendar or ProgramCalendar()))

    def need(self, storage: Storage, capability: Capability) -> None:
        """Skip the test unless the store claims a capability (fail if ``requires`` names it)."""
        if capability in storage.capabilities:
            return
        message = f"{type(storage).__name__} does not claim {capability.value}"
        if capability in self.requires:
            pytest.fail(f"{message}, which {type(self).__name__}.requires names")
        pytest.skip(message)

    def need_interleaved_units(self, storage: Storage) -> None:
        """Skip the test unless one thread may hold two units of work of the store open."""
        if not self.interleaved_units:
            pytest.skip(f"{type(storage).__name__} opens one unit of work per thread at a time")

    def check_round_trip(self, table: str, records: Sequence[Any]) -> None:
        """Check add, get, find, all and update of one repository with some records."""
        new = [_fresh(r) for r in records]
        with self.opened() as storage:
            with storage.unit_of_work() as unit:
                repository = _repository(unit, table)
                added = [repository.add(r) for r in new]
                assert in_utc(added) == in_utc([_stored(r) for r in new])
                assert in_utc([repository.get(r.id) for r in new]) == in_utc(added), (
                    "a unit reads its writes"
                )
            with storage.unit_of_work() as unit:
                repository = _repository(unit, table)
                assert in_utc([repository.get(r.id) for r in new]) == in_utc(added)
                assert in_utc([repository.find(r.id) for r in new]) == in_utc(added)
                assert in_utc(list(repository.all())) == in_utc(_by_id(added))
                updated = [repository.update(_CHANGES[table](r)) for r in added]
                assert in_utc(updated) == in_utc([_stored(_CHANGES[table](r), 2) for r in added])
            assert in_utc(list(_in_unit(storage, lambda u: _repository(u, table).all()))) == in_utc(
                _by_id(updated)
            )

    # --- round trips -----------------------------------------------------------------------------

    @_property(0.07, records=_OFFICERS)
    def test_officers_round_trip(self, records: list[Officer]) -> None:
        """Officers come back as stored, at version 1, in id order; an update makes version 2."""
        self.check_round_trip("officers", records)

    @_property(0.07, records=_records(strategies.community_contacts()), size=st.integers(1, 4))
    def test_after_pages_through_every_record_in_id_order(
        self, records: list[CommunityContact], size: int
    ) -> None:
        """Pages of ``after`` read from the first id on hold ``all()``, in order, nothing twice."""
        with self.opened() as storage:
            _in_unit(storage, lambda u: u.contacts.add_many([_fresh(r) for r in records]))
            pages: list[list[CommunityContact]] = []
            last: uuid.UUID | None = None
            while not pages or len(pages[-1]) == size:
                if len(pages) > len(records) // size + 1:
                    broken("after", f"pages of {size} go on past all {len(records)} records")
                pages.append(_in_unit(storage, _after(last, size)))
                last = pages[-1][-1].id if pages[-1] else last
            everything = _in_unit(storage, lambda u: list(u.contacts.all()))
            assert in_utc([r for page in pages for r in page]) == in_utc(everything), (
                f"after: pages of {size} do not hold every record once, by id"
            )
            assert all(len(page) <= size for page in pages), f"after: a page is over {size}"

    @_property(0.07, records=_records(strategies.schools()))
    def test_schools_round_trip(self, records: list[School]) -> None:
        """Schools come back as stored, at version 1, in id order; an update makes version 2."""
        self.check_round_trip("schools", records)

    @_property(0.07, records=_records(strategies.assignments()))
    def test_assignments_round_trip(self, records: list[Assignment]) -> None:
        """Assignments come back as stored, at version 1, in id order; an update makes 2."""
        self.check_round_trip("assignments", records)

    @_property(0.07, records=_records(strategies.person_records()))
    def test_people_round_trip(self, records: list[PersonRecord]) -> None:
        """Index records come back as stored, at version 1, in id order; an update makes 2."""
        self.check_round_trip("people", records)

    @_property(0.07, records=_INCIDENTS)
    def test_incidents_round_trip(self, records: list[Incident]) -> None:
        """Incidents come back as stored, at version 1, in id order; an update makes version 2."""
        self.check_round_trip("incidents", records)

    @_property(
        0.05,
        records=st.tuples(*(strategies.incidents(s, edge_cases=True) for s in IncidentStatus)),
    )
    def test_incidents_of_every_status_round_trip(self, records: tuple[Incident, ...]) -> None:
        """An incident in each status, edge-case times among them, comes back as stored."""
        distinct = [attrs.evolve(r, id=uuid.UUID(int=n)) for n, r in enumerate(records, 1)]
        self.check_round_trip("incidents", _renumbered(distinct))

    @_property(0.07, records=_records(strategies.community_contacts()))
    def test_contacts_round_trip(self, records: list[CommunityContact]) -> None:
        """Contacts come back as stored, at version 1, in id order; an update makes version 2."""
        self.check_round_trip("contacts", records)

    @_property(0.07, records=_records(strategies.education_activities()))
    def test_activities_round_trip(self, records: list[EducationActivity]) -> None:
        """Activities come back as stored, at version 1, in id order; an update makes 2."""
        self.check_round_trip("activities", records)

    @_property(0.07, records=_records(strategies.partners()))
    def test_partners_round_trip(self, records: list[Partner]) -> None:
        """Partners come back as stored, at version 1, in id order; an update makes version 2."""
        self.check_round_trip("partners", records)

    @_property(0.07, records=_records(strategies.actor_entries()))
    def test_actors_round_trip(self, records: list[ActorEntry]) -> None:
        """Directory entries come back as stored, at version 1, in id order; an update makes 2."""
        self.check_round_trip("actors", records)

    @_property(0.07, records=_records(strategies.agreements()))
    def test_agreements_round_trip(self, records: list[Agreement]) -> None:
        """Agreements come back as stored, at version 1, in id order; an update makes 2."""
        self.check_round_trip("agreements", records)

    @_property(0.07, records=_records(strategies.referrals()))
    def test_referrals_round_trip(self, records: list[Referral]) -> None:
        """Referrals come back as stored, at version 1, in id order; an update makes 2."""
        self.check_round_trip("referrals", records)

    @_property(0.07, records=_records(strategies.crisis_events()))
    def test_crises_round_trip(self, records: list[CrisisEvent]) -> None:
        """Crises come back as stored, at version 1, in id order; an update makes version 2."""
        self.check_round_trip("crises", records)

    # --- lookups ---------------------------------------------------------------------------------

    @_property(0.02, key=st.uuids())
    def test_a_missing_record_is_not_found(self, key: uuid.UUID) -> None:
        """``find`` of an id nobody has is None and ``get`` raises NotFound, in every repository."""
        with self.opened() as storage, storage.unit_of_work() as unit:
            for table in _TABLES:
                repository = _repository(unit, table)
                assert repository.find(key) is None, table
                with pytest.raises(NotFound):
                    repository.get(key)
            with pytest.raises(NotFound):
                unit.officers.by_badge("no such badge")
            with pytest.raises(NotFound):
                unit.incidents.by_number("1999-999999")

    @_property(0.05, officers=_OFFICERS, incidents=_INCIDENTS)
    def test_officers_by_badge_and_incidents_by_number(
        self, officers: list[Officer], incidents: list[Incident]
    ) -> None:
        """An officer is found by badge, and a reported incident by number."""
        with self.opened() as storage:
            with storage.unit_of_work() as unit:
                unit.officers.add_many(_fresh(o) for o in officers)
                unit.incidents.add_many(_fresh(i) for i in incidents)
            with storage.unit_of_work() as unit:
                for officer in officers:
                    assert in_utc(unit.officers.by_badge(officer.badge)) == in_utc(
                        _stored(_fresh(officer))
                    )
                for incident in incidents:
                    if incident.number is not None:
                        found = unit.incidents.by_number(incident.number)
                        assert in_utc(found) == in_utc(_stored(_fresh(incident)))

    @_property(
        0.05,
        assignments=_records(strategies.assignments(), 6),
        referrals=_records(strategies.referrals(), 6),
        crises=_records(strategies.crisis_events(), 6),
        pick=st.randoms(),
    )
    def test_assignments_referrals_and_crises_are_found_by_their_links(
        self,
        assignments: list[Assignment],
        referrals: list[Referral],
        crises: list[CrisisEvent],
        pick: random.Random,
    ) -> None:
        """Assignments by officer and school, referrals by incident and partner, active crises."""
        one, other = uuid.UUID(int=1), uuid.UUID(int=2)
        assignments = [
            attrs.evolve(
                a,
                officer_id=pick.choice((one, a.officer_id)),
                school_id=pick.choice((other, a.school_id)),
            )
            for a in assignments
        ]
        referrals = [
            attrs.evolve(
                r,
                incident_id=pick.choice((one, r.incident_id)),
                partner_id=pick.choice((other, r.partner_id)),
            )
            for r in referrals
        ]
        crises = [attrs.evolve(c, school_id=pick.choice((other, c.school_id))) for c in crises]
        with self.opened() as storage:
            with storage.unit_of_work() as unit:
                assignments = unit.assignments.add_many(_fresh(a) for a in assignments)
                referrals = unit.referrals.add_many(_fresh(r) for r in referrals)
                crises = unit.crises.add_many(_fresh(c) for c in crises)
            active = [c for c in crises if c.status is CrisisStatus.ACTIVE]
            with storage.unit_of_work() as unit:
                for key in (one, other, *(a.officer_id for a in assignments)):
                    found = unit.assignments.for_officer(key)
                    assert in_utc(_by_id(found)) == in_utc(
                        _by_id(a for a in assignments if a.officer_id == key)
                    )
                for key in (one, other, *(a.school_id for a in assignments)):
                    found = unit.assignments.for_school(key)
                    assert in_utc(_by_id(found)) == in_utc(
                        _by_id(a for a in assignments if a.school_id == key)
                    )
                for key in (one, other, *(r.incident_id for r in referrals)):
                    got = unit.referrals.for_incident(key)
                    assert in_utc(_by_id(got)) == in_utc(
                        _by_id(r for r in referrals if r.incident_id == key)
                    )
                for key in (one, other, *(r.partner_id for r in referrals)):
                    got = unit.referrals.for_partner(key)
                    assert in_utc(_by_id(got)) == in_utc(
                        _by_id(r for r in referrals if r.partner_id == key)
                    )
                assert in_utc(_by_id(unit.crises.active())) == in_utc(_by_id(active))
                for key in (one, other, *(c.school_id for c in crises)):
                    here = unit.crises.active(key)
                    assert in_utc(_by_id(here)) == in_utc(
                        _by_id(c for c in active if c.school_id == key)
                    )

    # --- conflicts and atomicity -----------------------------------------------------------------

    @_property(0.05, officer=strategies.officers(), school=strategies.schools())
    def test_a_stale_update_is_a_conflict_and_its_unit_keeps_nothing(
        self, officer: Officer, school: School
    ) -> None:
        """Updating from a version that has moved on is Conflict; the unit's other writes go."""
        with self.opened() as storage:
            first = _in_unit(storage, lambda u: u.officers.add(_fresh(officer)))
            second = _in_unit(storage, lambda u: u.officers.update(_CHANGES["officers"](first)))

            def stale(unit: UnitOfWork) -> None:
                unit.schools.add(_fresh(school))
                unit.officers.update(first)

            with pytest.raises(Conflict):
                _in_unit(storage, stale)
            assert in_utc(_in_unit(storage, lambda u: list(u.officers.all()))) == in_utc([second])
            assert in_utc(_in_unit(storage, lambda u: list(u.schools.all()))) == []

    @_property(0.05, officer=strategies.officers(), school=strategies.schools())
    def test_the_second_of_two_concurrent_updates_is_a_conflict(
        self, officer: Officer, school: School
    ) -> None:
        """Two units read a record; the first update commits, the second is Conflict, not kept."""
        with self.opened() as storage:
            self.need_interleaved_units(storage)
            stored = _in_unit(storage, lambda u: u.officers.add(_fresh(officer)))
            first, second = storage.unit_of_work(), storage.unit_of_work()
            first.officers.get(stored.id)
            read = second.officers.get(stored.id)
            winner = first.officers.update(_CHANGES["officers"](stored))
            first.commit()

            def late(unit: UnitOfWork) -> None:
                unit.schools.add(_fresh(school))
                unit.officers.update(attrs.evolve(read, rank="Sergeant"))

            with pytest.raises(Conflict):
                _committed(second, late)
            second.rollback()
            assert in_utc(_in_unit(storage, lambda u: list(u.officers.all()))) == in_utc([winner])
            assert in_utc(_in_unit(storage, lambda u: list(u.schools.all()))) == []

    @_property(0.05, officer=strategies.officers())
    def test_two_concurrent_units_cannot_take_one_badge(self, officer: Officer) -> None:
        """Two open units add officers with one badge: the first commits, the second conflicts."""
        with self.opened() as storage:
            self.need_interleaved_units(storage)
            first, second = storage.unit_of_work(), storage.unit_of_work()
            _committed(first, lambda u: u.officers.add(_fresh(officer)))
            with pytest.raises(Conflict):
                _committed(second, lambda u: u.officers.add(_fresh(_twin(officer))))
            second.rollback()
            found = _in_unit(storage, lambda u: list(u.officers.all()))
            assert in_utc(found) == in_utc([_stored(_fresh(officer))])

    @_property(0.05, incident=strategies.incidents(IncidentStatus.REPORTED))
    def test_two_concurrent_units_cannot_take_one_number(self, incident: Incident) -> None:
        """Two open units add incidents with one number: the first commits, the other conflicts."""
        with self.opened() as storage:
            self.need_interleaved_units(storage)
            first, second = storage.unit_of_work(), storage.unit_of_work()
            _committed(first, lambda u: u.incidents.add(_fresh(incident)))
            with pytest.raises(Conflict):
                _committed(second, lambda u: u.incidents.add(_fresh(_twin(incident))))
            second.rollback()
            found = _in_unit(storage, lambda u: list(u.incidents.all()))
            assert in_utc(found) == in_utc([_stored(_fresh(incident))])

    @_property(0.05, officer=strategies.officers(), year=st.integers(2000, 2040))
    def test_concurrent_units_that_touch_different_things_both_commit(
        self, officer: Officer, year: int
    ) -> None:
        """A unit that allocates no number does not conflict with an open one that does."""
        with self.opened() as storage:
            self.need_interleaved_units(storage)
            _in_unit(storage, lambda u: u.next_incident_number(year))
            first, second = storage.unit_of_work(), storage.unit_of_work()
            assert first.next_incident_number(year) == incident_number(year, 2)
            first.commit()
            _committed(second, lambda u: u.officers.add(_fresh(officer)))
            found = _in_unit(storage, lambda u: list(u.officers.all()))
            assert in_utc(found) == in_utc([_stored(_fresh(officer))])
            after = _in_unit(storage, lambda u: u.next_incident_number(year))
            assert after == incident_number(year, 3)

    @_property(0.05, officer=strategies.officers(), school=strategies.schools())
    def test_adding_a_taken_id_is_a_conflict(self, officer: Officer, school: School) -> None:
        """Adding a record under a stored id is Conflict, in its own unit or a later one."""
        again = _fresh(attrs.evolve(school, name=f"{school.name} again"))
        with self.opened() as storage:

            def twice(unit: UnitOfWork) -> None:
                unit.schools.add(_fresh(school))
                with pytest.raises(Conflict):
                    unit.schools.add(again)

            _in_unit(storage, twice)

            def later(unit: UnitOfWork) -> None:
                unit.officers.add(_fresh(officer))
                unit.schools.add(again)

            with pytest.raises(Conflict):
                _in_unit(storage, later)
            assert in_utc(_in_unit(storage, _everything)["schools"]) == in_utc(
                [_stored(_fresh(school))]
            )
            assert in_utc(_in_unit(storage, _everything)["officers"]) == []

    @_property(0.05, officer=strategies.officers())
    def test_badges_are_unique(self, officer: Officer) -> None:
        """An officer cannot be added, or updated, under a badge another officer holds."""
        first, other = _fresh(officer), _fresh(_twin(officer))
        with self.opened() as storage:
            _in_unit(storage, lambda u: u.officers.add(first))
            with pytest.raises(Conflict):
                _in_unit(storage, lambda u: u.officers.add(other))
            moved = attrs.evolve(other, badge=f"{first.badge}0")
            stored = _in_unit(storage, lambda u: u.officers.add(moved))
            with pytest.raises(Conflict):
                _in_unit(
                    storage, lambda u: u.officers.update(attrs.evolve(stored, badge=first.badge))
                )
            found = _in_unit(storage, lambda u: u.officers.by_badge(first.badge))
            assert in_utc(found) == in_utc(_stored(first))
            assert in_utc(_in_unit(storage, lambda u: u.officers.get(other.id))) == in_utc(stored)

    @_property(0.05, incident=strategies.incidents(IncidentStatus.REPORTED))
    def test_incident_numbers_are_unique(self, incident: Incident) -> None:
        """An incident cannot be added, or updated, under a number another incident holds."""
        first = _fresh(incident)
        number = first.number
        assert number is not None
        draft = attrs.evolve(
            _twin(first), number=None, status=IncidentStatus.DRAFT, disposition=None
        )
        with self.opened() as storage:
            _in_unit(storage, lambda u: u.incidents.add(first))
            stored = _in_unit(storage, lambda u: u.incidents.add(draft))
            with pytest.raises(Conflict):
                _in_unit(storage, lambda u: u.incidents.update(attrs.evolve(stored, number=number)))
            with pytest.raises(Conflict):
                _in_unit(
                    storage, lambda u: u.incidents.add(_twin(attrs.evolve(first, id=draft.id)))
                )
            assert in_utc(_in_unit(storage, lambda u: u.incidents.by_number(number))) == in_utc(
                _stored(first)
            )
            assert in_utc(_in_unit(storage, lambda u: u.incidents.get(draft.id))) == in_utc(stored)

    @_property(
        0.05,
        officers=_OFFICERS,
        incidents=_INCIDENTS,
        events=_EVENTS,
        chain=_CHAINS,
        year=st.integers(2000, 2040),
    )
    def test_a_unit_left_by_an_exception_keeps_nothing(
        self,
        officers: list[Officer],
        incidents: list[Incident],
        events: list[DomainEvent],
        chain: list[AuditEntry],
        year: int,
    ) -> None:
        """Records, outbox events, audit entries and numbers of a failed unit are all undone."""

        def first(unit: UnitOfWork) -> None:
            unit.officers.add(_fresh(officers[0]))
            unit.audit.append(chain[0])

        def abandoned(unit: UnitOfWork) -> None:
            unit.officers.update(_CHANGES["officers"](unit.officers.get(officers[0].id)))
            unit.officers.add_many(_fresh(o) for o in officers[1:])
            unit.incidents.add_many(_fresh(i) for i in incidents)
            unit.outbox.put(events, events[0].occurred_at)
            for entry in chain[1:]:
                unit.audit.append(entry)
            unit.next_incident_number(year)
            raise _Abandoned

        with self.opened() as storage:
            _in_unit(storage, first)
            before = _in_unit(storage, _everything)
            with pytest.raises(_Abandoned):
                _in_unit(storage, abandoned)
            assert in_utc(_in_unit(storage, _everything)) == in_utc(before)
            after = _in_unit(storage, lambda u: u.next_incident_number(year))
            assert after == incident_number(year, 1)

    @_property(0.05, officers=_OFFICERS, incidents=_INCIDENTS)
    def test_add_many_is_many_adds(
        self, officers: list[Officer], incidents: list[Incident]
    ) -> None:
        """``add_many`` returns, and stores, what the same ``add`` calls would."""
        with self.opened() as one, self.opened() as many:
            with one.unit_of_work() as unit:
                singly: list[Any] = [unit.officers.add(_fresh(o)) for o in officers]
                singly += [unit.incidents.add(_fresh(i)) for i in incidents]
            with many.unit_of_work() as unit:
                at_once: list[Any] = unit.officers.add_many(_fresh(o) for o in officers)
                at_once += unit.incidents.add_many(_fresh(i) for i in incidents)
            assert in_utc(at_once) == in_utc(singly)
            assert in_utc(_in_unit(many, _everything)) == in_utc(_in_unit(one, _everything))

    @_property(0.02, officers=_OFFICERS, incidents=_INCIDENTS)
    def test_add_many_writes_the_documents_it_is_given(
        self, officers: list[Officer], incidents: list[Incident]
    ) -> None:
        """``add_many`` with the records' wire documents stores the records, version 1."""
        fresh_officers = [_fresh(o) for o in officers]
        read = [structure_document(unstructure(_fresh(i)), Incident) for i in incidents]
        records = [record for record, _ in read]
        with self.opened() as storage:
            with storage.unit_of_work() as unit:
                unit.officers.add_many(fresh_officers, [unstructure(o) for o in fresh_officers])
                added: list[Any] = unit.incidents.add_many(records, [d for _, d in read])
            expected = [_stored(r) for r in records]
            assert in_utc(added) == in_utc(expected)
            stored = _in_unit(storage, lambda u: [u.incidents.get(r.id) for r in records])
            assert in_utc(stored) == in_utc(expected)
            again = _in_unit(storage, lambda u: [u.officers.get(o.id) for o in fresh_officers])
            assert in_utc(again) == in_utc([_stored(o) for o in fresh_officers])

    @_property(0.01, officers=_OFFICERS)
    def test_exists_says_what_find_finds(self, officers: list[Officer]) -> None:
        """``exists`` is true for each stored id and false for one that is not stored."""
        stored, other = [_fresh(o) for o in officers[1:]], _fresh(officers[0])
        with self.opened() as storage:
            _in_unit(storage, lambda u: u.officers.add_many(stored))
            found = _in_unit(storage, lambda u: [u.officers.exists(o.id) for o in [*stored, other]])
        assert found == [True] * len(stored) + [False]

    @_property(0.01, officer=strategies.officers(), schools=_records(strategies.schools()))
    def test_the_officer_and_school_of_a_report_are_read_as_the_repositories_read_them(
        self, officer: Officer, schools: list[School]
    ) -> None:
        """``officer_and_school`` answers what ``officers.exists`` and ``schools.get`` answer."""
        stored, other = [_fresh(s) for s in schools[1:]], _fresh(schools[0])
        with self.opened() as storage:
            _in_unit(storage, lambda u: u.schools.add_many(stored))
            _in_unit(storage, lambda u: u.officers.add(_fresh(officer)))
            asked = [(o, s) for o in (officer.id, other.id) for s in (*stored, other, None)]
            found = _in_unit(
                storage,
                lambda u: [u.officer_and_school(o, None if s is None else s.id) for o, s in asked],
            )
        expected = [
            (o == officer.id, None if s is None or s is other else s.level) for o, s in asked
        ]
        assert found == expected

    @_property(0.05, officers=_OFFICERS)
    def test_add_many_with_a_taken_id_keeps_nothing(self, officers: list[Officer]) -> None:
        """A batch holding an id already stored is Conflict, and nothing of it is kept."""
        kept = _fresh(officers[-1])
        with self.opened() as storage:
            _in_unit(storage, lambda u: u.officers.add(kept))
            with pytest.raises(Conflict):
                _in_unit(storage, lambda u: u.officers.add_many(_fresh(o) for o in officers))
            assert in_utc(_in_unit(storage, lambda u: list(u.officers.all()))) == in_utc(
                [_stored(kept)]
            )

    # --- incident numbers ------------------------------------------------------------------------

    @_property(
        0.05,
        years=st.lists(st.sampled_from((2000, 2024, 2025, 2040)), min_size=1, max_size=12),
        cuts=_CUTS,
    )
    def test_incident_numbers_run_from_one_in_each_year(
        self, years: list[int], cuts: list[int]
    ) -> None:
        """The numbers of a year are 1, 2, 3 … across units of work, each year on its own."""
        counters: dict[int, int] = {}
        with self.opened() as storage:
            for batch in _batches(years, cuts):
                with storage.unit_of_work() as unit:
                    for year in batch:
                        counters[year] = counters.get(year, 0) + 1
                        expected = incident_number(year, counters[year])
                        assert unit.next_incident_number(year) == expected

    @_property(0.05, year=st.integers(2000, 2040), count=st.integers(1, 4))
    def test_a_failed_unit_gives_its_numbers_back(self, year: int, count: int) -> None:
        """Numbers allocated in a unit that fails are allocated again by the next unit."""

        def abandoned(unit: UnitOfWork) -> None:
            for _ in range(count):
                unit.next_incident_number(year)
            raise _Abandoned

        with self.opened() as storage:
            _in_unit(storage, lambda u: u.next_incident_number(year))
            with pytest.raises(_Abandoned):
                _in_unit(storage, abandoned)
            after = _in_unit(storage, lambda u: u.next_incident_number(year))
            assert after == incident_number(year, 2)

    # --- outbox ----------------------------------------------------------------------------------

    @_property(
        0.05,
        events=_EVENTS,
        cuts=_CUTS,
        times=st.lists(strategies.aware_datetimes(), min_size=4, max_size=4),
        after=st.integers(0, 20),
        limit=_optional(st.integers(0, 10)),
    )
    def test_the_outbox_keeps_events_in_order(
        self,
        events: list[DomainEvent],
        cuts: list[int],
        times: list[dt.datetime],
        after: int,
        limit: int | None,
    ) -> None:
        """Entries come back in the order put, sequences rising; ``after`` and ``limit`` cut."""
        expected: list[tuple[DomainEvent, dt.datetime]] = []
        with self.opened() as storage:
            for batch, at in zip(_batches(events, cuts), times, strict=False):
                with storage.unit_of_work() as unit:
                    unit.outbox.put(batch, at)
                expected += [(e, at) for e in batch]
            entries = _in_unit(storage, lambda u: u.outbox.entries())
            assert in_utc([(e.event, e.recorded_at) for e in entries]) == in_utc(expected)
            sequences = [e.sequence for e in entries]
            assert sequences == sorted(set(sequences)), "sequences rise"
            assert sequences[0] > 0
            cut = [0, *sequences, sequences[-1] + 1][after % (len(sequences) + 2)]
            found = _in_unit(storage, lambda u: u.outbox.entries(after=cut, limit=limit))
            beyond = [e for e in entries if e.sequence > cut]
            assert in_utc(found) == in_utc(beyond if limit is None else beyond[:limit])

    @_property(
        0.05,
        events=_EVENTS,
        now=strategies.aware_datetimes(),
        data=st.data(),
        limit=st.integers(1, 10),
    )
    def test_due_entries_come_urgent_first_then_oldest(
        self, events: list[DomainEvent], now: dt.datetime, data: st.DataObject, limit: int
    ) -> None:
        """``due`` gives the entries not delivered and not waiting, urgent first, then oldest."""
        deliveries = {(d.event_id, d.notifier): d for d in data.draw(_deliveries(events, now))}

        def is_due(entry: OutboxEntry, notifier: str) -> bool:
            # instants compared in UTC: two times in one zone compare by their wall clocks,
            # which repeat in the hour a daylight-saving change gives back
            state = deliveries.get((entry.event.event_id, notifier))
            return state is None or (
                state.status is DeliveryStatus.PENDING
                and (
                    state.next_attempt_at is None
                    or state.next_attempt_at.astimezone(dt.UTC) <= now.astimezone(dt.UTC)
                )
            )

        def record(unit: UnitOfWork) -> None:
            unit.outbox.put(events, now)
            for delivery in deliveries.values():
                unit.outbox.record(delivery)

        with self.opened() as storage:
            _in_unit(storage, record)
            with storage.unit_of_work() as unit:
                entries = unit.outbox.entries()
                for notifier in _NOTIFIERS:
                    due = [e for e in entries if is_due(e, notifier)]
                    due.sort(key=lambda e: (not e.event.urgent, e.sequence))
                    assert in_utc(unit.outbox.due(notifier, now, limit)) == in_utc(due[:limit]), (
                        notifier
                    )

    @_property(0.05, events=_EVENTS, data=st.data())
    def test_deliveries_are_recorded_and_replaced_and_dead_ones_listed(
        self, events: list[DomainEvent], data: st.DataObject
    ) -> None:
        """The last state recorded per event and notifier is kept, but delivered is final."""
        now = events[0].occurred_at
        recorded = data.draw(_deliveries(events, now)) + data.draw(_deliveries(events, now))
        kept: dict[tuple[uuid.UUID, str], Delivery] = {}
        for d in recorded:
            before = kept.get((d.event_id, d.notifier))
            if before is None or before.status is not DeliveryStatus.DELIVERED:
                kept[d.event_id, d.notifier] = d
        order = {e.event_id: n for n, e in enumerate(events)}
        dead = sorted(
            (d for d in kept.values() if d.status is DeliveryStatus.DEAD),
            key=lambda d: (order[d.event_id], d.notifier),
        )
        with self.opened() as storage:
            _in_unit(storage, lambda u: u.outbox.put(events, now))
            for batch in _batches(recorded, data.draw(_CUTS)):
                with storage.unit_of_work() as unit:
                    for delivery in batch:
                        unit.outbox.record(delivery)
            with storage.unit_of_work() as unit:
                for event in events:
                    mine = [d for d in kept.values() if d.event_id == event.event_id]
                    found = unit.outbox.deliveries(event.event_id)
                    assert in_utc(found) == in_utc(sorted(mine, key=lambda d: d.notifier))
                letters = unit.outbox.dead_letters()
            assert [order[d.event_id] for d in letters] == [order[d.event_id] for d in dead]
            assert in_utc(sorted(letters, key=lambda d: (order[d.event_id], d.notifier))) == in_utc(
                dead
            )

    @_property(0.02, events=_EVENTS, chain=_CHAINS, after=st.integers(-3, -1))
    def test_entries_after_a_negative_sequence_are_all(
        self, events: list[DomainEvent], chain: list[AuditEntry], after: int
    ) -> None:
        """Every sequence is above a negative ``after``: outbox and audit give every entry."""

        def write(unit: UnitOfWork) -> None:
            unit.outbox.put(events, events[0].occurred_at)
            for entry in chain:
                unit.audit.append(entry)

        with self.opened() as storage:
            _in_unit(storage, write)
            with storage.unit_of_work() as unit:
                assert in_utc(unit.outbox.entries(after=after)) == in_utc(unit.outbox.entries())
                assert in_utc(unit.audit.entries(after=after)) == in_utc(chain)

    # --- audit -----------------------------------------------------------------------------------

    @_property(
        0.05, chain=_CHAINS, cuts=_CUTS, after=st.integers(0, 8), limit=_optional(st.integers(0, 8))
    )
    def test_the_audit_log_keeps_its_chain(
        self, chain: list[AuditEntry], cuts: list[int], after: int, limit: int | None
    ) -> None:
        """Entries come back as appended; ``head`` is the last; ``after`` and ``limit`` cut."""

        def append(unit: UnitOfWork, batch: list[AuditEntry]) -> None:
            for entry in batch:
                unit.audit.append(entry)
            assert in_utc(unit.audit.head()) == in_utc(batch[-1]), "a unit reads its own appends"

        with self.opened() as storage:
            assert _in_unit(storage, lambda u: u.audit.head()) is None
            for batch in _batches(chain, cuts):
                _in_unit(storage, functools.partial(append, batch=batch))
            with storage.unit_of_work() as unit:
                assert in_utc(unit.audit.head()) == in_utc(chain[-1])
                assert in_utc(unit.audit.entries()) == in_utc(chain)
                beyond = [e for e in chain if e.sequence > after]
                found = unit.audit.entries(after=after, limit=limit)
                assert in_utc(found) == in_utc(beyond if limit is None else beyond[:limit])

    @_property(
        0.05,
        chain=_CHAINS,
        spoil=st.sampled_from(("skips one", "repeats the head", "does not follow its hash")),
    )
    def test_an_entry_that_does_not_follow_the_head_is_a_conflict(
        self, chain: list[AuditEntry], spoil: str
    ) -> None:
        """Appending anything but the head's successor is Conflict, and its unit keeps nothing."""
        head = chain[-1]
        follower = AuditEntry.sealed(
            head,
            at=head.at,
            actor_id=head.actor_id,
            actor_role=head.actor_role,
            component=head.component,
            action=head.action,
            outcome=head.outcome,
        )
        wrong = {
            "skips one": attrs.evolve(follower, sequence=head.sequence + 2),
            "repeats the head": attrs.evolve(follower, sequence=head.sequence),
            "does not follow its hash": attrs.evolve(follower, previous_hash="1" * 64),
        }[spoil]

        def append(unit: UnitOfWork) -> None:
            unit.outbox.put([_an_event(head.at)], head.at)
            unit.audit.append(wrong)

        with self.opened() as storage:
            _in_unit(storage, lambda u: [u.audit.append(e) for e in chain])
            with pytest.raises(Conflict):
                _in_unit(storage, append)
            assert in_utc(_in_unit(storage, lambda u: u.audit.entries())) == in_utc(chain)
            assert in_utc(_in_unit(storage, lambda u: u.outbox.entries())) == []

    @_property(0.02, chain=_CHAINS, spoil=st.sampled_from(("sequence", "previous hash")))
    def test_the_first_entry_follows_the_genesis(self, chain: list[AuditEntry], spoil: str) -> None:
        """An empty log takes only entry 1 sealed after nothing (previous hash: the genesis)."""
        first = chain[0]
        assert first.previous_hash == GENESIS_HASH
        wrong = {
            "sequence": attrs.evolve(first, sequence=2),
            "previous hash": attrs.evolve(first, previous_hash="f" * 64),
        }[spoil]
        with self.opened() as storage:
            with pytest.raises(Conflict):
                _in_unit(storage, lambda u: u.audit.append(wrong))
            assert _in_unit(storage, lambda u: u.audit.head()) is None

    # --- queries, compared with the memory reference ---------------------------------------------

    @_property(0.2, sample=_samples(), data=st.data())
    def test_find_incidents_matches_memory(self, sample: _Sample, data: st.DataObject) -> None:
        """Every page of ``find_incidents`` holds what the memory store's does, for any filter."""
        with self._loaded(sample) as (storage, reference):
            for _ in range(data.draw(st.integers(1, 4))):
                where = data.draw(_filters(sample))
                size = data.draw(st.integers(1, 6) | st.just(MAX_PAGE_SIZE))
                expected, found = _pages(reference, where, size), _pages(storage, where, size)
                assert in_utc([i for p in found for i in p]) == in_utc(
                    [i for p in expected for i in p]
                )
                assert [len(p) for p in found] == [len(p) for p in expected], f"pages of {size}"

    @_property(0.05, sample=_samples(), data=st.data())
    def test_find_incident_documents_is_find_incidents_in_wire_format(
        self, sample: _Sample, data: st.DataObject
    ) -> None:
        """The export's row path pages like ``find_incidents`` and holds the same records."""
        with self._loaded(sample) as (storage, _reference):
            where = data.draw(_filters(sample))
            size = data.draw(st.integers(1, 6))
            records = [i for p in _pages(storage, where, size) for i in p]
            documents = [d for p in _document_pages(storage, where, size) for d in p]
            assert [structure(d, Incident) for d in documents] == records

    @_property(0.05, sample=_samples(), data=st.data())
    def test_find_incidents_by_text_matches_memory(
        self, sample: _Sample, data: st.DataObject
    ) -> None:
        """The ``text`` criterion alone finds what the memory store finds, case aside."""
        with self._loaded(sample) as (storage, reference):
            for _ in range(data.draw(st.integers(1, 4))):
                where = IncidentFilter(text=data.draw(_needles(sample.incidents)))
                expected = _pages(reference, where, MAX_PAGE_SIZE)
                assert in_utc(_pages(storage, where, MAX_PAGE_SIZE)) == in_utc(expected)

    @_property(
        0.1,
        incident=strategies.incidents(IncidentStatus.REPORTED),
        narrative=_CASED_TEXTS,
        data=st.data(),
    )
    def test_text_ignores_the_case_of_a_to_z_alone(
        self, incident: Incident, narrative: str, data: st.DataObject
    ) -> None:
        """``text`` folds only A to Z, as SQL's ``lower``, and takes ``%`` and ``_`` literally."""
        stored = _fresh(attrs.evolve(incident, narrative=narrative))
        reference = self.reference()
        with self.opened() as storage:
            for store in (storage, reference):
                _in_unit(store, lambda u: u.incidents.add(stored))
            for _ in range(data.draw(st.integers(1, 4))):
                where = IncidentFilter(text=data.draw(_needles([stored])))
                expected = _pages(reference, where, MAX_PAGE_SIZE)
                assert in_utc(_pages(storage, where, MAX_PAGE_SIZE)) == in_utc(expected)

    def check_counts(self, query: str, sample: _Sample, data: st.DataObject) -> None:
        """Check that a query counting over a period gives the memory store's rows."""
        with self._loaded(sample) as (storage, reference):
            for _ in range(data.draw(st.integers(1, 3))):
                period = data.draw(_periods(sample))
                expected = _counted(reference, query, period)
                assert _counted(storage, query, period) == expected, period

    @_property(0.1, sample=_samples(), data=st.data())
    def test_monthly_counts_match_memory(self, sample: _Sample, data: st.DataObject) -> None:
        """``monthly_counts`` over a period gives the memory store's rows, in its order."""
        self.check_counts("monthly_counts", sample, data)

    @_property(0.05, sample=_samples(), data=st.data())
    def test_location_counts_match_memory(self, sample: _Sample, data: st.DataObject) -> None:
        """``location_counts`` over a period gives the memory store's rows, in its order."""
        self.check_counts("location_counts", sample, data)

    @_property(0.1, sample=_samples(1, logs=True), data=st.data())
    def test_triad_split_matches_memory(self, sample: _Sample, data: st.DataObject) -> None:
        """``triad_split`` over a period gives the memory store's rows, in its order."""
        self.check_counts("triad_split", sample, data)

    @_property(0.05, sample=_samples(1, logs=True), data=st.data())
    def test_contact_counts_match_memory(self, sample: _Sample, data: st.DataObject) -> None:
        """``contact_counts`` over a period gives the memory store's rows, in its order."""
        self.check_counts("contact_counts", sample, data)

    @_property(0.05, sample=_samples(1, logs=True), data=st.data())
    def test_referral_counts_match_memory(self, sample: _Sample, data: st.DataObject) -> None:
        """``referral_counts`` over a period gives the memory store's rows, in its order."""
        self.check_counts("referral_counts", sample, data)

    @_property(0.1, sample=_samples(), shift=st.sampled_from((0, 0, -1, 1)))
    def test_crdc_counts_match_memory(self, sample: _Sample, shift: int) -> None:
        """``crdc_counts`` for a school year gives the memory store's rows, in its order."""
        year = SchoolYear(sample.year.start_year + shift)
        with self._loaded(sample) as (storage, reference):
            expected = _in_unit(reference, lambda u: u.queries.crdc_counts(year))
            assert _in_unit(storage, lambda u: u.queries.crdc_counts(year)) == expected

    @_property(0.1, sample=_samples(), data=st.data())
    def test_review_queue_matches_memory(self, sample: _Sample, data: st.DataObject) -> None:
        """``review_queue`` gives the memory store's waiting reports, oldest submission first.

        Some incidents are made to wait since one instant, so that ties go by number and id,
        and a draft among them must stay out.
        """
        instant = data.draw(st.sampled_from(sample.instants))
        waiting = data.draw(st.sets(st.sampled_from(range(len(sample.incidents)))))
        incidents = [
            _waiting_since(incident, instant) if n in waiting else incident
            for n, incident in enumerate(sample.incidents)
        ]
        with self._loaded(attrs.evolve(sample, incidents=tuple(incidents))) as stores:
            storage, reference = stores
            expected = _in_unit(reference, lambda u: u.queries.review_queue())
            assert all(i.review is ReviewState.SUBMITTED for i in expected)
            assert all(i.status is not IncidentStatus.DRAFT for i in expected)
            assert in_utc(_in_unit(storage, lambda u: u.queries.review_queue())) == in_utc(expected)

    @_property(
        0.02,
        incidents=_INCIDENTS,
        cursor=st.sampled_from(_BAD_CURSORS) | st.text(min_size=1, max_size=30),
    )
    def test_a_bad_cursor_is_bad_query(self, incidents: list[Incident], cursor: str) -> None:
        """A cursor the store did not issue is BadQuery."""
        page = Page(5, cursor)
        with self.opened() as storage:
            _in_unit(storage, lambda u: u.incidents.add_many(_fresh(i) for i in incidents))
            with pytest.raises(BadQuery):
                _in_unit(storage, lambda u: u.queries.find_incidents(IncidentFilter(), page))

    @_property(0.02, incidents=_INCIDENTS, key=st.uuids())
    def test_a_forged_cursor_without_a_utc_offset_is_bad_query(
        self, incidents: list[Incident], key: uuid.UUID
    ) -> None:
        """A well-formed cursor whose time has no UTC offset was not issued: BadQuery."""
        page = Page(5, _encoded(f"2024-01-01T00:00:00|{key}"))
        with self.opened() as storage:
            _in_unit(storage, lambda u: u.incidents.add_many(_fresh(i) for i in incidents))
            with pytest.raises(BadQuery):
                _in_unit(storage, lambda u: u.queries.find_incidents(IncidentFilter(), page))

    # --- capabilities ----------------------------------------------------------------------------

    def test_claims_what_the_class_requires(self) -> None:
        """The backend claims every capability its test class names in ``requires``."""
        with self.opened() as storage:
            missing = {c.value for c in self.requires - storage.capabilities}
            assert not missing, f"{type(storage).__name__} does not claim {sorted(missing)}"

    @_property(0.02, officers=_OFFICERS, incidents=_INCIDENTS, events=_EVENTS, chain=_CHAINS)
    def test_records_outlive_the_store(
        self,
        officers: list[Officer],
        incidents: list[Incident],
        events: list[DomainEvent],
        chain: list[AuditEntry],
    ) -> None:
        """A store opened again holds what was committed before it was closed (PERSISTENT)."""

        def write(unit: UnitOfWork) -> None:
            unit.officers.add_many(_fresh(o) for o in officers)
            unit.incidents.add_many(_fresh(i) for i in incidents)
            unit.outbox.put(events, events[0].occurred_at)
            for entry in chain:
                unit.audit.append(entry)
            unit.next_incident_number(2025)

        with self._keeping_folders():
            storage = self.make_storage(ProgramCalendar())
            try:
                self.need(storage, Capability.PERSISTENT)
                _in_unit(storage, write)
                before = _in_unit(storage, _everything)
            finally:
                self.close_storage(storage)
            again = self.reopen_storage(storage)
            try:
                assert in_utc(_in_unit(again, _everything)) == in_utc(before)
                number = _in_unit(again, lambda u: u.next_incident_number(2025))
                assert number == incident_number(2025, 2)
            finally:
                self.close_storage(again)

    def test_several_writers_lose_no_update_and_share_out_every_number(self) -> None:
        """Writers with stores of their own lose no update and allocate 1…n once each."""
        writers, rounds = 4, 5
        with self.opened() as storage:
            self.need(storage, Capability.SEVERAL_WRITER_PROCESSES)
            officer = Officer(badge="1", name="Writers")
            _in_unit(storage, lambda u: u.officers.add(officer))
            numbers: list[str] = []
            errors: list[BaseException] = []

            def write(mark: str) -> None:
                own = self.reopen_storage(storage)
                try:
                    for _ in range(rounds):
                        numbers.append(_allocate(own, 2030))
                        _rename(own, officer.id, mark)
                except BaseException as error:  # noqa: BLE001 - the test's thread reports it
                    errors.append(error)
                finally:
                    self.close_storage(own)

            threads = [threading.Thread(target=write, args=(str(n),)) for n in range(writers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert not errors, errors
            assert sorted(numbers) == [
                incident_number(2030, n) for n in range(1, writers * rounds + 1)
            ]
            final = _in_unit(storage, lambda u: u.officers.get(officer.id))
            assert final.version == 1 + writers * rounds
            marks = final.name.removeprefix("Writers")
            assert sorted(marks) == sorted(str(n) for n in range(writers) for _ in range(rounds))

    def test_bulk_load_stores_a_large_batch(self) -> None:
        """``add_many`` of thousands of records in one unit stores them all (BULK_LOAD)."""
        officers = [
            Officer(badge=f"B{n:06d}", name=f"Officer {n}", id=uuid.UUID(int=n))
            for n in range(1, 3_001)
        ]
        with self.opened() as storage:
            self.need(storage, Capability.BULK_LOAD)
            stored = _in_unit(storage, lambda u: u.officers.add_many(officers))
            assert in_utc(stored) == in_utc([_stored(o) for o in officers])
            assert in_utc(_in_unit(storage, lambda u: list(u.officers.all()))) == in_utc(stored)

    @_property(0.02, officers=_OFFICERS)
    def test_migrating_a_current_schema_keeps_its_version_and_records(
        self, officers: list[Officer]
    ) -> None:
        """``migrate`` reaches ``schema_version``, again alike, keeping records (MIGRATIONS)."""
        with self.opened() as storage:
            self.need(storage, Capability.MIGRATIONS)
            version = storage.migrate()
            assert isinstance(version, int)
            assert storage.schema_version() == version
            _in_unit(storage, lambda u: u.officers.add_many(_fresh(o) for o in officers))
            before = _in_unit(storage, _everything)
            assert storage.migrate() == version
            assert in_utc(_in_unit(storage, _everything)) == in_utc(before)
