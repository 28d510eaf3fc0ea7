"""The FBI's official IEPD samples: each well-formed one imports and goes out again the same."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from nibrs_support import PROGRAM, differences, samples
from sro_core_nibrs import (
    group_a_report,
    group_b_reports,
    nibrs_submission,
    read_document,
    read_submission,
    render,
    schema_errors,
)
from sro_core_nibrs.reports import GroupAReport, GroupBReport, Header, Report, ReportAction

NOT_WELL_FORMED = "nibrs_GroupAReplace_Sample.xml"
"""The sample whose XML declaration follows a comment: not well-formed XML."""

EXPECTED_DIFFERENCES = {
    "nibrs_GroupBArrest_Sample.xml": {
        ".arrestee.multiple_arrestee": "arrestees[1].multiple_arrestee",
    },
}
"""Where a sample and its re-export differ, and the note of the import that says so.

GroupBArrest: element 44 is missing (recorded N). The arrest transaction number and the
arrestee's resident status are kept (``Arrest.transaction_number``, ``Arrest.resident_status``),
and so is every incident number (``Incident.nibrs_number``). Elements that are read but have no
place in the report model at all (officer data, cargo theft …) are listed as not kept by the
reader; ``test_what_the_samples_lose_is_listed`` checks those.
"""


def _header(action: ReportAction) -> Header:
    created = dt.datetime(2016, 3, 1, 9, tzinfo=dt.UTC)
    return Header("WVNDX0100", "2016-02", action, "sample-round-trip", created)


def _well_formed() -> list[str]:
    return [path.name for path in samples() if path.name != NOT_WELL_FORMED]


@pytest.fixture(params=_well_formed() or ["(no samples)"])
def sample(request: pytest.FixtureRequest) -> Path:
    """Return the path of one well-formed IEPD sample."""
    return next(p for p in samples() if p.name == request.param)


def test_every_sample_is_found():
    """The IEPD's seven samples are all there to be tested."""
    assert len(samples()) == 7


def test_the_ill_formed_sample_is_refused_with_its_line():
    """The Group A replace sample is not well-formed; its import says where and stops."""
    [path] = [p for p in samples() if p.name == NOT_WELL_FORMED]
    result = read_submission(path.read_bytes(), program=PROGRAM, reporting_officer_id=uuid.uuid4())
    assert result.incidents == ()
    [problem] = result.problems
    assert problem.rule.startswith("not well-formed XML")
    assert "line 18, column 0" in problem.rule


def test_a_sample_imports_and_re_exports_the_same_facts(sample):
    """Each well-formed sample imports keeping its number; re-exported, it has the same facts."""
    data = sample.read_bytes()
    original, trouble = read_document(data)
    assert trouble == []
    assert original is not None
    imported = read_submission(data, program=PROGRAM, reporting_officer_id=uuid.uuid4())
    assert imported.problems == ()
    action = original.header.action
    reports: list[Report] = []
    for incident in imported.incidents:
        assert incident.nibrs_number == imported.number_of(incident.id)
        if isinstance(original.report, GroupAReport):
            reports.append(group_a_report(incident, PROGRAM))
        reports += group_b_reports(incident, PROGRAM)
    reports += imported.deletions
    if imported.zero_reports:
        reports.append(original.report)
    again = [render(report, _header(action)) for report in reports]
    assert len(again) == 1
    assert schema_errors(again[0]) == []
    back, trouble = read_document(again[0])
    assert trouble == []
    assert back is not None
    found = differences(original.report, back.report)
    expected = EXPECTED_DIFFERENCES.get(sample.name, {})
    assert sorted(d.split(":")[0] for d in found) == sorted(expected), found
    notes = [n.field for n in (*original.not_kept, *imported.not_kept)]
    for where, note in expected.items():
        assert any(note in field for field in notes), (where, note, notes)


