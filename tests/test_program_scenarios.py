"""Scenarios from the SRO program's own words, run through the Program API end to end."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest

from program_support import ANALYST, CHIEF, SRO, Town, build_town, open_program, snapshot
from sro_core.domain import (
    Arrest,
    AuditOutcome,
    CampusZone,
    CommunityContact,
    ContactParty,
    ContactPurpose,
    CrisisDeclared,
    CrisisKind,
    CrisisMessagePosted,
    CrisisResolved,
    CrisisRole,
    CrisisStatus,
    Demographics,
    Disposition,
    DispositionKind,
    Drug,
    Incident,
    IncidentEscalated,
    IncidentReported,
    IncidentStatus,
    Involvement,
    InvolvementRole,
    JuvenileDisposition,
    Location,
    LocationKind,
    Offense,
    Person,
    PersonKind,
    Race,
    ReferralReason,
    ReferralStatus,
    RuleViolation,
    SchoolYear,
    Sex,
    TriadRole,
    VictimDetails,
)
from sro_core.ports import IncidentFilter, NotFound, Period
from sro_core.service import AccessDenied, Program

PACIFIC = dt.timezone(dt.timedelta(hours=-7))


@pytest.fixture
def town() -> tuple[Program, Town, list[object]]:
    """Return a program in memory with the seed's town, and what its notifier received."""
    program, recorder = open_program()
    return program, build_town(program), recorder.delivered  # type: ignore[return-value]


def _draft(town: Town, **fields: object) -> Incident:
    values: dict[str, object] = {
        "reporting_officer_id": town.officer.id,
        "occurred_start": dt.datetime(2026, 9, 14, 12, 5, tzinfo=PACIFIC),
        "reported_at": dt.datetime(2026, 9, 14, 12, 30, tzinfo=PACIFIC),
        "location": Location(LocationKind.ON_CAMPUS, "53", CampusZone.CAFETERIA),
        "school_id": town.high.id,
        "category": "fight",
    }
    values.update(fields)
    return Incident(**values)  # type: ignore[arg-type]


def _actions(program: Program) -> list[tuple[str, str, AuditOutcome]]:
    return [(e.actor_id, e.action, e.outcome) for e in program.audit_trail(CHIEF, limit=1000)]


def test_parent_asks_the_sro_about_a_non_school_matter(
    town: tuple[Program, Town, list[object]],
) -> None:
    """A parent's non-school question is logged as a mentoring contact and counted in the triad."""
    program, where, delivered = town
    contact = program.log_contact(
        SRO,
        CommunityContact(
            officer_id=where.officer.id,
            at=dt.datetime(2026, 9, 9, 15, 10, tzinfo=PACIFIC),
            party=ContactParty.PARENT_GUARDIAN,
            purpose=ContactPurpose.ADVICE,
            triad_role=TriadRole.INFORMAL_COUNSELOR_MENTOR,
            minutes=20,
            school_related=False,
            summary="Neighbour dispute over a fence; referred to mediation.",
        ),
    )
    [seen] = program.contacts(SRO)
    assert seen.value == contact
    assert not contact.school_related
    september = Period(
        dt.datetime(2026, 9, 1, tzinfo=PACIFIC), dt.datetime(2026, 10, 1, tzinfo=PACIFIC)
    )
    [split] = program.triad_split(ANALYST, september)
    assert (split.triad_role, split.contacts, split.minutes) == (
        TriadRole.INFORMAL_COUNSELOR_MENTOR,
        1,
        20,
    )
    assert ("ofc.reyes", "log_contact", AuditOutcome.ALLOWED) in _actions(program)
    assert [type(e).__name__ for e in delivered][-1] == "ContactLogged"


