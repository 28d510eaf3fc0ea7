"""Only approved reports go to NIBRS when the program reviews them; all of them when it does not."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nibrs_cases import PERIOD, START, base
from nibrs_support import PROGRAM
from sro_core_nibrs import nibrs_submission
from sro_core_nibrs.monthly import build_month, submission_file, write_month

from sro_core import PluginHost
from sro_core.domain import (
    Actor,
    ActorRole,
    GradeSpan,
    IllegalTransition,
    Incident,
    IncidentStatus,
    Location,
    Officer,
    Permission,
    ReviewState,
    ReviewStep,
    RuleViolation,
    School,
    SchoolLevel,
    incident_number,
)
from sro_core.service import Program, ProgramSettings
from sro_core.testing import strategies as sx


@attrs.frozen
class ReviewingSettings:
    """The settings of a program that reviews reports, as the plugin reads them."""

    name: str = "Test SRO Program"
    time_zone: str = "America/Los_Angeles"
    agency_ori: str | None = PROGRAM.settings.agency_ori
    suppression_threshold: int = 10
    review: str = "on"


REVIEWING = attrs.evolve(PROGRAM, settings=ReviewingSettings())


@st.composite
def reviewed_reports(draw: st.DrawFn) -> list[Incident]:
    """Draw up to four reportable incidents, each at some point of its review."""
    reports = []
    for n in range(draw(st.integers(1, 4))):
        state, steps = draw(sx.review_histories(START, most=4))
        number = incident_number(2026, 100 + n)
        reports.append(base(number=number, id=uuid.UUID(int=1000 + n), review=state, reviews=steps))
    return reports


@settings(max_examples=25, deadline=None)
@given(reports=reviewed_reports())
def test_only_approved_reports_are_in_a_reviewing_programs_submission(
    reports: list[Incident],
) -> None:
    """Every report sent is approved; every other one is left out, saying it waits for review."""
    result = nibrs_submission(reports, program=REVIEWING, period=PERIOD)
    approved = {r.number for r in reports if r.review is ReviewState.APPROVED}
    assert set(result.exported) == approved
    assert {d.number for d in result.documents} == approved
    held = {p.field.split()[0] for p in result.problems if "supervisor" in p.rule}
    assert held == {r.number for r in reports} - approved
    everything = nibrs_submission(reports, program=PROGRAM, period=PERIOD)
    assert set(everything.exported) == {r.number for r in reports}


# --- the program's months and its ledger, as review commands come and go ----------------------

CLERK_ORI = "CA0200200"
SERGEANT = Actor(id="sgt.lopez", name="Sgt. Lopez", role=ActorRole.SUPERVISOR,
                 permissions=frozenset({Permission.JUVENILE_RECORDS}))  # fmt: skip
OFFICER = Actor(id="ofc.reyes", name="Ofc. Reyes", role=ActorRole.SRO)
STEPS = ("submit", "approve", "return", "amend", "month")
"""What can happen next: a review command, an amendment, or the clerk's month submitted."""


class Ticking:
    """A program clock a minute later at every reading, from April 2026 on."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 4, 2, 16, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        """Return the next minute."""
        self.now += dt.timedelta(minutes=1)
        return self.now


def _reviewing_program() -> tuple[Program, list[Incident]]:
    """Return a memory program that reviews reports and has reported two March assaults."""
    settings = ProgramSettings(agency_ori=CLERK_ORI, review="on")
    program = Program.open("memory:", settings, plugins=PluginHost.load(only=("nibrs",)),
                           clock=Ticking())  # fmt: skip
    officer = program.register_officer(SERGEANT, Officer(badge="4127", name="Dana Reyes"))
    school = program.register_school(
        SERGEANT, School("High", "District", SchoolLevel.HIGH, GradeSpan(9, 12))
    )
    reported = []
    for n in range(2):
        draft = attrs.evolve(
            base(), status=IncidentStatus.DRAFT, number=None, version=0, id=uuid.UUID(int=50 + n),
            reporting_officer_id=officer.id, school_id=school.id, location=Location.on_campus(),
        )  # fmt: skip
        reported.append(program.report_incident(SERGEANT, draft))
    return program, reported


def _step(program: Program, step: str, incident: Incident, month: Path) -> None:
    """Do one step; a move the review table or the policy refuses changes nothing."""
    key = incident.id
    commands = {
        "submit": lambda: program.submit_report(OFFICER, key),
        "approve": lambda: program.approve_report(SERGEANT, key),
        "return": lambda: program.return_report(SERGEANT, key, "Say who saw it."),
        "amend": lambda: program.amend_incident(OFFICER, key, narrative=f"Amended {month.name}."),
    }
    before = program.incident(SERGEANT, key).value
    try:
        commands[step]()
    except (IllegalTransition, RuleViolation):
        assert program.incident(SERGEANT, key).value == before


@settings(max_examples=20, deadline=None)
@given(steps=st.lists(st.tuples(st.sampled_from(STEPS), st.integers(0, 1)), max_size=14))
def test_only_approved_reports_reach_the_ledger_whatever_the_review_does(
    steps: list[tuple[str, int]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """At every month submitted, each report sent or recorded is approved at that moment."""
    program, incidents = _reviewing_program()
    folder = tmp_path_factory.mktemp("months")
    ever: set[str | None] = set()  # the reports approved at some month's submission
    try:
        for n, (step, which) in enumerate([*steps, ("month", 0)]):
            if step != "month":
                _step(program, step, incidents[which], folder / str(n))
                continue
            now = {i.id: program.incident(SERGEANT, i.id).value for i in incidents}
            built = build_month(program, SERGEANT, PERIOD, name=f"{n}.zip", allow_empty=True)
            approved = {i.number for i in now.values() if i.review is ReviewState.APPROVED}
            ever |= approved
            assert set(built.result.exported) <= approved
            for problem in built.result.problems:
                assert problem.field.split()[0] not in approved
            write_month(program, SERGEANT, built, submission_file(folder, CLERK_ORI, PERIOD))
            for entry in built.result.entries:
                assert entry.incident_id is None or now[entry.incident_id].number in approved
        ledger = program.submitted_reports(SERGEANT, CLERK_ORI)
        sent = {r.number for r in ledger if r.incident_id is not None}
        # the last month sent every report approved by then; a report sent at an earlier month
        # and back in review since stays in the ledger as sent (held, neither sent nor deleted)
        assert approved <= sent <= ever
    finally:
        program.close()


def test_a_report_nibrs_takes_nothing_of_is_not_held_for_its_review() -> None:
    """A waiting report with no Group A offense and no arrest is not listed as left out."""
    step = ReviewStep(ReviewState.SUBMITTED, "ofc.reyes", START + dt.timedelta(hours=2))
    quiet = base(
        offenses=(), involvements=(), category="welfare_check",
        review=ReviewState.SUBMITTED, reviews=(step,),
    )  # fmt: skip
    result = nibrs_submission([quiet], program=REVIEWING, period=PERIOD)
    assert result.problems == ()
    assert result.not_reported == (quiet.number,)
    waiting = attrs.evolve(quiet, offenses=base().offenses, involvements=base().involvements)
    held = nibrs_submission([waiting], program=REVIEWING, period=PERIOD)
    assert [p.field for p in held.problems] == [f"{waiting.number} review"]
