"""The demo's town: a small city department's SRO program, like the seed's Chowchilla PD.

One unified district runs a high school, a middle school and three elementary schools. Four
SROs hold long-term primary assignments (the middle school's SRO is also the high school's
second officer; one elementary SRO is shared with a second school) and a corporal is the
relief officer for every campus. The partners are the district, the county narcotics and gang
task forces (MADNET and MADGET, as in the seed) and county behavioral health. The schools and
people are invented.
"""

from __future__ import annotations

import datetime as dt
import uuid

import attrs

from sro_core.demo.people import Ids
from sro_core.domain import (
    Actor,
    ActorRole,
    Address,
    Agreement,
    AssignmentRole,
    Certification,
    CertificationKind,
    Clause,
    ClauseKind,
    GradeSpan,
    Officer,
    Partner,
    PartnerKind,
    Permission,
    RecordClass,
    School,
    SchoolIds,
    SchoolLevel,
    SchoolYear,
)
from sro_core.service import Program

DISTRICT = "Berenda Valley Unified School District"
CITY = "Berenda Valley"
PROGRAM_NAME = f"{CITY} Police Department School Resource Officer Program (demo)"
"""The program's name in the demo's report, unless the configuration names it."""


@attrs.frozen
class SchoolPlan:
    """A school of the town, before it is registered."""

    key: str
    name: str
    level: SchoolLevel
    grades: GradeSpan
    enrollment: int
    street: str
    code: str


SCHOOLS = (
    SchoolPlan("high", "Berenda Valley High School", SchoolLevel.HIGH, GradeSpan(9, 12), 1180,
               "805 Robertson Blvd", "2073961"),
    SchoolPlan("middle", "Almond Grove Middle School", SchoolLevel.MIDDLE, GradeSpan(6, 8), 760,
               "355 N 5th St", "6023374"),
    SchoolPlan("orchard", "Orchard Park Elementary School", SchoolLevel.ELEMENTARY,
               GradeSpan(0, 5), 540, "1400 Washington Rd", "6023382"),
    SchoolPlan("ash", "Ash Slough Elementary School", SchoolLevel.ELEMENTARY, GradeSpan(0, 5),
               430, "221 Ash Slough Rd", "6023390"),
    SchoolPlan("sunrise", "Sunrise Elementary School", SchoolLevel.ELEMENTARY, GradeSpan(-1, 5),
               495, "47 Sunrise Ave", "6117689"),
)  # fmt: skip


@attrs.frozen
class OfficerPlan:
    """An officer of the program, before they are registered."""

    key: str
    badge: str
    name: str
    rank: str
    certifications: tuple[CertificationKind, ...]


_BASIC = (CertificationKind.BASIC_SRO, CertificationKind.FIRST_AID_CPR)
OFFICERS = (
    OfficerPlan("sergeant", "2104", "Maria Delgado", "Sergeant",
                (*_BASIC, CertificationKind.ADVANCED_SRO, CertificationKind.CRISIS_INTERVENTION)),
    OfficerPlan("reyes", "4127", "Daniel Reyes", "Officer",
                (*_BASIC, CertificationKind.DRUG_RECOGNITION,
                 CertificationKind.ACTIVE_ASSAILANT_RESPONSE)),
    OfficerPlan("sandhu", "4263", "Priya Sandhu", "Officer",
                (*_BASIC, CertificationKind.GANG_AWARENESS, CertificationKind.CRISIS_INTERVENTION)),
    OfficerPlan("whitfield", "4318", "Tom Whitfield", "Officer",
                (*_BASIC, CertificationKind.CRIME_PREVENTION_INSTRUCTOR)),
    OfficerPlan("medina", "4352", "Ana Medina", "Officer", _BASIC),
    OfficerPlan("lor", "3980", "Kevin Lor", "Corporal",
                (*_BASIC, CertificationKind.ACTIVE_ASSAILANT_RESPONSE)),
)  # fmt: skip

