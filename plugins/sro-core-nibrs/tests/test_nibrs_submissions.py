"""Submissions: add, replace, delete and zero reports, the ledger, and the export format."""

from __future__ import annotations

import datetime as dt
import io
import logging
import tomllib
import uuid
import zipfile

import attrs
import pytest
from nibrs_cases import ARRESTEE, DAY, NUMBER, PERIOD, base, group_b, offender
from nibrs_support import PROGRAM, REPO, Ledger, Program, Settings, export_context
from sro_core_nibrs import (
    CrdcArrsExporter,
    NibrsConfigurationError,
    NibrsXmlExporter,
    SubmissionBuilder,
    held,
    nibrs_submission,
    read_document,
    schema_errors,
)
from sro_core_nibrs.reports import DeleteReport, ReportAction, ReportCategory, ZeroReport

from sro_core.builtin import BUILTIN_PLUGINS
from sro_core.domain import (
    Audience,
    Disposition,
    DispositionKind,
    DomainError,
    Incident,
    IncidentStatus,
    Offense,
    RuleViolation,
)
from sro_core.plugins import PluginHost
from sro_core.ports import Seen

NOW = dt.datetime(2026, 4, 2, 16, 0, tzinfo=dt.UTC)
PLUGIN = REPO / "plugins" / "sro-core-nibrs"


def submit(incidents, ledger, period=PERIOD):
    """Submit incidents and record what went out, as a department's monthly run does."""
    result = nibrs_submission(incidents, program=PROGRAM, period=period, submitted=ledger, now=NOW)
    result.write(io.BytesIO())
    ledger.extend(result.entries)
    return result


def actions(result):
    """Return (category, action, number) of each document of a submission."""
    return [(d.category, d.action, d.number) for d in result.documents]


A, B = ReportCategory.GROUP_A, ReportCategory.GROUP_B


def test_a_new_incident_is_an_incident_report_then_unchanged_then_replaced():
    """First sent as I; sent again unchanged, nothing goes; changed, it is replaced (R)."""
    ledger = []
    first = submit([base()], ledger)
    assert actions(first) == [(A, ReportAction.INCIDENT, NUMBER)]
    again = submit([base()], ledger)
    assert again.documents == ()
    assert again.unchanged == (NUMBER,)
    changed = base(offenses=(Offense("13B", weapons=("90",)),))
    third = submit([changed], ledger)
    assert actions(third) == [(A, ReportAction.REPLACE, NUMBER)]
    assert [e.action for e in ledger] == ["I", "R"]


def test_an_unfounded_incident_sent_before_is_deleted():
    """An incident found unfounded after it was sent is deleted; never sent, nothing goes."""
    ledger = []
    submit([base()], ledger)
    unfounded = base(
        status=IncidentStatus.CLOSED,
        disposition=Disposition(DispositionKind.UNFOUNDED, DAY + dt.timedelta(days=3)),
    )
    result = submit([unfounded], ledger, period="2026-04")
    assert actions(result) == [(A, ReportAction.DELETE, NUMBER)]
    document, _ = read_document(result.documents[0].xml)
    assert document is not None
    assert document.report == DeleteReport(A, NUMBER, dt.datetime.combine(DAY, dt.time(10)))
    assert held(ledger) == {}
    fresh = submit([base(number="2026-000200", disposition=unfounded.disposition,
                         status=IncidentStatus.CLOSED)], [])  # fmt: skip
    assert fresh.not_reported == ("2026-000200",)
    assert [d.category for d in fresh.documents] == [ReportCategory.ZERO]


