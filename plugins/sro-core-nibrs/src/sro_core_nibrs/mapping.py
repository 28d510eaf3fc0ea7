"""From the domain's incidents to NIBRS reports: which facts go to which element.

Mapping is total: it never raises for an incident the domain accepts. What NIBRS would refuse
(a victim without victim details, an offense without a victim …) is for :mod:`.rules` to
report; here such parts are simply not written. The table of what goes where is in
``docs/nibrs.md``.
"""

from __future__ import annotations

import datetime as dt
import uuid

import attrs

from sro_core.codes import GROUP_A_OFFENSES, GROUP_B_OFFENSES
from sro_core.domain import (
    PERSON_VICTIM_TYPES,
    DispositionKind,
    Incident,
    Involvement,
    InvolvementRole,
)
from sro_core.ports import ProgramContext
from sro_core_nibrs.reports import (
    OLDEST_AGE,
    UNKNOWN_AGE,
    Age,
    GroupAReport,
    GroupBReport,
    NibrsArrestee,
    NibrsDrug,
    NibrsItem,
    NibrsOffender,
    NibrsOffense,
    NibrsPerson,
    NibrsVictim,
)

OFFENDER_ROLES = frozenset({InvolvementRole.OFFENDER, InvolvementRole.SUSPECT})
"""The roles NIBRS reports as an offender (``j:Subject``): offender and suspect.

An arrestee is reported as an arrestee (``j:Arrestee``); NIBRS does not link the two, so an
arrested offender has both roles, as the SRO records them.
"""
REPORTED_ROLES = OFFENDER_ROLES | {InvolvementRole.ARRESTEE}
UNKNOWN_OFFENDER = 0
"""The offender sequence number (element 36) that says nothing is known of the offenders: 00."""
BABY_DAYS = 7
"""From 7 days to one year a person's NIBRS age is BABY; NEWBORN from 1 to 6 days."""


def incident_day(incident: Incident, program: ProgramContext) -> dt.date:
    """Return the program-local date the incident started: the day ages are taken on."""
    return program.calendar.local_date(incident.occurred_start)


def local_hour(incident: Incident, program: ProgramContext) -> dt.datetime:
    """Return the program-local wall-clock hour the incident started (element 3)."""
    local = program.calendar.local(incident.occurred_start)
    return local.replace(minute=0, second=0, microsecond=0, tzinfo=None)


def has_group_a(incident: Incident) -> bool:
    """Return whether the incident has a Group A offense, and so a Group A incident report."""
    return any(o.ucr_code in GROUP_A_OFFENSES for o in incident.offenses)


def group_b_arrestees(incident: Incident) -> tuple[Involvement, ...]:
    """Return the arrestees reported in Group B arrest reports (incidents without Group A)."""
    if has_group_a(incident):
        return ()
    return tuple(
        i for i in incident.involvements if i.arrest and i.arrest.offense_code in GROUP_B_OFFENSES
    )


def nibrs_age(involvement: Involvement, day: dt.date) -> Age:
    """Return a person's NIBRS age on a day (elements 26, 37, 47).

    From the date of birth: whole years, or under one year NEONATAL (the same day), NEWBORN
    (1 to 6 days) or BABY. Without it, the estimate: its years when low and high agree, else the
    range; an estimate of 0 years is BABY. Ages over 98 are written 99. Otherwise UNKNOWN.
    """
    person = involvement.person
    years = person.age_on(day)
    if person.date_of_birth is not None and years is not None and years >= 0:
        if years == 0:
            days = (day - person.date_of_birth).days
            return Age(text="NEONATAL" if days < 1 else "NEWBORN" if days < BABY_DAYS else "BABY")
        return Age(years=min(years, OLDEST_AGE))
    estimate = involvement.estimated_age
    if estimate is None:
        return Age(text=UNKNOWN_AGE)
    low, high = min(estimate.low, OLDEST_AGE), min(estimate.high, OLDEST_AGE)
    if high == 0:
        return Age(text="BABY")
    if low == high:
        return Age(years=low)
    return Age(low=low, high=high)


def nibrs_person(involvement: Involvement, day: dt.date) -> NibrsPerson:
    """Return what NIBRS records of the person of an involvement.

    A victim that is not a person (victim type other than I or L) and plays no offending part
    has an empty ``nc:Person``: NIBRS records age, sex, race and residence of people only.
    """
    victim = involvement.victim
    offending = bool(involvement.roles & REPORTED_ROLES)
    if victim is not None and victim.victim_type not in PERSON_VICTIM_TYPES and not offending:
        return NibrsPerson()
    known = involvement.person.demographics
    resident = victim.resident_status if victim is not None else None
    if resident is None and involvement.arrest is not None:
        resident = involvement.arrest.resident_status
    return NibrsPerson(
        age=nibrs_age(involvement, day),
        sex=known.sex.value,
        race=known.nibrs_race,
        ethnicity=known.nibrs_ethnicity,
        resident=resident,
    )


def _offenses(incident: Incident) -> tuple[NibrsOffense, ...]:
    """Return the Group A offenses, each code once (the first of any repeated code)."""
    seen: set[str] = set()
    result = []
    for offense in incident.offenses:
        if offense.ucr_code not in GROUP_A_OFFENSES or offense.ucr_code in seen:
            continue
        seen.add(offense.ucr_code)
        result.append(
            NibrsOffense(
                code=offense.ucr_code,
                attempted=offense.attempted,
                criminal_activities=offense.criminal_activities,
                bias_motivations=offense.bias_motivations,
                premises_entered=offense.premises_entered,
                suspected_of_using=offense.suspected_of_using,
                method_of_entry=offense.method_of_entry,
                weapons=offense.weapons,
            )
        )
    return tuple(result)


