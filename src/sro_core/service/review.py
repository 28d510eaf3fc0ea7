"""Review of reports: an SRO submits, a supervisor approves or returns; the supervisor's queue.

Only a program whose ``ProgramSettings.review`` is ``on`` reviews: elsewhere these commands are
refused. Each step is kept on the incident (:attr:`~sro_core.domain.Incident.reviews`), and
its audit entry names the step, so that each comment is found from the trail.
"""

from __future__ import annotations

import datetime as dt
import uuid

import attrs

from sro_core.domain import (
    DomainEvent,
    Incident,
    IncidentStatus,
    ReportReviewed,
    ReviewState,
    RuleViolation,
    waiting_since,
)
from sro_core.ports import UnitOfWork
from sro_core.service.core import Kernel
from sro_core.service.desk import Call, command, query
from sro_core.service.policy import Action


@attrs.frozen
class Waiting:
    """A report waiting for review: the incident as the reviewer sees it, since when, how long."""

    incident: Incident
    since: dt.datetime
    age: dt.timedelta


class Review:
    """The desk of the supervisor's review of reports: its commands and its queue."""

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

    def _reviews(self) -> bool:
        """Return whether this program reviews reports."""
        return self.kernel.settings.review == "on"

    def _step(
        self, call: Call, incident_id: uuid.UUID, *, state: ReviewState, note: str
    ) -> Incident:
        """Move a report in its review, check every rule of it again, and store it."""
        actor = call.actor

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[Incident, list[DomainEvent]]:
            if not self._reviews():
                raise RuleViolation("review", "off", "this program does not review reports")
            before = unit.incidents.get(incident_id)
            self.kernel.shown(unit, actor, "incident", before, now)
            if before.status is IncidentStatus.DRAFT:
                raise RuleViolation("status", "draft", "a draft is reported before it is reviewed")
            after = self.kernel.checked(before.under_review(state, actor.id, now, note), now)
            stored = unit.incidents.update(after)
            event = ReportReviewed(
                occurred_at=now,
                incident_id=stored.id,
                number=stored.number or "",
                previous=before.review,
                review=stored.review,
            )
            return self.kernel.shown(unit, actor, "incident", stored, now), [event]

        return call.run(str(incident_id), work, detail=state.value)

    @command(Action.SUBMIT_REPORTS)
    def submit_report(self, call: Call, incident_id: uuid.UUID, note: str = "") -> Incident:
        """Submit a reported incident for review (again, once a returned one is corrected)."""
        return self._step(
            call,
            incident_id,
            state=ReviewState.SUBMITTED,
            note=note,
        )

    @command(Action.REVIEW_REPORTS)
    def approve_report(self, call: Call, incident_id: uuid.UUID, note: str = "") -> Incident:
        """Approve a submitted report: it may now go to NIBRS."""
        return self._step(
            call,
            incident_id,
            state=ReviewState.APPROVED,
            note=note,
        )

    @command(Action.REVIEW_REPORTS)
    def return_report(self, call: Call, incident_id: uuid.UUID, note: str) -> Incident:
        """Return a submitted report to its officer, saying in ``note`` what to correct."""
        return self._step(
            call,
            incident_id,
            state=ReviewState.RETURNED,
            note=note,
        )

    @query(Action.REVIEW_REPORTS)
    def review_queue(self, call: Call) -> list[Waiting]:
        """Return the reports waiting for review, oldest first, each with how long it has waited."""
        if not self._reviews():
            call.allow()
            return []

        def work(unit: UnitOfWork) -> list[Waiting]:
            now = self.kernel.clock()
            context = self.kernel.context(unit, call.actor, now)
            waiting: list[Waiting] = []
            for incident in unit.queries.review_queue():
                since = waiting_since(incident.reviews)
                view = self.kernel.view(unit, call.actor, incident, context, now)
                if since is not None and view is not None:
                    waiting.append(Waiting(view.value, since, now - since))
            return waiting

        return call.read(None, work)
