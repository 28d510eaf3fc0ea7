"""Sealed incidents in the counts: each reader counts what it may read, and the policy decides.

A sealed incident is left out of every count of a reader without the sealed-records
permission (an analyst, a principal, an SRO), as if it had never been recorded, so that no
count can be set against the records the reader lists; a supervisor holding the permission
counts it, and sealing moves none of that supervisor's figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from program_support import ANALYST, CHIEF, SRO, Town, build_town, open_program
from sro_core.domain import (
    Actor,
    ActorRole,
    Incident,
    Involvement,
    InvolvementRole,
    Location,
    LocationKind,
    Offense,
    Person,
    PersonKind,
    ReferralReason,
    SchoolYear,
)
from sro_core.policy import counts_sealed
from sro_core.ports import Period
from sro_core.service import Program

PACIFIC = dt.timezone(dt.timedelta(hours=-7))
SEPTEMBER = Period(
    dt.datetime(2026, 9, 1, tzinfo=PACIFIC), dt.datetime(2026, 10, 1, tzinfo=PACIFIC)
)
REPORTED = 12
"""Incidents reported in September: above the suppression threshold (10) with one left out."""
ORDER = "Order 26-JV-0042"


@pytest.fixture
def town() -> tuple[Program, Town, Incident]:
    """Return a program with twelve drug incidents at the high school, and the one to seal.

    Each has a student suspect and is referred to law enforcement (a CRDC referral); the
    one to seal is also referred to the narcotics task force.
    """
    program, _ = open_program()
    where = build_town(program)
    incidents = [
        program.report_incident(
            CHIEF,
            Incident(
                reporting_officer_id=where.officer.id,
                occurred_start=dt.datetime(2026, 9, 4 + n, 12, 5, tzinfo=PACIFIC),
                reported_at=dt.datetime(2026, 9, 4 + n, 12, 30, tzinfo=PACIFIC),
                location=Location(LocationKind.ON_CAMPUS, "53"),
                school_id=where.high.id,
                category="drugs",
                offenses=(Offense("35A", criminal_activities=("J",)),),
                involvements=(
                    Involvement(
                        Person(PersonKind.STUDENT, f"Student {n}", dt.date(2010, 3, 1)),
                        frozenset({InvolvementRole.SUSPECT}),
                    ),
                ),
                referred_to_law_enforcement=True,
            ),
        )
        for n in range(REPORTED)
    ]
    target = incidents[0]
    program.refer_incident(
        CHIEF, target.id, where.madnet.id, ReferralReason.TASK_FORCE_INVESTIGATION
    )
    return program, where, target


def _principal(town: Town) -> Actor:
    return Actor(
        id="principal.hs",
        name="Principal",
        role=ActorRole.SCHOOL_ADMINISTRATOR,
        schools=frozenset({town.high.id}),
    )


def _figures(program: Program, reader: Actor) -> dict[str, Any]:
    """Return every count a reader gets of September, program report included."""
    report = program.program_report(reader, period=SEPTEMBER, label="September")
    return {
        "monthly": [f.count for f in program.monthly_counts(reader, SEPTEMBER)],
        "report monthly": [f.count for f in report.monthly],
        "report locations": [f.count for f in report.locations],
        "report referrals": [f.count for f in report.referrals],
        "report crdc": [(f.measure, f.instances) for f in report.crdc],
        "headline": [(f.label, f.count) for f in report.headline if f.label != "Crises"],
    }


def _with_crdc(program: Program, reader: Actor) -> Callable[[], Any]:
    """Return a read of a department reader's figures and its CRDC instances of 2026-27."""

    def read() -> Any:
        crdc = program.crdc_counts(reader, SchoolYear(2026))
        return _figures(program, reader), sum(c.instances for c in crdc)

    return read


def _sealing(program: Program, target: Incident, read: Callable[[], Any]) -> tuple[Any, Any, Any]:
    """Return what ``read`` gives before a seal, under it, and after its undo."""
    before = read()
    program.seal_incident(CHIEF, target.id, ORDER)
    sealed = read()
    program.unseal_incident(CHIEF, target.id, "Order 26-JV-0043")
    return before, sealed, read()


def test_only_a_reader_with_the_sealed_records_permission_counts_sealed_incidents(
    town: tuple[Program, Town, Incident],
) -> None:
    """The policy counts sealed incidents for a supervisor holding the permission alone."""
    _program, where, _target = town
    assert counts_sealed(CHIEF)
    for reader in (SRO, ANALYST, _principal(where)):
        assert not counts_sealed(reader), reader.id


@pytest.mark.parametrize("who", ["analyst", "principal", "sro"])
def test_a_sealed_incident_leaves_every_count_of_a_reader_without_the_permission(
    town: tuple[Program, Town, Incident], who: str
) -> None:
    """Sealed, the incident is one fewer in each count the reader gets; unsealed, it is back."""
    program, where, target = town
    reader = {"analyst": ANALYST, "principal": _principal(where), "sro": SRO}[who]
    before, sealed, unsealed = _sealing(program, target, lambda: _figures(program, reader))
    assert before["monthly"] == [REPORTED]
    assert sealed["monthly"] == [REPORTED - 1]
    assert sealed["report monthly"] == [REPORTED - 1]
    assert sealed["report locations"] == [REPORTED - 1]
    assert ("Incidents", REPORTED - 1) in sealed["headline"]
    assert sealed != before
    assert unsealed == before


def test_a_supervisor_with_the_permission_counts_the_sealed_incident_throughout(
    town: tuple[Program, Town, Incident],
) -> None:
    """No figure of the supervisor's moves on a seal: monthly, report, referrals, CRDC."""
    program, _where, target = town
    before, sealed, unsealed = _sealing(program, target, _with_crdc(program, CHIEF))
    assert before[0]["monthly"] == [REPORTED]
    assert before[0]["report referrals"] == [1]
    assert before[1] == REPORTED
    assert sealed == before
    assert unsealed == before


def test_an_sros_referral_and_crdc_counts_leave_the_sealed_incident_out(
    town: tuple[Program, Town, Incident],
) -> None:
    """The SRO's report shows no referral of the sealed incident and one CRDC instance less."""
    program, _where, target = town
    before, sealed, unsealed = _sealing(program, target, _with_crdc(program, SRO))
    assert before[0]["report referrals"] == [1]
    assert sealed[0]["report referrals"] == []
    assert ("Referrals to partners", 0) in sealed[0]["headline"]
    assert (before[1], sealed[1]) == (REPORTED, REPORTED - 1)
    assert [n for _, n in sealed[0]["report crdc"]] == [REPORTED - 1]
    assert unsealed == before
