"""Who acts: the store's directory of actors, and identification against it.

The library records who acts; it does not prove it. An actor acts only if the directory holds
it and it is active on the day: the directory alone gives its role, scope and permissions.
An embedding application proves identity its own way and names the actor through the
``sro_authenticate`` hook (:meth:`Identity.authenticate`); the ``sro`` command maps the
operating-system user to an entry's ``logins`` (:meth:`Identity.identify`). A supervisor may
act as a registered actor of a lower role (to see what that role sees); the audit trail then
records both. Every refused identification is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import NoReturn

from sro_core.domain import (
    Actor,
    ActorEntry,
    ActorRole,
    AuditOutcome,
    DomainEvent,
    RuleViolation,
    directory_key,
)
from sro_core.errors import NotIdentified as NotIdentified
from sro_core.policy import may_act_as
from sro_core.ports import UnitOfWork
from sro_core.service.core import Kernel
from sro_core.service.desk import Call, command, query
from sro_core.service.policy import Action

_UNKNOWN_ROLE = ActorRole.ANALYST
"""The role an unidentified claimant is audited under: the least a person can hold."""


class Identity:
    """The desk of the directory of actors, and of identifying who acts."""

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

    @command(Action.MANAGE_ACTORS)
    def register_actor(self, call: Call, entry: ActorEntry) -> ActorEntry:
        """Register an actor in the directory; its actor id and its logins must be free."""

        def work(unit: UnitOfWork, _now: dt.datetime) -> tuple[ActorEntry, list[DomainEvent]]:
            self._check_logins(unit, entry)
            return unit.actors.add(entry), []

        return call.run(entry.actor_id, work)

    @command(Action.MANAGE_ACTORS)
    def change_actor(self, call: Call, entry: ActorEntry) -> ActorEntry:
        """Store a changed directory entry (its role, scope, permissions, logins or dates)."""

        def work(unit: UnitOfWork, _now: dt.datetime) -> tuple[ActorEntry, list[DomainEvent]]:
            self._check_logins(unit, entry)
            return unit.actors.update(entry), []

        return call.run(entry.actor_id, work)

    @query(Action.MANAGE_ACTORS)
    def actors(self, call: Call) -> list[ActorEntry]:
        """Return the directory of actors, by id."""
        return call.read(None, lambda unit: list(unit.actors.all()))

    def register_first_supervisor(self, login: str) -> ActorEntry | None:
        """Register ``login`` as the first supervisor of a store whose directory is empty.

        Return the entry, or None when the directory already holds an actor (then nothing
        changes). The supervisor gets no permission: the juvenile-records permission is
        granted through :meth:`change_actor`, and audited.
        """
        entry = ActorEntry(
            actor_id=login, name=login, role=ActorRole.SUPERVISOR, logins=frozenset({login})
        )
        with self.kernel.storage.unit_of_work() as unit:
            if next(iter(unit.actors.after(None, 1)), None) is not None:
                return None
            stored = unit.actors.add(entry)
            self.kernel.audit(
                unit,
                entry.actor(),
                "register_actor",
                login,
                outcome=AuditOutcome.ALLOWED,
                detail="the first supervisor of an empty directory",
                at=self.kernel.clock(),
            )
        return stored

    def identify(self, login: str, acting_as: str | None = None) -> Actor:
        """Return the actor an operating-system user acts as, from the directory.

        ``login`` must be among the logins of one active entry. ``acting_as`` names another
        registered, active actor: allowed for a supervisor, as an actor of a lower role
        (:func:`~sro_core.policy.may_act_as`); the actor returned then carries ``by``.

        :raises NotIdentified: naming what is missing; the refusal is audited.
        """
        today = self.kernel.today()
        with self.kernel.storage.unit_of_work() as unit:
            everyone = list(unit.actors.all())
            target = unit.actors.find(directory_key(acting_as)) if acting_as else None
        entries = [e for e in everyone if login in e.logins]
        if not everyone:
            self._refuse(login, acting_as, "this store has no registered actor yet: `sro init`"
                         " registers you as its first supervisor")  # fmt: skip
        if len(entries) != 1 or not entries[0].active_on(today):
            why = "is not the login of an active actor" if len(entries) < 2 else "is ambiguous"
            self._refuse(login, acting_as, f"the login {login!r} {why} in the store's directory")
        own = entries[0]
        if acting_as is None or acting_as == own.actor_id:
            return own.actor()
        if target is None or not target.active_on(today):
            self._refuse(login, acting_as, f"{acting_as!r} is no active actor of the directory")
        if not may_act_as(own.role, target.role):
            self._refuse(
                login,
                acting_as,
                f"{own.actor_id} ({own.role.value}) may not act as {acting_as}"
                f" ({target.role.value}): only a supervisor may, as a lower role",
            )
        return target.actor(by=own.actor_id)

    def authenticate(self, credentials: Mapping[str, object]) -> Actor:
        """Return the registered, active actor the ``sro_authenticate`` hook identifies.

        :raises NotIdentified: when no plugin recognises the credentials, or the actor it
            names is not registered and active; the refusal is audited.
        """
        actor_id = self.kernel.plugins.authenticate(credentials)
        if actor_id is None:
            self._refuse("unidentified", None, "no identification plugin recognised these")
        with self.kernel.storage.unit_of_work() as unit:
            entry = unit.actors.find(directory_key(actor_id))
        if entry is None or not entry.active_on(self.kernel.today()):
            self._refuse(actor_id, None, f"{actor_id!r} is no active actor of the directory")
        return entry.actor()

    def _check_logins(self, unit: UnitOfWork, entry: ActorEntry) -> None:
        for other in unit.actors.all():
            taken = other.logins & entry.logins
            if other.actor_id != entry.actor_id and taken:
                raise RuleViolation("logins", sorted(taken), f"already {other.actor_id}'s")

    def _refuse(self, claimed: str, acting_as: str | None, reason: str) -> NoReturn:
        """Audit a refused identification and raise it."""
        try:
            claimant = Actor(id=claimed, name=claimed, role=_UNKNOWN_ROLE)
        except RuleViolation:
            claimant = Actor(id="unreadable", name="unreadable", role=_UNKNOWN_ROLE)
        self.kernel.audit_alone(claimant, "identify", acting_as, AuditOutcome.DENIED, reason)
        raise NotIdentified(reason)