def test_business_owner_complaint_is_escalated_into_an_incident(
    town: tuple[Program, Town, list[object]],
) -> None:
    """A store owner's complaint about students becomes an incident linked both ways, typed once."""
    program, where, delivered = town
    contact = program.log_contact(
        SRO,
        CommunityContact(
            officer_id=where.officer.id,
            at=dt.datetime(2026, 9, 10, 15, 40, tzinfo=PACIFIC),
            party=ContactParty.BUSINESS_OWNER,
            purpose=ContactPurpose.COMPLAINT,
            triad_role=TriadRole.LAW_ENFORCEMENT,
            minutes=25,
            school_id=where.high.id,
            summary="Students shoplifting snacks after school at the corner market.",
        ),
    )
    incident = program.escalate_contact(
        SRO,
        contact.id,
        _draft(
            where,
            occurred_start=dt.datetime(2026, 9, 10, 15, 15, tzinfo=PACIFIC),
            reported_at=dt.datetime(2026, 9, 10, 15, 40, tzinfo=PACIFIC),
            location=Location(LocationKind.SCHOOL_ADJACENT, "12", address="Robertson Blvd market"),
            category="theft",
            offenses=(Offense("23C"),),
            narrative=contact.summary,
        ),
    )
    assert incident.escalated_from == contact.id
    assert incident.status is IncidentStatus.REPORTED
    assert incident.number == "2026-000001"
    [logged] = program.contacts(SRO)
    assert logged.value.incident_id == incident.id
    kinds = [type(e) for e in delivered]
    assert kinds[-2:] == [IncidentReported, IncidentEscalated]
    with pytest.raises(RuleViolation, match="already escalated"):
        program.escalate_contact(SRO, contact.id, _draft(where))


def test_drug_case_is_referred_to_the_narcotics_task_force(
    town: tuple[Program, Town, list[object]],
) -> None:
    """A drug case goes to MADNET under the MOU; the liaison sees and answers it, nothing else."""
    program, where, _ = town
    student = Person(PersonKind.STUDENT, "A. Student", dt.date(2009, 4, 2), grade=11)
    incident = program.report_incident(
        SRO,
        _draft(
            where,
            location=Location(LocationKind.ON_CAMPUS, "53", CampusZone.PARKING_LOT),
            category="drugs",
            offenses=(Offense("35A", criminal_activities=("P",)),),
            drugs=(Drug("E", decimal.Decimal("3.5"), "GM"),),
            involvements=(Involvement(student, frozenset({InvolvementRole.SUSPECT})),),
            narrative="Found with a bag of marijuana in a car in the student lot.",
        ),
    )
    other = program.report_incident(SRO, _draft(where, category="vandalism"))
    referral = program.refer_incident(
        SRO, incident.id, where.madnet.id, ReferralReason.TASK_FORCE_INVESTIGATION
    )
    assert referral.agreement_id == where.mou.id
    liaison = where.liaison(where.madnet)
    seen = program.incident(liaison, incident.id)
    assert seen.value.status is IncidentStatus.REFERRED
    assert seen.value.narrative.startswith("Found with")
    assert seen.value.involvements[0].person.name is None
    assert "involvements[0].person.name" in seen.hidden
    assert [s.value.id for s in program.find_incidents(liaison).items] == [incident.id]
    with pytest.raises(NotFound, match=f"^no incident {other.id}$"):
        program.incident(liaison, other.id)
    program.answer_referral(liaison, referral.id, ReferralStatus.ACCEPTED)
    closed = program.answer_referral(
        liaison, referral.id, ReferralStatus.CLOSED, "Charged; diversion."
    )
    assert closed.outcome == "Charged; diversion."
    assert (liaison.id, "incident", AuditOutcome.DENIED) in _actions(program)


