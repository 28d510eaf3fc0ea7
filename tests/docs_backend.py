"""A storage backend written from the plugin guide and the API reference alone: the mutants' base.

It is what a plugin author would write for a small store: every record in dictionaries,
saved whole to one file (``docs:///path/to/file``) at each commit, so records outlive the
store. A unit of work writes into an overlay over the committed records and, at commit,
checks under the store's lock that nothing it read or allocated moved on meanwhile, that
badges and incident numbers are still free, and that nobody else appended to the audit log.
The mutation suite (``test_mutants.py``) copies this source with one realistic bug at a time
and checks that the kit's contracts find each one.
"""

from __future__ import annotations

import collections
import copy
import datetime as dt
import pickle
import threading
import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from sro_core.domain import (
    GENESIS_HASH,
    AuditEntry,
    CrisisStatus,
    DomainEvent,
    Incident,
    IncidentStatus,
    InvolvementRole,
    LocationKind,
    Officer,
    PersonKind,
    SchoolYear,
    incident_number,
)
from sro_core.ports import (
    AssignmentRepository,
    AuditLog,
    Capability,
    Claim,
    Conflict,
    ContactCount,
    CrdcMeasure,
    CrdcStudentCount,
    CrisisRepository,
    Delivery,
    DeliveryStatus,
    IncidentFilter,
    IncidentRepository,
    LocationCount,
    MonthlyCount,
    NotFound,
    OfficerRepository,
    Outbox,
    OutboxEntry,
    Page,
    PageOf,
    Period,
    PersonIndex,
    PersonRecords,
    Queries,
    ReferralCount,
    ReferralRepository,
    Repository,
    Storage,
    StorageSettings,
    TriadTime,
    UnitOfWork,
    ascii_lower,
    incident_after,
    page_of,
    read_incident_cursor,
)
from sro_core.serialization import unstructure

KINDS = {
    "officers": "officer",
    "schools": "school",
    "assignments": "assignment",
    "people": "person",
    "incidents": "incident",
    "contacts": "contact",
    "activities": "activity",
    "partners": "partner",
    "agreements": "agreement",
    "referrals": "referral",
    "crises": "crisis",
    "actors": "actor",
}
UNIQUE = {"officers": "badge", "incidents": "number"}


@attrs.define
class _Book:
    """What the store holds, saved whole to its file at each commit."""

    rows: dict[str, dict[uuid.UUID, Any]] = attrs.field(factory=lambda: {t: {} for t in KINDS})
    events: list[OutboxEntry] = attrs.field(factory=list)
    deliveries: dict[tuple[uuid.UUID, str], Delivery] = attrs.field(factory=dict)
    audit: list[AuditEntry] = attrs.field(factory=list)
    counters: dict[int, int] = attrs.field(factory=dict)
    unique: dict[tuple[str, object], uuid.UUID] = attrs.field(factory=dict)
    claims: dict[tuple[uuid.UUID, str], tuple[str, dt.datetime]] = attrs.field(factory=dict)
    """Who holds each claimed delivery (its token) and until when."""
    settled: dict[uuid.UUID, dt.datetime] = attrs.field(factory=dict)
    """When each settled event was settled."""
    """The unique index: who holds each badge and each incident number."""


class DocsStorage(Storage):
    """The store: a file holding a :class:`_Book`; units of work check for races at commit."""

    capabilities = frozenset({Capability.PERSISTENT})

    def __init__(self, settings: StorageSettings) -> None:
        super().__init__(settings)
        self.path = Path(settings.url.removeprefix("docs://"))
        self.lock = threading.Lock()
        self.book = _Book()
        if self.path.exists():
            self.book = pickle.loads(self.path.read_bytes())  # noqa: S301 - the store's own file

    def unit_of_work(self) -> _DocsUnit:
        """Begin a unit of work over the records committed now."""
        with self.lock:
            return _DocsUnit(self, self.book)

    def save(self, book: _Book) -> None:
        """Make a new book the committed one and write it whole, replacing the file."""
        self.book = book
        written = self.path.with_suffix(".new")
        written.write_bytes(pickle.dumps(book))
        written.replace(self.path)


