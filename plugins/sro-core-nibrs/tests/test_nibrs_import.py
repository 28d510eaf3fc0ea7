"""NIBRS import: what cannot be read is named precisely, and nothing partial comes back."""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile
from xml.etree import ElementTree as ET

import attrs
from nibrs_cases import NUMBER, PERIOD, base, offender, victim
from nibrs_support import PROGRAM, Program, Settings
from sro_core_nibrs import group_a_report, nibrs_submission, read_submission
from sro_core_nibrs.reports import Header, ReportAction
from sro_core_nibrs.writer import qname, submission_element, to_bytes

from sro_core.domain import IncidentStatus, LocationKind, Offense, PersonKind

OFFICER = uuid.UUID(int=42)
CREATED = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
HEADER = Header("WVNDX0100", PERIOD, ReportAction.INCIDENT, "m-1", CREATED)


def exported(*incidents) -> list[bytes]:
    """Return the documents of a submission of incidents."""
    result = nibrs_submission(incidents, program=PROGRAM, period=PERIOD)
    assert result.problems == ()
    return [d.xml for d in result.documents]


def read(data: bytes, **options):
    """Import a submission as the test program."""
    return read_submission(
        data, program=options.pop("program", PROGRAM), reporting_officer_id=OFFICER, **options
    )


def test_own_numbers_come_back_reported_and_foreign_ones_as_drafts():
    """A YYYY-NNNNNN number is kept with the incident reported; another makes a draft."""
    [document] = exported(base())
    [incident] = read(document).incidents
    assert (incident.number, incident.status) == (NUMBER, IncidentStatus.REPORTED)
    foreign = document.replace(NUMBER.encode(), b"54236732")
    result = read(foreign)
    [draft] = result.incidents
    assert (draft.number, draft.status) == (None, IncidentStatus.DRAFT)
    assert result.number_of(draft.id) == "54236732"


def test_what_the_import_fills_in_is_the_callers_choice():
    """Officer, category, school and kind of person come from the caller; school codes on campus."""
    [document] = exported(base())
    school = uuid.uuid4()
    [incident] = read(
        document, category="fight", school_id=school, person_kind=PersonKind.STUDENT
    ).incidents
    assert incident.reporting_officer_id == OFFICER
    assert (incident.category, incident.school_id) == ("fight", school)
    assert incident.location.kind is LocationKind.ON_CAMPUS
    assert {i.person.kind for i in incident.involvements} == {PersonKind.STUDENT}
    [elsewhere] = read(document).incidents
    assert elsewhere.location.kind is LocationKind.COMMUNITY


def test_a_document_that_is_not_xml_is_named_with_its_line():
    """Broken XML gives one problem with its line and column, and no incident."""
    result = read(b"<nibrs:Submission>\n<oops></nibrs:Submission>")
    assert result.incidents == ()
    [problem] = result.problems
    assert problem.rule.startswith("not well-formed XML")
    assert "line 1" in problem.rule


def test_a_document_that_breaks_the_schema_is_named_by_path():
    """A code the schema does not know is named by the XPath of its element."""
    [document] = exported(base())
    wrong = document.replace(b"<j:ArrestCategoryCode>T<", b"<j:ArrestCategoryCode>Q<")
    result = read(wrong)
    assert result.incidents == ()
    [problem] = result.problems
    assert problem.field == "/nibrs:Submission/nibrs:Report/j:Arrest/j:ArrestCategoryCode"
    assert "not valid against nibrs.xsd" in problem.rule


def test_a_reference_to_nothing_is_refused():
    """An s:ref to an element that is not in the report is refused."""
    [document] = exported(base())
    wrong = document.replace(b'nc:RoleOfPerson s:ref="Person2"', b'nc:RoleOfPerson s:ref="Nobody"')
    result = read(wrong)
    assert result.incidents == ()
    assert any("Nobody" in p.rule for p in result.problems)


def test_a_report_of_another_agency_is_refused():
    """Reports carry the program's ORI; another agency's are refused by name."""
    [document] = exported(base())
    other = Program(settings=Settings(agency_ori="CA0200200"))
    result = read(document, program=other)
    assert result.incidents == ()
    [problem] = result.problems
    assert problem.field == "nibrs:ReportingAgency"
    assert problem.value == "WVNDX0100"
    assert "CA0200200" in problem.rule


