"""Victims that are not people, the unknown offender, and a campus location from the school."""

from __future__ import annotations

import datetime as dt
import uuid

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sro_core.codes import GROUP_A_OFFENSES, CrimeAgainst, crime_against
from sro_core.domain import (
    PERSON_VICTIM_TYPES,
    SOCIETY,
    Incident,
    Involvement,
    InvolvementRole,
    Location,
    LocationKind,
    NonPersonVictim,
    Offense,
    Person,
    PersonKind,
    RuleViolation,
    SchoolLevel,
    against_society,
)
from sro_core.serialization import dumps, loads
from sro_core.testing import strategies as sx

START = dt.datetime(2026, 3, 10, 17, 30, tzinfo=dt.UTC)
CODES = sorted(GROUP_A_OFFENSES)


def _incident(*codes: str, **changes: object) -> Incident:
    incident = Incident(
        reporting_officer_id=uuid.UUID(int=1),
        occurred_start=START,
        reported_at=START,
        location=Location(LocationKind.COMMUNITY, "13"),
        category="other",
        offenses=tuple(Offense(code) for code in codes),
    )
    return attrs.evolve(incident, **changes)


@pytest.mark.parametrize("victim_type", sorted(PERSON_VICTIM_TYPES))
def test_a_person_victim_type_is_no_victim_that_is_not_a_person(victim_type):
    """I and L are people: they are recorded as involvements, never as a NonPersonVictim."""
    with pytest.raises(RuleViolation) as refused:
        NonPersonVictim(victim_type, ("13B",))
    assert refused.value.field == "victim_type"


def test_a_victim_that_is_not_a_person_is_of_the_incident_s_offenses():
    """A business robbed of what the incident does not record is refused, by its path."""
    with pytest.raises(RuleViolation) as refused:
        _incident("23C", non_person_victims=(NonPersonVictim("B", ("120",)),))
    assert refused.value.field == "non_person_victims[0].offense_codes"


def test_an_unknown_offender_is_the_only_offender():
    """offender_unknown (00) and a known offender or suspect cannot both be recorded."""
    person = Person(PersonKind.STUDENT, "A")
    known = Involvement(person, frozenset({InvolvementRole.SUSPECT}))
    assert _incident("23D", offender_unknown=True).offender_unknown
    with pytest.raises(RuleViolation) as refused:
        _incident("23D", offender_unknown=True, involvements=(known,))
    assert refused.value.field == "offender_unknown"


@settings(max_examples=100)
@given(codes=st.lists(st.sampled_from(CODES), min_size=1, max_size=4, unique=True), data=st.data())
def test_society_is_the_victim_of_every_crime_against_society(codes, data):
    """By rule, one society victim takes every crime against society; the rest is as recorded."""
    recorded = data.draw(
        st.lists(sx.non_person_victims(offense_codes=codes), max_size=2, unique_by=lambda v: v.id)
    )
    recorded = [v for v in recorded if v.victim_type != SOCIETY][:1] + [
        v for v in recorded if v.victim_type == SOCIETY
    ][:1]
    incident = _incident(*codes, non_person_victims=tuple(recorded))
    ruled = incident.with_society_victim()
    society = [v for v in ruled.non_person_victims if v.victim_type == SOCIETY]
    wanted = {c for c in codes if crime_against(c) is CrimeAgainst.SOCIETY}
    if wanted or any(v.victim_type == SOCIETY for v in recorded):
        [victim] = society
        assert wanted <= set(victim.offense_codes)
    else:
        assert society == []
    assert {c for c in codes if against_society(c)} == wanted
    others = [v for v in ruled.non_person_victims if v.victim_type != SOCIETY]
    assert others == [v for v in recorded if v.victim_type != SOCIETY]
    assert ruled.with_society_victim() == ruled


@settings(max_examples=60)
@given(level=st.sampled_from(SchoolLevel), code=sx.locations().map(lambda p: p.nibrs_code))
def test_a_campus_code_follows_the_school_unless_another_school_code_was_chosen(level, code):
    """On campus: 52/53 chosen stands; any other code, or a derived one, is the level's."""
    expected = "52" if level is SchoolLevel.COLLEGE else "53"
    typed = Location(LocationKind.ON_CAMPUS, code).at_school(level)
    if code in {"52", "53"}:
        assert (typed.nibrs_code, typed.derived) == (code, False)
    else:
        assert (typed.nibrs_code, typed.derived) == (expected, True)
    derived = Location.on_campus().at_school(level)
    assert (derived.nibrs_code, derived.derived) == (expected, True)
    street = Location(LocationKind.SCHOOL_ADJACENT, code)
    assert street.at_school(level) is street


@settings(max_examples=40)
@given(incident=sx.incidents(edge_cases=True))
def test_the_new_incident_fields_survive_the_wire_format(incident):
    """Victims that are not people, 00, the NIBRS number and the derived flag round-trip."""
    back = loads(dumps(incident), Incident)
    assert back.non_person_victims == incident.non_person_victims
    assert back.offender_unknown == incident.offender_unknown
    assert back.nibrs_number == incident.nibrs_number
    assert back.location.derived == incident.location.derived
    arrests = [i.arrest for i in incident.involvements]
    assert [i.arrest for i in back.involvements] == arrests
