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
from sro_core.ports import Conflict, Storage, UnitOfWork
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
        timeouts = {n.kind: n.timeout for n in settings.notifiers if n.timeout is not None}
        self.dispatcher = Dispatcher(storage, notifiers, settings, clock, timeouts)
        self._code_tables = plugins.code_tables()

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
        self,
        actor: Actor,
        action: Action,
        name: str,
        target: str | None,
        work: Work[R],
        *,
        dispatch_now: bool = True,
    ) -> R:
        """Run one command: all of it in one unit of work, or nothing of it.

        ``dispatch_now=False`` leaves even the command's crisis events to the outbox worker
        (``sro outbox run``): for commands that record many events at once, such as imports.
        """
        self._allow(actor, action, name, target)
        for attempt in range(1, _RETRIES + 1):
            now = self.clock()
            try:
                with self.storage.unit_of_work() as unit:
                    result, events = work(unit, now)
                    if events:
                        unit.outbox.put(events, now)
                    self._audit(
                        unit, actor, name, target, outcome=AuditOutcome.ALLOWED, detail="", at=now
                    )
            except Conflict as conflict:
                if conflict.kind in _RACES and attempt < _RETRIES:
                    continue
                self._audit_alone(actor, name, target, AuditOutcome.ERROR, str(conflict))
                raise
            except AccessDenied as denied:
                self._audit_alone(actor, name, target, AuditOutcome.DENIED, denied.reason)
                raise
            except SharingRefused as refused:
                self._audit_alone(actor, name, target, AuditOutcome.DENIED, str(refused))
                raise
            except DomainError as error:
                self._audit_alone(actor, name, target, AuditOutcome.ERROR, str(error))
                raise
            break
        self._after_commit(events, dispatch_now=dispatch_now)
        return result

    def _read(
        self,
        actor: Actor,
        action: Action,
        name: str,
        target: str | None,
        work: Callable[[UnitOfWork], R],
    ) -> R:
        """Run one query in a unit of work; a denied one is audited."""
        self._allow(actor, action, name, target)
        try:
            with self.storage.unit_of_work() as unit:
                return work(unit)
        except AccessDenied as denied:
            self._audit_alone(actor, name, target, AuditOutcome.DENIED, denied.reason)
            raise

    def _allow(self, actor: Actor, action: Action, name: str, target: str | None) -> None:
        try:
            check_allowed(actor, action, name)
        except AccessDenied as denied:
            self._audit_alone(actor, name, target, AuditOutcome.DENIED, denied.reason)
            raise

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
    ) -> None:
        """Append an audit entry in a unit of work (the command's own, or one of its own)."""
        unit.audit.append(
            AuditEntry.sealed(
                unit.audit.head(),
                at=at,
                actor_id=actor.id,
                actor_role=actor.role,
                component="sro_core.program",
                action=action,
                outcome=outcome,
                target=target,
                detail=detail,
            )
        )

    def _audit_alone(
        self, actor: Actor, action: str, target: str | None, outcome: AuditOutcome, detail: str
    ) -> None:
        for attempt in range(1, _RETRIES + 1):
            try:
                with self.storage.unit_of_work() as unit:
                    self._audit(
                        unit, actor, action, target, outcome=outcome, detail=detail, at=self.clock()
                    )
            except Conflict:
                if attempt == _RETRIES:
                    raise
            else:
                return

    def _after_commit(self, events: Sequence[DomainEvent], *, dispatch_now: bool = True) -> None:
        """Show committed events to observers, then hand them to the notifiers.

        The command has committed: nothing here raises into it (but a ``KeyboardInterrupt``
        or ``SystemExit``, once the deliveries are recorded). A delivery that could not be
        made waits in the outbox for the next dispatch.
        """
        for event in events:
            try:
                self.plugins.on_event(event, self)
            except ExceptionGroup as errors:
                log.exception("observers failed on %s", type(event).__name__, exc_info=errors)
        if not dispatch_now:
            return
        if self.settings.dispatch_after_commit:
            now = [event.event_id for event in events]
        else:
            now = [event.event_id for event in events if event.urgent]
        if not now:
            return
        try:
            self.dispatcher.dispatch(events=now)
        except Exception:
            log.exception("dispatch after commit failed; the events wait in the outbox")

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