class _Table(Repository[Any]):
    """The records of one kind as a unit of work sees them: its writes over the committed ones."""

    def __init__(self, unit: _DocsUnit, table: str) -> None:
        self.unit = unit
        self.table = table
        self.kind = KINDS[table]

    def rows(self) -> dict[uuid.UUID, Any]:
        """Return every record the unit sees, by id."""
        return {**self.unit.base.rows[self.table], **self.unit.written[self.table]}

    def get(self, key: uuid.UUID) -> Any:
        found = self.rows().get(key)
        if found is None:
            raise NotFound(self.kind, key)
        return found

    def add(self, record: Any) -> Any:
        if record.version != 0:
            raise Conflict(self.kind, record.id, "a new record has version 0")
        if record.id in self.rows():
            raise Conflict(self.kind, record.id, "a record with this id exists")
        return self.write(record, 0)

    def update(self, record: Any) -> Any:
        stored = self.get(record.id)
        if stored.version != record.version:
            raise Conflict(self.kind, record.id, "changed by someone else since it was read")
        return self.write(record, stored.version)

    def write(self, record: Any, read: int) -> Any:
        """Keep a record in the unit's writes, at the version after the one read."""
        self.unit.check_unique(self.table, record, self.rows())
        stored = attrs.evolve(record, version=read + 1)
        self.unit.written[self.table][record.id] = stored
        self.unit.read_at.setdefault((self.table, record.id), read)
        return stored

    def all(self) -> Iterator[Any]:
        rows = self.rows()
        return iter([rows[k] for k in sorted(rows)])

    def after(self, key: uuid.UUID | None, limit: int) -> list[Any]:
        rows = self.rows()
        return [rows[k] for k in sorted(rows) if key is None or k > key][:limit]

    def where(self, **values: object) -> list[Any]:
        """Return the records whose fields have some values, by id."""
        return [r for r in self.all() if all(getattr(r, f) == v for f, v in values.items())]


class _Officers(_Table, OfficerRepository):
    """_Officers, found by badge."""

    def by_badge(self, badge: str) -> Officer:
        for officer in self.rows().values():
            if officer.badge == badge:
                found: Officer = officer
                return found
        raise NotFound(self.kind, badge)


class _Incidents(_Table, IncidentRepository):
    """_Incidents, found by number."""

    def by_number(self, number: str) -> Incident:
        for incident in self.rows().values():
            if incident.number == number:
                found: Incident = incident
                return found
        raise NotFound(self.kind, number)


class _Assignments(_Table, AssignmentRepository):
    """_Assignments, by officer or school."""

    def for_officer(self, officer_id: uuid.UUID) -> list[Any]:
        return self.where(officer_id=officer_id)

    def for_school(self, school_id: uuid.UUID) -> list[Any]:
        return self.where(school_id=school_id)


class _Referrals(_Table, ReferralRepository):
    """_Referrals, by incident or partner."""

    def for_incident(self, incident_id: uuid.UUID) -> list[Any]:
        return self.where(incident_id=incident_id)

    def for_partner(self, partner_id: uuid.UUID) -> list[Any]:
        return self.where(partner_id=partner_id)


class _Crises(_Table, CrisisRepository):
    """_Crises; the active ones, at a school or anywhere."""

    def active(self, school_id: uuid.UUID | None = None) -> list[Any]:
        found = self.where(status=CrisisStatus.ACTIVE)
        return [c for c in found if school_id is None or c.school_id == school_id]