PRIMARY = {"reyes": "high", "sandhu": "middle", "whitfield": "orchard", "medina": "ash"}
"""Each SRO's own school, for the whole year."""
SECONDARY = {"sandhu": "high", "whitfield": "sunrise"}
"""Second schools, from the first day: Whitfield's passes to Medina after winter break."""
SRO_KEYS = tuple(PRIMARY)
RELIEF = "lor"


@attrs.frozen
class Town:
    """The registered program: its schools, officers, partners, agreements and actors."""

    schools: dict[str, School]
    officers: dict[str, Officer]
    partners: dict[str, Partner]
    mou: Agreement
    health_agreement: Agreement
    sergeant: Actor
    principals: dict[str, Actor]
    liaisons: dict[str, Actor]

    def sro(self, key: str) -> Actor:
        """Return an SRO acting in the program."""
        officer = self.officers[key]
        return Actor(
            id=f"ofc.{officer.badge}",
            name=f"{officer.rank} {officer.name}",
            role=ActorRole.SRO,
            officer_id=officer.id,
        )

    def school_plan(self, school_id: uuid.UUID) -> SchoolPlan:
        """Return the plan of a registered school."""
        key = next(k for k, s in self.schools.items() if s.id == school_id)
        return next(p for p in SCHOOLS if p.key == key)


def _mou(year: SchoolYear, partners: dict[str, Partner], ids: Ids) -> Agreement:
    start = year.start_year
    district, madnet, madget = partners["district"], partners["madnet"], partners["madget"]
    return Agreement(
        title=f"SRO program MOU: {CITY} Police Department and {DISTRICT}",
        partner_ids=frozenset({district.id, madnet.id, madget.id}),
        signed_on=dt.date(start, 6, 10),
        effective_from=dt.date(start, 7, 1),
        effective_to=dt.date(start + 1, 6, 30),
        review_due=dt.date(start + 1, 4, 15),
        clauses=(
            Clause(
                ClauseKind.ROLES,
                "The SRO provides full police services on campus, teaches crime prevention "
                "and mentors students; the SRO is not a school disciplinarian.",
            ),
            Clause(
                ClauseKind.SUPERVISION,
                "SROs answer to the department's chain of command through the SRO sergeant.",
            ),
            Clause(
                ClauseKind.DISCIPLINE_SEPARATION,
                "School discipline stays with the school; the SRO acts only on law-enforcement "
                "matters.",
            ),
            Clause(
                ClauseKind.INFORMATION_SHARING,
                "Incident summaries and crisis messages go to the district's site administrators.",
                partner_id=district.id,
                shares=frozenset({RecordClass.INCIDENT_SUMMARY, RecordClass.CRISIS_MESSAGES}),
            ),
            Clause(
                ClauseKind.INFORMATION_SHARING,
                "Narcotics cases go to MADNET with their narrative, arrests and drug evidence.",
                partner_id=madnet.id,
                shares=frozenset(
                    {
                        RecordClass.INCIDENT_SUMMARY,
                        RecordClass.INCIDENT_NARRATIVE,
                        RecordClass.ARREST,
                        RecordClass.DRUG_EVIDENCE,
                    }
                ),
            ),
            Clause(
                ClauseKind.INFORMATION_SHARING,
                "Gang cases go to MADGET, juveniles' identities and gang intelligence included.",
                partner_id=madget.id,
                shares=frozenset(
                    {
                        RecordClass.INCIDENT_SUMMARY,
                        RecordClass.JUVENILE_IDENTITY,
                        RecordClass.GANG_INTELLIGENCE,
                        RecordClass.ARREST,
                    }
                ),
            ),
        ),
        id=ids(),
    )


