"""Shared helpers of the plugin's tests: a program context, the IEPD samples, a strategy."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import strategies as st
from sro_core_nibrs.submissions import DEFAULT_NOW

from sro_core.codes import (
    ALWAYS_COMPLETED_OFFENSES,
    GROUP_A_OFFENSES,
    GROUP_B_OFFENSES,
    RETIRED_OFFENSES,
    CodeTables,
    CrimeAgainst,
    crime_against,
    default_tables,
)
from sro_core.domain import (
    PERSON_VICTIM_TYPES,
    SOCIETY,
    Actor,
    ActorRole,
    AgeRange,
    Demographics,
    Disposition,
    DispositionKind,
    Incident,
    IncidentStatus,
    Involvement,
    InvolvementRole,
    JuvenileDisposition,
    NonPersonVictim,
    Offense,
    Person,
    PersonKind,
    ProgramCalendar,
    Relationship,
    Sex,
    against_society,
    incident_number,
)
from sro_core.ports import ExportContext, SubmittedReport
from sro_core.testing import strategies as kit

REPO = Path(__file__).resolve().parents[3]
ORI = "WVNDX0100"
"""The ORI of the IEPD's samples, which the test program reports as."""
PERIOD = "2041-03"
"""A reporting period after every date the strategies draw (to 2040, plus arrests and closing)."""


@attrs.frozen
class Settings:
    """The program settings a plugin may read."""

    name: str = "Test SRO Program"
    time_zone: str = "America/Los_Angeles"
    agency_ori: str | None = ORI
    suppression_threshold: int = 10


@attrs.frozen
class Program:
    """A program context as hooks and exporters receive it."""

    calendar: ProgramCalendar = attrs.field(factory=ProgramCalendar)
    code_tables: CodeTables = attrs.field(factory=default_tables)
    settings: Settings = attrs.field(factory=Settings)


PROGRAM = Program()
CLERK = Actor(id="clerk.kim", name="R. Kim", role=ActorRole.RECORDS_CLERK)
"""A records clerk: exports for the department."""
ANALYST = Actor(id="analyst.ng", name="T. Ng", role=ActorRole.ANALYST)
"""An analyst: exports aggregates."""


@attrs.frozen
class Ledger:
    """A submission ledger held in a list, as an export's context reads it."""

    held: list[SubmittedReport] = attrs.field(factory=list)

    def reports(self, ori: str | None = None) -> list[SubmittedReport]:
        """Return the reports recorded for an ORI (or all)."""
        return [r for r in self.held if ori is None or r.ori == ori]


def export_context(
    actor: Actor = CLERK,
    program: Any = PROGRAM,
    ledger: Ledger | None = None,
    now: dt.datetime = DEFAULT_NOW,
    **options: str,
) -> ExportContext:
    """Return the context an export by the actor is written with, its options as given."""
    return ExportContext(actor, program, now, options, ledger or Ledger())


SHARED_IEPD = Path("shared") / "nibrs-iepd-2019.1"
"""Where the IEPD lies beside a clone of the repository on the project's machines."""
SAMPLES = Path(__file__).parent / "iep-sample"
"""The IEPD's official samples, copied unchanged into the repository (see its NOTICE.txt)."""


def iepd() -> Path | None:
    """Return the whole NIBRS IEPD 2019.1 folder: ``$SRO_NIBRS_IEPD``, or ``shared/`` near us."""
    named = os.environ.get("SRO_NIBRS_IEPD")
    candidates = (
        [Path(named)] if named else [REPO.parent / SHARED_IEPD, Path("/work") / SHARED_IEPD]
    )
    return next((c for c in candidates if (c / "base-xsd").is_dir()), None)


needs_iepd = pytest.mark.skipif(
    iepd() is None,
    reason="the NIBRS IEPD 2019.1 is not here: set SRO_NIBRS_IEPD to its folder",
)


def samples() -> list[Path]:
    """Return the IEPD's seven sample documents, as copied into the repository."""
    return sorted(SAMPLES.glob("*.xml"))


def differences(before: Any, after: Any, path: str = "") -> list[str]:
    """Return every field where two values differ, as ``path: before != after``."""
    if attrs.has(type(before)) and type(before) is type(after):
        return [
            line
            for field in attrs.fields(type(before))
            for line in differences(
                getattr(before, field.name), getattr(after, field.name), f"{path}.{field.name}"
            )
        ]
    if isinstance(before, tuple | list) and isinstance(after, tuple | list):
        if len(before) != len(after):
            return [f"{path}: {len(before)} items != {len(after)} items"]
        return [
            line
            for n, (a, b) in enumerate(zip(before, after, strict=True))
            for line in differences(a, b, f"{path}[{n}]")
        ]
    if isinstance(before, dict) and isinstance(after, dict) and before.keys() == after.keys():
        return [line for k in before for line in differences(before[k], after[k], f"{path}.{k}")]
    return [] if before == after else [f"{path}: {before!r} != {after!r}"]


# --- a strategy for incidents that keep every pre-export rule ---------------------------------

