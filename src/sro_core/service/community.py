"""The SRO's community work: the contact log, escalation into incidents, education activities."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

import attrs

from sro_core.domain import (
    ActivityRecorded,
    CommunityContact,
    ContactLogged,
    DomainEvent,
    EducationActivity,
    Incident,
    IncidentEscalated,
    RuleViolation,
)
from sro_core.ports import NotFound, UnitOfWork
from sro_core.service.core import Kernel
from sro_core.service.desk import Call, command
from sro_core.service.incidents import Incidents
from sro_core.service.policy import Action

Events = Sequence[DomainEvent]


class Community:
    """The desk of the SRO's community work: the contact log and education activities.

    A logged contact escalated into an incident is reported through the incidents desk.
    """

    def __init__(self, kernel: Kernel, incidents: Incidents) -> None:
        self.kernel = kernel
        self.incidents = incidents

    @command(Action.RECORD_CONTACTS)
    def log_contact(self, call: Call, contact: CommunityContact) -> CommunityContact:
        """Log a community contact in the SRO's daily log."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[CommunityContact, Events]:
            unit.officers.get(contact.officer_id)
            if contact.school_id is not None:
                unit.schools.get(contact.school_id)
            if contact.incident_id is not None:
                raise RuleViolation("incident_id", contact.incident_id, "escalate a logged contact")
            if contact.person_id is not None and unit.people.find(contact.person_id) is None:
                raise NotFound(unit.people.kind, contact.person_id)
            self.kernel.in_window(f"contact {contact.id}", contact, now)
            stored = unit.contacts.add(contact)
            event = ContactLogged(
                occurred_at=now,
                contact_id=stored.id,
                officer_id=stored.officer_id,
                purpose=stored.purpose,
                triad_role=stored.triad_role,
            )
            return self.kernel.shown(unit, call.actor, "contact", stored, now), [event]

        return call.run(str(contact.id), work)

    @command(Action.RECORD_INCIDENTS)
    def escalate_contact(self, call: Call, contact_id: uuid.UUID, draft: Incident) -> Incident:
        """Report a draft incident for a logged contact, linking the two both ways."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[Incident, Events]:
            contact = unit.contacts.get(contact_id)
            if draft.escalated_from not in (None, contact_id):
                raise RuleViolation("escalated_from", draft.escalated_from, f"must be {contact_id}")
            incident, events = self.incidents.report_draft(
                unit, call.actor, attrs.evolve(draft, escalated_from=contact_id), now
            )
            unit.contacts.update(contact.escalated_to(incident))
            events.append(
                IncidentEscalated(occurred_at=now, contact_id=contact_id, incident_id=incident.id)
            )
            return incident, events

        return call.run(str(contact_id), work)

    @command(Action.RECORD_ACTIVITIES)
    def record_activity(self, call: Call, activity: EducationActivity) -> EducationActivity:
        """Record an education activity the SRO led."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[EducationActivity, Events]:
            unit.officers.get(activity.officer_id)
            self.kernel.in_window(f"activity {activity.id}", activity, now)
            if activity.school_id is not None:
                unit.schools.get(activity.school_id)
            stored = unit.activities.add(activity)
            event = ActivityRecorded(
                occurred_at=now,
                activity_id=stored.id,
                officer_id=stored.officer_id,
                attendance=stored.attendance,
            )
            return self.kernel.shown(unit, call.actor, "activity", stored, now), [event]

        return call.run(str(activity.id), work)
