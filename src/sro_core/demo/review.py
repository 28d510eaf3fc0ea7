"""The sergeant's review of the demo year's reports.

In a program that reviews reports, each SRO submits a report soon after reporting it; every
working morning the sergeant works through the review queue, oldest first, approving most
reports and returning a few with a comment; the officer corrects a returned report the same
or a later working day and submits it again, and the sergeant approves it the next morning.
A report amended after its approval (a later arrest) goes back to the queue by itself. What
is submitted after the sergeant's last review of the year still waits at its end.

The review draws from a random stream of its own, so the rest of the year is the same
whether the program reviews reports or not.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable

import attrs

from sro_core.domain import Actor, Incident, ReviewState
from sro_core.service import Program

Action = Callable[[], object]
Later = Callable[[dt.datetime, Action], None]
Working = Callable[[dt.datetime, int, random.Random], dt.datetime]
"""A working-hours time some days after a moment, drawn from the generator given."""

RETURNED = 0.06
"""The share of reports the sergeant returns on their first reading."""
COMMENTS: tuple[tuple[str, str], ...] = (
    (
        "Say who reported it to you, and when.",
        "Reported to the SRO by the assistant principal within the hour.",
    ),
    (
        "The narrative does not say what was done on scene: add it.",
        "On scene: the area was checked, the people involved were separated and spoken to.",
    ),
    (
        "Give the names of the staff who were there in the involvements, not only the text.",
        "Staff present are listed in the involvements; no other staff saw it.",
    ),
    (
        "Say whether the parents were told.",
        "Parents or guardians were notified by phone the same day.",
    ),
)
"""What the sergeant asks to correct, and the sentence the officer adds to the narrative."""


@attrs.define
class ReviewTally:
    """What the year's review did."""

    submitted: int = 0
    approved: int = 0
    returned: int = 0


@attrs.define
class _Report:
    """A report the desk follows: who reported it, and its narrative as written."""

    officer: Actor
    narrative: str


class ReviewDesk:
    """The sergeant's review of the year's reports, told to the Program as the story goes."""

    def __init__(
        self,
        program: Program,
        sergeant: Actor,
        *,
        later: Later,
        working: Working,
        seed: int,
    ) -> None:
        self.program = program
        self.sergeant = sergeant
        self.later = later
        self.working = working
        self.reviewing = program.settings.review == "on"
        self.rng = random.Random(f"review {seed}")  # noqa: S311 - a seeded story, not a secret
        self.tally = ReviewTally()
        self.reports: dict[uuid.UUID, _Report] = {}

    def reported(self, officer: Actor, draft: Incident, incident: Incident) -> None:
        """Queue the submission of a report its officer has just reported."""
        if not self.reviewing:
            return
        self.reports[incident.id] = _Report(officer, draft.narrative)
        at = incident.reported_at + dt.timedelta(minutes=self.rng.randint(15, 90))
        self.later(at, lambda: self._submit(incident.id, ""))

    def _submit(self, incident_id: uuid.UUID, note: str) -> None:
        self.program.submit_report(self.reports[incident_id].officer, incident_id, note)
        self.tally.submitted += 1

    def review(self) -> None:
        """Work through the queue, oldest first: approve, or return a report on first reading."""
        if not self.reviewing:
            return
        for waiting in self.program.review_queue(self.sergeant):
            incident = waiting.incident
            steps = [s.state for s in incident.reviews]
            first = steps.count(ReviewState.SUBMITTED) == 1
            if first and self.rng.random() < RETURNED:
                comment, answer = self.rng.choice(COMMENTS)
                returned = self.program.return_report(self.sergeant, incident.id, comment)
                self.tally.returned += 1
                since = returned.reviews[-1].at
                days = self.rng.randint(0, 2)
                self.later(self.working(since, days, self.rng), self._correct(incident.id, answer))
            else:
                self.program.approve_report(self.sergeant, incident.id)
                self.tally.approved += 1

    def _correct(self, incident_id: uuid.UUID, answer: str) -> Action:
        """Return the officer's correction of a returned report: the narrative, then again."""

        def correct() -> None:
            report = self.reports[incident_id]
            report.narrative = f"{report.narrative} {answer}".strip()
            self.program.amend_incident(report.officer, incident_id, narrative=report.narrative)
            self._submit(incident_id, "Corrected as asked.")

        return correct

    def waiting(self) -> tuple[str, ...]:
        """Return the numbers of the reports still waiting for review, oldest first."""
        if not self.reviewing:
            return ()
        return tuple(w.incident.number or "" for w in self.program.review_queue(self.sergeant))