class _Events(Outbox):
    """The outbox: the committed events, then the unit's, and every delivery."""

    def __init__(self, unit: _DocsUnit) -> None:
        self.unit = unit

    def put(self, events: Sequence[DomainEvent], at: dt.datetime) -> None:
        for event in events:
            sequence = len(self.unit.base.events) + len(self.unit.events) + 1
            self.unit.events.append(OutboxEntry(sequence, event, at))

    def entries(self, after: int = 0, limit: int | None = None) -> list[OutboxEntry]:
        found = [
            e
            for e in [*self.unit.base.events, *self.unit.events]
            if e.sequence > after and e.event.event_id not in self.unit.pruned
        ]
        return found[:limit]

    def due(self, notifier: str, now: dt.datetime, limit: int) -> list[OutboxEntry]:
        def waiting(entry: OutboxEntry) -> bool:
            delivery = self.state(entry.event.event_id, notifier)
            if delivery is None:
                return False
            if delivery.status is not DeliveryStatus.PENDING:
                return True
            return delivery.next_attempt_at is not None and delivery.next_attempt_at > now

        due = [e for e in self.entries() if not waiting(e)]
        return sorted(due, key=lambda e: (not e.event.urgent, e.sequence))[:limit]

    def state(self, event_id: uuid.UUID, notifier: str) -> Delivery | None:
        """Return the delivery of an event to a notifier as the unit sees it."""
        pair = (event_id, notifier)
        return self.unit.delivered.get(pair, self.unit.base.deliveries.get(pair))

    def record(self, delivery: Delivery) -> None:
        pair = (delivery.event_id, delivery.notifier)
        stored = self.state(*pair)
        if stored is not None and stored.status is DeliveryStatus.DELIVERED:
            return
        self.unit.touched_events.add(delivery.event_id)
        self.unit.delivered[pair] = delivery
        self.unit.claimed[pair] = None
        if delivery.status is DeliveryStatus.PENDING:
            self.unit.settled[delivery.event_id] = None

    def holder(self, pair: tuple[uuid.UUID, str]) -> tuple[str, dt.datetime] | None:
        """Return the token and lease end of a delivery's claim, if it is claimed."""
        if pair in self.unit.claimed:
            return self.unit.claimed[pair]
        return self.unit.base.claims.get(pair)

    def settled_at(self, event_id: uuid.UUID) -> dt.datetime | None:
        """Return when an event was settled, or None while it is open."""
        if event_id in self.unit.settled:
            return self.unit.settled[event_id]
        return self.unit.base.settled.get(event_id)

    def claim(
        self,
        notifier: str,
        now: dt.datetime,
        lease: dt.timedelta,
        limit: int,
        *,
        token: str,
        events: Collection[uuid.UUID] | None = None,
    ) -> list[Claim]:
        def claimable(entry: OutboxEntry) -> bool:
            event_id = entry.event.event_id
            if self.settled_at(event_id) is not None:
                return False
            if events is not None and event_id not in events:
                return False
            delivery = self.state(event_id, notifier)
            if delivery is None:
                return True
            held = self.holder((event_id, notifier))
            return (
                delivery.status is DeliveryStatus.PENDING
                and (delivery.next_attempt_at is None or delivery.next_attempt_at <= now)
                and (held is None or held[1] <= now)
            )

        chosen = [e for e in self.entries() if claimable(e)]
        chosen.sort(key=lambda e: (not e.event.urgent, e.sequence))
        claims = []
        for entry in chosen[:limit]:
            pair = (entry.event.event_id, notifier)
            before = self.state(*pair) or Delivery(pair[0], notifier, DeliveryStatus.PENDING)
            attempt = before.attempts + 1
            self.unit.delivered[pair] = attrs.evolve(before, attempts=attempt)
            self.unit.claimed[pair] = (token, now + lease)
            self.unit.touched_events.add(pair[0])
            claims.append(Claim(entry, notifier, attempt, token, now + lease))
        return claims

    def settle(
        self, claim: Claim, outcome: Delivery, notifiers: Collection[str], now: dt.datetime
    ) -> bool:
        event_id = claim.entry.event.event_id
        pair = (event_id, claim.notifier)
        stored, held = self.state(*pair), self.holder(pair)
        if stored is None or stored.status is not DeliveryStatus.PENDING:
            return False
        if held is None or held[0] != claim.token:
            return False
        self.unit.touched_events.add(event_id)
        self.unit.delivered[pair] = outcome
        self.unit.claimed[pair] = None
        final = {DeliveryStatus.DELIVERED, DeliveryStatus.DEAD}
        states = [self.state(event_id, n) for n in notifiers]
        if outcome.status in final and all(d is not None and d.status in final for d in states):
            self.unit.settled[event_id] = now
        return True

    def prune(self, before: dt.datetime, limit: int) -> int:
        def removable(event_id: uuid.UUID) -> bool:
            at = self.settled_at(event_id)
            return (
                at is not None
                and at < before
                and all(d.status is DeliveryStatus.DELIVERED for d in self.deliveries(event_id))
            )

        gone = [e for e in self.entries() if removable(e.event.event_id)]
        gone.sort(key=lambda e: (self.settled_at(e.event.event_id), e.sequence))
        ids = {e.event.event_id for e in gone[:limit]}
        self.unit.pruned |= ids
        self.unit.touched_events |= ids
        return len(ids)

    def all_deliveries(self) -> dict[tuple[uuid.UUID, str], Delivery]:
        """Return every delivery the unit sees."""
        every = {**self.unit.base.deliveries, **self.unit.delivered}
        return {pair: d for pair, d in every.items() if pair[0] not in self.unit.pruned}

    def deliveries(self, event_id: uuid.UUID) -> list[Delivery]:
        found = [d for (e, _), d in self.all_deliveries().items() if e == event_id]
        return sorted(found, key=lambda d: d.notifier)

    def dead_letters(self) -> list[Delivery]:
        order = {e.event.event_id: e.sequence for e in self.entries()}
        dead = [d for d in self.all_deliveries().values() if d.status is DeliveryStatus.DEAD]
        return sorted(dead, key=lambda d: (order.get(d.event_id, 0), d.notifier))