def test_group_b_arrests_are_one_report_per_arrestee_and_deleted_by_sequence():
    """A Group B arrest report per arrestee (A); when it becomes Group A, each is deleted."""
    ledger = []
    second = offender(code="90C", roles=frozenset({ARRESTEE}))
    second = attrs.evolve(second, person=attrs.evolve(second.person, id=uuid.UUID(int=3)))
    arrests = group_b()
    arrests = attrs.evolve(arrests, involvements=(*arrests.involvements, second))
    result = submit([arrests], ledger)
    assert actions(result) == [(B, ReportAction.ADD, NUMBER), (B, ReportAction.ADD, NUMBER)]
    assert [d.sequence for d in result.documents] == [1, 2]
    assert all(schema_errors(d.xml) == [] for d in result.documents)
    now_group_a = submit([base()], ledger, period="2026-04")
    assert actions(now_group_a) == [
        (A, ReportAction.INCIDENT, NUMBER),
        (B, ReportAction.DELETE, NUMBER),
        (B, ReportAction.DELETE, NUMBER),
    ]
    deleted, _ = read_document(now_group_a.documents[1].xml)
    assert deleted is not None
    assert deleted.report == DeleteReport(B, NUMBER, sequence=1, arrested_on=DAY)
    assert [k[1] for k in held(ledger)] == [A.value]


def test_a_month_with_nothing_to_report_is_a_zero_report_once():
    """No incident: a zero report for the month; the same month again: nothing more."""
    ledger = []
    result = submit([], ledger)
    [document] = result.documents
    assert (document.category, document.action, document.number) == (
        ReportCategory.ZERO,
        ReportAction.ADD,
        PERIOD,
    )
    read, _ = read_document(document.xml)
    assert read is not None
    assert read.report == ZeroReport()
    assert read.header.period == PERIOD
    assert read.header.ori == PROGRAM.settings.agency_ori
    assert submit([], ledger).documents == ()


def test_a_month_with_incidents_held_back_is_no_zero_month():
    """A month whose incidents broke rules gets no zero report: it has crimes to report."""
    ledger = []
    broken = base(offenses=(Offense("13B", attempted=True),))
    assert submit([broken], ledger).documents == ()
    assert ledger == []


def test_incidents_sent_before_unchanged_leave_a_new_month_at_zero():
    """March's incident, passed again in April unchanged, sends nothing; April is zero."""
    ledger = []
    submit([base()], ledger)
    april = submit([base()], ledger, period="2026-04")
    assert april.unchanged == (NUMBER,)
    assert [d.category for d in april.documents] == [ReportCategory.ZERO]


def test_a_month_of_non_crimes_is_a_zero_report():
    """Incidents with no NIBRS offense (a welfare check) leave the month at zero."""
    welfare = base(offenses=(), involvements=(), category="welfare_check")
    result = submit([welfare], [])
    assert result.not_reported == (NUMBER,)
    assert [d.category for d in result.documents] == [ReportCategory.ZERO]


def test_the_message_names_the_program_ori_period_and_time():
    """The metadata carries the ORI of the program's settings, the period and the time."""
    result = submit([base()], [])
    read, _ = read_document(result.documents[0].xml)
    assert read is not None
    assert read.header.ori == "WVNDX0100"
    assert read.header.period == PERIOD
    assert read.header.created == dt.datetime(
        2026, 4, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-7))
    )
    assert uuid.UUID(read.header.message_id)


def test_a_program_without_an_ori_cannot_submit():
    """Without agency_ori in the settings there is no submission, and the error says so."""
    program = Program(settings=Settings(agency_ori=None))
    with pytest.raises(NibrsConfigurationError, match="agency_ori is not set"):
        nibrs_submission([base()], program=program, period=PERIOD)


def test_a_period_reads_year_and_month():
    """A period that is not YYYY-MM is refused."""
    with pytest.raises(RuleViolation, match="YYYY-MM"):
        nibrs_submission([], program=PROGRAM, period="2026-13")


def test_nothing_is_recorded_when_the_documents_cannot_be_written():
    """A write that fails raises before anyone could record the entries it holds."""

    class Full(io.BytesIO):
        def write(self, _data, /):
            raise OSError("disk full")

    result = nibrs_submission([base()], program=PROGRAM, period=PERIOD)
    with pytest.raises(OSError, match="disk full"):
        result.write(Full())
    assert [e.number for e in result.entries] == [NUMBER]


