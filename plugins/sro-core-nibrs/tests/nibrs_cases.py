"""A hand-built school incident that keeps every pre-export rule, for tests to break."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

import attrs
from nibrs_support import student

from sro_core.domain import (
    Arrest,
    CampusZone,
    Incident,
    IncidentStatus,
    Involvement,
    InvolvementRole,
    JuvenileDisposition,
    Location,
    LocationKind,
    Offense,
    Relationship,
    Sex,
    VictimDetails,
)

PACIFIC = zoneinfo.ZoneInfo("America/Los_Angeles")
DAY = dt.date(2026, 3, 10)
START = dt.datetime(2026, 3, 10, 10, 30, tzinfo=PACIFIC)
NUMBER = "2026-000123"
PERIOD = "2026-03"
OFFENDER_ID = uuid.UUID(int=2)
VICTIM, OFFENDER, ARRESTEE = (
    InvolvementRole.VICTIM,
    InvolvementRole.OFFENDER,
    InvolvementRole.ARRESTEE,
)


def victim(
    victim_type: str = "I", codes: tuple[str, ...] = ("13B",), *, number: int = 1
) -> Involvement:
    """Return a student victim of a type, connected to offenses, related to the offender."""
    details = VictimDetails(
        victim_type,
        codes,
        injuries=("M",),
        relationships=(Relationship(OFFENDER_ID, "Acquaintance"),),
        resident_status="R",
    )
    person = attrs.evolve(
        student(born=dt.date(2011, 5, 1), sex=Sex.FEMALE), id=uuid.UUID(int=number)
    )
    return Involvement(person, frozenset({VICTIM}), victim=details)


def offender(
    *,
    born: dt.date = dt.date(2010, 2, 1),
    code: str = "13B",
    arrested_on: dt.date = DAY,
    disposition: JuvenileDisposition | None = JuvenileDisposition.HANDLED_WITHIN_DEPARTMENT,
    sex: Sex = Sex.MALE,
    roles: frozenset[InvolvementRole] = frozenset({OFFENDER, ARRESTEE}),
) -> Involvement:
    """Return the student offender, arrested (a juvenile, handled within the department)."""
    person = attrs.evolve(student(born=born, sex=sex), id=OFFENDER_ID)
    arrest = Arrest(arrested_on, code, "T", ("01",), disposition) if ARRESTEE in roles else None
    return Involvement(person, roles, arrest=arrest)


def base(**changes: object) -> Incident:
    """Return a simple assault in a school hallway that keeps every rule, changed as asked."""
    incident = Incident(
        reporting_officer_id=uuid.UUID(int=99),
        occurred_start=START,
        reported_at=START + dt.timedelta(hours=1),
        location=Location(LocationKind.ON_CAMPUS, "53", CampusZone.HALLWAY),
        category="fight",
        school_id=uuid.UUID(int=7),
        offenses=(Offense("13B", weapons=("40",)),),
        involvements=(victim(), offender()),
        status=IncidentStatus.REPORTED,
        number=NUMBER,
    )
    return attrs.evolve(incident, **changes)


def group_b(code: str = "90C", arrest_code: str = "90C") -> Incident:
    """Return a disorderly conduct arrest: Group B only."""
    return base(
        offenses=(Offense(code),),
        involvements=(offender(code=arrest_code, roles=frozenset({ARRESTEE})),),
    )
