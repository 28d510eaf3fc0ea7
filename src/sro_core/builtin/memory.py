"""The memory backend: the reference implementation of the storage contract.

Simple enough to read as the specification: every other backend must give the same answers,
and the conformance kit checks that it does. Records live in dictionaries of the process;
a unit of work keeps its writes apart and applies them at commit, after checking that no
record it read has moved on (optimistic concurrency).
"""

from __future__ import annotations

import collections
import datetime as dt
import threading
import uuid
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs

from sro_core.domain import (
    ActorEntry,
    Agreement,
    Assignment,
    AuditEntry,
    CommunityContact,
    ContactParty,
    ContactPurpose,
    CrisisEvent,
    CrisisStatus,
    DomainEvent,
    EducationActivity,
    Incident,
    IncidentStatus,
    InvolvementRole,
    Officer,
    Partner,
    PersonKind,
    PersonRecord,
    Referral,
    ReviewState,
    School,
    SchoolYear,
    TriadRole,
    incident_number,
)
from sro_core.hookspecs import hookimpl
from sro_core.ports import (
    Aggregate,
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
    StorageRegistry,
    StorageSettings,
    SubmissionLedger,
    SubmittedReport,
    TriadTime,
    UnitOfWork,
    ascii_lower,
    check_follows,
    incident_after,
    page_of,
    read_incident_cursor,
    waiting_order,
)
from sro_core.serialization import unstructure

R = TypeVar("R", bound=Aggregate)

