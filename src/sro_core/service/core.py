"""The heart of the Program: one unit of work per command, access checks, audit, events.

Every command runs through one path: the actor's role is checked, the work runs in
one unit of work with its events put in the outbox and its audit entry appended in the same
transaction, so a command is all or nothing. A denied attempt and a failed one are audited
too, in a unit of work of their own, after the command's own was rolled back.
"""

from __future__ import annotations

import datetime as dt
import logging
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
    Problem,
    ProgramCalendar,
    SharingRefused,
    check_incident,
    code_problems,
)
from sro_core.plugins import PluginHost
from sro_core.ports import Conflict, Storage, StorageError, UnitOfWork
from sro_core.service.anchors import AnchorError, Anchors
from sro_core.service.dispatch import Dispatcher
from sro_core.service.policy import AccessDenied, Action, check_allowed
from sro_core.service.settings import ProgramSettings

R = TypeVar("R")

log = logging.getLogger("sro_core.program")

_RETRIES = 3
_RACES = frozenset({"audit entry", "incident number"})
"""Conflicts that only mean another writer went first: the command is run again."""


def utc_now() -> dt.datetime:
    """Return the current time, in UTC."""
    return dt.datetime.now(dt.UTC)


class RecordRejected(DomainError, ValueError):
    """A record breaks rules that were gathered rather than raised: every problem is listed."""

    def __init__(self, what: str, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        listing = "; ".join(str(p) for p in self.problems)
        super().__init__(f"{what} refused: {listing}")


Work = Callable[[UnitOfWork, dt.datetime], tuple[R, Sequence[DomainEvent]]]


class ProgramCore:
    """Storage, settings, plugins and the machinery every command and query goes through."""

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
        self.dispatcher = Dispatcher(storage, notifiers, settings, clock)
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

    def _command(
        self, actor: Actor, action: Action, name: str, target: str | None, work: Work[R]
    ) -> R:
        """Run one command: all of it in one unit of work, or nothing of it.

        Its audit entry is the unit's last write, so that a store that serialises appends
        holds the chain's head only from there to the commit.
        """
        self._allow(actor, action, name, target)
        for attempt in range(1, _RETRIES + 1):
            now = self.clock()
            try:
                with self.storage.unit_of_work() as unit:
                    result, events = work(unit, now)
                    if events:
                        unit.outbox.put(events, now)
                    entry = self._audit(
                        unit, actor, name, target, outcome=AuditOutcome.ALLOWED, detail="", at=now
                    )
            except Conflict as conflict:
                if conflict.kind in _RACES and attempt < _RETRIES:
                    continue
                self._audit_alone(actor, name, target, AuditOutcome.ERROR, str(conflict))
                raise
            except Exception as error:
                self._audit_failure(actor, name, target, error)
                raise
            break
        self._anchor(entry)
        self._after_commit(events)
        return result

    def _read(
        self,
        actor: Actor,
        action: Action,
        name: str,
        target: str | None,
        work: Callable[[UnitOfWork], R],
    ) -> R:
        """Run one query in a unit of work; a denied or failed one (an unknown id) is audited."""
        self._allow(actor, action, name, target)
        try:
            with self.storage.unit_of_work() as unit:
                return work(unit)
        except Exception as error:
            self._audit_failure(actor, name, target, error)
            raise

    def _allow(self, actor: Actor, action: Action, name: str, target: str | None) -> None:
        try:
            check_allowed(actor, action, name)
        except AccessDenied as denied:
            self._audit_alone(actor, name, target, AuditOutcome.DENIED, denied.reason)
            raise

    def _audit_failure(self, actor: Actor, name: str, target: str | None, error: Exception) -> None:
        """Audit a command or query that failed, whatever the error: denied, or an error."""
        if isinstance(error, AccessDenied):
            self._audit_alone(actor, name, target, AuditOutcome.DENIED, error.reason)
        elif isinstance(error, SharingRefused):
            self._audit_alone(actor, name, target, AuditOutcome.DENIED, str(error))
        elif isinstance(error, DomainError):
            self._audit_alone(actor, name, target, AuditOutcome.ERROR, str(error))
        else:
            detail = f"{type(error).__name__}: {error}"
            self._audit_alone(actor, name, target, AuditOutcome.ERROR, detail)

    def _audit(
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
        """Append an audit entry in a unit of work (the command's own, or one of its own)."""
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

    def _audit_alone(
        self, actor: Actor, action: str, target: str | None, outcome: AuditOutcome, detail: str
    ) -> AuditEntry | None:
        """Audit an attempt in a unit of work of its own; return the entry, None if it failed.

        A store that cannot take the entry (damaged, full, read only) is logged, and the
        caller's own error, if it has one, is what the user sees.
        """
        for attempt in range(1, _RETRIES + 1):
            try:
                with self.storage.unit_of_work() as unit:
                    entry = self._audit(
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

    def _checkpoint(self, entry: AuditEntry) -> AuditCheckpoint:
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

    def _checkpoint_or_refuse(self, entry: AuditEntry | None) -> AuditCheckpoint:
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
        return self._checkpoint(entry)

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
                self._checkpoint(entry)
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

    def _after_commit(self, events: Sequence[DomainEvent]) -> None:
        """Show committed events to observers, then hand them to the notifiers."""
        for event in events:
            try:
                self.plugins.on_event(event, self)
            except ExceptionGroup as errors:
                log.exception("observers failed on %s", type(event).__name__, exc_info=errors)
        if events and self.settings.dispatch_after_commit:
            self.dispatcher.dispatch()
        elif any(event.urgent for event in events):
            self.dispatcher.dispatch(urgent_only=True)

    def _checked(self, incident: Incident) -> Incident:
        """Return the incident if it keeps every rule: calendar rules, codes, department rules."""
        check_incident(incident, self.calendar)
        problems = code_problems(incident, self.code_tables)
        problems += self.plugins.validate_incident(incident, self)
        if problems:
            raise RecordRejected(f"incident {incident.number or incident.id}", problems)
        return incident

    def close(self) -> None:
        """Close the notifiers and the store."""
        self.dispatcher.close()
        self.storage.close()
