"""Only approved reports go to NIBRS when the program reviews them; all of them when it does not."""

from __future__ import annotations

import uuid

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from nibrs_cases import PERIOD, START, base
from nibrs_support import PROGRAM
from sro_core_nibrs import nibrs_submission

from sro_core.domain import Incident, ReviewState, incident_number
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
