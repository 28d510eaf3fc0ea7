"""Incidents: reporting, adding what the investigation finds, the lifecycle, and closing."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

import attrs

from sro_core.domain import (
    INCIDENT_NUMBER,
    INCIDENT_TRANSITIONS,
    Actor,
    Disposition,
    DomainEvent,
    IllegalTransition,
    Incident,
    IncidentReported,
    IncidentStatus,
    IncidentStatusChanged,
    Involvement,
    LocationKind,
    Offense,
    ReportReviewed,
    ReviewState,
    RuleViolation,
    SchoolLevel,
)
from sro_core.policy.redaction import replaced
from sro_core.ports import NotFound, UnitOfWork
from sro_core.service.core import Kernel
from sro_core.service.desk import Call, command
from sro_core.service.policy import Action

Events = Sequence[DomainEvent]


def _index_people(unit: UnitOfWork, incident: Incident) -> None:
    """Add the incident's people the person index lacks, at the incident's school."""
    unit.people.lift((i.person, incident.school_id) for i in incident.involvements)


AMENDABLE = frozenset(
    {
        "occurred_start",
        "occurred_end",
        "location",
        "category",
        "school_id",
        "offenses",
        "involvements",
        "property",
        "drugs",
        "narrative",
        "referred_to_law_enforcement",
        "school_related_arrest",
        "restrictions",
    }
)
"""The fields of a reported incident that ``Program.amend_incident`` may change.

Status, disposition and number move only through the lifecycle commands.
"""


def _placed(unit: UnitOfWork, incident: Incident) -> Incident:
    """Return the incident with its campus location code following its school's level."""
    if incident.school_id is None or incident.location.kind is not LocationKind.ON_CAMPUS:
        return incident
    level = unit.schools.get(incident.school_id).level
    location = incident.location.at_school(level)
    return incident if location is incident.location else attrs.evolve(incident, location=location)


def _reported(draft: Incident, number: str, level: SchoolLevel | None) -> Incident:
    """Return the draft reported under its number, its campus code following its school's level.

    As ``draft.reported(number)`` of the draft placed at its school, without a second full
    validation: the draft kept every rule when it was built, and these changes keep them. A
    draft moves to reported (the transition table is asked), under a number of the form the
    class requires (checked here: any other goes the validated way, to fail as it does); the
    location is one ``Location.at_school`` built, of the same kind; nothing else changes, and
    no other rule of the class reads the status, the number or the location's code.
    """
    location = draft.location if level is None else draft.location.at_school(level)
    if IncidentStatus.REPORTED not in INCIDENT_TRANSITIONS[draft.status]:
        raise IllegalTransition("incident", draft.status, IncidentStatus.REPORTED)
    if not INCIDENT_NUMBER.fullmatch(number):
        return attrs.evolve(draft, location=location).reported(number)
    changes = {"number": number, "status": IncidentStatus.REPORTED}
    if location is not draft.location:
        changes["location"] = location
    return replaced(draft, changes)