def test_imported_numbers_are_reported_under_their_own_number():
    """A draft imported under another system's number is reported under that number."""
    draft = base(status=IncidentStatus.DRAFT, number=None)
    result = nibrs_submission(
        [draft],
        program=PROGRAM,
        period=PERIOD,
        numbers={draft.id: "54236732"},
    )
    assert result.exported == ("54236732",)


# --- the export formats ---------------------------------------------------------------------


def test_the_nibrs_format_writes_a_zip_of_valid_documents_as_a_preview(tmp_path, caplog):
    """nibrs-xml streams a zip of valid documents, logs what it left out, and writes no ledger."""
    exporter = NibrsXmlExporter(period=PERIOD)
    broken = base(number="2026-000999", offenses=(Offense("13B", attempted=True),))
    records = (Seen(i) for i in (base(), broken))
    target = tmp_path / "nibrs.zip"
    with caplog.at_level(logging.WARNING, logger="sro_core_nibrs"), target.open("wb") as out:
        written = exporter.write(records, out, export_context())
    assert written == 1
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert names == [f"0001-A-I-{NUMBER}.xml"]
        assert schema_errors(archive.read(names[0])) == []
    assert "2026-000999 offenses[0].attempted" in caplog.text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nibrs.zip"]


def _preview(ledger: Ledger, *incidents: Incident, **options: str) -> list[str]:
    """Return the documents nibrs-xml writes for the incidents, with the ledger as it is."""
    out = io.BytesIO()
    context = export_context(ledger=ledger, now=NOW, **options)
    NibrsXmlExporter(period=PERIOD).write((Seen(i) for i in incidents), out, context)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        return archive.namelist()


def test_the_nibrs_preview_plans_against_the_ledger_only_when_asked():
    """against=ledger leaves out what was sent unchanged and replaces what changed; else all new."""
    ledger = Ledger()
    submit([base()], ledger.held)
    assert _preview(ledger, base()) == [f"0001-A-I-{NUMBER}.xml"]
    assert _preview(ledger, base(), against="ledger") == []
    changed = base(offenses=(Offense("13B", weapons=("90",)),))
    assert _preview(ledger, changed, against="ledger") == [f"0001-A-R-{NUMBER}.xml"]
    assert len(ledger.held) == 1, "a preview records nothing"
    with pytest.raises(DomainError, match=r"against takes ledger \(got 'store'\)"):
        _preview(ledger, base(), against="store")


def test_the_nibrs_documents_are_stamped_with_the_exports_time():
    """MessageDateTime is the context's time on the program's clock, not the wall clock's."""
    out = io.BytesIO()
    NibrsXmlExporter(period=PERIOD).write([Seen(base())], out, export_context(now=NOW))
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        xml = archive.read(archive.namelist()[0]).decode()
    stamp = PROGRAM.calendar.local(NOW).isoformat(timespec="seconds")
    assert f"<cjis:MessageDateTime>{stamp}</cjis:MessageDateTime>" in xml


def test_the_formats_declare_their_audiences_and_streams():
    """nibrs-xml serves the department only, in bytes; crdc-arrs the department and analysts."""
    nibrs, crdc = NibrsXmlExporter(), CrdcArrsExporter()
    assert (nibrs.name, nibrs.media_type, nibrs.binary) == ("nibrs-xml", "application/zip", True)
    assert nibrs.audiences == frozenset({Audience.DEPARTMENT})
    assert (crdc.name, crdc.media_type, crdc.binary) == ("crdc-arrs", "text/csv", False)
    assert crdc.audiences == frozenset({Audience.DEPARTMENT, Audience.AGGREGATE})


def test_the_plugin_registers_both_formats_through_the_hook():
    """Loaded like an installed plugin, the module registers nibrs-xml and crdc-arrs."""
    host = PluginHost.load(builtins=(*BUILTIN_PLUGINS, "sro_core_nibrs.plugin"), entry_points=False)
    registry = host.exporter_registry()
    assert isinstance(registry.get("nibrs-xml"), NibrsXmlExporter)
    assert isinstance(registry.get("crdc-arrs"), CrdcArrsExporter)
    assert registry.plugin("nibrs-xml") == "sro_core_nibrs.plugin"