def test_group_b_sample_keeps_its_arrest_transaction_number():
    """The Group B sample's arrest comes back under its arrest transaction number, 12345."""
    [path] = [p for p in samples() if p.name == "nibrs_GroupBArrest_Sample.xml"]
    imported = read_submission(
        path.read_bytes(), program=PROGRAM, reporting_officer_id=uuid.uuid4()
    )
    [incident] = imported.incidents
    [report] = group_b_reports(incident, PROGRAM, number=imported.number_of(incident.id))
    assert isinstance(report, GroupBReport)
    assert report.arrestee.arrest_number == "12345"
    assert report.arrestee.offense_code == "90Z"
    assert incident.number is None  # 12345 is not a YYYY-NNNNNN number: a draft …
    assert incident.nibrs_number == "12345"  # … that keeps the number it was submitted under


def test_delete_and_zero_samples_are_listed_not_imported():
    """Delete and zero reports give no incidents; they are listed for the caller."""
    by_name = {p.name: p.read_bytes() for p in samples()}
    officer = uuid.uuid4()
    zero = read_submission(
        by_name["nibrs_ZeroReport_Sample.xml"], program=PROGRAM, reporting_officer_id=officer
    )
    assert zero.incidents == ()
    assert zero.zero_reports == ("2016-02",)
    deleted = read_submission(
        by_name["nibrs_IncidentDelete_Sample.xml"], program=PROGRAM, reporting_officer_id=officer
    )
    [deletion] = deleted.deletions
    assert deletion.number == "020160005029"


def test_samples_break_fbi_rules_that_the_export_reports():
    """Re-submitted through the rules, AllFields is left out for the FBI rules it breaks."""
    [path] = [p for p in samples() if p.name == "nibrs_AllFields_Sample.xml"]
    imported = read_submission(
        path.read_bytes(), program=PROGRAM, reporting_officer_id=uuid.uuid4()
    )
    result = nibrs_submission(
        imported.incidents,
        program=PROGRAM,
        period="2016-02",
        numbers=dict(imported.numbers),
    )
    assert result.documents == ()
    rules = {(p.field, p.rule.split(" (")[0]) for p in result.problems}
    assert ("54236732 involvements[0].victim.victim_type", "an officer victim") in {
        (f, r[:17]) for f, r in rules
    }
    fields = {p.field for p in result.problems}
    assert "54236732 disposition.exceptional_clearance" in fields
    assert "54236732 involvements[3].arrest.juvenile_disposition" in fields
    assert "54236732 property[5]" in fields


def test_group_a_incident_sample_goes_out_through_the_rules():
    """The Group A incident sample keeps the FBI rules checked here and goes out whole."""
    [path] = [p for p in samples() if p.name == "nibrs_GroupAIncident_Sample.xml"]
    imported = read_submission(
        path.read_bytes(), program=PROGRAM, reporting_officer_id=uuid.uuid4()
    )
    result = nibrs_submission(
        imported.incidents, program=PROGRAM, period="2016-02", numbers=dict(imported.numbers)
    )
    assert result.problems == ()
    assert result.exported == ("000054236732",)
    [document] = result.documents
    assert schema_errors(document.xml) == []


def test_what_the_samples_lose_is_listed():
    """Each element of the samples that the domain does not keep is listed with its path."""
    by_name = {p.name: p.read_bytes() for p in samples()}
    incident, _ = read_document(by_name["nibrs_GroupAIncident_Sample.xml"])
    assert incident is not None
    notes = {n.field.rsplit("/", 1)[-1]: n for n in incident.not_kept}
    assert notes["nc:Item[1]"].value == "NONE"
    assert "no property" in notes["nc:Item[1]"].rule
    assert notes["nc:YearMonthDate"].value == "1999-01"
    everything, _ = read_document(by_name["nibrs_AllFields_Sample.xml"])
    assert everything is not None
    lost = {n.field.rsplit("/", 1)[-1] for n in everything.not_kept}
    assert {
        "j:EnforcementOfficial",
        "j:OffenseCargoTheftIndicator",
        "j:VictimJustifiableHomicideFactorCode",
        "nc:ItemValue",
        "cjis:MessageSubmittingOrganization",
    } <= lost
