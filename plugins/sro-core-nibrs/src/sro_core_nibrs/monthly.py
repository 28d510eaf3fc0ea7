"""A records clerk's month: check it, then submit it, with what was sent recorded in the store.

The month's submission holds the incidents that started in the program-local month, and every
incident submitted before that has changed since (a replacement), been found unfounded, or is
no longer in the store (a delete). What the FBI already holds unchanged is not sent again. The
file is written whole before the reports are recorded in the program's ledger, so a failed
write leaves nothing marked as sent.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from sro_core.domain import Actor, Incident, Problem
from sro_core.files import written_whole
from sro_core.ports import IncidentFilter
from sro_core_nibrs.rules import Finding, incident_findings
from sro_core_nibrs.submissions import (
    HIDDEN,
    MISSING_ORI,
    NIBRS_PERSON_FIELDS,
    NibrsConfigurationError,
    SubmissionBuilder,
    SubmissionResult,
    check_period,
    held,
)

if TYPE_CHECKING:
    from sro_core import Program


def month_filter(program: Program, period: str) -> IncidentFilter:
    """Return the incidents that started in a program-local month (``YYYY-MM``)."""
    year, month = (int(part) for part in check_period(period).split("-"))
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    start, _ = program.calendar.day_bounds(first)
    end, _ = program.calendar.day_bounds(following)
    return IncidentFilter(occurred_from=start, occurred_before=end)


def agency_ori(program: Program) -> str:
    """Return the program's ORI, or say which setting to give and how."""
    ori = program.settings.agency_ori
    if ori is None:
        raise NibrsConfigurationError(MISSING_ORI)
    return ori


def submission_file(folder: Path, ori: str, period: str) -> Path:
    """Return the file a month's submission goes to: ``<ORI>-<period>.zip``, never overwritten.

    A second submission for the same month (replacements, late incidents) is ``-2``, ``-3`` …
    """
    path = folder / f"{ori}-{period}.zip"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{ori}-{period}-{n}.zip"
    return path


@attrs.frozen
class MonthCheck:
    """What the FBI rules say of a month's incidents: each finding, and how many were checked."""

    period: str
    checked: int
    findings: tuple[Finding, ...]
    hidden: tuple[Problem, ...] = ()
    """NIBRS facts hidden from the actor (juveniles' dates of birth): they cannot be sent."""


def check_month(program: Program, actor: Actor, period: str) -> MonthCheck:
    """Check the incidents that started in a month against the FBI rules, as the actor sees them."""
    agency_ori(program)
    findings: list[Finding] = []
    checked = 0
    hidden: list[Problem] = []
    submitted_in = max(period, program.calendar.local_month(program.clock()))
    for seen in program.incidents_of(actor, month_filter(program, period)):
        checked += 1
        findings += incident_findings(seen.value, program, submitted_in)
        number = _number(seen.value)
        hidden += [
            Problem(f"{number} {path}", None, HIDDEN)
            for path in sorted(seen.hidden)
            if any(part in path for part in NIBRS_PERSON_FIELDS)
        ]
    return MonthCheck(period, checked, tuple(findings), tuple(hidden))


@attrs.frozen
class MonthSubmission:
    """A month's submission, built and not yet written: the result and what it covered.

    ``month`` holds the numbers of the month's own incidents; ``earlier`` those of incidents
    submitted in an earlier month and sent again (replaced or deleted).
    """

    ori: str
    result: SubmissionResult
    month: frozenset[str]
    earlier: frozenset[str]

    @property
    def already_submitted(self) -> tuple[str, ...]:
        """Return the month's incidents the FBI already holds, unchanged."""
        return tuple(n for n in self.result.unchanged if n in self.month)

    @property
    def empty(self) -> bool:
        """Return whether there is nothing to send: no document, nothing left out."""
        return not self.result.documents and not self.result.problems


def _number(incident: Incident) -> str:
    return incident.nibrs_number or incident.number or f"draft {incident.id}"


def build_month(
    program: Program, actor: Actor, period: str, *, name: str, allow_empty: bool = False
) -> MonthSubmission:
    """Build a month's submission against what the program's ledger says was sent before.

    :param name: the file name the submission will be written to (kept in the ledger).
    :param allow_empty: with nothing to report, give the month's zero report.
    """
    ori = agency_ori(program)
    submitted = program.submitted_reports(actor, ori)
    now = program.clock()
    builder = SubmissionBuilder(
        program,
        period,
        submitted,
        now=now,
        submission=name,
        actor=actor.id,
        submitted_in=program.calendar.local_month(now),
    )
    month: set[str] = set()
    seen_ids: set[uuid.UUID] = set()
    for seen in program.incidents_of(actor, month_filter(program, period)):
        seen_ids.add(seen.value.id)
        month.add(_number(seen.value))
        builder.add(seen.value, hidden=seen.hidden)
    before = {r.incident_id for r in held(submitted).values() if r.incident_id is not None}
    earlier_ids = before - seen_ids
    earlier: set[str] = set()
    if earlier_ids:
        present: set[uuid.UUID] = set()
        for seen in program.incidents_of(actor, IncidentFilter(ids=frozenset(earlier_ids))):
            present.add(seen.value.id)
            sent = len(builder.documents)
            builder.add(seen.value, hidden=seen.hidden)
            if len(builder.documents) > sent:
                earlier.add(_number(seen.value))
        for gone in sorted(earlier_ids - present):
            earlier.update(d.number for d in builder.gone(gone))
    if allow_empty:
        builder.finish()
    return MonthSubmission(ori, builder.result(), frozenset(month), frozenset(earlier))


def write_month(program: Program, actor: Actor, built: MonthSubmission, path: Path) -> Path:
    """Write the submission to ``path`` whole (or not at all), then record it in the ledger."""
    with written_whole(path, binary=True) as out:
        built.result.write(out)
    program.record_submission(actor, built.result.entries)
    return path