def test_the_entry_point_and_build_backend_are_declared():
    """pyproject.toml names the sro_core entry point nibrs and the hatchling backend."""
    project = tomllib.loads((PLUGIN / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["entry-points"]["sro_core"] == {"nibrs": "sro_core_nibrs.plugin"}
    assert project["build-system"]["build-backend"] == "hatchling.build"


def test_an_incident_with_its_ages_hidden_is_left_out():
    """Rows whose dates of birth were hidden from the actor are left out, not sent unknown."""
    exporter = NibrsXmlExporter(period=PERIOD)
    hidden = frozenset({"involvements[1].person.date_of_birth", "narrative"})
    out = io.BytesIO()
    assert exporter.write([Seen(base(), hidden)], out, export_context()) == 0
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        assert archive.namelist() == []


def test_hidden_person_fields_are_named_as_problems():
    """The builder names each hidden NIBRS field of the incident it leaves out."""
    builder = SubmissionBuilder(PROGRAM, PERIOD, now=NOW)
    assert builder.add(base(), hidden=["involvements[1].person.date_of_birth"]) == []
    [problem] = builder.result().problems
    assert problem.field == f"{NUMBER} involvements[1].person.date_of_birth"
    assert "juvenile-records permission" in problem.rule


def test_an_incident_given_twice_goes_once():
    """The same incident passed twice is sent once; the second is named as given twice."""
    same = base()
    result = nibrs_submission([same, same], program=PROGRAM, period=PERIOD)
    assert result.exported == (NUMBER,)
    [problem] = result.problems
    assert "given twice" in problem.rule


def test_a_group_b_offense_in_a_group_a_incident_is_a_warning():
    """A Group B offense beside a Group A one is not sent, and the warning says so."""
    both = base(offenses=(Offense("13B"), Offense("90C")))
    result = nibrs_submission([both], program=PROGRAM, period=PERIOD)
    assert result.exported == (NUMBER,)
    [warning] = result.warnings
    assert warning.field == f"{NUMBER} offenses[1].ucr_code"
    assert "arrest charge only" in warning.rule


def test_documents_are_numbered_in_the_order_written():
    """Each document of a submission has its own running number in its file name."""
    ledger = []
    submit([group_b()], ledger)
    result = submit([base(), base(number="2026-000124", id=uuid.uuid4())], ledger, period="2026-04")
    names = [d.name for d in result.documents]
    assert [name[:4] for name in names] == ["0001", "0002", "0003"]
    assert len(set(names)) == 3


def test_an_unfounded_incident_is_deleted_whatever_else_it_breaks():
    """Found unfounded, a sent incident is deleted by its number even if its facts break rules."""
    ledger = []
    submit([base()], ledger)
    unfounded = base(
        offenses=(Offense("13B", attempted=True),),
        status=IncidentStatus.CLOSED,
        disposition=Disposition(DispositionKind.UNFOUNDED, DAY),
    )
    result = submit([unfounded], ledger)
    assert result.problems == ()
    assert actions(result) == [(A, ReportAction.DELETE, NUMBER)]


def test_an_incident_gone_from_the_store_is_deleted_by_the_number_the_fbi_holds():
    """What was sent for an incident no longer in the store goes out as a delete (D)."""
    ledger = []
    sent = base()
    submit([sent], ledger)
    builder = SubmissionBuilder(PROGRAM, "2026-04", ledger, now=NOW)
    [document] = builder.gone(sent.id)
    assert (document.category, document.action, document.number) == (A, ReportAction.DELETE, NUMBER)
    assert schema_errors(document.xml) == []
    assert builder.result().exported == (NUMBER,)
    assert held([*ledger, *builder.result().entries]) == {}
