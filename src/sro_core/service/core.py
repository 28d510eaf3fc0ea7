"""The Kernel every desk holds: one unit of work per command, access checks, audit, events.

Every command runs through one path: the actor's role is checked, the work runs in
one unit of work with its events put in the outbox and its audit entry appended in the same
transaction, so a command is all or nothing. A denied attempt and a failed one are audited
too, in a unit of work of their own, after the command's own was rolled back.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Sequence
from typing import TypeVar

from sro_core.codes import CodeTables
from sro_core.domain import (
    Actor,
    AuditCheckpoint,
    AuditEntry,
    AuditOutcome,
    DomainError,
    DomainEvent,
    Incident,
    Person,
    Problem,
    ProgramCalendar,
    Referral,
    RuleViolation,
    SharingRefused,
    check_incident,
    code_problems,
    outside_window,
)
from sro_core.errors import RecordRejected as RecordRejected
from sro_core.plugins import PluginHost
from sro_core.policy import (
    Context,
    Decision,
    Seen,
    decide,
    decided_alone,
    department,
    discloses,
    partner_scope,
    require,
)
from sro_core.ports import (
    Aggregate,
    Claim,
    Conflict,
    NotFound,
    PersonIndex,
    Repository,
    Storage,
    StorageError,
    UnitOfWork,
)
from sro_core.service.anchors import AnchorError, Anchors
from sro_core.service.dispatch import Dispatcher
from sro_core.service.policy import AccessDenied, Action
from sro_core.service.settings import ProgramSettings

R = TypeVar("R")
A = TypeVar("A", bound=Aggregate)

log = logging.getLogger("sro_core.program")

_RETRIES = 3
_RACES = frozenset({"audit entry", "incident number"})
"""Conflicts that only mean another writer went first: the command is run again."""


def utc_now() -> dt.datetime:
    """Return the current time, in UTC."""
    return dt.datetime.now(dt.UTC)


class _Unreadable(NotFound):
    """A record the actor may not read: audited as denied, then answered as an unknown id."""

    def __init__(self, kind: str, key: object, reason: str) -> None:
        super().__init__(kind, key)
        self.reason = reason


Work = Callable[[UnitOfWork, dt.datetime], tuple[R, Sequence[DomainEvent]]]


class Kernel:
    """Storage, settings, plugins and the machinery every command and query goes through.

    Every desk holds the one kernel of its program. The kernel is also what hooks and
    exporters receive as ``program`` (:class:`~sro_core.ports.ProgramContext`): its calendar,
    code tables, settings and clock.
    """

    def __init__(
        self,
        storage: Storage,
        settings: ProgramSettings,
        plugins: PluginHost,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.storage = storage
        self.settings = settings
        self.plugins = plugins
        self.clock = clock
        registry = plugins.notifier_registry()
        notifiers = {n.kind: registry.create(n.kind, dict(n.options)) for n in settings.notifiers}
        timeouts = {n.kind: n.timeout for n in settings.notifiers if n.timeout is not None}
        self.dispatcher = Dispatcher(storage, notifiers, settings, clock, timeouts)
        self._code_tables = plugins.code_tables()
        self.anchors = Anchors.from_settings(settings)
        self._last_checkpoint: tuple[int, dt.datetime] | None = None

    @property
    def calendar(self) -> ProgramCalendar:
        """The program's calendar: local days, months and school years."""
        return self.settings.calendar

    @property
    def code_tables(self) -> CodeTables:
        """The code tables in force, with every plugin's additions and overlays."""
        return self._code_tables

    def today(self) -> dt.date:
        """Return today's program-local date."""
        return self.calendar.local_date(self.clock())

    def command(
        self,
        actor: Actor,
        action: Action,
        name: str,
        target: str | None,
        work: Work[R],
        *,
        detail: str = "",
        dispatch_now: bool = True,
    ) -> R:
        """Run one command: all of it in one unit of work, or nothing of it.

        ``dispatch_now=False`` leaves even the command's crisis events to the outbox worker
        (``sro outbox run``): for commands that record many events at once, such as imports.
        Its audit entry is the unit's last write, so that a store that serialises appends
        holds the chain's head only from there to the commit.
        """
        self.allow(actor, action, name, target)
        for attempt in range(1, _RETRIES + 1):
            now = self.clock()
            try:
                with self.storage.unit_of_work() as unit:
                    result, events = work(unit, now)
                    claims = self._record(unit, events, now, dispatch_now=dispatch_now)
                    entry = self.audit(
                        unit,
                        actor,
                        name,
                        target,
                        outcome=AuditOutcome.ALLOWED,
                        detail=detail,
                        at=now,
                    )
            except Conflict as conflict:
                if conflict.kind in _RACES and attempt < _RETRIES:
                    continue
                self.audit_alone(actor, name, target, AuditOutcome.ERROR, str(conflict))
                raise
            except Exception as error:
                self.audit_failure(actor, name, target, error)
                if isinstance(error, _Unreadable):
                    raise NotFound(error.kind, error.key) from None
                raise
            break
        self._anchor(entry)
        self._after_commit(events, claims)
        return result

    def read(
        self,
        actor: Actor,
        action: Action,
        name: str,
        target: str | None,
        work: Callable[[UnitOfWork], R],
    ) -> R:
        """Run one query in a unit of work; a denied or failed one (an unknown id) is audited."""
        self.allow(actor, action, name, target)
        try:
            with self.storage.unit_of_work() as unit:
                return work(unit)
        except Exception as error:
            self.audit_failure(actor, name, target, error)
            if isinstance(error, _Unreadable):
                raise NotFound(error.kind, error.key) from None
            raise

    def context(self, unit: UnitOfWork, actor: Actor, now: dt.datetime) -> Context:
        """Return what the policy needs to decide on the reader's records at a time, read once."""
        partner = partner_scope(actor)
        referred: dict[uuid.UUID, tuple[Referral, ...]] = {}
        if partner is not None:
            for referral in unit.referrals.for_partner(partner):
                referred[referral.incident_id] = (*referred.get(referral.incident_id, ()), referral)
        # The department's own reads need no school-side facts: they are not read for it.
        inside = department(actor)
        return Context(
            today=self.calendar.local_date(now),
            calendar=self.calendar,
            agreements=tuple(unit.agreements.all()),
            partners={} if inside else {p.id: p for p in unit.partners.all()},
            schools={} if inside else {s.id: s for s in unit.schools.all()},
            referred=referred,
            person=_recorded_person(unit.people),
            incident=_lookup(unit.incidents),
        )

    def view(
        self, unit: UnitOfWork, actor: Actor, record: R, context: Context, now: dt.datetime
    ) -> Seen[R] | None:
        """Return a record as the reader may see it (None: not at all), auditing what must be."""
        decision = decide(actor, record, context)  # type: ignore[arg-type]
        kind, key = type(record).__name__.lower(), record.id  # type: ignore[attr-defined]
        number = getattr(record, "number", None)
        if not self.read_as_decided(
            unit, actor, decision, kind=kind, key=key, number=number, at=now
        ):
            return None
        return decision.seen(record)

    def read_as_decided(
        self,
        unit: UnitOfWork,
        actor: Actor,
        decision: Decision,
        *,
        kind: str,
        key: object,
        number: str | None,
        at: dt.datetime,
    ) -> bool:
        """Return whether a record is read as decided (False: not at all), auditing the read.

        A read that shows a juvenile's identity is audited as ``read_juvenile_record``; a read
        outside the department is recorded as a disclosure (FERPA 34 CFR 99.32).
        """
        if not decision.readable:
            return False
        target = str(key)
        if decision.shows_juveniles:
            self.audit(
                unit,
                actor,
                "read_juvenile_record",
                target,
                outcome=AuditOutcome.ALLOWED,
                detail=number or "",
                at=at,
            )
        if discloses(actor):
            self.audit(
                unit,
                actor,
                DISCLOSURE,
                target,
                outcome=AuditOutcome.ALLOWED,
                detail=_disclosure_detail(kind, number, decision.agreements),
                at=at,
            )
        return True

    def shown(self, unit: UnitOfWork, actor: Actor, kind: str, record: R, now: dt.datetime) -> R:
        """Return a record a command read or made, as the actor may see it.

        A record the actor may not read answers as an unknown id would: ``NotFound``.
        """
        return self.decided(unit, actor, kind, record.id, record, now=now).value  # type: ignore[attr-defined]

    def decided(
        self,
        unit: UnitOfWork,
        actor: Actor,
        kind: str,
        key: uuid.UUID,
        record: R,
        *,
        now: dt.datetime | None = None,
    ) -> Seen[R]:
        """Return one record as the reader may see it, or answer as for an unknown id.

        The refusal is audited as denied, with the policy's reason; the reader is told only
        that no such record exists, exactly as for an id that is not there.
        """
        now = now or self.clock()
        if decided_alone(actor, record):
            context = Context(today=self.calendar.local_date(now), calendar=self.calendar)
        else:
            context = self.context(unit, actor, now)
        decision = decide(actor, record, context)  # type: ignore[arg-type]
        what, number = type(record).__name__.lower(), getattr(record, "number", None)
        if not self.read_as_decided(
            unit, actor, decision, kind=what, key=key, number=number, at=now
        ):
            raise _Unreadable(kind, key, decision.reason)
        return decision.seen(record)

    def allow(self, actor: Actor, action: Action, name: str, target: str | None) -> None:
        """Check the actor's role may take an action; a refusal is audited as denied, and raised."""
        try:
            require(actor, action, name)
        except AccessDenied as denied:
            self.audit_alone(actor, name, target, AuditOutcome.DENIED, denied.reason)
            raise

    def audit_failure(self, actor: Actor, name: str, target: str | None, error: Exception) -> None:
        """Audit a command or query that failed, whatever the error: denied, or an error.

        A record the actor may not read is denied with the policy's reason; any other error
        is named by what :func:`_detail` says of it, never echoing a value it was given.
        """
        if isinstance(error, AccessDenied | _Unreadable):
            self.audit_alone(actor, name, target, AuditOutcome.DENIED, error.reason)
        elif isinstance(error, SharingRefused):
            self.audit_alone(actor, name, target, AuditOutcome.DENIED, _detail(error))
        elif isinstance(error, DomainError):
            self.audit_alone(actor, name, target, AuditOutcome.ERROR, _detail(error))
        else:
            self.audit_alone(actor, name, target, AuditOutcome.ERROR, type(error).__name__)

    def audit(
        self,
        unit: UnitOfWork,
        actor: Actor,
        action: str,
        target: str | None,
        *,
        outcome: AuditOutcome,
        detail: str,
        at: dt.datetime,
    ) -> AuditEntry:
        """Append an audit entry in a unit of work (the command's own, or one of its own).

        An actor acted as by another (``actor.by``) is recorded with both identities.
        """
        if actor.by is not None:
            detail = f"by {actor.by}" + (f"; {detail}" if detail else "")
        return unit.audit.append_next(
            lambda head: AuditEntry.sealed(
                head,
                at=at,
                actor_id=actor.id,
                actor_role=actor.role,
                component="sro_core.program",
                action=action,
                outcome=outcome,
                target=target,
                detail=detail,
                key=self.anchors.key,
            )
        )

    def audit_alone(
        self, actor: Actor, action: str, target: str | None, outcome: AuditOutcome, detail: str
    ) -> AuditEntry | None:
        """Audit an attempt in a unit of work of its own; return the entry, None if it failed.

        A store that cannot take the entry (damaged, full, read only) is logged, and the
        caller's own error, if it has one, is what the user sees.
        """
        for attempt in range(1, _RETRIES + 1):
            try:
                with self.storage.unit_of_work() as unit:
                    entry = self.audit(
                        unit, actor, action, target, outcome=outcome, detail=detail, at=self.clock()
                    )
            except Conflict as conflict:
                if attempt == _RETRIES:
                    log.error("the audit entry of %s could not be appended: %s", action, conflict)
                    return None
            except StorageError as error:
                log.error("the audit entry of %s could not be written: %s", action, error)
                return None
            else:
                self._anchor(entry)
                return entry
        return None  # pragma: no cover - the loop returns

    def checkpoint(self, entry: AuditEntry) -> AuditCheckpoint:
        """Seal a checkpoint of a committed entry, write it to the folder and give it to hooks."""
        sealer = self.anchors.sealer
        if sealer is None:  # pragma: no cover - callers check for a sealer first
            raise AnchorError("no key can seal an audit checkpoint")
        checkpoint = AuditCheckpoint.of(entry, self.clock(), sealer)
        if self.anchors.folder is not None:
            self.anchors.folder.write(checkpoint)
        self._last_checkpoint = (checkpoint.sequence, checkpoint.at)
        try:
            self.plugins.audit_checkpoint(checkpoint, self)
        except ExceptionGroup as errors:
            log.exception("plugins failed to keep an audit checkpoint", exc_info=errors)
        return checkpoint

    def checkpoint_or_refuse(self, entry: AuditEntry | None) -> AuditCheckpoint:
        """Seal a checkpoint of an entry just appended; refuse if none was, or nothing seals."""
        if self.anchors.sealer is not None and entry is None:
            raise AnchorError(
                "the audit entry of the checkpoint could not be written: run `sro doctor`"
            )
        if entry is None or self.anchors.sealer is None:
            raise AnchorError(
                "audit checkpoints are sealed with the audit key or an Ed25519 key, and neither "
                "is configured: set the audit key (SRO_AUDIT_KEY, or audit_key_file)"
            )
        return self.checkpoint(entry)

    def _anchor(self, entry: AuditEntry) -> None:
        """Take a checkpoint after an entry if enough entries or time passed since the last."""
        if self.anchors.sealer is None:
            return
        try:
            if self._last_checkpoint is None and self.anchors.folder is not None:
                latest = self.anchors.folder.latest()
                if latest is not None:
                    self._last_checkpoint = (latest.sequence, latest.at)
            if self._checkpoint_due(entry):
                self.checkpoint(entry)
        except AnchorError as error:
            log.error("the audit checkpoint after entry %s failed: %s", entry.sequence, error)

    def _checkpoint_due(self, entry: AuditEntry) -> bool:
        if self._last_checkpoint is None:
            return True
        sequence, at = self._last_checkpoint
        every, interval = (
            self.settings.audit_checkpoint_every,
            self.settings.audit_checkpoint_interval,
        )
        by_count = every > 0 and entry.sequence - sequence >= every
        by_time = interval > dt.timedelta(0) and self.clock() - at >= interval
        return by_count or by_time

    def _sent_now(
        self, events: Sequence[DomainEvent], *, dispatch_now: bool
    ) -> frozenset[uuid.UUID]:
        """Return the events a command sends once it commits: all, or only the urgent ones.

        ``dispatch_now=False`` sends none: they wait for the outbox worker.
        """
        if not dispatch_now:
            return frozenset()
        every = self.settings.dispatch_after_commit
        return frozenset(event.event_id for event in events if every or event.urgent)

    def _record(
        self,
        unit: UnitOfWork,
        events: Sequence[DomainEvent],
        now: dt.datetime,
        *,
        dispatch_now: bool,
    ) -> list[Claim]:
        """Put a command's events in its outbox, claiming those it sends once it commits.

        The claims are made in the command's own unit of work, so that after the commit only
        the deliveries and their outcomes remain; if the process ends before it sends them,
        their leases run out and another dispatcher delivers them.
        """
        if not events:
            return []
        sent = self._sent_now(events, dispatch_now=dispatch_now)
        if not sent or not self.dispatcher.notifiers:
            unit.outbox.put(events, now)
            return []
        return unit.outbox.put_claimed(events, now, sent, self.dispatcher.leases())

    def _after_commit(self, events: Sequence[DomainEvent], claims: list[Claim]) -> None:
        """Show committed events to observers, then send the deliveries the command claimed.

        The command has committed: nothing here raises into it (but a ``KeyboardInterrupt``
        or ``SystemExit``, once the deliveries are recorded). A delivery that could not be
        made waits in the outbox for the next dispatch.
        """
        for event in events:
            try:
                self.plugins.on_event(event, self)
            except ExceptionGroup as errors:
                log.exception("observers failed on %s", type(event).__name__, exc_info=errors)
        if not claims:
            return
        try:
            self.dispatcher.send(claims)
        except Exception:
            log.exception("dispatch after commit failed; the events wait in the outbox")

    def outside_window(self, record: object, now: dt.datetime) -> list[Problem]:
        """Return the days and times of a record outside the program's window, seen at now."""
        return outside_window(record, *self.settings.window(self.calendar.local_date(now)))

    def in_window(self, what: str, record: object, now: dt.datetime) -> None:
        """Refuse a record dated outside the program's window."""
        problems = self.outside_window(record, now)
        if problems:
            raise RecordRejected(what, problems)

    def checked(self, incident: Incident, now: dt.datetime) -> Incident:
        """Return the incident if it keeps every rule: calendar rules, codes, department rules."""
        check_incident(incident, self.calendar)
        problems = self.outside_window(incident, now)
        problems += code_problems(incident, self.code_tables)
        problems += self.plugins.validate_incident(incident, self)
        if problems:
            raise RecordRejected(f"incident {incident.number or incident.id}", problems)
        return incident

    def close(self) -> None:
        """Close the notifiers and the store."""
        self.dispatcher.close()
        self.storage.close()


