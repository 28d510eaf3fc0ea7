"""Queries: records seen through the actor's audience, aggregates with small counts suppressed."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from typing import TypeVar

import attrs

from sro_core.domain import (
    Actor,
    ActorRole,
    AuditEntry,
    AuditOutcome,
    CommunityContact,
    EducationActivity,
    Incident,
    Referral,
    SchoolYear,
    TriadRole,
)
from sro_core.policy import (
    Context,
    Seen,
    counts_sealed,
    decide,
    department,
    partner_scope,
    reads_logs,
    school_scope,
    suppressed,
    suppresses,
)
from sro_core.ports import (
    CrdcStudentCount,
    IncidentFilter,
    Page,
    PageOf,
    Period,
    Repository,
    TriadTime,
    UnitOfWork,
    ascii_lower,
)
from sro_core.service.core import DISCLOSURE, Kernel
from sro_core.service.desk import Call, query
from sro_core.service.policy import AccessDenied, Action

AUDIT_BATCH = 1000

PAGE = 500
"""Records read in one unit of work while a log is read through."""

C = TypeVar("C", CommunityContact, EducationActivity)
R = TypeVar("R")
A = TypeVar("A")


@attrs.frozen
class MonthlyFigure:
    """Incidents of a category at a school in a local month; ``count`` is None when suppressed."""

    school_id: uuid.UUID | None
    month: str
    category: str
    count: int | None


class Records:
    """The desk of reading records and aggregates, each seen through the reader's audience.

    Every record a query returns is decided for its reader by the policy (:func:`decide`); a
    record the reader may not read answers exactly as a record that does not exist.
    """

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

    @query(Action.READ_RECORDS)
    def incident(self, call: Call, incident_id: uuid.UUID) -> Seen[Incident]:
        """Return an incident as the actor may see it; one it may not read is "not found"."""

        def work(unit: UnitOfWork) -> Seen[Incident]:
            incident = unit.incidents.get(incident_id)
            return self.kernel.decided(unit, call.actor, "incident", incident_id, incident)

        return call.read(str(incident_id), work)

    @query(Action.READ_RECORDS)
    def find_incidents(
        self, call: Call, where: IncidentFilter | None = None, page: Page | None = None
    ) -> PageOf[Seen[Incident]]:
        """Return a page of the incidents the actor may read that match a filter, newest first."""
        where = where or IncidentFilter()

        def work(unit: UnitOfWork) -> PageOf[Seen[Incident]]:
            found = unit.queries.find_incidents(scoped(unit, call.actor, where), page or Page())
            now = self.kernel.clock()
            context = self.kernel.context(unit, call.actor, now)
            items = []
            for incident in found.items:
                if where.text and not _matches_seen(incident, where.text, call.actor, context):
                    continue
                view = self.kernel.view(unit, call.actor, incident, context, now)
                if view is not None:
                    items.append(view)
            return PageOf(tuple(items), found.next)

        return call.read(None, work)

    @query(Action.READ_RECORDS)
    def incidents_of(
        self, call: Call, where: IncidentFilter | None = None
    ) -> Iterator[Seen[Incident]]:
        """Yield every incident the actor may read that matches a filter, a page at a time."""
        page = Page(size=500)
        while True:
            found = self.find_incidents(call.actor, where, page)
            yield from found.items
            if found.next is None:
                return
            page = Page(size=500, after=found.next)

    @query(Action.READ_RECORDS)
    def referrals(self, call: Call, incident_id: uuid.UUID) -> list[Referral]:
        """Return the referrals of an incident that the actor may read, as it may see them."""

        def work(unit: UnitOfWork) -> list[Referral]:
            incident = unit.incidents.get(incident_id)
            self.kernel.decided(unit, call.actor, "incident", incident_id, incident)
            now = self.kernel.clock()
            context = self.kernel.context(unit, call.actor, now)
            views = (
                self.kernel.view(unit, call.actor, r, context, now)
                for r in unit.referrals.for_incident(incident_id)
            )
            return [v.value for v in views if v is not None]

        return call.read(str(incident_id), work)

    @query(Action.AUDIT)
    def disclosures(self, call: Call, record_id: uuid.UUID) -> list[Disclosure]:
        """Return every disclosure of a record outside the department (FERPA 34 CFR 99.32)."""

        def work(unit: UnitOfWork) -> list[Disclosure]:
            target = str(record_id)
            found: list[Disclosure] = []
            after = 0
            while batch := unit.audit.entries(after, AUDIT_BATCH):
                found.extend(
                    Disclosure.of(e) for e in batch if e.action == DISCLOSURE and e.target == target
                )
                after = batch[-1].sequence
            return found

        return call.read(str(record_id), work)

    @query(Action.READ_RECORDS)
    def contacts(self, call: Call) -> Iterator[Seen[CommunityContact]]:
        """Yield the community contacts the actor may read, redacted, a page at a time."""
        return self._community(call, lambda u: u.contacts)

    @query(Action.READ_RECORDS)
    def activities(self, call: Call) -> Iterator[Seen[EducationActivity]]:
        """Yield the education activities the actor may read, a page at a time."""
        return self._community(call, lambda u: u.activities)

    def _community(
        self, call: Call, repository: Callable[[UnitOfWork], Repository[C]]
    ) -> Iterator[Seen[C]]:
        """Yield a log's records the actor may read, each page read in a unit of its own."""
        actor = call.actor

        def check(_unit: UnitOfWork) -> None:
            if not reads_logs(actor):
                raise AccessDenied(
                    actor, call.name, "only the department and school administrators"
                )

        call.read(None, check)
        return self._community_pages(call, repository)

    def _community_pages(
        self, call: Call, repository: Callable[[UnitOfWork], Repository[C]]
    ) -> Iterator[Seen[C]]:
        actor = call.actor
        last: uuid.UUID | None = None
        while True:

            def work(
                unit: UnitOfWork, after: uuid.UUID | None = last
            ) -> tuple[list[C], list[Seen[C]]]:
                page = repository(unit).after(after, PAGE)
                now = self.kernel.clock()
                context = self.kernel.context(unit, actor, now)
                views = (self.kernel.view(unit, actor, r, context, now) for r in page)
                return page, [v for v in views if v is not None]

            page, views = call.read(None, work)
            yield from views
            if len(page) < PAGE:
                return
            last = page[-1].id

    @query(Action.READ_AGGREGATES)
    def monthly_counts(self, call: Call, period: Period) -> list[MonthlyFigure]:
        """Count incidents by school, local month and category, suppressed as the reader needs."""

        def work(unit: UnitOfWork) -> list[MonthlyFigure]:
            rows = unit.queries.monthly_counts(period, include_sealed=counts_sealed(call.actor))
            schools = school_scope(call.actor)
            if schools is not None:
                rows = [r for r in rows if r.school_id in schools]
            counts = {(r.school_id, r.month, r.category): r.count for r in rows}
            if suppresses(call.actor):
                shown = suppressed(
                    counts,
                    self.kernel.settings.suppression_threshold,
                    (lambda k: k[1], lambda k: (k[0], k[1]), lambda k: (k[1], k[2])),
                )
            else:
                shown = dict(counts)
            return [MonthlyFigure(s, m, c, shown[s, m, c]) for s, m, c in counts]

        return call.read(None, work)

    @query(Action.READ_AGGREGATES)
    def triad_split(self, call: Call, period: Period) -> list[TriadTime]:
        """Return how each officer's logged time splits across the triad in a period."""
        if school_scope(call.actor) is None:
            return call.read(None, lambda u: u.queries.triad_split(period))
        call.allow()
        sums: dict[tuple[uuid.UUID, TriadRole], list[int]] = {}
        for contact in self.contacts(call.actor):
            c = contact.value
            if period.start <= c.at < period.end:
                row = sums.setdefault((c.officer_id, c.triad_role), [0, 0, 0])
                row[0] += 1
                row[2] += c.minutes
        for activity in self.activities(call.actor):
            a = activity.value
            if period.start <= a.held_at < period.end:
                row = sums.setdefault((a.officer_id, a.triad_role), [0, 0, 0])
                row[1] += 1
                row[2] += a.minutes
        return [
            TriadTime(officer, role, *row)
            for (officer, role), row in sorted(
                sums.items(), key=lambda i: (str(i[0][0]), i[0][1].value)
            )
        ]

    @query(Action.READ_RECORDS)
    def crdc_counts(self, call: Call, year: SchoolYear) -> list[CrdcStudentCount]:
        """Return the per-student CRDC counts of a school year (department only; audited)."""

        def work(unit: UnitOfWork) -> list[CrdcStudentCount]:
            if not department(call.actor):
                raise AccessDenied(
                    call.actor, call.name, "per-student counts are for the department"
                )
            self.kernel.audit(
                unit,
                call.actor,
                "read_crdc_counts",
                str(year),
                outcome=AuditOutcome.ALLOWED,
                detail="",
                at=self.kernel.clock(),
            )
            return unit.queries.crdc_counts(year, include_sealed=counts_sealed(call.actor))

        return call.read(str(year), work)


