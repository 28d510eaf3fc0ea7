"""Round trips: what the strategies generate goes out valid and comes back with the same facts."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, event, given, settings
from nibrs_support import PERIOD, PROGRAM, differences, exportable_incidents
from sro_core_nibrs import (
    group_a_report,
    group_b_reports,
    incident_problems,
    nibrs_submission,
    read_document,
    read_submission,
    schema_errors,
)
from sro_core_nibrs.mapping import has_group_a
from sro_core_nibrs.reports import Report, ReportCategory

from sro_core.domain import DispositionKind, Incident
from sro_core.testing.strategies import incidents

# Each example writes, validates and reads XML against the NIEM schemas (tens of ms): keep the
# counts modest so the plugin's suite stays well under a minute with CI=1.
SLOW = [HealthCheck.too_slow]
ROUND_TRIPS = settings(max_examples=50, deadline=None, suppress_health_check=SLOW)
GROUP_B_ROUND_TRIPS = settings(max_examples=25, deadline=None, suppress_health_check=SLOW)
ANY_INCIDENT = settings(max_examples=80, deadline=None, suppress_health_check=SLOW)


def _reports(incident: Incident, number: str) -> tuple[Report, ...]:
    if has_group_a(incident):
        return (group_a_report(incident, PROGRAM, number=number),)
    return group_b_reports(incident, PROGRAM, number=number)


def _round_trip(incident: Incident) -> None:
    """Export one incident that keeps the rules; check the XML and what importing gives back."""
    number = incident.nibrs_number or incident.number
    assert number is not None
    result = nibrs_submission([incident], program=PROGRAM, period=PERIOD)
    assert result.problems == ()
    assert result.exported == (number,)
    sent = _reports(incident, number)
    assert len(result.documents) == len(sent)
    for document, report in zip(result.documents, sent, strict=True):
        assert schema_errors(document.xml) == []
        read, trouble = read_document(document.xml)
        assert trouble == []
        assert read is not None
        assert differences(report, read.report) == []
    imported = read_submission(result.archive(), program=PROGRAM, reporting_officer_id=uuid.uuid4())
    assert imported.problems == ()
    [back] = imported.incidents
    assert (back.nibrs_number or back.number) == number
    assert differences(sent, _reports(back, number)) == []


@ROUND_TRIPS
@given(incident=exportable_incidents(group_a=True))
def test_a_group_a_incident_that_keeps_the_rules_round_trips(incident):
    """A Group A incident keeping the rules exports valid XML and imports to the same facts."""
    assert incident_problems(incident, PROGRAM, PERIOD) == []
    _round_trip(incident)


@GROUP_B_ROUND_TRIPS
@given(incident=exportable_incidents(group_a=False))
def test_a_group_b_arrest_that_keeps_the_rules_round_trips(incident):
    """Group B arrests keeping the rules export valid XML and import to the same facts."""
    assert incident_problems(incident, PROGRAM, PERIOD) == []
    _round_trip(incident)


@ANY_INCIDENT
@given(incident=incidents(edge_cases=True))
def test_any_generated_incident_is_exported_whole_or_left_out_with_its_problems(incident):
    """Any incident the kit generates either round-trips or is left out with its problems."""
    problems = incident_problems(incident, PROGRAM, PERIOD)
    result = nibrs_submission([incident], program=PROGRAM, period=PERIOD)
    disposition = incident.disposition
    if disposition is not None and disposition.kind is DispositionKind.UNFOUNDED:
        event("unfounded: never sent, so nothing to delete")
        assert result.problems == ()
        assert result.exported == ()
        assert {d.category for d in result.documents} <= {ReportCategory.ZERO}
        return
    if problems:
        event("left out")
        assert list(result.problems) == problems
        assert result.documents == ()
        assert result.entries == ()
        assert result.exported == ()
        return
    for document in result.documents:
        assert schema_errors(document.xml) == []
    if not result.exported:
        event("nothing NIBRS takes")
        assert result.not_reported == (incident.nibrs_number or incident.number,)
        return
    event("exported")
    _round_trip(incident)