DISCLOSURE = "disclose"
"""The audit action of a disclosure outside the department."""


def _detail(error: DomainError) -> str:
    """Return what an audit entry says of an error, never echoing a value it was given."""
    if isinstance(error, RuleViolation):
        return f"{error.field}: {error.rule}"
    if isinstance(error, RecordRejected):
        return "; ".join(f"{p.field}: {p.rule}" for p in error.problems)
    if isinstance(error, NotFound):
        return f"no {error.kind} {error.key}"
    return type(error).__name__


def _disclosure_detail(kind: str, number: str | None, agreements: frozenset[uuid.UUID]) -> str:
    """Return the audit detail of a disclosure: the record's kind and number, and the agreements."""
    what = kind + (f" {number}" if number else "")
    return f"{what} under agreements {','.join(sorted(str(a) for a in agreements))}"


def _recorded_person(people: PersonIndex) -> Callable[[uuid.UUID], Person | None]:
    """Return a look-up of the person an index record describes, by the id records carry."""

    def get(key: uuid.UUID) -> Person | None:
        record = people.find(key)
        return None if record is None else record.as_person()

    return get


def _lookup(repository: Repository[A]) -> Callable[[uuid.UUID], A | None]:
    """Return a look-up by id in a repository that answers None for an unknown id."""

    def get(key: uuid.UUID) -> A | None:
        try:
            return repository.get(key)
        except NotFound:
            return None

    return get
