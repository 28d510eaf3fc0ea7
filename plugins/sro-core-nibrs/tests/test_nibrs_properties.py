"""Properties: every Group A offense goes out valid; a rule broken on purpose is the one named."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from nibrs_support import GROUP_A, PERIOD, PROGRAM, exportable_incidents
from sro_core_nibrs import incident_findings, nibrs_submission, schema_errors

from sro_core.codes import GROUP_A_OFFENSES, CrimeAgainst, crime_against
from sro_core.domain import SOCIETY, Incident, InvolvementRole, NonPersonVictim

SLOW = [HealthCheck.too_slow, HealthCheck.filter_too_much]
EACH_OFFENSE = settings(max_examples=2, deadline=None, suppress_health_check=SLOW)
BROKEN = settings(max_examples=40, deadline=None, suppress_health_check=SLOW)


@pytest.mark.parametrize("code", GROUP_A)
@EACH_OFFENSE
@given(data=st.data())
def test_every_group_a_offense_goes_out_valid_and_keeping_the_rules(code, data):
    """A valid incident of each Group A offense breaks no rule and its document validates."""
    incident = data.draw(exportable_incidents(group_a=True, offense=code))
    assert incident_findings(incident, PROGRAM, PERIOD) == []
    result = nibrs_submission([incident], program=PROGRAM, period=PERIOD)
    assert result.problems == ()
    [document] = result.documents
    assert schema_errors(document.xml) == []
    assert f"<nibrs:OffenseUCRCode>{code}</nibrs:OffenseUCRCode>".encode() in document.xml


def _twice(incident: Incident) -> Incident:
    return attrs.evolve(incident, offenses=(*incident.offenses, incident.offenses[0]))


def _no_victims(incident: Incident) -> Incident:
    against = {crime_against(o.ucr_code) for o in incident.offenses}
    assume(against != {CrimeAgainst.SOCIETY})  # society is the victim by rule
    people = tuple(i for i in incident.involvements if i.roles != {InvolvementRole.VICTIM})
    return attrs.evolve(incident, involvements=people, non_person_victims=())


def _society_robbed(incident: Incident) -> Incident:
    codes = [o.ucr_code for o in incident.offenses]
    stolen = [c for c in codes if crime_against(c) is CrimeAgainst.PROPERTY]
    assume(stolen)
    others = [v for v in incident.non_person_victims if v.victim_type != SOCIETY]
    society = next((v for v in incident.non_person_victims if v.victim_type == SOCIETY), None)
    taken = (*(society.offense_codes if society else ()), stolen[0])
    return attrs.evolve(incident, non_person_victims=(*others, NonPersonVictim(SOCIETY, taken)))


MUTATIONS: dict[str, tuple[Callable[[Incident], Incident], str]] = {
    "an offense code twice": (_twice, "262"),
    "no victim at all": (_no_victims, "065"),
    "society the victim of a property crime": (_society_robbed, "467"),
}
"""Ways to break one FBI rule on purpose, and the rule's number."""


@pytest.mark.parametrize("name", sorted(MUTATIONS))
@BROKEN
@given(data=st.data())
def test_an_incident_broken_on_purpose_names_the_rule_it_breaks(name, data):
    """Break one rule of a valid incident: that rule, and only that rule, is named."""
    incident = data.draw(exportable_incidents(group_a=True))
    mutate, rule = MUTATIONS[name]
    broken = mutate(incident)
    findings = incident_findings(broken, PROGRAM, PERIOD)
    assert findings
    assert {f.rule for f in findings} == {rule}, [f.line() for f in findings]
    assert all(f.number == broken.number for f in findings)
    result = nibrs_submission([broken], program=PROGRAM, period=PERIOD)
    assert result.documents == ()
    assert all(p.rule.endswith(f"(rule {rule})") for p in result.problems)


def test_the_mutations_cover_group_a_codes():
    """The pool the properties draw from is every Group A code still collected."""
    assert set(GROUP_A) <= GROUP_A_OFFENSES
    assert len(GROUP_A) > 40
