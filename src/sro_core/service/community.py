"""The SRO's community work: the contact log, escalation into incidents, education activities."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

import attrs

from sro_core.domain import (
    ActivityRecorded,
    Actor,
    CommunityContact,
    ContactLogged,
    DomainEvent,
    EducationActivity,
    Incident,
    IncidentEscalated,
    RuleViolation,
)
from sro_core.ports import UnitOfWork
from sro_core.service.incidents import Incidents
from sro_core.service.policy import Action

Events = Sequence[DomainEvent]


class Community(Incidents):
    """Commands on community contacts and education activities."""

    def log_contact(self, actor: Actor, contact: CommunityContact) -> CommunityContact:
        """Log a community contact in the SRO's daily log."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[CommunityContact, Events]:
            unit.officers.get(contact.officer_id)
            if contact.school_id is not None:
                unit.schools.get(contact.school_id)
            if contact.incident_id is not None:
                raise RuleViolation("incident_id", contact.incident_id, "escalate a logged contact")
            self._in_window(f"contact {contact.id}", contact, now)
            stored = unit.contacts.add(contact)
            event = ContactLogged(
                occurred_at=now,
                contact_id=stored.id,
                officer_id=stored.officer_id,
                purpose=stored.purpose,
                triad_role=stored.triad_role,
            )
            return self._shown(unit, actor, "contact", stored, now), [event]

        return self._command(actor, Action.RECORD_CONTACTS, "log_contact", str(contact.id), work)

    def escalate_contact(self, actor: Actor, contact_id: uuid.UUID, draft: Incident) -> Incident:
        """Report a draft incident for a logged contact, linking the two both ways."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[Incident, Events]:
            contact = unit.contacts.get(contact_id)
            if draft.escalated_from not in (None, contact_id):
                raise RuleViolation("escalated_from", draft.escalated_from, f"must be {contact_id}")
            incident, events = self._report(
                unit, actor, attrs.evolve(draft, escalated_from=contact_id), now
            )
            unit.contacts.update(contact.escalated_to(incident))
            events.append(
                IncidentEscalated(occurred_at=now, contact_id=contact_id, incident_id=incident.id)
            )
            return incident, events

        return self._command(
            actor, Action.RECORD_INCIDENTS, "escalate_contact", str(contact_id), work
        )

    def record_activity(self, actor: Actor, activity: EducationActivity) -> EducationActivity:
        """Record an education activity the SRO led."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[EducationActivity, Events]:
            unit.officers.get(activity.officer_id)
            self._in_window(f"activity {activity.id}", activity, now)
            if activity.school_id is not None:
                unit.schools.get(activity.school_id)
            stored = unit.activities.add(activity)
            event = ActivityRecorded(
                occurred_at=now,
                activity_id=stored.id,
                officer_id=stored.officer_id,
                attendance=stored.attendance,
            )
            return self._shown(unit, actor, "activity", stored, now), [event]

        return self._command(
            actor, Action.RECORD_ACTIVITIES, "record_activity", str(activity.id), work
        )
