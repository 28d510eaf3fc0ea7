"""Restrictions a court or the law puts on an incident: sealing, unsealing, expunging.

Each is a command of its own, audited with the order it carries out, and open only to an actor
holding the sealed-records permission. A sealed incident is read by nobody else; an expunged
one keeps what the counts need (school, time, place, category, offenses, roles, ages) and
loses every personal detail: names, dates of birth, student numbers, grades, demographics,
telephone numbers, the narrative and the address.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

import attrs

from sro_core.domain import (
    AgeRange,
    DomainEvent,
    Incident,
    Involvement,
    Person,
    RecordRestriction,
    RuleViolation,
)
from sro_core.policy import restricts
from sro_core.ports import UnitOfWork
from sro_core.service.core import Kernel
from sro_core.service.desk import Call, command
from sro_core.service.policy import AccessDenied, Action

Events = Sequence[DomainEvent]


class Restrictions:
    """The desk of court orders on incidents: sealing, unsealing and expunging."""

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

    def _restrict(self, call: Call, incident_id: uuid.UUID, order: str, change: object) -> Incident:
        actor = call.actor
        if not order.strip():
            raise RuleViolation("order", order, "name the order (its reference) this carries out")

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[Incident, Events]:
            if not restricts(actor):
                raise AccessDenied(actor, call.name, "needs the sealed-records permission")
            before = unit.incidents.get(incident_id)
            stored = unit.incidents.update(change(before))  # type: ignore[operator]
            return self.kernel.shown(unit, actor, "incident", stored, now), []

        return call.run(str(incident_id), work, detail=f"order {order}")

    @command(Action.RESTRICT_RECORDS)
    def seal_incident(self, call: Call, incident_id: uuid.UUID, order: str) -> Incident:
        """Seal an incident under an order: from now on only sealed-records readers see it."""
        return self._restrict(
            call,
            incident_id,
            order,
            lambda i: attrs.evolve(i, restrictions=i.restrictions | {RecordRestriction.SEALED}),
        )

    @command(Action.RESTRICT_RECORDS)
    def unseal_incident(self, call: Call, incident_id: uuid.UUID, order: str) -> Incident:
        """Unseal an incident under an order: it is read as before it was sealed."""
        return self._restrict(
            call,
            incident_id,
            order,
            lambda i: attrs.evolve(i, restrictions=i.restrictions - {RecordRestriction.SEALED}),
        )

    @command(Action.RESTRICT_RECORDS)
    def expunge_incident(self, call: Call, incident_id: uuid.UUID, order: str) -> Incident:
        """Expunge an incident under an order: its personal data is destroyed, a tombstone stays."""
        return self._restrict(call, incident_id, order, self._expunged)

    def _expunged(self, incident: Incident) -> Incident:
        day = self.kernel.calendar.local_date(incident.occurred_start)
        return attrs.evolve(
            incident,
            involvements=tuple(_anonymous(i, day) for i in incident.involvements),
            narrative="",
            location=attrs.evolve(incident.location, address=None),
            restrictions=incident.restrictions | {RecordRestriction.EXPUNGED},
        )


def _anonymous(involvement: Involvement, day: dt.date) -> Involvement:
    """Return an involvement with the person's identity destroyed and their age on the day kept."""
    age = involvement.age_on(day)
    estimate = AgeRange(age, age) if age is not None else involvement.estimated_age
    person = Person(involvement.person.kind, id=involvement.person.id)
    return attrs.evolve(involvement, person=person, estimated_age=estimate)