def _health_agreement(year: SchoolYear, health: Partner, ids: Ids) -> Agreement:
    start = year.start_year
    return Agreement(
        title="Youth referral agreement: Police Department and County Behavioral Health",
        partner_ids=frozenset({health.id}),
        signed_on=dt.date(start, 6, 20),
        effective_from=dt.date(start, 7, 1),
        review_due=dt.date(start + 2, 6, 30),
        clauses=(
            Clause(
                ClauseKind.ROLES,
                "SROs refer students in crisis and first-time offenders for assessment and "
                "diversion; clinicians answer within five school days.",
            ),
            Clause(
                ClauseKind.INFORMATION_SHARING,
                "Referred incidents go to the clinician with the student's identity.",
                partner_id=health.id,
                shares=frozenset({RecordClass.INCIDENT_SUMMARY, RecordClass.JUVENILE_IDENTITY}),
            ),
        ),
        id=ids(),
    )


def establish(program: Program, sergeant: Actor, year: SchoolYear, ids: Ids) -> Town:
    """Register the town's schools, officers, assignments, partners and agreements."""
    schools = {
        plan.key: program.register_school(
            sergeant,
            School(
                plan.name,
                DISTRICT,
                plan.level,
                plan.grades,
                SchoolIds(state_school_code=plan.code, nces_id=f"06{plan.code}"),
                plan.enrollment,
                Address(plan.street, CITY, "CA", "93610"),
                id=ids(),
            ),
        )
        for plan in SCHOOLS
    }
    officers: dict[str, Officer] = {}
    for n, plan in enumerate(OFFICERS):
        issued = dt.date(year.start_year - 1 - n % 2, 3 + n, 15)
        certifications = tuple(
            Certification(kind, issued, issued.replace(year=issued.year + 3))
            for kind in plan.certifications
        )
        officers[plan.key] = program.register_officer(
            sergeant,
            Officer(plan.badge, plan.name, plan.rank, certifications=certifications, id=ids()),
        )
    start = year.first_day
    for officer_key, school_key in PRIMARY.items():
        program.assign(
            sergeant,
            officers[officer_key].id,
            schools[school_key].id,
            AssignmentRole.PRIMARY,
            start=start,
        )
    for officer_key, school_key in SECONDARY.items():
        program.assign(
            sergeant,
            officers[officer_key].id,
            schools[school_key].id,
            AssignmentRole.SECONDARY,
            start=start,
        )
    for school in schools.values():
        program.assign(sergeant, officers[RELIEF].id, school.id, AssignmentRole.RELIEF, start=start)
    partners = {
        key: program.register_partner(sergeant, Partner(name, kind, id=ids()))
        for key, name, kind in (
            ("district", DISTRICT, PartnerKind.DISTRICT),
            ("madnet", "Madera County Narcotic Enforcement Team (MADNET)",
             PartnerKind.NARCOTICS_TASK_FORCE),
            ("madget", "Madera Gang Enforcement Taskforce (MADGET)", PartnerKind.GANG_TASK_FORCE),
            ("health", "County Behavioral Health Youth Services", PartnerKind.BEHAVIORAL_HEALTH),
        )
    }  # fmt: skip
    mou = program.sign_agreement(sergeant, _mou(year, partners, ids))
    health = program.sign_agreement(sergeant, _health_agreement(year, partners["health"], ids))
    principals = {
        key: Actor(
            id=f"principal.{key}",
            name=f"Principal, {school.name}",
            role=ActorRole.SCHOOL_ADMINISTRATOR,
            schools=frozenset({school.id}),
        )
        for key, school in schools.items()
    }
    liaisons = {
        key: Actor(
            id=f"liaison.{key}",
            name=f"Liaison, {partner.name}",
            role=ActorRole.PARTNER_LIAISON,
            partner_id=partner.id,
        )
        for key, partner in partners.items()
    }
    return Town(schools, officers, partners, mou, health, sergeant, principals, liaisons)


SERGEANT = Actor(
    id="sgt.2104",
    name="Sgt. Maria Delgado",
    role=ActorRole.SUPERVISOR,
    permissions=frozenset({Permission.JUVENILE_RECORDS}),
)
"""The SRO unit's sergeant: sets the program up and speaks for police command in a crisis."""
