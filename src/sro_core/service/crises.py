"""Crises: the declaration, the messages between the school and police command, the all clear."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sro_core.domain import (
    Actor,
    ActorRole,
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
from sro_core.ports import UnitOfWork
from sro_core.service.core import ProgramCore
from sro_core.service.policy import Action, check_school_scope

Events = Sequence[DomainEvent]


class Crises(ProgramCore):
    """Commands on crises; their events are urgent and dispatched at once."""

    def declare_crisis(
        self,
        actor: Actor,
        school_id: uuid.UUID,
        kind: CrisisKind,
        incident_id: uuid.UUID | None = None,
    ) -> CrisisEvent:
        """Declare a crisis at a school; one active crisis of a kind per school."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[CrisisEvent, Events]:
            check_school_scope(actor, school_id, "declare_crisis")
            unit.schools.get(school_id)
            if incident_id is not None:
                unit.incidents.get(incident_id)
            crisis = CrisisEvent(school_id, kind, actor.id, now, incident_id=incident_id)
            check_one_active_crisis([*unit.crises.active(school_id), crisis])
            stored = unit.crises.add(crisis)
            return stored, [
                CrisisDeclared(occurred_at=now, crisis_id=stored.id, school_id=school_id, kind=kind)
            ]

        return self._command(actor, Action.CRISIS, "declare_crisis", str(school_id), work)

    def post_crisis_message(
        self,
        actor: Actor,
        crisis_id: uuid.UUID,
        author_role: CrisisRole,
        audience: frozenset[CrisisRole],
        text: str,
    ) -> CrisisEvent:
        """Post a message in an active crisis, from one side to the others."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[CrisisEvent, Events]:
            before = unit.crises.get(crisis_id)
            check_school_scope(actor, before.school_id, "post_crisis_message")
            message = CrisisMessage(max(now, _last_time(before)), author_role, audience, text)
            after = before.posted(message)
            check_messages_appended(before, after)
            stored = unit.crises.update(after)
            event = CrisisMessagePosted(
                occurred_at=now,
                crisis_id=crisis_id,
                message_id=message.id,
                author_role=author_role,
                audience=audience,
            )
            return stored, [event]

        return self._command(actor, Action.CRISIS, "post_crisis_message", str(crisis_id), work)

    def give_all_clear(self, actor: Actor, crisis_id: uuid.UUID) -> CrisisEvent:
        """Give the all clear: the crisis ends."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[CrisisEvent, Events]:
            crisis = unit.crises.get(crisis_id)
            check_school_scope(actor, crisis.school_id, "give_all_clear")
            stored = unit.crises.update(crisis.all_clear(max(now, _last_time(crisis))))
            return stored, [
                CrisisResolved(occurred_at=now, crisis_id=crisis_id, school_id=crisis.school_id)
            ]

        return self._command(actor, Action.CRISIS, "give_all_clear", str(crisis_id), work)

    def crises(self, actor: Actor, school_id: uuid.UUID | None = None) -> list[CrisisEvent]:
        """Return the crises, oldest first, at one school or at all the actor may see."""

        def work(unit: UnitOfWork) -> list[CrisisEvent]:
            if school_id is not None:
                check_school_scope(actor, school_id, "crises")
            found = [
                c
                for c in unit.crises.all()
                if school_id in (None, c.school_id)
                and (
                    actor.role is not ActorRole.SCHOOL_ADMINISTRATOR or c.school_id in actor.schools
                )
            ]
            return sorted(found, key=lambda c: (c.declared_at, c.id))

        return self._read(actor, Action.CRISIS, "crises", None, work)


def _last_time(crisis: CrisisEvent) -> dt.datetime:
    """Return the time of the crisis's last message, or its declaration."""
    return crisis.messages[-1].at if crisis.messages else crisis.declared_at