def test_one_bad_document_in_an_archive_stops_the_whole_import():
    """In a zip, one bad document means no incident at all, and the problem names the file."""
    good, other = exported(base()), exported(base(number="2026-000124", id=uuid.uuid4()))
    broken = other[0].replace(b"<j:ArrestCategoryCode>T<", b"<j:ArrestCategoryCode>Q<")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("a.xml", good[0])
        out.writestr("b.xml", broken)
    result = read(archive.getvalue())
    assert result.incidents == ()
    [problem] = result.problems
    assert problem.field.startswith("b.xml/nibrs:Submission")


def test_an_archive_of_good_documents_imports_every_incident():
    """A whole submission archive comes back, one incident per Group A report."""
    first, second = base(), base(number="2026-000124", id=uuid.uuid4())
    result = nibrs_submission([first, second], program=PROGRAM, period=PERIOD)
    imported = read(result.archive())
    assert imported.problems == ()
    assert sorted(i.number or "" for i in imported.incidents) == [NUMBER, "2026-000124"]


def test_an_element_the_domain_does_not_keep_is_listed_with_its_path():
    """A valid element the import does not read is listed as not kept, with its path."""
    [document] = exported(base())
    sequence = b"<j:ArrestSequenceID>1</j:ArrestSequenceID>"
    indicator = b"<j:ArresteeClearanceIndicator>true</j:ArresteeClearanceIndicator>"
    result = read(document.replace(sequence, sequence + indicator))
    assert result.problems == ()
    [note] = [n for n in result.not_kept if "ArresteeClearanceIndicator" in n.field]
    arrestee = "/nibrs:Submission/nibrs:Report/j:Arrestee[@s:id='Arrestee1']"
    assert note.field == f"{arrestee}/j:ArresteeClearanceIndicator"
    assert note.value == "true"
    assert note.rule.startswith("not kept")


def test_offenses_at_two_places_are_refused():
    """The domain records one place per incident: offenses at two locations are refused."""
    two = base(offenses=(Offense("13B"), Offense("13C")))
    two = attrs.evolve(two, involvements=(victim(codes=("13B", "13C")), offender()))
    root = submission_element(group_a_report(two, PROGRAM), HEADER)
    report = root.find(qname("nibrs:Report"))
    assert report is not None
    first = report.find(qname("nc:Location"))
    assert first is not None
    second = ET.Element(qname("nc:Location"), {qname("s:id"): "Location2"})
    ET.SubElement(second, qname("nibrs:LocationCategoryCode")).text = "18"
    report.insert(list(report).index(first) + 1, second)
    link = report.findall(qname("j:OffenseLocationAssociation"))[1]
    pointer = link.find(qname("nc:Location"))
    assert pointer is not None
    pointer.set(qname("s:ref"), "Location2")
    result = read(to_bytes(root))
    assert result.incidents == ()
    [problem] = result.problems
    assert problem.value == ["18", "53"]
    assert "one location code" in problem.rule


def test_an_imported_juvenile_arrestee_needs_a_disposition():
    """Imported records keep the domain's rules: a 15-year-old arrestee needs a disposition."""
    [document] = exported(base())
    without = document.replace(
        b"<j:ArresteeJuvenileDispositionCode>H</j:ArresteeJuvenileDispositionCode>", b""
    )
    result = read(without)
    assert result.incidents == ()
    [problem] = result.problems
    assert problem.field == "involvements[1].arrest.juvenile_disposition"
    assert "juvenile disposition" in problem.rule


def test_entities_and_outside_files_are_refused_not_fetched():
    """A document declaring entities or pointing at a file is refused, and nothing is read."""
    laughs = b'<!DOCTYPE l [<!ENTITY a "ha"><!ENTITY b "&a;&a;">]><l>&b;</l>'
    outside = b'<!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>'
    for document in (laughs, outside):
        result = read(document)
        assert result.incidents == ()
        [problem] = result.problems
        assert problem.rule.startswith("refused")


def test_bytes_that_look_like_a_path_are_not_opened():
    """Text that is not XML is reported as not XML, never read as a file name."""
    [problem] = read(b"/etc/hostname").problems
    assert problem.rule.startswith("not well-formed XML")
