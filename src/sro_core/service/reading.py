"""Queries: records seen through the actor's audience, aggregates with small counts suppressed."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import TypeVar

import attrs

from sro_core.domain import (
    Actor,
    ActorRole,
    AuditCheckpoint,
    AuditEntry,
    AuditOutcome,
    ChainBreak,
    CommunityContact,
    DomainEvent,
    EducationActivity,
    Incident,
    Referral,
    SchoolYear,
    TriadRole,
    UnreadableEntry,
    checkpoint_break,
    verify_chain,
)
from sro_core.policy import (
    Context,
    Seen,
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
    Delivery,
    IncidentFilter,
    Page,
    PageOf,
    Period,
    Repository,
    TriadTime,
    UnitOfWork,
    ascii_lower,
)
from sro_core.service.core import DISCLOSURE, ProgramCore
from sro_core.service.dispatch import DispatchReport, requeue_dead
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


class Reading(ProgramCore):
    """Queries on records and aggregates, and the operator's audit and outbox tools.

    Every record a query returns is decided for its reader by the policy (:func:`decide`); a
    record the reader may not read answers exactly as a record that does not exist.
    """

    def _scoped(self, unit: UnitOfWork, actor: Actor, where: IncidentFilter) -> IncidentFilter:
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

    def incident(self, actor: Actor, incident_id: uuid.UUID) -> Seen[Incident]:
        """Return an incident as the actor may see it; one it may not read is "not found"."""

        def work(unit: UnitOfWork) -> Seen[Incident]:
            incident = unit.incidents.get(incident_id)
            return self._decided(unit, actor, "incident", incident_id, incident)

        return self._read(actor, Action.READ_RECORDS, "incident", str(incident_id), work)

    def find_incidents(
        self, actor: Actor, where: IncidentFilter | None = None, page: Page | None = None
    ) -> PageOf[Seen[Incident]]:
        """Return a page of the incidents the actor may read that match a filter, newest first.

        A text filter matches only what the reader may see: an incident whose match is only in
        hidden (or masked) text is left out, so a search cannot reveal hidden text.
        """
        where = where or IncidentFilter()

        def work(unit: UnitOfWork) -> PageOf[Seen[Incident]]:
            found = unit.queries.find_incidents(self._scoped(unit, actor, where), page or Page())
            now = self.clock()
            context = self._context(unit, actor, now)
            items = []
            for incident in found.items:
                if where.text and not _matches_seen(incident, where.text, actor, context):
                    continue
                view = self._view(unit, actor, incident, context, now)
                if view is not None:
                    items.append(view)
            return PageOf(tuple(items), found.next)

        return self._read(actor, Action.READ_RECORDS, "find_incidents", None, work)

    def incidents_of(
        self, actor: Actor, where: IncidentFilter | None = None
    ) -> Iterator[Seen[Incident]]:
        """Yield every incident the actor may read that matches a filter, a page at a time."""
        page = Page(size=500)
        while True:
            found = self.find_incidents(actor, where, page)
            yield from found.items
            if found.next is None:
                return
            page = Page(size=500, after=found.next)

    def referrals(self, actor: Actor, incident_id: uuid.UUID) -> list[Referral]:
        """Return the referrals of an incident that the actor may read, as it may see them.

        A partner liaison reads only their own partner's referrals.
        """

        def work(unit: UnitOfWork) -> list[Referral]:
            incident = unit.incidents.get(incident_id)
            self._decided(unit, actor, "incident", incident_id, incident)
            now = self.clock()
            context = self._context(unit, actor, now)
            views = (
                self._view(unit, actor, r, context, now)
                for r in unit.referrals.for_incident(incident_id)
            )
            return [v.value for v in views if v is not None]

        return self._read(actor, Action.READ_RECORDS, "referrals", str(incident_id), work)

    def disclosures(self, actor: Actor, record_id: uuid.UUID) -> list[Disclosure]:
        """Return every disclosure of a record outside the department (FERPA 34 CFR 99.32).

        Each names who received the record, when, and under which agreements; they are read
        back from the audit trail, where every read by a school administrator or a partner
        liaison is recorded.
        """

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

        return self._read(actor, Action.AUDIT, "disclosures", str(record_id), work)

    def contacts(self, actor: Actor) -> Iterator[Seen[CommunityContact]]:
        """Yield the community contacts the actor may read, redacted, a page at a time."""
        return self._community(actor, "contacts", lambda u: u.contacts)

    def activities(self, actor: Actor) -> Iterator[Seen[EducationActivity]]:
        """Yield the education activities the actor may read, a page at a time."""
        return self._community(actor, "activities", lambda u: u.activities)

    def _community(
        self, actor: Actor, name: str, repository: Callable[[UnitOfWork], Repository[C]]
    ) -> Iterator[Seen[C]]:
        """Yield a log's records the actor may read, each page read in a unit of its own."""

        def check(_unit: UnitOfWork) -> None:
            if not reads_logs(actor):
                raise AccessDenied(actor, name, "only the department and school administrators")

        self._read(actor, Action.READ_RECORDS, name, None, check)
        return self._community_pages(actor, name, repository)

    def _community_pages(
        self, actor: Actor, name: str, repository: Callable[[UnitOfWork], Repository[C]]
    ) -> Iterator[Seen[C]]:
        last: uuid.UUID | None = None
        while True:

            def work(
                unit: UnitOfWork, after: uuid.UUID | None = last
            ) -> tuple[list[C], list[Seen[C]]]:
                page = repository(unit).after(after, PAGE)
                now = self.clock()
                context = self._context(unit, actor, now)
                views = (self._view(unit, actor, r, context, now) for r in page)
                return page, [v for v in views if v is not None]

            page, views = self._read(actor, Action.READ_RECORDS, name, None, work)
            yield from views
            if len(page) < PAGE:
                return
            last = page[-1].id

    def monthly_counts(self, actor: Actor, period: Period) -> list[MonthlyFigure]:
        """Count incidents by school, local month and category, suppressed as the reader needs.

        For analysts a small count is suppressed, and so are as many others of its month, its
        school's month and its category's month as it takes for none to be derived from the rest.
        """

        def work(unit: UnitOfWork) -> list[MonthlyFigure]:
            rows = unit.queries.monthly_counts(period)
            schools = school_scope(actor)
            if schools is not None:
                rows = [r for r in rows if r.school_id in schools]
            counts = {(r.school_id, r.month, r.category): r.count for r in rows}
            if suppresses(actor):
                shown = suppressed(
                    counts,
                    self.settings.suppression_threshold,
                    (lambda k: k[1], lambda k: (k[0], k[1]), lambda k: (k[1], k[2])),
                )
            else:
                shown = dict(counts)
            return [MonthlyFigure(s, m, c, shown[s, m, c]) for s, m, c in counts]

        return self._read(actor, Action.READ_AGGREGATES, "monthly_counts", None, work)

    def triad_split(self, actor: Actor, period: Period) -> list[TriadTime]:
        """Return how each officer's logged time splits across the triad in a period.

        A school administrator's split counts only the contacts and activities at their own
        schools (school-related contacts only); everyone else's is the whole department's.
        """
        if school_scope(actor) is None:
            return self._read(
                actor,
                Action.READ_AGGREGATES,
                "triad_split",
                None,
                lambda u: u.queries.triad_split(period),
            )
        self._allow(actor, Action.READ_AGGREGATES, "triad_split", None)
        sums: dict[tuple[uuid.UUID, TriadRole], list[int]] = {}
        for contact in self.contacts(actor):
            c = contact.value
            if period.start <= c.at < period.end:
                row = sums.setdefault((c.officer_id, c.triad_role), [0, 0, 0])
                row[0] += 1
                row[2] += c.minutes
        for activity in self.activities(actor):
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

    def crdc_counts(self, actor: Actor, year: SchoolYear) -> list[CrdcStudentCount]:
        """Return the per-student CRDC counts of a school year (department only; audited)."""

        def work(unit: UnitOfWork) -> list[CrdcStudentCount]:
            if not department(actor):
                raise AccessDenied(
                    actor, "crdc_counts", "per-student counts are for the department"
                )
            self._audit(
                unit,
                actor,
                "read_crdc_counts",
                str(year),
                outcome=AuditOutcome.ALLOWED,
                detail="",
                at=self.clock(),
            )
            return unit.queries.crdc_counts(year)

        return self._read(actor, Action.READ_RECORDS, "crdc_counts", str(year), work)

    def verify_audit(self, actor: Actor) -> ChainBreak | None:
        """Check the whole audit chain against the latest checkpoint; return its first break.

        The checkpoint's seal is checked first (an unknown key or a forged seal is a break);
        then every entry, keyed ones with the audit key; then that the chain reaches the
        checkpoint's entry and holds its hash there. The verification is audited too.
        """
        self._allow(actor, Action.AUDIT, "verify_audit", None)
        checkpoint = None if self.anchors.folder is None else self.anchors.folder.latest()
        broken = None if checkpoint is None else checkpoint_break(checkpoint, self.anchors.seals)
        if broken is None:

            def entries(unit: UnitOfWork) -> Iterator[AuditEntry | UnreadableEntry]:
                after = 0
                while batch := unit.audit.scan(after, AUDIT_BATCH):
                    yield from batch
                    last = batch[-1].sequence
                    if last <= after:
                        return
                    after = last

            broken = self._read(
                actor,
                Action.AUDIT,
                "verify_audit",
                None,
                lambda u: verify_chain(
                    entries(u), self.anchors.key, checkpoint, self.anchors.retired
                ),
            )
        anchored = "" if checkpoint is None else f" (checkpoint of entry {checkpoint.sequence})"
        verdict = "verifies" if broken is None else f"breaks at {broken.sequence}: {broken.reason}"
        self._audit_alone(
            actor, "verify_audit", None, AuditOutcome.ALLOWED, f"the trail {verdict}{anchored}"
        )
        return broken

    def audit_trail(self, actor: Actor, after: int = 0, limit: int = 100) -> list[AuditEntry]:
        """Return audit entries after a sequence number; the read is audited."""
        found = self._read(
            actor, Action.AUDIT, "audit_trail", None, lambda u: u.audit.entries(after, limit)
        )
        shown = f"entries {found[0].sequence} to {found[-1].sequence}" if found else "no entries"
        self._audit_alone(actor, "audit_trail", None, AuditOutcome.ALLOWED, f"read {shown}")
        return found

    def audit_refusal(self, actor: Actor, action: str, target: str | None, reason: str) -> None:
        """Record an attempt that the application refused before asking the program.

        For refusals decided outside the program, such as an import file whose rows do not
        parse: CJIS asks for failed attempts to be audited whoever refused them.
        """
        self._audit_alone(actor, action, target, AuditOutcome.ERROR, reason)

    def checkpoint_audit(self, actor: Actor) -> AuditCheckpoint:
        """Take a sealed checkpoint of the audit trail's head now (its own entry included).

        It is written to the checkpoint folder, if configured, and given to every
        ``sro_audit_checkpoint`` hook. Raises AnchorError when no key can seal it.
        """
        self._allow(actor, Action.AUDIT, "audit_checkpoint", None)
        if self.anchors.sealer is None:
            return self._checkpoint_or_refuse(None)
        entry = self._audit_alone(actor, "audit_checkpoint", None, AuditOutcome.ALLOWED, "")
        return self._checkpoint_or_refuse(entry)

    def dispatch(self, actor: Actor, *, stop: threading.Event | None = None) -> DispatchReport:
        """Deliver every due outbox event to the notifiers now; ``stop`` ends the round early."""
        self._allow(actor, Action.OPERATE_OUTBOX, "dispatch", None)
        return self.dispatcher.dispatch(stop=stop)

    def dead_letters(self, actor: Actor) -> list[Delivery]:
        """Return the deliveries that were given up on."""
        return self._read(
            actor, Action.OPERATE_OUTBOX, "dead_letters", None, lambda u: u.outbox.dead_letters()
        )

    def replay(self, actor: Actor, event_id: uuid.UUID, notifier: str | None = None) -> int:
        """Put an event's dead deliveries back in line and dispatch them; return how many."""

        def work(unit: UnitOfWork, _now: dt.datetime) -> tuple[int, list[DomainEvent]]:
            return requeue_dead(unit.outbox, event_id, notifier), []

        count = self._command(actor, Action.OPERATE_OUTBOX, "replay", str(event_id), work)
        self.dispatcher.dispatch(events=[event_id])
        return count

    def prune_outbox(self, actor: Actor, older_than: dt.timedelta | None = None) -> int:
        """Remove events delivered everywhere before the retention (or ``older_than``)."""
        self._allow(actor, Action.OPERATE_OUTBOX, "prune_outbox", None)
        return self.dispatcher.prune(older_than)


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