VICTIM_TYPES = tuple(c.value for c in default_tables().get("nibrs.victim_type"))
OFFICER_OFFENSES = frozenset({"09A", "13A", "13B", "13C"})
GROUP_A = sorted(GROUP_A_OFFENSES - RETIRED_OFFENSES)
GROUP_B = sorted(GROUP_B_OFFENSES - RETIRED_OFFENSES)


def victim_types(code: str) -> frozenset[str]:
    """Return the victim types the FBI accepts for an offense, by whom it is against."""
    against = crime_against(code)
    if against is CrimeAgainst.PERSON:
        return frozenset({"I", "L"} if code in OFFICER_OFFENSES else {"I"})
    if against is CrimeAgainst.SOCIETY:
        return frozenset({"S"})
    others = frozenset(VICTIM_TYPES) - {"L"}
    return others - {"S"} if against is CrimeAgainst.PROPERTY else others


def _person(
    draw: st.DrawFn, day: dt.date, number: int, *, arrestee: bool
) -> tuple[Person, AgeRange | None]:
    """Draw the ``number``-th person of an incident (ids are unique by construction)."""
    years = draw(st.integers(1, 80) | st.none())
    born = None
    if years is not None:
        born = day - dt.timedelta(days=years * 365 + draw(st.integers(0, 300)))
    person = draw(kit.people(born=st.just(born), person_id=uuid.UUID(int=number)))
    if arrestee and person.demographics.sex is Sex.UNKNOWN:
        sex = draw(st.sampled_from([Sex.MALE, Sex.FEMALE]))
        person = attrs.evolve(person, demographics=attrs.evolve(person.demographics, sex=sex))
    estimate = None
    if born is None and draw(st.booleans()):
        low = draw(st.integers(0, 99))
        estimate = AgeRange(low, draw(st.integers(low, low + 15)))
    return person, estimate


def _arrest_of(
    draw: st.DrawFn, person: Person, estimate: AgeRange | None, day: dt.date, codes: list[str]
) -> Involvement:
    witness = Involvement(person, frozenset({InvolvementRole.WITNESS}), estimated_age=estimate)
    juvenile = witness.is_juvenile(day)
    arrest = draw(kit.arrests(offense_codes=codes, not_before=day, juvenile=juvenile))
    if not juvenile:
        arrest = attrs.evolve(arrest, juvenile_disposition=None)
    elif arrest.juvenile_disposition is None:
        arrest = attrs.evolve(
            arrest, juvenile_disposition=JuvenileDisposition.REFERRED_TO_OTHER_AUTHORITIES
        )
    return Involvement(
        person, frozenset({InvolvementRole.ARRESTEE}), arrest=arrest, estimated_age=estimate
    )


def _offenses(draw: st.DrawFn, codes: list[str]) -> list[Offense]:
    result = []
    for code in codes:
        offense = draw(kit.offenses(ucr_code=code))
        if code in ALWAYS_COMPLETED_OFFENSES:
            offense = attrs.evolve(offense, attempted=False)
        result.append(offense)
    return result


def _victims(
    draw: st.DrawFn, day: dt.date, codes: list[str], offenders: list[uuid.UUID]
) -> tuple[list[Involvement], list[NonPersonVictim]]:
    """Draw victims so that each offense has one, each of a type its offenses accept.

    A crime against society may be left without one: society is its victim by rule.
    """
    victims: list[Involvement] = []
    others_not_people: list[NonPersonVictim] = []
    unserved = [c for c in codes if not (against_society(c) and draw(st.booleans()))]
    while unserved or (len(victims) < 3 and draw(st.booleans())):
        first = unserved[0] if unserved else draw(st.sampled_from(codes))
        victim_type = draw(st.sampled_from(sorted(victim_types(first))))
        if victim_type == SOCIETY and any(v.victim_type == SOCIETY for v in others_not_people):
            unserved = [c for c in unserved if c != first]
            continue
        others = [c for c in codes if c != first and victim_type in victim_types(c)]
        connected = {
            first,
            *draw(st.lists(st.sampled_from(others), unique=True) if others else st.just([])),
        }
        unserved = [c for c in unserved if c not in connected]
        if victim_type not in PERSON_VICTIM_TYPES:
            name = draw(st.none() | st.sampled_from(["Main Street Market", "First Valley Bank"]))
            others_not_people.append(
                NonPersonVictim(
                    victim_type,
                    tuple(sorted(connected)),
                    name,
                    uuid.UUID(int=500 + len(others_not_people)),
                )
            )
            continue
        person, estimate = _person(draw, day, 100 + len(victims), arrestee=False)
        related = [
            Relationship(o, draw(kit.relationships(o)).code)
            for o in offenders
            if draw(st.booleans())
        ]
        details = draw(kit.victim_details(offense_codes=sorted(connected), offender_ids=[]))
        details = attrs.evolve(
            details,
            victim_type=victim_type,
            offense_codes=tuple(sorted(connected)),
            relationships=tuple(related),
        )
        victims.append(
            Involvement(
                person, frozenset({InvolvementRole.VICTIM}), victim=details, estimated_age=estimate
            )
        )
    return victims, others_not_people


