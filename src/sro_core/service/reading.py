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
    Audience,
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
    UnreadableEntry,
    checkpoint_break,
    verify_chain,
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
)
from sro_core.service.core import ProgramCore
from sro_core.service.dispatch import DispatchReport, requeue_dead
from sro_core.service.policy import AccessDenied, Action, visibility
from sro_core.service.redaction import Seen, Visibility, redact, redact_incident

AUDIT_BATCH = 1000

PAGE = 500
"""Records read in one unit of work while a log is read through."""

C = TypeVar("C", CommunityContact, EducationActivity)


@attrs.frozen
class MonthlyFigure:
    """Incidents of a category at a school in a local month; ``count`` is None when suppressed."""

    school_id: uuid.UUID | None
    month: str
    category: str
    count: int | None


class Reading(ProgramCore):
    """Queries on records and aggregates, and the operator's audit and outbox tools."""

    def _visibility(self, unit: UnitOfWork, actor: Actor) -> Visibility:
        partners = {p.id: p for p in unit.partners.all()}
        return visibility(actor, unit.agreements.all(), partners, self.today())

    def _scoped(self, unit: UnitOfWork, actor: Actor, where: IncidentFilter) -> IncidentFilter:
        """Narrow a filter to what the actor may read: their schools, or their referrals."""
        if actor.role is ActorRole.SCHOOL_ADMINISTRATOR:
            mine = actor.schools if where.school_ids is None else where.school_ids & actor.schools
            return attrs.evolve(where, school_ids=frozenset(mine))
        if actor.role is ActorRole.PARTNER_LIAISON and actor.partner_id is not None:
            referred = frozenset(
                r.incident_id for r in unit.referrals.for_partner(actor.partner_id)
            )
            mine = referred if where.ids is None else where.ids & referred
            return attrs.evolve(where, ids=frozenset(mine))
        return where

    def _seen(
        self,
        unit: UnitOfWork,
        actor: Actor,
        incident: Incident,
        shown: Visibility,
        now: dt.datetime,
    ) -> Seen[Incident]:
        """Redact an incident for an actor; audit the read if juvenile identities are shown."""
        day = self.calendar.local_date(incident.occurred_start)
        seen = redact_incident(incident, shown, day)
        if shown.juvenile_identities and any(i.is_juvenile(day) for i in incident.involvements):
            self._audit(
                unit,
                actor,
                "read_juvenile_record",
                str(incident.id),
                outcome=AuditOutcome.ALLOWED,
                detail=incident.number or "",
                at=now,
            )
        return seen

    def incident(self, actor: Actor, incident_id: uuid.UUID) -> Seen[Incident]:
        """Return an incident as the actor may see it."""

        def work(unit: UnitOfWork) -> Seen[Incident]:
            incident = unit.incidents.get(incident_id)
            scope = self._scoped(unit, actor, IncidentFilter(ids=frozenset({incident_id})))
            if scope.ids is not None and incident_id not in scope.ids:
                raise AccessDenied(
                    actor, "read an incident", "not referred to the liaison's partner"
                )
            if scope.school_ids is not None and incident.school_id not in scope.school_ids:
                raise AccessDenied(
                    actor, "read an incident", "not at one of the administrator's schools"
                )
            return self._seen(unit, actor, incident, self._visibility(unit, actor), self.clock())

        return self._read(actor, Action.READ_RECORDS, "incident", str(incident_id), work)

    def find_incidents(
        self, actor: Actor, where: IncidentFilter | None = None, page: Page | None = None
    ) -> PageOf[Seen[Incident]]:
        """Return a page of the incidents the actor may read that match a filter, newest first."""

        def work(unit: UnitOfWork) -> PageOf[Seen[Incident]]:
            found = unit.queries.find_incidents(
                self._scoped(unit, actor, where or IncidentFilter()), page or Page()
            )
            shown, now = self._visibility(unit, actor), self.clock()
            return PageOf(
                tuple(self._seen(unit, actor, i, shown, now) for i in found.items), found.next
            )

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
        """Return the referrals of an incident the actor may read."""
        self.incident(actor, incident_id)
        return self._read(
            actor,
            Action.READ_RECORDS,
            "referrals",
            str(incident_id),
            lambda u: u.referrals.for_incident(incident_id),
        )

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

        def visibility_of(unit: UnitOfWork) -> Visibility:
            if actor.audience not in (Audience.DEPARTMENT, Audience.SCHOOL_ADMINISTRATION):
                raise AccessDenied(actor, name, "only the department and school administrators")
            return self._visibility(unit, actor)

        shown = self._read(actor, Action.READ_RECORDS, name, None, visibility_of)
        return self._community_pages(actor, name, repository, shown)

    def _community_pages(
        self,
        actor: Actor,
        name: str,
        repository: Callable[[UnitOfWork], Repository[C]],
        shown: Visibility,
    ) -> Iterator[Seen[C]]:
        last: uuid.UUID | None = None
        while True:
            page = self._read(actor, Action.READ_RECORDS, name, None, _page_of(repository, last))
            mine = (
                r
                for r in page
                if actor.role is not ActorRole.SCHOOL_ADMINISTRATOR or r.school_id in actor.schools
            )
            today = self.today()
            yield from (redact(r, shown, today) for r in mine)
            if len(page) < PAGE:
                return
            last = page[-1].id

    def monthly_counts(self, actor: Actor, period: Period) -> list[MonthlyFigure]:
        """Count incidents by school, local month and category; analysts see small ones hidden."""
        threshold = self.settings.suppression_threshold
        suppress = actor.audience is Audience.AGGREGATE

        def work(unit: UnitOfWork) -> list[MonthlyFigure]:
            rows = unit.queries.monthly_counts(period)
            if actor.role is ActorRole.SCHOOL_ADMINISTRATOR:
                rows = [r for r in rows if r.school_id in actor.schools]
            return [
                MonthlyFigure(
                    r.school_id,
                    r.month,
                    r.category,
                    None if suppress and r.count < threshold else r.count,
                )
                for r in rows
            ]

        return self._read(actor, Action.READ_AGGREGATES, "monthly_counts", None, work)

    def triad_split(self, actor: Actor, period: Period) -> list[TriadTime]:
        """Return how each officer's logged time splits across the triad in a period."""
        return self._read(
            actor,
            Action.READ_AGGREGATES,
            "triad_split",
            None,
            lambda u: u.queries.triad_split(period),
        )

    def crdc_counts(self, actor: Actor, year: SchoolYear) -> list[CrdcStudentCount]:
        """Return the per-student CRDC counts of a school year (department only; audited)."""

        def work(unit: UnitOfWork) -> list[CrdcStudentCount]:
            if actor.audience is not Audience.DEPARTMENT:
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

    def dispatch(self, actor: Actor) -> DispatchReport:
        """Deliver every due outbox event to the notifiers now."""
        self._allow(actor, Action.OPERATE_OUTBOX, "dispatch", None)
        return self.dispatcher.dispatch()

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
        self.dispatcher.dispatch()
        return count


def _page_of(
    repository: Callable[[UnitOfWork], Repository[C]], after: uuid.UUID | None
) -> Callable[[UnitOfWork], list[C]]:
    """Return the read of the page after an id (None: the first page) of a repository."""
    return lambda unit: repository(unit).after(after, PAGE)
