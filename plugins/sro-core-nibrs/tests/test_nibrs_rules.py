"""The pre-export rules: each broken rule is reported by incident and field, and left out."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import attrs
import pytest
from nibrs_cases import (
    ARRESTEE,
    DAY,
    NUMBER,
    OFFENDER,
    PERIOD,
    START,
    base,
    group_b,
    offender,
    victim,
)
from nibrs_support import PROGRAM, cleared
from sro_core_nibrs import incident_problems, incident_warnings, nibrs_submission

from sro_core.domain import (
    CampusZone,
    Drug,
    Incident,
    IncidentStatus,
    Involvement,
    Location,
    LocationKind,
    NonPersonVictim,
    Offense,
    PropertyItem,
    Sex,
    VictimDetails,
)


def _with(*people: Involvement, **changes: object) -> Callable[[], Incident]:
    """Return a maker of the base incident with other people (and other changes)."""
    return lambda: base(involvements=people, **changes)


def _offense_with_victim(code: str, victim_type: str) -> Callable[[], Incident]:
    """Return a maker of an incident of one offense whose victim is of a type."""
    return _with(victim(victim_type, (code,)), offender(code=code), offenses=(Offense(code),))


LATER = dt.timedelta(days=30)
ELEVEN = ("13B", "13C", "23A", "23B", "23C", "23D", "23E", "23F", "23G", "23H", "290")
NOT_ARRESTED = offender(roles=frozenset({OFFENDER}))

CASES = [
    pytest.param(
        lambda: base(offenses=(Offense("13B", weapons=("XX",)),)),
        "offenses[0].weapons[0]", "not in code table nibrs.force", id="unknown code",
    ),
    pytest.param(
        lambda: group_b("90I", "90I"),
        "involvements[0].arrest.offense_code", "no longer collected", id="retired offense",
    ),
    pytest.param(
        lambda: base(occurred_start=START + LATER, reported_at=START + LATER),
        "occurred_start", "after the month of submission 2026-03", id="after the period",
    ),
    pytest.param(
        _with(victim(), offender(arrested_on=DAY - dt.timedelta(days=1))),
        "involvements[1].arrest.arrested_on", "before the incident day 2026-03-10",
        id="arrest before the incident",
    ),
    pytest.param(
        _with(victim(), offender(arrested_on=dt.date(2026, 4, 2))),
        "involvements[1].arrest.arrested_on", "after the month of submission",
        id="arrest after the period",
    ),
    pytest.param(
        lambda: base(offenses=tuple(Offense(c) for c in ELEVEN)),
        "offenses", "at most 10 offenses", id="eleven offenses",
    ),
    pytest.param(
        lambda: base(offenses=(Offense("13B"), Offense("13B"))),
        "offenses[1].ucr_code", "13B is already offenses[0]", id="an offense twice",
    ),
    pytest.param(
        lambda: base(offenses=(Offense("13B", attempted=True),)),
        "offenses[0].attempted", "13B is always reported completed", id="attempted assault",
    ),
    pytest.param(
        _with(victim(), offender(), offenses=(Offense("13B"), Offense("35A"))),
        "drugs", "needs the drug type", id="drugs without their type",
    ),
    pytest.param(
        _with(attrs.evolve(victim(), victim=VictimDetails("I", ("13B",)))),
        "involvements", "needs an offender or suspect", id="no offender",
    ),
    pytest.param(
        _with(attrs.evolve(victim(), victim=None), offender()),
        "involvements[0].victim", "a victim needs victim details", id="victim without details",
    ),
    pytest.param(
        _with(victim(codes=()), offender()),
        "involvements[0].victim.offense_codes", "connected to a Group A offense",
        id="a victim of nothing",
    ),
    pytest.param(
        _with(victim(codes=()), offender()),
        "offenses[0].ucr_code", "needs a victim connected to it", id="offense without victim",
    ),
    pytest.param(
        _with(victim("B"), offender()),
        "involvements[0].victim.victim_type", "13B is a crime against a person",
        id="a business assaulted",
    ),
    pytest.param(
        _offense_with_victim("23B", "L"),
        "involvements[0].victim.victim_type", "an officer victim (L) is for 09A and 13A-13C",
        id="an officer's purse snatched",
    ),
    pytest.param(
        _offense_with_victim("520", "I"),
        "involvements[0].victim.victim_type", "520 is a crime against society",
        id="a person as victim of a weapon law",
    ),
    pytest.param(
        lambda: base(non_person_victims=(NonPersonVictim("B", ("13B",)),)),
        "non_person_victims[0].victim_type", "a person (I) (rule 464)",
        id="a business as victim of an assault",
    ),
    pytest.param(
        lambda: base(
            offenses=(Offense("23C"),),
            involvements=(offender(code="23C"),),
            non_person_victims=(NonPersonVictim("S", ("23C",)),),
        ),
        "non_person_victims[0].victim_type", "society (S) is no victim (rule 467)",
        id="society as victim of shoplifting",
    ),
    pytest.param(
        lambda: base(
            offenses=(Offense("520"),),
            involvements=(offender(code="520"),),
            non_person_victims=(NonPersonVictim("S", ("520",)), NonPersonVictim("S", ("520",))),
        ),
        "non_person_victims", "one society victim (rule 080)", id="society twice",
    ),
    pytest.param(
        lambda: base(
            involvements=(attrs.evolve(victim(), victim=VictimDetails("I", ("13B",))),),
            offender_unknown=True,
            status=IncidentStatus.CLOSED,
            disposition=cleared(DAY),
        ),
        "offender_unknown", "knows its offender: not unknown (00) (rule 557)",
        id="cleared exceptionally with an unknown offender",
    ),
    pytest.param(
        _offense_with_victim("290", "S"),
        "involvements[0].victim.victim_type", "290 is a crime against property",
        id="society as victim of vandalism",
    ),
    pytest.param(
        _with(victim(), offender(disposition=None)),
        "involvements[1].arrest.juvenile_disposition",
        "an arrestee under 18 needs a juvenile disposition",
        id="juvenile arrestee without disposition",
    ),
    pytest.param(
        _with(victim(), offender(born=dt.date(1990, 1, 1))),
        "involvements[1].arrest.juvenile_disposition",
        "for arrestees under 18 (this one is 36)",
        id="adult with a juvenile disposition",
    ),
    pytest.param(
        _with(victim(), offender(sex=Sex.UNKNOWN)),
        "involvements[1].person.demographics.sex", "an arrestee's sex is M or F",
        id="arrestee of unknown sex",
    ),
    pytest.param(
        _with(victim(), offender(code="90C")),
        "involvements[1].arrest.offense_code", "an arrest is for a Group A offense",
        id="Group B charge in a Group A incident",
    ),
    pytest.param(
        lambda: group_b("90C", "13B"),
        "involvements[0].arrest.offense_code", "arrested for Group A offense 13B",
        id="Group A charge without its offense",
    ),
    pytest.param(
        lambda: base(disposition=cleared(DAY)),
        "disposition.exceptional_clearance", "has no arrestee",
        id="cleared exceptionally with an arrestee",
    ),
    pytest.param(
        _with(victim(), NOT_ARRESTED, disposition=cleared(DAY - dt.timedelta(days=2))),
        "disposition.decided_on", "before the incident day", id="cleared before it happened",
    ),
    pytest.param(
        _with(victim(), NOT_ARRESTED, disposition=cleared(dt.date(2026, 4, 1))),
        "disposition.decided_on", "after the month of submission", id="cleared after the period",
    ),
    pytest.param(
        lambda: base(property=(PropertyItem("STOLEN", "13"), PropertyItem("STOLEN", "13", 20))),
        "property[1]", "the same loss type and description as property[0]",
        id="the same property twice",
    ),
    pytest.param(
        _with(victim(), offender(roles=frozenset({ARRESTEE}))),
        "involvements[0].victim.relationships[0].offender", "not an offender or suspect",
        id="related to an arrestee only",
    ),
]  # fmt: skip


def test_the_base_incident_keeps_every_rule():
    """The hand-built assault that the cases break keeps every rule and goes out."""
    assert incident_problems(base(), PROGRAM, PERIOD) == []
    cleared_alone = base(involvements=(victim(), offender(roles=frozenset({OFFENDER}))))
    assert (
        incident_problems(attrs.evolve(cleared_alone, disposition=cleared(DAY)), PROGRAM, PERIOD)
        == []
    )
    assert incident_problems(group_b(), PROGRAM, PERIOD) == []


@pytest.mark.parametrize(("make", "field", "rule"), CASES)
def test_a_broken_rule_is_reported_by_number_and_field(make, field, rule):
    """Each rule broken gives a problem naming the incident number and the field."""
    problems = incident_problems(make(), PROGRAM, PERIOD)
    matching = [p for p in problems if p.field == f"{NUMBER} {field}" and rule in p.rule]
    assert matching, problems


@pytest.mark.parametrize(("make", "field", "rule"), CASES)
def test_an_incident_breaking_a_rule_is_left_out_and_the_rest_go(make, field, rule):
    """The broken incident is listed and left out; another incident still goes out."""
    del field, rule
    good = base(number="2026-000124", id=uuid.uuid4())
    result = nibrs_submission([make(), good], program=PROGRAM, period=PERIOD)
    assert result.exported == ("2026-000124",)
    assert result.problems
    assert all(p.field.startswith(f"{NUMBER} ") for p in result.problems)
    assert [e.number for e in result.entries] == ["2026-000124"]
    assert [d.number for d in result.documents] == ["2026-000124"]


def test_a_draft_is_named_by_its_id():
    """A draft has no number yet: it is named by its id and not reported."""
    draft = base(status=IncidentStatus.DRAFT, number=None)
    [problem] = incident_problems(draft, PROGRAM, PERIOD)
    assert problem.field == f"draft {draft.id} number"
    assert "not reported to NIBRS yet" in problem.rule


def test_two_incidents_with_one_number_are_not_both_sent():
    """A second incident under a number already in the submission is left out."""
    first, second = base(), base(id=uuid.uuid4())
    result = nibrs_submission([first, second], program=PROGRAM, period=PERIOD)
    assert result.exported == (NUMBER,)
    [problem] = result.problems
    assert problem.field == f"{NUMBER} number"
    assert str(first.id) in problem.rule


def test_a_school_incident_coded_off_campus_is_a_warning_only():
    """On campus with a non-school location code is a warning: the incident still goes out."""
    parking = base(location=Location(LocationKind.ON_CAMPUS, "18", CampusZone.PARKING_LOT))
    [warning] = incident_warnings(parking)
    assert warning.field == f"{NUMBER} location.nibrs_code"
    assert "not a school (53)" in warning.rule
    result = nibrs_submission([parking], program=PROGRAM, period=PERIOD)
    assert result.exported == (NUMBER,)
    assert result.warnings == (warning,)


def test_the_old_school_code_is_a_warning_and_school_codes_are_not():
    """22 (school/college) warns to use 53; 52 and 53 do not warn; off campus never warns."""
    old = base(location=Location(LocationKind.ON_CAMPUS, "22"))
    assert "22 is the old school/college code" in incident_warnings(old)[0].rule
    assert incident_warnings(base()) == []
    assert incident_warnings(base(location=Location(LocationKind.ON_CAMPUS, "52"))) == []
    street = base(location=Location(LocationKind.SCHOOL_ADJACENT, "13"))
    assert incident_warnings(street) == []


def test_a_completed_drug_violation_with_its_drug_keeps_the_rules():
    """35A with the drug seized keeps the rules: society is its victim by rule, no person."""
    drugs = base(
        offenses=(Offense("35A", criminal_activities=("P",)),),
        involvements=(offender(code="35A"),),
        drugs=(Drug("E"),),
    )
    assert incident_problems(drugs, PROGRAM, PERIOD) == []