@st.composite
def exportable_incidents(
    draw: st.DrawFn,
    calendar: ProgramCalendar = PROGRAM.calendar,
    *,
    group_a: bool | None = None,
    offense: str | None = None,
) -> Incident:
    """Draw incidents that keep the pre-export rules by construction, Group A or B (or either).

    Built from the conformance kit's strategies (people, offenses, arrests, property, drugs,
    locations), with what NIBRS requires chosen to fit: victims connected to every Group A
    offense with a victim type the offense accepts, an offender, arrestees with a known sex and
    a juvenile disposition exactly when under 18, drugs with a completed 35A. ``offense``
    puts that offense code first.
    """
    start = draw(kit.aware_datetimes(calendar))
    day = calendar.local_date(start)
    if group_a is None:
        group_a = draw(st.booleans())
    pool = GROUP_A if group_a else GROUP_B
    codes = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
    if offense is not None:
        codes = [offense, *(c for c in codes if c != offense)][:3]
    offenses = _offenses(draw, codes)
    people: list[Involvement] = []
    not_people: list[NonPersonVictim] = []
    offender_unknown = group_a and draw(st.booleans())
    if group_a and not offender_unknown:
        for n in range(1, draw(st.integers(1, 2)) + 1):
            person, estimate = _person(draw, day, n, arrestee=True)
            roles = draw(st.sampled_from([InvolvementRole.OFFENDER, InvolvementRole.SUSPECT]))
            people.append(Involvement(person, frozenset({roles}), estimated_age=estimate))
        if draw(st.booleans()):
            arrested = _arrest_of(draw, people[0].person, people[0].estimated_age, day, codes)
            people[0] = attrs.evolve(arrested, roles=arrested.roles | people[0].roles)
    if group_a:
        victims, not_people = _victims(draw, day, codes, [i.person.id for i in people])
        people += victims
    else:
        for n in range(1, draw(st.integers(1, 3)) + 1):
            person, estimate = _person(draw, day, n, arrestee=True)
            arrested = _arrest_of(draw, person, estimate, day, codes)
            # The arrests of one Group B incident share its number: one arrest transaction.
            assert arrested.arrest is not None
            one = attrs.evolve(arrested.arrest, transaction_number=None)
            people.append(attrs.evolve(arrested, arrest=one))
    arrested = any(i.arrest for i in people)
    drugs = draw(st.lists(kit.drugs(), max_size=2))
    if group_a and "35A" in codes and not drugs:
        drugs = [draw(kit.drugs())]
    items = draw(
        st.lists(kit.property_items(), max_size=3, unique_by=lambda p: (p.loss_type, p.description))
    )
    disposition = None
    status = draw(
        st.sampled_from(
            [IncidentStatus.REPORTED, IncidentStatus.UNDER_INVESTIGATION, IncidentStatus.CLOSED]
        )
    )
    if status is IncidentStatus.CLOSED:
        left_out = {DispositionKind.UNFOUNDED}
        if arrested or not group_a or offender_unknown:
            left_out.add(DispositionKind.EXCEPTIONALLY_CLEARED)
        if not arrested:
            left_out.add(DispositionKind.ARREST)
        kinds = [k for k in DispositionKind if k not in left_out]
        disposition = draw(kit.dispositions(draw(st.sampled_from(kinds)), not_before=day))
    location = draw(kit.locations())
    # In UTC: wall-clock arithmetic in a DST zone can step back across the repeated hour.
    reported_at = start.astimezone(dt.UTC) + dt.timedelta(hours=draw(st.integers(0, 48)))
    return Incident(
        reporting_officer_id=draw(st.uuids()),
        occurred_start=start,
        reported_at=reported_at,
        location=location,
        category="other",
        school_id=draw(st.uuids()) if location.kind.value == "on_campus" else None,
        offenses=tuple(offenses),
        involvements=tuple(people),
        property=tuple(items) if group_a else (),
        drugs=tuple(drugs) if group_a else (),
        status=status,
        disposition=disposition,
        number=incident_number(
            calendar.local_date(reported_at).year, draw(st.integers(1, 999_999))
        ),
        non_person_victims=tuple(not_people),
        offender_unknown=offender_unknown,
        id=draw(st.uuids()),
    )


def student(
    *,
    born: dt.date | None = None,
    sex: Sex = Sex.MALE,
    kind: PersonKind = PersonKind.STUDENT,
    demographics: Demographics | None = None,
) -> Person:
    """Return a person for a hand-built incident."""
    known = demographics or Demographics(sex=sex, hispanic_or_latino=False)
    return Person(kind=kind, name="Alex Doe", date_of_birth=born, demographics=known)


def cleared(day: dt.date, code: str = "A") -> Disposition:
    """Return an exceptional clearance on a day."""
    return Disposition(DispositionKind.EXCEPTIONALLY_CLEARED, day, code)