def test_gang_fight_ends_in_a_juvenile_arrest(town: tuple[Program, Town, list[object]]) -> None:
    """A gang fight moves through its lifecycle to a juvenile arrest with its disposition."""
    program, where, _ = town
    day = dt.date(2026, 9, 14)
    aggressor = Person(
        PersonKind.STUDENT,
        "B. Student",
        dt.date(2010, 1, 20),
        grade=10,
        demographics=Demographics(Sex.MALE, frozenset({Race.WHITE}), hispanic_or_latino=True),
    )
    victim = Person(PersonKind.STUDENT, "C. Student", dt.date(2010, 6, 1), grade=10)
    incident = program.report_incident(
        SRO,
        _draft(
            where,
            offenses=(Offense("13B", criminal_activities=("J",)),),
            involvements=(
                Involvement(aggressor, frozenset({InvolvementRole.OFFENDER})),
                Involvement(
                    victim,
                    frozenset({InvolvementRole.VICTIM}),
                    victim=VictimDetails(offense_codes=("13B",), injuries=("M",)),
                ),
            ),
            narrative="Two students fought in the cafeteria; gang colours involved.",
        ),
    )
    program.move_incident(SRO, incident.id, IncidentStatus.UNDER_INVESTIGATION)
    arrest = Arrest(day, "13B", arrest_type="T")
    before = snapshot(program)
    with pytest.raises(RuleViolation, match="juvenile disposition"):
        program.add_involvement(
            SRO,
            incident.id,
            Involvement(
                aggressor,
                frozenset({InvolvementRole.OFFENDER, InvolvementRole.ARRESTEE}),
                arrest=arrest,
            ),
        )
    assert snapshot(program) == before
    program.add_involvement(
        SRO,
        incident.id,
        Involvement(
            aggressor,
            frozenset({InvolvementRole.OFFENDER, InvolvementRole.ARRESTEE}),
            arrest=Arrest(
                day, "13B", juvenile_disposition=JuvenileDisposition.REFERRED_TO_OTHER_AUTHORITIES
            ),
        ),
    )
    program.amend_incident(
        SRO, incident.id, school_related_arrest=True, referred_to_law_enforcement=True
    )
    closed = program.close_incident(SRO, incident.id, Disposition(DispositionKind.ARREST, day))
    assert closed.status is IncidentStatus.CLOSED
    principal = where.principal()
    seen = program.incident(principal, incident.id)
    assert seen.value.narrative == ""
    assert "narrative" in seen.hidden
    assert all(i.person.name is None for i in seen.value.involvements)
    full = program.incident(CHIEF, incident.id)
    assert full.hidden == frozenset()
    names = {i.person.id: i.person.name for i in full.value.involvements}
    assert names[aggressor.id] == "B. Student"
    assert ("sgt.lopez", "read_juvenile_record", AuditOutcome.ALLOWED) in _actions(program)
    counts = program.crdc_counts(CHIEF, SchoolYear(2026))
    assert {(c.measure.value, c.instances) for c in counts if c.person_id == aggressor.id} == {
        ("referral", 1),
        ("arrest", 1),
    }


def test_lockdown_links_the_principal_and_police_command(
    town: tuple[Program, Town, list[object]],
) -> None:
    """A lockdown is declared, messages pass both ways, the all clear ends it; all are notified."""
    program, where, delivered = town
    principal = where.principal()
    crisis = program.declare_crisis(principal, where.high.id, CrisisKind.LOCKDOWN)
    with pytest.raises(RuleViolation, match="already active"):
        program.declare_crisis(SRO, where.high.id, CrisisKind.LOCKDOWN)
    program.post_crisis_message(
        principal,
        crisis.id,
        CrisisRole.SCHOOL_ADMIN,
        frozenset({CrisisRole.POLICE_COMMAND, CrisisRole.SRO}),
        "All classrooms locked; one student unaccounted for in the gym.",
    )
    program.post_crisis_message(
        SRO,
        crisis.id,
        CrisisRole.SRO,
        frozenset({CrisisRole.SCHOOL_ADMIN}),
        "Units on scene; hold in place until cleared room by room.",
    )
    ended = program.give_all_clear(SRO, crisis.id)
    assert ended.status is CrisisStatus.ALL_CLEAR
    assert [m.author_role for m in ended.messages] == [
        CrisisRole.SCHOOL_ADMIN,
        CrisisRole.SRO,
    ]
    assert [type(e) for e in delivered[-4:]] == [
        CrisisDeclared,
        CrisisMessagePosted,
        CrisisMessagePosted,
        CrisisResolved,
    ]
    with pytest.raises(RuleViolation, match="all clear"):
        program.post_crisis_message(
            SRO, crisis.id, CrisisRole.SRO, frozenset({CrisisRole.PARENTS}), "late"
        )
    other_school_admin = principal.__class__(
        id="principal.ms", name="P2", role=principal.role, schools=frozenset({where.middle.id})
    )
    with pytest.raises(NotFound):
        program.declare_crisis(other_school_admin, where.high.id, CrisisKind.LOCKOUT)
    assert program.verify_audit(CHIEF) is None


def test_analysts_see_small_counts_suppressed(town: tuple[Program, Town, list[object]]) -> None:
    """Counts under the threshold are hidden from analysts and exact for the department."""
    program, where, _ = town
    for _ in range(3):
        program.report_incident(SRO, _draft(where))
    september = Period(
        dt.datetime(2026, 9, 1, tzinfo=PACIFIC), dt.datetime(2026, 10, 1, tzinfo=PACIFIC)
    )
    [figure] = program.monthly_counts(ANALYST, september)
    assert (figure.month, figure.category, figure.count) == ("2026-09", "fight", None)
    assert program.monthly_counts(CHIEF, september)[0].count == 3
    with pytest.raises(AccessDenied):
        program.find_incidents(ANALYST, IncidentFilter())
