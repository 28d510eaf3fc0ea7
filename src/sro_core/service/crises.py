"""Crises: the declaration, the messages between the school and police command, the all clear."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sro_core.domain import (
    Actor,
    CrisisDeclared,
    CrisisEvent,
    CrisisKind,
    CrisisMessage,
    CrisisMessagePosted,
    CrisisResolved,
    CrisisRole,
    DomainEvent,
    check_messages_appended,
    check_one_active_crisis,
)
from sro_core.policy import crisis_author, school_scope
from sro_core.ports import NotFound, UnitOfWork
from sro_core.service.core import Kernel
from sro_core.service.desk import Call, command, query
from sro_core.service.policy import AccessDenied, Action

Events = Sequence[DomainEvent]


class Crises:
    """The desk of crises: declared, messaged, cleared; their events are dispatched at once."""

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

    @staticmethod
    def _own_school(actor: Actor, school_id: uuid.UUID) -> None:
        """Answer as for an unknown school when a school is not one the actor acts for."""
        scope = school_scope(actor)
        if scope is not None and school_id not in scope:
            raise NotFound("school", school_id)

    @command(Action.CRISIS)
    def declare_crisis(
        self,
        call: Call,
        school_id: uuid.UUID,
        kind: CrisisKind,
        incident_id: uuid.UUID | None = None,
    ) -> CrisisEvent:
        """Declare a crisis at a school; one active crisis of a kind per school."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[CrisisEvent, Events]:
            self._own_school(call.actor, school_id)
            unit.schools.get(school_id)
            if incident_id is not None:
                unit.incidents.get(incident_id)
            crisis = CrisisEvent(school_id, kind, call.actor.id, now, incident_id=incident_id)
            check_one_active_crisis([*unit.crises.active(school_id), crisis])
            stored = unit.crises.add(crisis)
            return self.kernel.shown(unit, call.actor, "crisis", stored, now), [
                CrisisDeclared(occurred_at=now, crisis_id=stored.id, school_id=school_id, kind=kind)
            ]

        return call.run(str(school_id), work)

    @command(Action.CRISIS)
    def post_crisis_message(
        self,
        call: Call,
        crisis_id: uuid.UUID,
        author_role: CrisisRole | None,
        audience: frozenset[CrisisRole],
        text: str,
    ) -> CrisisEvent:
        """Post a message in an active crisis, from one side to the others."""
        role = crisis_author(call.actor)

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[CrisisEvent, Events]:
            before = unit.crises.get(crisis_id)
            self.kernel.shown(unit, call.actor, "crisis", before, now)
            if author_role not in (None, role):
                reason = f"{call.actor.id} posts as {role.value}, not as {author_role.value}"
                raise AccessDenied(call.actor, call.name, reason)
            message = CrisisMessage(max(now, _last_time(before)), role, audience, text)
            after = before.posted(message)
            check_messages_appended(before, after)
            stored = unit.crises.update(after)
            event = CrisisMessagePosted(
                occurred_at=now,
                crisis_id=crisis_id,
                message_id=message.id,
                author_role=role,
                audience=audience,
            )
            return self.kernel.shown(unit, call.actor, "crisis", stored, now), [event]

        return call.run(str(crisis_id), work)

    @command(Action.CRISIS)
    def give_all_clear(self, call: Call, crisis_id: uuid.UUID) -> CrisisEvent:
        """Give the all clear: the crisis ends."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[CrisisEvent, Events]:
            crisis = unit.crises.get(crisis_id)
            self.kernel.shown(unit, call.actor, "crisis", crisis, now)
            stored = unit.crises.update(crisis.all_clear(max(now, _last_time(crisis))))
            return self.kernel.shown(unit, call.actor, "crisis", stored, now), [
                CrisisResolved(occurred_at=now, crisis_id=crisis_id, school_id=crisis.school_id)
            ]

        return call.run(str(crisis_id), work)

    @query(Action.CRISIS)
    def crises(self, call: Call, school_id: uuid.UUID | None = None) -> list[CrisisEvent]:
        """Return the crises, oldest first, at one school or at all the actor may see."""

        def work(unit: UnitOfWork) -> list[CrisisEvent]:
            if school_id is not None:
                self._own_school(call.actor, school_id)
            now = self.kernel.clock()
            context = self.kernel.context(unit, call.actor, now)
            found = [c for c in unit.crises.all() if school_id in (None, c.school_id)]
            views = (self.kernel.view(unit, call.actor, c, context, now) for c in found)
            shown = [v.value for v in views if v is not None]
            return sorted(shown, key=lambda c: (c.declared_at, c.id))

        return call.read(None, work)


def _last_time(crisis: CrisisEvent) -> dt.datetime:
    """Return the time of the crisis's last message, or its declaration."""
    return crisis.messages[-1].at if crisis.messages else crisis.declared_at