def _arrestee(
    involvement: Involvement, sequence: int, person: int, number: str
) -> NibrsArrestee | None:
    arrest = involvement.arrest
    if arrest is None:
        return None
    disposition = arrest.juvenile_disposition
    return NibrsArrestee(
        sequence=sequence,
        person=person,
        arrest_number=arrest.transaction_number or number,
        arrested_on=arrest.arrested_on,
        arrest_type=arrest.arrest_type,
        offense_code=arrest.offense_code,
        armed_with=arrest.armed_with,
        juvenile_disposition=disposition.value if disposition is not None else None,
        multiple_arrestee=arrest.multiple_arrestee,
    )


def _reported_people(incident: Incident) -> list[Involvement]:
    """Return the involvements NIBRS reports: victims with details, offenders, arrestees."""
    return [i for i in incident.involvements if i.victim is not None or i.roles & REPORTED_ROLES]


def group_a_report(
    incident: Incident, program: ProgramContext, *, number: str | None = None
) -> GroupAReport:
    """Return the Group A incident report of an incident.

    :param number: the NIBRS incident number, when it is not the incident's own ``number``
        (an incident imported from another records system); otherwise the incident's number.
    """
    day = incident_day(incident, program)
    incident_number = nibrs_number(incident, number)
    incident = incident.with_society_victim()
    offenses = _offenses(incident)
    codes = [o.code for o in offenses]
    people = _reported_people(incident)
    persons = [nibrs_person(i, day) for i in people]
    index = {i.person.id: n for n, i in enumerate(people)}
    offenders = [i for i in people if i.roles & OFFENDER_ROLES]
    offender_sequence: dict[uuid.UUID, int] = {i.person.id: n for n, i in enumerate(offenders, 1)}
    reported_offenders = [
        NibrsOffender(sequence=n, person=index[i.person.id]) for n, i in enumerate(offenders, 1)
    ]
    if incident.offender_unknown and not offenders:
        persons.append(NibrsPerson())
        reported_offenders.append(NibrsOffender(sequence=UNKNOWN_OFFENDER, person=len(persons) - 1))
    victims: list[NibrsVictim] = []
    for involvement in people:
        details = involvement.victim
        if details is None:
            continue
        victims.append(
            NibrsVictim(
                sequence=len(victims) + 1,
                person=index[involvement.person.id],
                victim_type=details.victim_type,
                offense_codes=tuple(c for c in codes if c in details.offense_codes),
                injuries=details.injuries,
                circumstances=details.circumstances,
                relationships=tuple(
                    (offender_sequence[r.offender], r.code)
                    for r in details.relationships
                    if r.offender in offender_sequence
                ),
            )
        )
    for other in incident.non_person_victims:
        persons.append(NibrsPerson())
        victims.append(
            NibrsVictim(
                sequence=len(victims) + 1,
                person=len(persons) - 1,
                victim_type=other.victim_type,
                offense_codes=tuple(c for c in codes if c in other.offense_codes),
            )
        )
    arrestees = [
        arrestee
        for n, involvement in enumerate((i for i in people if i.arrest is not None), 1)
        if (arrestee := _arrestee(involvement, n, index[involvement.person.id], incident_number))
    ]
    clearance, cleared_on = "N", None
    disposition = incident.disposition
    if disposition is not None and disposition.kind is DispositionKind.EXCEPTIONALLY_CLEARED:
        clearance, cleared_on = disposition.exceptional_clearance or "N", disposition.decided_on
    return GroupAReport(
        incident_number=incident_number,
        occurred=local_hour(incident, program),
        location=incident.location.nibrs_code,
        exceptional_clearance=clearance,
        cleared_on=cleared_on,
        offenses=offenses,
        items=tuple(
            NibrsItem(p.loss_type, p.description, p.value, p.recovered_on, p.quantity)
            for p in incident.property
        ),
        drugs=tuple(
            NibrsDrug(d.loss_type, d.drug_type, d.quantity, d.unit) for d in incident.drugs
        ),
        persons=tuple(persons),
        victims=tuple(victims),
        offenders=tuple(reported_offenders),
        arrestees=tuple(arrestees),
    )


def group_b_reports(
    incident: Incident, program: ProgramContext, *, number: str | None = None
) -> tuple[GroupBReport, ...]:
    """Return the Group B arrest reports of an incident without Group A offenses.

    One report per arrestee arrested for a Group B offense; they share the incident number as
    their arrest transaction number (element 41) and are told apart by arrestee sequence.
    """
    day = incident_day(incident, program)
    arrest_number = nibrs_number(incident, number)
    reports = []
    for n, involvement in enumerate(group_b_arrestees(incident), 1):
        arrestee = _arrestee(involvement, n, 0, arrest_number)
        if arrestee is not None and involvement.arrest is not None:
            # a Group B report is known by its arrest transaction number: the incident's, as
            # the reports of one incident share it, whatever number the arrest itself carries
            arrestee = attrs.evolve(arrestee, arrest_number=arrest_number)
            resident = involvement.arrest.resident_status
            person = attrs.evolve(nibrs_person(involvement, day), resident=resident)
            reports.append(GroupBReport(person, arrestee))
    return tuple(reports)


def nibrs_number(incident: Incident, number: str | None = None) -> str:
    """Return the number an incident is reported under (element 2, or 41 for an arrest).

    The number given, else the NIBRS number of an incident imported from another records
    system (``incident.nibrs_number``), else the incident's own number.
    """
    return number or incident.nibrs_number or incident.number or str(incident.id)
