"""The NIBRS and CRDC formats through the Program's own export, on a real store."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from sro_core_nibrs.schema import schema_errors

from sro_core import PluginHost, Program, ProgramSettings
from sro_core.domain import (
    Actor,
    ActorRole,
    Arrest,
    Demographics,
    Disposition,
    DispositionKind,
    GradeSpan,
    Incident,
    Involvement,
    InvolvementRole,
    JuvenileDisposition,
    Location,
    LocationKind,
    Offense,
    Officer,
    Permission,
    Person,
    PersonKind,
    Race,
    School,
    SchoolLevel,
    SchoolYear,
    Sex,
    VictimDetails,
)
from sro_core.ports import IncidentFilter
from sro_core.service import AccessDenied

PACIFIC = dt.timezone(dt.timedelta(hours=-7))
SERGEANT = Actor(
    id="sgt",
    name="Sgt",
    role=ActorRole.SUPERVISOR,
    permissions=frozenset({Permission.JUVENILE_RECORDS}),
)
ANALYST = Actor(id="analyst", name="Analyst", role=ActorRole.ANALYST)


@pytest.fixture
def program(tmp_path: Path) -> Program:
    """Return a program in a SQLite file with a juvenile arrest after a fight at school."""
    host = PluginHost.load(only=("nibrs",))
    settings = ProgramSettings(agency_ori="CA0200200", notifiers=())
    program = Program.open(f"sqlite:///{tmp_path / 'sro.db'}", settings, plugins=host)
    officer = program.register_officer(SERGEANT, Officer(badge="1", name="Dana Reyes"))
    school = program.register_school(
        SERGEANT, School("High", "District", SchoolLevel.HIGH, GradeSpan(9, 12))
    )
    known = Demographics(Sex.MALE, frozenset({Race.WHITE}), hispanic_or_latino=False, idea=True)
    offender = Person(PersonKind.STUDENT, "B", dt.date(2010, 1, 20), grade=10, demographics=known)
    victim = Person(
        PersonKind.STUDENT,
        "C",
        dt.date(2010, 6, 1),
        grade=10,
        demographics=Demographics(Sex.FEMALE, frozenset({Race.BLACK}), hispanic_or_latino=False),
    )
    day = dt.date(2026, 9, 14)
    incident = program.report_incident(
        SERGEANT,
        Incident(
            reporting_officer_id=officer.id,
            occurred_start=dt.datetime(2026, 9, 14, 12, tzinfo=PACIFIC),
            reported_at=dt.datetime(2026, 9, 14, 13, tzinfo=PACIFIC),
            location=Location(LocationKind.ON_CAMPUS, "53"),
            school_id=school.id,
            category="fight",
            offenses=(Offense("13B", weapons=("40",)),),
            involvements=(
                Involvement(
                    offender,
                    frozenset({InvolvementRole.OFFENDER, InvolvementRole.ARRESTEE}),
                    arrest=Arrest(
                        day,
                        "13B",
                        juvenile_disposition=JuvenileDisposition.HANDLED_WITHIN_DEPARTMENT,
                    ),
                ),
                Involvement(
                    victim,
                    frozenset({InvolvementRole.VICTIM}),
                    victim=VictimDetails(offense_codes=("13B",), injuries=("M",)),
                ),
            ),
            referred_to_law_enforcement=True,
            school_related_arrest=True,
        ),
    )
    program.close_incident(SERGEANT, incident.id, Disposition(DispositionKind.ARREST, day))
    return program


def test_the_program_exports_a_valid_nibrs_submission(program: Program, tmp_path: Path) -> None:
    """program.export hands whole incidents to nibrs-xml; each document validates."""
    target = tmp_path / "september.zip"
    with target.open("wb") as out:
        written = program.export(
            SERGEANT,
            "nibrs-xml",
            out,
            where=IncidentFilter(),
            options={"period": "2026-09"},
        )
    assert written == 1
    with zipfile.ZipFile(target) as archive:
        documents = [archive.read(name) for name in archive.namelist()]
    assert documents
    assert all(schema_errors(document) == [] for document in documents)
    code = b"<j:ArresteeJuvenileDispositionCode>H</j:ArresteeJuvenileDispositionCode>"
    assert any(code in document for document in documents)
    assert not list(tmp_path.glob("*.jsonl"))
    assert program.submitted_reports(SERGEANT) == []  # a preview: nothing recorded


def test_analysts_get_the_crdc_table_but_no_nibrs(program: Program) -> None:
    """An analyst may export the CRDC counts (suppressed), never the NIBRS incidents."""
    out = io.StringIO()
    program.export(ANALYST, "crdc-arrs", out, school_year=SchoolYear(2026))
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert "High" in row.values()
    assert "suppressed" in row.values()
    with pytest.raises(AccessDenied):
        program.export(ANALYST, "nibrs-xml", io.BytesIO())