class _Audit(AuditLog):
    """The audit chain: the committed entries, then the unit's."""

    def __init__(self, unit: _DocsUnit) -> None:
        self.unit = unit

    def chain(self) -> list[AuditEntry]:
        """Return every entry the unit sees, in sequence order."""
        return [*self.unit.base.audit, *self.unit.appended]

    def head(self) -> AuditEntry | None:
        chain = self.chain()
        return chain[-1] if chain else None

    def append(self, entry: AuditEntry) -> None:
        head = self.head()
        sequence = 1 if head is None else head.sequence + 1
        previous = GENESIS_HASH if head is None else head.hash
        if entry.sequence != sequence:
            raise Conflict("audit entry", entry.sequence, f"the next entry is {sequence}")
        if entry.previous_hash != previous:
            raise Conflict(
                "audit entry", entry.sequence, "its previous_hash is not the head's hash"
            )
        self.unit.appended.append(entry)

    def entries(self, after: int = 0, limit: int | None = None) -> list[AuditEntry]:
        return [e for e in self.chain() if e.sequence > after][:limit]


class _People(_Table, PersonIndex):
    """The person index: the contract's own resolve, family and similar over the table."""


class _Answers(Queries):
    """The queries, answered over what the unit sees."""

    def __init__(self, unit: _DocsUnit) -> None:
        self.unit = unit
        self.calendar = unit.storage.settings.calendar

    def incidents(self, period: Period, include_sealed: bool) -> list[Incident]:
        """Return the reported incidents that started in a period (the sealed if asked)."""
        return [
            i
            for i in self.unit.incidents.all()
            if i.status is not IncidentStatus.DRAFT
            and period.start <= i.occurred_start < period.end
            and (include_sealed or not i.sealed)
        ]

    def find_incidents(self, where: IncidentFilter, page: Page) -> PageOf[Incident]:
        found = [i for i in self.unit.incidents.all() if matches(i, where)]
        found.sort(key=lambda i: (i.occurred_start, i.id), reverse=True)
        if page.after is not None:
            cut = read_incident_cursor(page.after)
            found = [i for i in found if (i.occurred_start, i.id) < cut]
        return page_of(found[: page.size + 1], page.size, lambda i: i, incident_after)

    def find_incident_documents(
        self, where: IncidentFilter, page: Page
    ) -> PageOf[Mapping[str, Any]]:
        found = self.find_incidents(where, page)
        return PageOf(tuple(unstructure(i) for i in found.items), found.next)

    def monthly_counts(self, period: Period, *, include_sealed: bool = False) -> list[MonthlyCount]:
        counted = collections.Counter(
            (self.calendar.local_month(i.occurred_start), school_key(i.school_id), i.category)
            for i in self.incidents(period, include_sealed)
        )
        return [
            MonthlyCount(school, month, category, n)
            for (month, (_, school), category), n in sorted(counted.items(), key=by_key)
        ]

    def location_counts(
        self, period: Period, *, include_sealed: bool = False
    ) -> list[LocationCount]:
        counted = collections.Counter(
            (
                self.calendar.local_month(i.occurred_start),
                school_key(i.school_id),
                i.location.kind.value,
            )
            for i in self.incidents(period, include_sealed)
        )
        return [
            LocationCount(school, month, LocationKind(kind), n)
            for (month, (_, school), kind), n in sorted(counted.items(), key=by_key)
        ]

    def contact_counts(self, period: Period) -> list[ContactCount]:
        sums: dict[tuple[Any, str, str], list[int]] = collections.defaultdict(lambda: [0, 0])
        kinds: dict[tuple[Any, str, str], tuple[Any, Any]] = {}
        for c in self.unit.contacts.all():
            if period.start <= c.at < period.end:
                group = (school_key(c.school_id), c.party.value, c.purpose.value)
                sums[group][0] += 1
                sums[group][1] += c.minutes
                kinds[group] = (c.party, c.purpose)
        return [
            ContactCount(group[0][1], *kinds[group], n, minutes)
            for group, (n, minutes) in sorted(sums.items(), key=lambda item: item[0])
        ]

    def referral_counts(
        self, period: Period, *, include_sealed: bool = False
    ) -> list[ReferralCount]:
        sealed = set() if include_sealed else {i.id for i in self.unit.incidents.all() if i.sealed}
        counted = collections.Counter(
            (r.partner_id, r.reason.value, r.status.value, r.reason, r.status)
            for r in self.unit.referrals.all()
            if period.start <= r.sent_at < period.end and r.incident_id not in sealed
        )
        return [
            ReferralCount(partner, reason, status, n)
            for (partner, _, _, reason, status), n in sorted(counted.items(), key=by_key)
        ]

    def triad_split(self, period: Period) -> list[TriadTime]:
        sums: dict[tuple[uuid.UUID, str], list[Any]] = {}
        for c in self.unit.contacts.all():
            if period.start <= c.at < period.end:
                row = sums.setdefault((c.officer_id, c.triad_role.value), [c.triad_role, 0, 0, 0])
                row[1] += 1
                row[3] += c.minutes
        for a in self.unit.activities.all():
            if period.start <= a.held_at < period.end:
                row = sums.setdefault((a.officer_id, a.triad_role.value), [a.triad_role, 0, 0, 0])
                row[2] += 1
                row[3] += a.minutes
        return [TriadTime(officer, *row) for (officer, _), row in sorted(sums.items())]

    def person_records(self, people: Collection[uuid.UUID]) -> PersonRecords:
        """Return the records naming the people: incidents, contacts, referrals, crises."""
        unit = self.unit
        incidents = tuple(
            i for i in unit.incidents.all() if any(v.person.id in people for v in i.involvements)
        )
        involved = {i.id for i in incidents}
        return PersonRecords(
            incidents=incidents,
            contacts=tuple(c for c in unit.contacts.all() if c.person_id in people),
            referrals=tuple(
                r
                for r in unit.referrals.all()
                if r.person_id in people or (r.person_id is None and r.incident_id in involved)
            ),
            crises=tuple(c for c in unit.crises.all() if c.incident_id in involved),
        )

    def crdc_counts(
        self, year: SchoolYear, *, include_sealed: bool = False
    ) -> list[CrdcStudentCount]:
        period = Period(*self.calendar.span(year.first_day, year.last_day))
        counted: dict[tuple[uuid.UUID, str, uuid.UUID], list[Any]] = {}
        for incident in self.incidents(period, include_sealed):
            if incident.school_id is None:
                continue
            for involvement in incident.involvements:
                if involvement.person.kind is not PersonKind.STUDENT:
                    continue
                for measure in crdc_measures(incident, involvement.roles):
                    group = (incident.school_id, measure.value, involvement.person.id)
                    row = counted.setdefault(group, [measure, 0, None, None])
                    row[1] += 1
                    newness = (incident.occurred_start, incident.id)
                    if row[2] is None or newness > row[2]:
                        row[2], row[3] = newness, involvement.person.demographics
        return [
            CrdcStudentCount(
                school,
                measure,
                person,
                n,
                known.sex,
                known.crdc_race_ethnicity,
                known.idea,
                known.section_504,
                known.english_learner,
            )
            for (school, _, person), (measure, n, _, known) in sorted(counted.items())
        ]


