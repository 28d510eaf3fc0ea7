"""The program report's figures, read for each audience, on memory and on SQLite."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from program_support import ANALYST, CHIEF, SRO, build_town, open_program
from sro_core.domain import (
    Actor,
    ActorRole,
    CommunityContact,
    ContactParty,
    ContactPurpose,
    CrisisKind,
    Incident,
    Location,
    LocationKind,
    Offense,
    ReferralReason,
    ReferralStatus,
    TriadRole,
)
from sro_core.ports import ExportInput, NotFound, Period, UnknownExporter
from sro_core.service import AccessDenied, Program

PACIFIC = dt.timezone(dt.timedelta(hours=-7))
SEPTEMBER = Period(
    dt.datetime(2026, 9, 1, tzinfo=PACIFIC), dt.datetime(2026, 10, 1, tzinfo=PACIFIC)
)


def _principal(program: Program) -> Actor:
    high = next(s for s in program.schools(CHIEF) if s.name.startswith("Chowchilla"))
    return Actor(
        id="p", name="P", role=ActorRole.SCHOOL_ADMINISTRATOR, schools=frozenset({high.id})
    )


@pytest.fixture(params=["memory", "sqlite"])
def program(request: pytest.FixtureRequest, tmp_path: Path) -> Program:
    """Return a program on each built-in store, with the town and a month of its work."""
    url = "memory:" if request.param == "memory" else f"sqlite:///{tmp_path / 'sro.db'}"
    program, _ = open_program(url, name=request.param)
    town = build_town(program)
    for day, kind, category, offense in [
        (8, LocationKind.ON_CAMPUS, "fight", "13B"),
        (9, LocationKind.ON_CAMPUS, "fight", "13B"),
        (10, LocationKind.SCHOOL_ADJACENT, "theft", "23C"),
        (11, LocationKind.COMMUNITY, "drugs", "35A"),
    ]:
        incident = program.report_incident(
            SRO,
            Incident(
                reporting_officer_id=town.officer.id,
                occurred_start=dt.datetime(2026, 9, day, 12, tzinfo=PACIFIC),
                reported_at=dt.datetime(2026, 9, day, 13, tzinfo=PACIFIC),
                location=Location(kind, "53" if kind is LocationKind.ON_CAMPUS else "13"),
                school_id=town.high.id if kind is not LocationKind.COMMUNITY else None,
                category=category,
                offenses=(Offense(offense),),
            ),
        )
    referral = program.refer_incident(
        SRO, incident.id, town.madnet.id, ReferralReason.TASK_FORCE_INVESTIGATION
    )
    program.answer_referral(town.liaison(town.madnet), referral.id, ReferralStatus.ACCEPTED)
    for purpose in (ContactPurpose.ADVICE, ContactPurpose.ADVICE, ContactPurpose.MENTORING):
        program.log_contact(
            SRO,
            CommunityContact(
                officer_id=town.officer.id,
                at=dt.datetime(2026, 9, 15, 15, tzinfo=PACIFIC),
                party=ContactParty.PARENT_GUARDIAN,
                purpose=purpose,
                triad_role=TriadRole.INFORMAL_COUNSELOR_MENTOR,
                minutes=15,
                school_id=town.high.id,
            ),
        )
    crisis = program.declare_crisis(SRO, town.high.id, CrisisKind.DRILL)
    program.give_all_clear(SRO, crisis.id)
    return program


def test_the_department_report_holds_every_figure(program: Program) -> None:
    """The report counts incidents by month, place, contacts, referrals and lists the crises."""
    report = program.program_report(CHIEF, period=SEPTEMBER, label="September 2026")
    assert {(f.category, f.count) for f in report.monthly} == {
        ("fight", 2),
        ("theft", 1),
        ("drugs", 1),
    }
    assert {(f.location_kind, f.count) for f in report.locations} == {
        (LocationKind.ON_CAMPUS, 2),
        (LocationKind.SCHOOL_ADJACENT, 1),
        (LocationKind.COMMUNITY, 1),
    }
    assert {(f.purpose, f.count, f.minutes) for f in report.contacts} == {
        (ContactPurpose.ADVICE, 2, 30),
        (ContactPurpose.MENTORING, 1, 15),
    }
    assert [(f.partner, f.status, f.count) for f in report.referrals] == [
        ("MADNET", ReferralStatus.ACCEPTED, 1)
    ]
    assert [f.minutes for f in report.triad] == [45]
    assert [(c.kind, c.ended_at is not None) for c in report.crises] == [(CrisisKind.DRILL, True)]
    assert report.scope == "Program-wide"


def test_analysts_get_the_report_with_small_counts_suppressed(program: Program) -> None:
    """Every count under the threshold is None in an analyst's report."""
    report = program.program_report(ANALYST, period=SEPTEMBER, label="September 2026")
    counts = [
        f.count for f in (*report.monthly, *report.locations, *report.contacts, *report.referrals)
    ]
    assert counts
    assert all(count is None for count in counts)


def test_a_principal_reports_on_their_own_schools_only(program: Program) -> None:
    """A school administrator's report leaves out the community and other schools."""
    principal = _principal(program)
    report = program.program_report(principal, period=SEPTEMBER, label="September 2026")
    assert {f.category for f in report.monthly} == {"fight", "theft"}
    assert report.scope == "Chowchilla Union High School"
    assert report.triad == ()
    assert report.referrals == ()
    assert report.notes
    other = next(s for s in program.schools(CHIEF) if s.name.startswith("Wilson"))
    with pytest.raises(NotFound):
        program.program_report(principal, period=SEPTEMBER, label="x", school_id=other.id)


def test_report_without_the_report_format_says_what_is_missing(program: Program) -> None:
    """Asking for a report in a format nobody installed names the format and what is installed."""
    with pytest.raises(UnknownExporter, match="report-html"):
        program.report(CHIEF, io.BytesIO(), period=SEPTEMBER)
    with pytest.raises(AccessDenied, match="program report"):
        program.report(CHIEF, io.BytesIO(), period=SEPTEMBER, format_name="csv")
    assert ExportInput.REPORT.value == "report"


def test_analysts_see_a_count_summed_over_schools_once_it_is_large_enough(program: Program) -> None:
    """Counts are summed over the report's schools before small ones are suppressed."""
    town_school = next(s for s in program.schools(CHIEF) if s.name.startswith("Chowchilla"))
    officer = program.officers(CHIEF)[0]
    for category, many in (("fight", 8), ("alcohol", 10)):
        for day in range(1, many + 1):
            program.report_incident(
                SRO,
                Incident(
                    reporting_officer_id=officer.id,
                    occurred_start=dt.datetime(2026, 9, 20 + day % 5, 9, day, tzinfo=PACIFIC),
                    reported_at=dt.datetime(2026, 9, 26, 9, tzinfo=PACIFIC),
                    location=Location(LocationKind.ON_CAMPUS, "53"),
                    school_id=town_school.id if day % 2 else program.schools(CHIEF)[-1].id,
                    category=category,
                ),
            )
    report = program.program_report(ANALYST, period=SEPTEMBER, label="September 2026")
    # The month's small counts are suppressed with the smallest shown one (alcohol, 10) as
    # their complement, so fight, summed over the schools, is shown.
    assert [(f.category, f.count) for f in report.monthly if f.category == "fight"] == [
        ("fight", 10)
    ]