_TABLES = (
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


@attrs.define
class _State:
    """Everything a memory store holds; a unit of work works on a copy."""

    tables: dict[str, dict[uuid.UUID, Any]] = attrs.field(factory=lambda: {t: {} for t in _TABLES})
    outbox: list[OutboxEntry] = attrs.field(factory=list)
    deliveries: dict[tuple[uuid.UUID, str], Delivery] = attrs.field(factory=dict)
    audit: list[AuditEntry] = attrs.field(factory=list)
    numbers: dict[int, int] = attrs.field(factory=dict)
    sequence: int = 0
    """The last outbox sequence given out (pruning removes entries, never reuses a number)."""
    claims: dict[tuple[uuid.UUID, str], tuple[str, dt.datetime]] = attrs.field(factory=dict)
    """The token and lease end of each claimed delivery."""
    settled: dict[uuid.UUID, dt.datetime] = attrs.field(factory=dict)
    """When each settled event was settled."""
    submissions: list[SubmittedReport] = attrs.field(factory=list)

    def copy(self) -> _State:
        return _State(
            {name: dict(rows) for name, rows in self.tables.items()},
            list(self.outbox),
            dict(self.deliveries),
            list(self.audit),
            dict(self.numbers),
            self.sequence,
            dict(self.claims),
            dict(self.settled),
            list(self.submissions),
        )

    def delivery_state(self, event_id: uuid.UUID) -> tuple[object, ...]:
        """Return everything about an event's deliveries, to compare two states by."""
        return (
            sorted((n, d) for (e, n), d in self.deliveries.items() if e == event_id),
            sorted((n, c) for (e, n), c in self.claims.items() if e == event_id),
            self.settled.get(event_id),
            any(e.event.event_id == event_id for e in self.outbox),
        )


class MemoryStorage(Storage):
    """A store held in the process's memory; ``memory:`` URLs. Nothing outlives the process."""

    capabilities: frozenset[Capability] = frozenset()

    def __init__(self, settings: StorageSettings) -> None:
        super().__init__(settings)
        self._state = _State()
        self._commit_lock = threading.Lock()

    def unit_of_work(self) -> MemoryUnitOfWork:
        """Begin a unit of work over a snapshot of the committed records."""
        with self._commit_lock:
            return MemoryUnitOfWork(self, self._state)

    def _apply(self, unit: MemoryUnitOfWork) -> None:
        with self._commit_lock:
            current = self._state
            if current is not unit.base:
                unit.check_against(current)
            self._state = unit.merged_onto(current)


class _Repository(Repository[R], Generic[R]):
    def __init__(self, unit: MemoryUnitOfWork, table: str, kind: str) -> None:
        self.unit = unit
        self.rows: dict[uuid.UUID, R] = unit.state.tables[table]
        self.table = table
        self.kind = kind

    def get(self, key: uuid.UUID) -> R:
        try:
            return self.rows[key]
        except KeyError:
            raise NotFound(self.kind, key) from None

    def add(self, record: R) -> R:
        key = record.id
        if record.version != 0:
            raise Conflict(self.kind, key, "a new record has version 0")
        if key in self.rows:
            raise Conflict(self.kind, key, "a record with this id exists")
        self.check_unique(record)
        return self._put(record, 0)

    def update(self, record: R) -> R:
        key = record.id
        stored = self.get(key)
        if stored.version != record.version:
            raise Conflict(self.kind, key, "changed by someone else since it was read")
        self.check_unique(record)
        return self._put(record, stored.version)

    def _put(self, record: R, read_version: int) -> R:
        stored: R = attrs.evolve(record, version=read_version + 1)  # type: ignore[misc]
        self.rows[stored.id] = stored
        self.unit.touched.setdefault((self.table, stored.id), read_version)
        return stored

    def all(self) -> Iterator[R]:
        return iter([self.rows[k] for k in sorted(self.rows)])

    def after(self, key: uuid.UUID | None, limit: int) -> list[R]:
        keys = sorted(k for k in self.rows if key is None or k > key)[:limit]
        return [self.rows[k] for k in keys]

    def check_unique(self, record: R) -> None:
        """Raise Conflict if the record takes a unique value another record of the unit holds."""
        self.check_unique_in(record, self.rows)

    def check_unique_in(self, record: R, rows: dict[uuid.UUID, R]) -> None:
        """Raise Conflict if the record takes a unique value another record of ``rows`` holds."""

    def _where(self, test: Callable[[R], bool]) -> list[R]:
        return [r for r in self.all() if test(r)]


class _Officers(_Repository[Officer], OfficerRepository):
    def by_badge(self, badge: str) -> Officer:
        for officer in self.rows.values():
            if officer.badge == badge:
                return officer
        raise NotFound(self.kind, badge)

    def check_unique_in(self, record: Officer, rows: dict[uuid.UUID, Officer]) -> None:
        if any(o.badge == record.badge and o.id != record.id for o in rows.values()):
            raise Conflict(self.kind, record.badge, "another officer has this badge")


class _Incidents(_Repository[Incident], IncidentRepository):
    def by_number(self, number: str) -> Incident:
        for incident in self.rows.values():
            if incident.number == number:
                return incident
        raise NotFound(self.kind, number)

    def check_unique_in(self, record: Incident, rows: dict[uuid.UUID, Incident]) -> None:
        if record.number is not None and any(
            i.number == record.number and i.id != record.id for i in rows.values()
        ):
            raise Conflict(self.kind, record.number, "another incident has this number")


class _Assignments(_Repository[Assignment], AssignmentRepository):
    def for_officer(self, officer_id: uuid.UUID) -> list[Assignment]:
        return self._where(lambda a: a.officer_id == officer_id)

    def for_school(self, school_id: uuid.UUID) -> list[Assignment]:
        return self._where(lambda a: a.school_id == school_id)


class _Referrals(_Repository[Referral], ReferralRepository):
    def for_incident(self, incident_id: uuid.UUID) -> list[Referral]:
        return self._where(lambda r: r.incident_id == incident_id)

    def for_partner(self, partner_id: uuid.UUID) -> list[Referral]:
        return self._where(lambda r: r.partner_id == partner_id)


class _People(_Repository[PersonRecord], PersonIndex):
    """The person index of the reference: the contract's defaults, over the unit's records."""


class _Crises(_Repository[CrisisEvent], CrisisRepository):
    def active(self, school_id: uuid.UUID | None = None) -> list[CrisisEvent]:
        return self._where(
            lambda c: c.status is CrisisStatus.ACTIVE and school_id in (None, c.school_id)
        )


class _Outbox(Outbox):
    def __init__(self, unit: MemoryUnitOfWork) -> None:
        self.unit = unit
        self.state = unit.state

    def put(self, events: Sequence[DomainEvent], at: dt.datetime) -> None:
        start = self.state.sequence
        self.state.outbox.extend(
            OutboxEntry(start + n + 1, event, at) for n, event in enumerate(events)
        )
        self.state.sequence = start + len(events)

    def entries(self, after: int = 0, limit: int | None = None) -> list[OutboxEntry]:
        found = [e for e in self.state.outbox if e.sequence > after]
        return found if limit is None else found[:limit]

    def due(self, notifier: str, now: dt.datetime, limit: int) -> list[OutboxEntry]:
        def is_due(entry: OutboxEntry) -> bool:
            delivery = self.state.deliveries.get((entry.event.event_id, notifier))
            if delivery is None:
                return True
            return delivery.status is DeliveryStatus.PENDING and (
                delivery.next_attempt_at is None or delivery.next_attempt_at <= now
            )

        due = [e for e in self.state.outbox if is_due(e)]
        due.sort(key=lambda e: (not e.event.urgent, e.sequence))
        return due[:limit]

    def record(self, delivery: Delivery) -> None:
        pair = (delivery.event_id, delivery.notifier)
        stored = self.state.deliveries.get(pair)
        if stored is not None and stored.status is DeliveryStatus.DELIVERED:
            return
        self.unit.touched_events.add(delivery.event_id)
        self.state.deliveries[pair] = delivery
        self.state.claims.pop(pair, None)
        if delivery.status is DeliveryStatus.PENDING:
            self.state.settled.pop(delivery.event_id, None)

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
            if event_id in self.state.settled or (events is not None and event_id not in events):
                return False
            delivery = self.state.deliveries.get((event_id, notifier))
            if delivery is None:
                return True
            held = self.state.claims.get((event_id, notifier))
            return (
                delivery.status is DeliveryStatus.PENDING
                and (delivery.next_attempt_at is None or delivery.next_attempt_at <= now)
                and (held is None or held[1] <= now)
            )

        chosen = sorted(
            (e for e in self.state.outbox if claimable(e)),
            key=lambda e: (not e.event.urgent, e.sequence),
        )[:limit]
        claims = []
        for entry in chosen:
            pair = (entry.event.event_id, notifier)
            previous = self.state.deliveries.get(pair)
            attempt = (0 if previous is None else previous.attempts) + 1
            self.state.deliveries[pair] = attrs.evolve(
                previous or Delivery(pair[0], notifier, DeliveryStatus.PENDING), attempts=attempt
            )
            self.state.claims[pair] = (token, now + lease)
            self.unit.touched_events.add(pair[0])
            claims.append(Claim(entry, notifier, attempt, token, now + lease))
        return claims

    def settle(
        self, claim: Claim, outcome: Delivery, notifiers: Collection[str], now: dt.datetime
    ) -> bool:
        event_id = claim.entry.event.event_id
        pair = (event_id, claim.notifier)
        stored = self.state.deliveries.get(pair)
        held = self.state.claims.get(pair)
        if stored is None or stored.status is not DeliveryStatus.PENDING:
            return False
        if held is None or held[0] != claim.token:
            return False
        self.unit.touched_events.add(event_id)
        self.state.deliveries[pair] = outcome
        del self.state.claims[pair]
        final = {DeliveryStatus.DELIVERED, DeliveryStatus.DEAD}
        if outcome.status in final and all(
            (d := self.state.deliveries.get((event_id, n))) is not None and d.status in final
            for n in notifiers
        ):
            self.state.settled[event_id] = now
        return True

    def prune(self, before: dt.datetime, limit: int) -> int:
        def removable(event_id: uuid.UUID) -> bool:
            at = self.state.settled.get(event_id)
            return (
                at is not None
                and at < before
                and all(
                    d.status is DeliveryStatus.DELIVERED
                    for (e, _), d in self.state.deliveries.items()
                    if e == event_id
                )
            )

        gone = sorted(
            (e for e in self.state.outbox if removable(e.event.event_id)),
            key=lambda e: (self.state.settled[e.event.event_id], e.sequence),
        )[:limit]
        ids = {e.event.event_id for e in gone}
        self.state.outbox[:] = [e for e in self.state.outbox if e.event.event_id not in ids]
        for pair in [p for p in self.state.deliveries if p[0] in ids]:
            del self.state.deliveries[pair]
        for event_id in ids:
            del self.state.settled[event_id]
        self.unit.touched_events.update(ids)
        return len(ids)

    def deliveries(self, event_id: uuid.UUID) -> list[Delivery]:
        found = [d for (e, _), d in self.state.deliveries.items() if e == event_id]
        return sorted(found, key=lambda d: d.notifier)

    def dead_letters(self) -> list[Delivery]:
        order = {e.event.event_id: e.sequence for e in self.state.outbox}
        dead = [d for d in self.state.deliveries.values() if d.status is DeliveryStatus.DEAD]
        return sorted(dead, key=lambda d: (order.get(d.event_id, 0), d.notifier))


class _Audit(AuditLog):
    def __init__(self, state: _State) -> None:
        self.state = state

    def head(self) -> AuditEntry | None:
        return self.state.audit[-1] if self.state.audit else None

    def append(self, entry: AuditEntry) -> None:
        check_follows(self.head(), entry)
        self.state.audit.append(entry)

    def entries(self, after: int = 0, limit: int | None = None) -> list[AuditEntry]:
        found = [e for e in self.state.audit if e.sequence > after]
        return found if limit is None else found[:limit]


class _Submissions(SubmissionLedger):
    def __init__(self, state: _State) -> None:
        self.state = state

    def record(self, reports: Sequence[SubmittedReport]) -> None:
        self.state.submissions.extend(reports)

    def reports(self, ori: str | None = None) -> list[SubmittedReport]:
        return [r for r in self.state.submissions if ori is None or r.ori == ori]


class _Queries(Queries):
    def __init__(self, unit: MemoryUnitOfWork) -> None:
        self.unit = unit

    def _reported(self, period: Period, include_sealed: bool) -> Iterator[Incident]:
        for incident in self.unit.state.tables["incidents"].values():
            if incident.status is IncidentStatus.DRAFT:
                continue
            if incident.sealed and not include_sealed:
                continue
            if period.start <= incident.occurred_start < period.end:
                yield incident

    def find_incidents(self, where: IncidentFilter, page: Page) -> PageOf[Incident]:
        after = read_incident_cursor(page.after) if page.after else None
        needle = ascii_lower(where.text) if where.text else None
        found = []
        for incident in self.unit.state.tables["incidents"].values():
            key = (incident.occurred_start, incident.id)
            if after is not None and not key < after:
                continue
            if _matches(incident, where, needle):
                found.append(incident)
        found.sort(key=lambda i: (i.occurred_start, i.id), reverse=True)
        return page_of(found[: page.size + 1], page.size, lambda i: i, incident_after)

    def find_incident_documents(
        self, where: IncidentFilter, page: Page
    ) -> PageOf[Mapping[str, Any]]:
        found = self.find_incidents(where, page)
        return PageOf(tuple(unstructure(i) for i in found.items), found.next)

    def review_queue(self) -> list[Incident]:
        waiting = [
            incident
            for incident in self.unit.state.tables["incidents"].values()
            if incident.review is ReviewState.SUBMITTED
            and incident.status is not IncidentStatus.DRAFT
        ]
        return sorted(waiting, key=waiting_order)

    def monthly_counts(self, period: Period, *, include_sealed: bool = False) -> list[MonthlyCount]:
        calendar = self.unit.storage.settings.calendar
        counts: collections.Counter[tuple[str, uuid.UUID | None, str]] = collections.Counter(
            (calendar.local_month(i.occurred_start), i.school_id, i.category)
            for i in self._reported(period, include_sealed)
        )
        rows = [MonthlyCount(s, m, c, n) for (m, s, c), n in counts.items()]
        rows.sort(key=lambda r: (r.month, *_school_key(r.school_id), r.category))
        return rows

    def location_counts(
        self, period: Period, *, include_sealed: bool = False
    ) -> list[LocationCount]:
        calendar = self.unit.storage.settings.calendar
        counts = collections.Counter(
            (calendar.local_month(i.occurred_start), i.school_id, i.location.kind)
            for i in self._reported(period, include_sealed)
        )
        rows = [LocationCount(s, m, k, n) for (m, s, k), n in counts.items()]
        rows.sort(key=lambda r: (r.month, *_school_key(r.school_id), r.location_kind.value))
        return rows

    def contact_counts(self, period: Period) -> list[ContactCount]:
        sums: dict[tuple[uuid.UUID | None, ContactParty, ContactPurpose], list[int]] = {}
        for contact in self.unit.state.tables["contacts"].values():
            if period.start <= contact.at < period.end:
                row = sums.setdefault((contact.school_id, contact.party, contact.purpose), [0, 0])
                row[0] += 1
                row[1] += contact.minutes
        rows = [ContactCount(s, p, q, n, m) for (s, p, q), (n, m) in sums.items()]
        rows.sort(key=lambda r: (*_school_key(r.school_id), r.party.value, r.purpose.value))
        return rows

    def referral_counts(
        self, period: Period, *, include_sealed: bool = False
    ) -> list[ReferralCount]:
        tables = self.unit.state.tables
        sealed = (
            set() if include_sealed else {i.id for i in tables["incidents"].values() if i.sealed}
        )
        counts = collections.Counter(
            (r.partner_id, r.reason, r.status)
            for r in tables["referrals"].values()
            if period.start <= r.sent_at < period.end and r.incident_id not in sealed
        )
        rows = [ReferralCount(p, r, s, n) for (p, r, s), n in counts.items()]
        rows.sort(key=lambda r: (r.partner_id, r.reason.value, r.status.value))
        return rows

    def triad_split(self, period: Period) -> list[TriadTime]:
        sums: dict[tuple[uuid.UUID, TriadRole], list[int]] = {}
        tables = self.unit.state.tables
        for contact in tables["contacts"].values():
            if period.start <= contact.at < period.end:
                row = sums.setdefault((contact.officer_id, contact.triad_role), [0, 0, 0])
                row[0] += 1
                row[2] += contact.minutes
        for activity in tables["activities"].values():
            if period.start <= activity.held_at < period.end:
                row = sums.setdefault((activity.officer_id, activity.triad_role), [0, 0, 0])
                row[1] += 1
                row[2] += activity.minutes
        ordered = sorted(sums.items(), key=lambda item: (item[0][0], item[0][1].value))
        return [TriadTime(officer, role, *row) for (officer, role), row in ordered]

    def person_records(self, people: Collection[uuid.UUID]) -> PersonRecords:
        tables = self.unit.state.tables
        wanted = set(people)

        def by_id(rows: Iterator[R]) -> tuple[R, ...]:
            return tuple(sorted(rows, key=lambda r: r.id))

        incidents = by_id(
            i
            for i in tables["incidents"].values()
            if any(v.person.id in wanted for v in i.involvements)
        )
        involved = {i.id for i in incidents}
        return PersonRecords(
            incidents=incidents,
            contacts=by_id(c for c in tables["contacts"].values() if c.person_id in wanted),
            referrals=by_id(
                r
                for r in tables["referrals"].values()
                if r.person_id in wanted or (r.person_id is None and r.incident_id in involved)
            ),
            crises=by_id(c for c in tables["crises"].values() if c.incident_id in involved),
        )

    def crdc_counts(
        self, year: SchoolYear, *, include_sealed: bool = False
    ) -> list[CrdcStudentCount]:
        calendar = self.unit.storage.settings.calendar
        period = Period(*calendar.span(year.first_day, year.last_day))
        counted: dict[tuple[uuid.UUID, CrdcMeasure, uuid.UUID], list[Any]] = {}
        for incident in self._reported(period, include_sealed):
            if incident.school_id is None:
                continue
            newness = (incident.occurred_start, incident.id)
            for involvement in incident.involvements:
                person = involvement.person
                if person.kind is not PersonKind.STUDENT:
                    continue
                for measure in _crdc_measures(incident, involvement.roles):
                    row = counted.setdefault((incident.school_id, measure, person.id), [0, None])
                    row[0] += 1
                    if row[1] is None or newness > row[1][0]:
                        row[1] = (newness, person)
        result = []
        for (school_id, measure, person_id), (instances, (_, person)) in counted.items():
            known = person.demographics
            result.append(
                CrdcStudentCount(
                    school_id,
                    measure,
                    person_id,
                    instances,
                    known.sex,
                    known.crdc_race_ethnicity,
                    known.idea,
                    known.section_504,
                    known.english_learner,
                )
            )
        result.sort(key=lambda r: (r.school_id, r.measure.value, r.person_id))
        return result


def _school_key(school_id: uuid.UUID | None) -> tuple[bool, str]:
    """Order schools as the contract does: None first, then by id."""
    return (school_id is not None, str(school_id or ""))


_OFFENDING = frozenset(
    {InvolvementRole.SUSPECT, InvolvementRole.OFFENDER, InvolvementRole.ARRESTEE}
)


def _crdc_measures(incident: Incident, roles: frozenset[InvolvementRole]) -> Iterator[CrdcMeasure]:
    if incident.referred_to_law_enforcement and roles & _OFFENDING:
        yield CrdcMeasure.REFERRAL
    if incident.school_related_arrest and InvolvementRole.ARRESTEE in roles:
        yield CrdcMeasure.ARREST


def _matches(incident: Incident, where: IncidentFilter, needle: str | None) -> bool:
    """Return whether an incident meets every criterion of a filter."""
    return (
        (where.ids is None or incident.id in where.ids)
        and (where.school_ids is None or incident.school_id in where.school_ids)
        and (where.occurred_from is None or incident.occurred_start >= where.occurred_from)
        and (where.occurred_before is None or incident.occurred_start < where.occurred_before)
        and (where.categories is None or incident.category in where.categories)
        and (where.statuses is None or incident.status in where.statuses)
        and (where.officer_id is None or incident.reporting_officer_id == where.officer_id)
        and (
            needle is None
            or any(
                needle in ascii_lower(text)
                for text in (incident.number or "", incident.narrative, incident.category)
            )
        )
    )


class MemoryUnitOfWork(UnitOfWork):
    """A unit of work of the memory store: its writes stay apart until commit."""

    def __init__(self, storage: MemoryStorage, base: _State) -> None:
        self.storage = storage
        self.base = base
        self.state = base.copy()
        self.touched: dict[tuple[str, uuid.UUID], int] = {}
        self.allocated: set[int] = set()
        self.done = False
        self.officers = _Officers(self, "officers", "officer")
        self.schools = _Repository[School](self, "schools", "school")
        self.assignments = _Assignments(self, "assignments", "assignment")
        self.people = _People(self, "people", "person")
        self.incidents = _Incidents(self, "incidents", "incident")
        self.contacts = _Repository[CommunityContact](self, "contacts", "contact")
        self.activities = _Repository[EducationActivity](self, "activities", "activity")
        self.partners = _Repository[Partner](self, "partners", "partner")
        self.actors = _Repository[ActorEntry](self, "actors", "actor")
        self.agreements = _Repository[Agreement](self, "agreements", "agreement")
        self.referrals = _Referrals(self, "referrals", "referral")
        self.crises = _Crises(self, "crises", "crisis")
        self.touched_events: set[uuid.UUID] = set()
        self.outbox = _Outbox(self)
        self.audit = _Audit(self.state)
        self.submissions = _Submissions(self.state)
        self.queries = _Queries(self)
        self.repositories: dict[str, _Repository[Any]] = {
            "officers": self.officers,
            "incidents": self.incidents,
        }

    def next_incident_number(self, year: int) -> str:
        """Allocate the year's next number; a concurrent allocation makes the commit conflict."""
        sequence = self.state.numbers.get(year, 0) + 1
        self.state.numbers[year] = sequence
        self.allocated.add(year)
        return incident_number(year, sequence)

    def commit(self) -> None:
        """Apply the unit's writes to the store, or raise Conflict if a race was lost."""
        if not self.done:
            self.done = True
            self.storage._apply(self)  # noqa: SLF001 - the store and its units work as one

    def rollback(self) -> None:
        """Drop the unit's writes."""
        self.done = True

    def check_against(self, current: _State) -> None:
        """Raise Conflict if a record this unit wrote, or a counter it used, moved on."""
        for (table, key), read_version in self.touched.items():
            stored = current.tables[table].get(key)
            if (0 if stored is None else stored.version) != read_version:
                raise Conflict(table, key, "changed by someone else since it was read")
        for year in self.allocated:
            if current.numbers.get(year, 0) != self.base.numbers.get(year, 0):
                raise Conflict("incident number", year, "allocated by someone else meanwhile")
        for table, key in self.touched:
            record = self.state.tables[table][key]
            repository = self.repositories.get(table)
            if repository is not None:
                repository.check_unique_in(record, current.tables[table])
        for event_id in self.touched_events:
            if current.delivery_state(event_id) != self.base.delivery_state(event_id):
                raise Conflict("delivery", event_id, "changed by another dispatcher meanwhile")
        if len(current.audit) != len(self.base.audit) and len(self.state.audit) > len(
            self.base.audit
        ):
            raise Conflict("audit entry", len(current.audit) + 1, "appended meanwhile")

    def merged_onto(self, current: _State) -> _State:
        """Return the committed state with this unit's writes applied."""
        if current is self.base:
            return self.state
        merged = current.copy()
        for table, key in self.touched:
            merged.tables[table][key] = self.state.tables[table][key]
        new_outbox = [e for e in self.state.outbox if e.sequence > self.base.sequence]
        start = merged.sequence
        merged.outbox.extend(
            attrs.evolve(e, sequence=start + n + 1) for n, e in enumerate(new_outbox)
        )
        merged.sequence = start + len(new_outbox)
        for pair, delivery in self.state.deliveries.items():
            if self.base.deliveries.get(pair) != delivery:
                merged.deliveries[pair] = delivery
        self._merge_delivery_state(merged)
        merged.audit.extend(self.state.audit[len(self.base.audit) :])
        merged.submissions.extend(self.state.submissions[len(self.base.submissions) :])
        merged.numbers.update(
            {y: s for y, s in self.state.numbers.items() if s != self.base.numbers.get(y)}
        )
        return merged

    def _merge_delivery_state(self, merged: _State) -> None:
        """Carry the claims, settlements and pruning of the events this unit touched."""
        for event_id in self.touched_events:
            for table in (merged.deliveries, merged.claims):
                for pair in [p for p in table if p[0] == event_id]:
                    del table[pair]
            merged.deliveries.update(
                {p: d for p, d in self.state.deliveries.items() if p[0] == event_id}
            )
            merged.claims.update({p: c for p, c in self.state.claims.items() if p[0] == event_id})
            merged.settled.pop(event_id, None)
            if event_id in self.state.settled:
                merged.settled[event_id] = self.state.settled[event_id]
        kept = {e.event.event_id for e in self.state.outbox}
        gone = {e.event.event_id for e in self.base.outbox} - kept
        if gone:
            merged.outbox[:] = [e for e in merged.outbox if e.event.event_id not in gone]


@hookimpl
def sro_register_storage(registry: StorageRegistry) -> None:
    """Register the memory store for ``memory:`` URLs."""
    registry.register(
        "memory", MemoryStorage, "in-process memory (the reference; nothing is kept)", "memory"
    )