def _outbox_state(book: _Book, event_id: uuid.UUID) -> tuple[Any, ...]:
    """Return what a book holds of an event's deliveries, claims and settling."""
    return (
        {p: d for p, d in book.deliveries.items() if p[0] == event_id},
        {p: c for p, c in book.claims.items() if p[0] == event_id},
        book.settled.get(event_id),
        any(e.event.event_id == event_id for e in book.events),
    )


def by_key(item: tuple[Any, Any]) -> Any:
    """Order counted groups by their key."""
    return item[0]


def school_key(school_id: uuid.UUID | None) -> tuple[bool, Any]:
    """Return a key that orders schools as the contract says: None first, then by id."""
    return (school_id is not None, school_id)


def crdc_measures(incident: Incident, roles: frozenset[InvolvementRole]) -> list[CrdcMeasure]:
    """Return the CRDC measures an involvement counts for."""
    offending = {InvolvementRole.SUSPECT, InvolvementRole.OFFENDER, InvolvementRole.ARRESTEE}
    measures = []
    if incident.referred_to_law_enforcement and roles & offending:
        measures.append(CrdcMeasure.REFERRAL)
    if incident.school_related_arrest and InvolvementRole.ARRESTEE in roles:
        measures.append(CrdcMeasure.ARREST)
    return measures