class Incidents:
    """The desk of incidents: reporting, what the investigation adds, the lifecycle."""

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

    def report_draft(
        self, unit: UnitOfWork, actor: Actor, draft: Incident, now: dt.datetime
    ) -> tuple[Incident, list[DomainEvent]]:
        """Report a draft in a unit of work: check its officer and school, number it, store it.

        The incident returned is as the actor may see it.
        """
        if draft.status is not IncidentStatus.DRAFT or draft.version != 0:
            raise RuleViolation(
                "status", draft.status.value, "only a new draft incident is reported"
            )
        if draft.review is not ReviewState.UNSUBMITTED:
            raise RuleViolation("review", draft.review.value, "a report is reviewed once reported")
        # the number first: a store then reads the officer and school under its write lock
        number = unit.next_incident_number(self.kernel.calendar.local(draft.reported_at).year)
        officer, level = unit.officer_and_school(draft.reporting_officer_id, draft.school_id)
        if not officer:
            raise NotFound(unit.officers.kind, draft.reporting_officer_id)
        if draft.school_id is not None and level is None:
            raise NotFound(unit.schools.kind, draft.school_id)
        reported = self.kernel.checked(_reported(draft, number, level), now)
        stored = unit.incidents.add(reported)
        _index_people(unit, stored)
        event = IncidentReported(
            occurred_at=now,
            incident_id=stored.id,
            number=stored.number or "",
            school_id=stored.school_id,
            category=stored.category,
        )
        return self.kernel.shown(unit, actor, "incident", stored, now), [event]

    @command(Action.RECORD_INCIDENTS)
    def report_incident(self, call: Call, draft: Incident) -> Incident:
        """Report a draft incident: it gets its number and the REPORTED status."""
        return call.run(str(draft.id), lambda u, now: self.report_draft(u, call.actor, draft, now))

    def _back_to_review(
        self, actor: Actor, before: Incident, after: Incident, now: dt.datetime
    ) -> Incident:
        """Return an amended report: one amended after its approval goes back to review."""
        reviews = self.kernel.settings.review == "on"
        if not reviews or after.review is not ReviewState.APPROVED or after == before:
            return after
        return after.under_review(ReviewState.SUBMITTED, actor.id, now, "amended after approval")

    def _change(
        self, call: Call, incident_id: uuid.UUID, change: Any, *, amends: bool = False
    ) -> Incident:
        """Apply a change to a stored incident, check every rule, and store it.

        ``amends``: the change is to the report's facts (not its lifecycle), so an approved
        report goes back to review.
        """
        actor = call.actor

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[Incident, Events]:
            before = unit.incidents.get(incident_id)
            self.kernel.shown(unit, actor, "incident", before, now)
            after = change(before)
            if amends:
                after = self._back_to_review(actor, before, after, now)
            after = self.kernel.checked(_placed(unit, after), now)
            stored = unit.incidents.update(after)
            _index_people(unit, stored)
            events: list[DomainEvent] = []
            if stored.review is not before.review:
                events.append(
                    ReportReviewed(
                        occurred_at=now,
                        incident_id=stored.id,
                        number=stored.number or "",
                        previous=before.review,
                        review=stored.review,
                    )
                )
            if stored.status is not before.status:
                events.append(
                    IncidentStatusChanged(
                        occurred_at=now,
                        incident_id=stored.id,
                        number=stored.number or "",
                        previous=before.status,
                        status=stored.status,
                        disposition=stored.disposition.kind if stored.disposition else None,
                    )
                )
            return self.kernel.shown(unit, actor, "incident", stored, now), events

        return call.run(str(incident_id), work)

    @command(Action.RECORD_INCIDENTS)
    def add_involvement(
        self, call: Call, incident_id: uuid.UUID, involvement: Involvement
    ) -> Incident:
        """Add a person's involvement to an incident (or replace theirs)."""
        return self._change(
            call,
            incident_id,
            lambda i: i.involving(involvement),
            amends=True,
        )

    @command(Action.RECORD_INCIDENTS)
    def add_offense(self, call: Call, incident_id: uuid.UUID, offense: Offense) -> Incident:
        """Add an offense to an incident."""
        return self._change(call, incident_id, lambda i: i.with_offense(offense), amends=True)

    @command(Action.RECORD_INCIDENTS)
    def amend_incident(self, call: Call, /, incident_id: uuid.UUID, **changes: Any) -> Incident:
        """Change fields of an incident (see :data:`AMENDABLE`); every rule is checked again."""

        def amended(incident: Incident) -> Incident:
            for name, value in changes.items():
                if name not in AMENDABLE:
                    raise RuleViolation(name, value, "not a field an amendment may change")
            return attrs.evolve(incident, **changes)

        return self._change(call, incident_id, amended, amends=True)

    @command(Action.RECORD_INCIDENTS)
    def move_incident(self, call: Call, incident_id: uuid.UUID, status: IncidentStatus) -> Incident:
        """Move an incident in its lifecycle, as the transition table allows."""

        def moved(incident: Incident) -> Incident:
            if status is IncidentStatus.CLOSED:
                raise RuleViolation("status", status.value, "close an incident with close_incident")
            return incident.moved_to(status)

        return self._change(call, incident_id, moved)

    @command(Action.RECORD_INCIDENTS)
    def close_incident(
        self, call: Call, incident_id: uuid.UUID, disposition: Disposition
    ) -> Incident:
        """Close an incident with its disposition."""
        return self._change(call, incident_id, lambda i: i.closed(disposition))

    @command(Action.RECORD_INCIDENTS)
    def reopen_incident(self, call: Call, incident_id: uuid.UUID) -> Incident:
        """Reopen a closed incident."""
        return self._change(call, incident_id, lambda i: i.reopened())