def scoped(unit: UnitOfWork, actor: Actor, where: IncidentFilter) -> IncidentFilter:
    """Narrow a filter to where the reader's records can be (the policy still decides each)."""
    schools = school_scope(actor)
    if schools is not None:
        mine = schools if where.school_ids is None else where.school_ids & schools
        where = attrs.evolve(where, school_ids=frozenset(mine))
    partner = partner_scope(actor)
    if partner is not None:
        referred = frozenset(r.incident_id for r in unit.referrals.for_partner(partner))
        mine = referred if where.ids is None else where.ids & referred
        where = attrs.evolve(where, ids=frozenset(mine))
    return where


def _page_of(
    repository: Callable[[UnitOfWork], Repository[C]], after: uuid.UUID | None
) -> Callable[[UnitOfWork], list[C]]:
    """Return the read of the page after an id (None: the first page) of a repository."""
    return lambda unit: repository(unit).after(after, PAGE)


@attrs.frozen
class Disclosure:
    """A record disclosed outside the department: to whom, when, under which agreements."""

    record_id: str
    at: dt.datetime
    recipient: str
    recipient_role: ActorRole
    agreements: tuple[str, ...]
    what: str

    @classmethod
    def of(cls, entry: AuditEntry) -> Disclosure:
        """Return the disclosure an audit entry records."""
        what, _, under = entry.detail.partition(" under ")
        agreements = tuple(a for a in under.removeprefix("agreements ").split(",") if a)
        return cls(entry.target or "", entry.at, entry.actor_id, entry.actor_role, agreements, what)


def _matches_seen(incident: Incident, text: str, actor: Actor, context: Context) -> bool:
    """Return whether a text filter matches what the reader sees of an incident."""
    decision = decide(actor, incident, context)
    if not decision.readable:
        return False
    shown = decision.seen(incident).value
    needle = ascii_lower(text)
    return any(
        needle in ascii_lower(part)
        for part in (shown.number or "", shown.narrative, shown.category)
    )