def matches(incident: Incident, where: IncidentFilter) -> bool:
    """Return whether an incident meets every criterion of a filter."""
    texts = (incident.number or "", incident.narrative, incident.category)
    checks = (
        where.ids is None or incident.id in where.ids,
        where.school_ids is None or incident.school_id in where.school_ids,
        where.occurred_from is None or incident.occurred_start >= where.occurred_from,
        where.occurred_before is None or incident.occurred_start < where.occurred_before,
        where.categories is None or incident.category in where.categories,
        where.statuses is None or incident.status in where.statuses,
        where.officer_id is None or incident.reporting_officer_id == where.officer_id,
        not where.text or any(ascii_lower(where.text) in ascii_lower(t) for t in texts),
    )
    return all(checks)


class _DocsUnit(UnitOfWork):
    """One transaction: writes kept apart, checked and applied at commit."""

    def __init__(self, storage: DocsStorage, base: _Book) -> None:
        self.storage = storage
        self.base = base
        self.written: dict[str, dict[uuid.UUID, Any]] = {t: {} for t in KINDS}
        self.read_at: dict[tuple[str, uuid.UUID], int] = {}
        self.events: list[OutboxEntry] = []
        self.delivered: dict[tuple[uuid.UUID, str], Delivery] = {}
        self.appended: list[AuditEntry] = []
        self.allocated: dict[int, int] = {}
        self.claimed: dict[tuple[uuid.UUID, str], tuple[str, dt.datetime] | None] = {}
        self.settled: dict[uuid.UUID, dt.datetime | None] = {}
        self.pruned: set[uuid.UUID] = set()
        self.touched_events: set[uuid.UUID] = set()
        self.ended = False
        self.officers = _Officers(self, "officers")
        self.schools = _Table(self, "schools")
        self.assignments = _Assignments(self, "assignments")
        self.people = _People(self, "people")
        self.incidents = _Incidents(self, "incidents")
        self.contacts = _Table(self, "contacts")
        self.activities = _Table(self, "activities")
        self.partners = _Table(self, "partners")
        self.agreements = _Table(self, "agreements")
        self.referrals = _Referrals(self, "referrals")
        self.crises = _Crises(self, "crises")
        self.actors = _Table(self, "actors")
        self.outbox = _Events(self)
        self.audit = _Audit(self)
        self.queries = _Answers(self)

    def check_unique(self, table: str, record: Any, rows: Mapping[uuid.UUID, Any]) -> None:
        """Raise Conflict if a record takes a badge or number another record holds."""
        field = UNIQUE.get(table)
        value = None if field is None else getattr(record, field)
        if value is None:
            return
        for other in rows.values():
            if other.id != record.id and getattr(other, field) == value:
                raise Conflict(KINDS[table], value, f"another {KINDS[table]} has this {field}")

    def next_incident_number(self, year: int) -> str:
        sequence = self.allocated.get(year, self.base.counters.get(year, 0)) + 1
        self.allocated[year] = sequence
        return incident_number(year, sequence)

    def commit(self) -> None:
        if self.ended:
            return
        self.ended = True
        with self.storage.lock:
            current = self.storage.book
            self.check_races(current)
            self.storage.save(self.merged(current))

    def check_races(self, current: _Book) -> None:
        """Raise Conflict if another unit committed what this one read, took or appended."""
        for (table, key), read in self.read_at.items():
            stored = current.rows[table].get(key)
            if (0 if stored is None else stored.version) != read:
                raise Conflict(KINDS[table], key, "changed by someone else since it was read")
        for year in self.allocated:
            if current.counters.get(year, 0) != self.base.counters.get(year, 0):
                raise Conflict("incident number", year, "allocated by someone else meanwhile")
        for table, field in UNIQUE.items():
            written = self.written[table]
            for record in written.values():
                value = getattr(record, field)
                holder = current.unique.get((table, value))
                moved = holder in written and getattr(written[holder], field) != value
                if holder not in (None, record.id) and not moved:
                    raise Conflict(KINDS[table], value, f"another {KINDS[table]} has this {field}")
        for event_id in self.touched_events:
            if _outbox_state(current, event_id) != _outbox_state(self.base, event_id):
                raise Conflict("outbox event", event_id, "changed by another unit meanwhile")
        if self.appended and len(current.audit) != len(self.base.audit):
            raise Conflict("audit entry", self.appended[0].sequence, "appended meanwhile")

    def merged(self, current: _Book) -> _Book:
        """Return the committed book with this unit's writes applied."""
        book = copy.copy(current)
        book.rows = {t: {**rows, **self.written[t]} for t, rows in current.rows.items()}
        start = len(current.events)
        book.events = [
            *current.events,
            *(attrs.evolve(e, sequence=start + n) for n, e in enumerate(self.events, 1)),
        ]
        book.deliveries = {**current.deliveries, **self.delivered}
        book.claims = {**current.claims, **self.claimed}  # type: ignore[dict-item]
        book.claims = {pair: held for pair, held in book.claims.items() if held is not None}
        settled = {**current.settled, **self.settled}
        book.settled = {e: at for e, at in settled.items() if at is not None}
        if self.pruned:
            book.events = [e for e in book.events if e.event.event_id not in self.pruned]
            book.deliveries = {p: d for p, d in book.deliveries.items() if p[0] not in self.pruned}
            book.settled = {e: at for e, at in book.settled.items() if e not in self.pruned}
        book.audit = [*current.audit, *self.appended]
        book.counters = {**current.counters, **self.allocated}
        book.unique = dict(current.unique)
        for table, field in UNIQUE.items():
            for record in self.written[table].values():
                old = current.rows[table].get(record.id)
                if old is not None and getattr(old, field) is not None:
                    del book.unique[table, getattr(old, field)]
                if getattr(record, field) is not None:
                    book.unique[table, getattr(record, field)] = record.id
        return book

    def rollback(self) -> None:
        self.ended = True
