"""A scenario per finding of the privacy review; each failed before access was per record."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest

from program_support import CHIEF, CLERK, SRO, Town, build_town, open_program
from sro_core.domain import (
    Actor,
    ActorRole,
    Agreement,
    Arrest,
    AuditOutcome,
    Clause,
    ClauseKind,
    CommunityContact,
    ContactParty,
    ContactPurpose,
    CrisisKind,
    CrisisRole,
    Disposition,
    DispositionKind,
    Incident,
    Involvement,
    InvolvementRole,
    JuvenileDisposition,
    Location,
    LocationKind,
    Offense,
    Partner,
    PartnerKind,
    Permission,
    Person,
    PersonKind,
    PersonRecord,
    RecordClass,
    ReferralReason,
    SharingRefused,
    TriadRole,
)
from sro_core.policy import Mask, suppressed
from sro_core.ports import IncidentFilter, NotFound, Period
from sro_core.serialization import unstructure
from sro_core.service import AccessDenied, Program

PACIFIC = dt.timezone(dt.timedelta(hours=-7))
ROOT = Path(__file__).resolve().parents[1]
JUVENILE = Person(
    PersonKind.STUDENT, "Zoë Ramírez-Olmos", dt.date(2010, 3, 1), student_number="S-881"
)
ADULT = Person(PersonKind.PARENT_GUARDIAN, "Harold Quint", dt.date(1975, 1, 1))
NARRATIVE = (
    "Zoe RAMIREZ-OLMOS was found with marijuana; Ramírez's bag held more. Harold Quint called."
)


@pytest.fixture
def town() -> tuple[Program, Town]:
    """Return a program in memory with the seed's town."""
    program, _ = open_program()
    return program, build_town(program)


def _incident(program: Program, town: Town, **fields: object) -> Incident:
    values: dict[str, object] = {
        "reporting_officer_id": town.officer.id,
        "occurred_start": dt.datetime(2026, 9, 4, 12, 5, tzinfo=PACIFIC),
        "reported_at": dt.datetime(2026, 9, 4, 12, 30, tzinfo=PACIFIC),
        "location": Location(LocationKind.ON_CAMPUS, "53"),
        "school_id": town.high.id,
        "category": "drugs",
        "offenses": (Offense("35A", criminal_activities=("J",)),),
        "involvements": (
            Involvement(JUVENILE, frozenset({InvolvementRole.SUSPECT})),
            Involvement(ADULT, frozenset({InvolvementRole.REPORTING_PARTY})),
        ),
        "narrative": NARRATIVE,
    }
    values.update(fields)
    return program.report_incident(CHIEF, Incident(**values))  # type: ignore[arg-type]


def _principal(town: Town, *, middle: bool = False) -> Actor:
    school = town.middle if middle else town.high
    return Actor(
        id="principal.ms" if middle else "principal.hs",
        name="Principal",
        role=ActorRole.SCHOOL_ADMINISTRATOR,
        schools=frozenset({school.id}),
    )


def _share(program: Program, partner: Partner, *classes: RecordClass, **dates: object) -> None:
    program.sign_agreement(
        CHIEF,
        Agreement(
            title=f"Sharing with {partner.name}",
            partner_ids=frozenset({partner.id}),
            signed_on=dt.date(2026, 6, 1),
            effective_from=dates.get("start", dt.date(2026, 7, 1)),  # type: ignore[arg-type]
            effective_to=dates.get("end"),  # type: ignore[arg-type]
            review_due=dt.date(2027, 6, 1),
            clauses=(
                Clause(ClauseKind.INFORMATION_SHARING, "Shares.", partner.id, frozenset(classes)),
            ),
        ),
    )


def _text(value: object) -> str:
    return json.dumps(unstructure(value), default=str, ensure_ascii=False)


def test_a_principal_sees_names_only_where_their_own_district_shares_them(
    town: tuple[Program, Town],
) -> None:
    """The high-school district's agreement shares identities with its schools, not others."""
    program, where = town
    _share(program, where.district, RecordClass.JUVENILE_IDENTITY)
    high = _incident(program, where)
    middle = _incident(program, where, school_id=where.middle.id)
    assert "Zoë" in _text(program.incident(_principal(where), high.id).value)
    seen = program.incident(_principal(where, middle=True), middle.id).value
    assert seen.involvements[0].person.name is None
    assert "Zoë" not in _text(seen)


def test_names_in_narratives_are_masked_for_every_reader_without_identities(
    town: tuple[Program, Town],
) -> None:
    """A supervisor without the permission, a clerk's exports, and MADNET read masked text."""
    program, where = town
    incident = _incident(program, where)
    supervisor = Actor(id="sgt.b", name="Sgt B", role=ActorRole.SUPERVISOR)
    narrative = program.incident(supervisor, incident.id).value.narrative
    assert narrative == (
        "[juvenile 1] was found with marijuana; [juvenile 1]'s bag held more. Harold Quint called."
    )
    for format_name in ("csv", "jsonl"):
        out = io.StringIO()
        program.export(CLERK, format_name, out)
        assert "Ram" not in out.getvalue()
        assert "Zo" not in out.getvalue()
        assert "[juvenile 1]" in out.getvalue()
    program.refer_incident(
        CHIEF, incident.id, where.madnet.id, ReferralReason.TASK_FORCE_INVESTIGATION
    )
    seen = program.incident(where.liaison(where.madnet), incident.id).value
    assert seen.narrative == narrative


def test_a_command_returns_the_record_as_its_actor_may_see_it(town: tuple[Program, Town]) -> None:
    """amend_incident hides names from an SRO without the permission, and audits shown ones."""
    program, where = town
    incident = _incident(program, where)
    amended = program.amend_incident(SRO, incident.id, category="drugs")
    assert amended.involvements[0].person.name is None
    assert "Zo" not in amended.narrative
    juvenile_sro = Actor(
        id="sro.j",
        name="SRO J",
        role=ActorRole.SRO,
        permissions=frozenset({Permission.JUVENILE_RECORDS}),
    )
    shown = program.amend_incident(juvenile_sro, incident.id, category="drugs")
    assert shown.involvements[0].person.name == JUVENILE.name
    reads = [
        e for e in program.audit_trail(CHIEF, limit=1000) if e.action == "read_juvenile_record"
    ]
    assert [(e.actor_id, e.target) for e in reads][-1] == ("sro.j", str(incident.id))
    assert "sro.j" in {e.actor_id for e in reads}
    assert "ofc.reyes" not in {e.actor_id for e in reads}


def test_a_record_class_not_shared_hides_its_fields_and_refuses_referrals(
    town: tuple[Program, Town],
) -> None:
    """Unshared `arrest` hides arrests from MADGET; a roles-only agreement refuses a referral."""
    program, where = town
    adult = Person(PersonKind.COMMUNITY_MEMBER, "Ray Bolt", dt.date(1990, 1, 1))
    arrest = Arrest(
        dt.date(2026, 9, 4),
        "35A",
        juvenile_disposition=JuvenileDisposition.HANDLED_WITHIN_DEPARTMENT,
    )
    incident = _incident(
        program,
        where,
        involvements=(Involvement(adult, frozenset({InvolvementRole.ARRESTEE}), arrest=arrest),),
        narrative="",
    )
    closed = program.close_incident(
        CHIEF, incident.id, Disposition(DispositionKind.ARREST, dt.date(2026, 9, 5))
    )
    program.reopen_incident(CHIEF, closed.id)
    program.refer_incident(
        CHIEF, incident.id, where.madget.id, ReferralReason.TASK_FORCE_INVESTIGATION
    )
    seen = program.incident(where.liaison(where.madget), incident.id)
    assert seen.value.involvements[0].arrest is None
    assert InvolvementRole.ARRESTEE not in seen.value.involvements[0].roles
    assert seen.value.disposition is None
    assert seen.value.offenses[0].criminal_activities == ()
    probation = program.register_partner(CHIEF, Partner("County Probation", PartnerKind.PROBATION))
    program.sign_agreement(
        CHIEF,
        Agreement(
            title="Probation MOU",
            partner_ids=frozenset({probation.id}),
            signed_on=dt.date(2026, 6, 1),
            effective_from=dt.date(2026, 7, 1),
            review_due=dt.date(2027, 6, 1),
            clauses=(Clause(ClauseKind.ROLES, "Probation officers work with the SRO."),),
        ),
    )
    with pytest.raises(SharingRefused, match="incident_summary"):
        program.refer_incident(CHIEF, incident.id, probation.id, ReferralReason.PROBATION)
    refused = program.audit_trail(CHIEF, limit=1000)[-1]
    assert (refused.action, refused.outcome) == ("refer_incident", AuditOutcome.DENIED)
    assert "incident_summary" in refused.detail


def test_a_partner_reads_only_its_own_referrals(town: tuple[Program, Town]) -> None:
    """MADNET's liaison does not see MADGET's referral of the same incident, nor its note."""
    program, where = town
    _share(program, where.madget, RecordClass.INCIDENT_NARRATIVE)
    incident = _incident(program, where)
    program.refer_incident(
        CHIEF,
        incident.id,
        where.madnet.id,
        ReferralReason.TASK_FORCE_INVESTIGATION,
        note="for MADNET",
    )
    program.refer_incident(
        CHIEF,
        incident.id,
        where.madget.id,
        ReferralReason.TASK_FORCE_INVESTIGATION,
        note="gang notes XYZ",
    )
    mine = program.referrals(where.liaison(where.madnet), incident.id)
    assert [r.partner_id for r in mine] == [where.madnet.id]
    assert "XYZ" not in _text(mine)


def test_a_crisis_message_takes_its_authors_role(town: tuple[Program, Town]) -> None:
    """A principal cannot post as police command; a message to the SRO only is not theirs."""
    program, where = town
    principal = _principal(where)
    crisis = program.declare_crisis(principal, where.high.id, CrisisKind.LOCKDOWN)
    with pytest.raises(AccessDenied, match="posts as school_admin"):
        program.post_crisis_message(
            principal, crisis.id, CrisisRole.POLICE_COMMAND, frozenset({CrisisRole.SRO}), "x"
        )
    program.post_crisis_message(
        principal, crisis.id, None, frozenset({CrisisRole.SRO}), "Doors locked."
    )
    program.post_crisis_message(
        CHIEF, crisis.id, None, frozenset({CrisisRole.SRO}), "Sniper team staging at gate B."
    )
    [seen] = program.crises(principal, where.high.id)
    assert [m.author_role for m in seen.messages] == [CrisisRole.SCHOOL_ADMIN]
    [full] = program.crises(CHIEF, where.high.id)
    assert [m.author_role for m in full.messages] == [
        CrisisRole.SCHOOL_ADMIN,
        CrisisRole.POLICE_COMMAND,
    ]


def test_triad_split_and_consultations_are_scoped_to_the_principals_schools(
    town: tuple[Program, Town],
) -> None:
    """Another school's officer time and a non-school consultation stay with the department."""
    program, where = town
    at = dt.datetime(2026, 9, 3, 10, tzinfo=PACIFIC)
    common = {
        "officer_id": where.officer.id,
        "at": at,
        "triad_role": TriadRole.INFORMAL_COUNSELOR_MENTOR,
        "minutes": 20,
    }
    program.log_contact(
        SRO,
        CommunityContact(
            party=ContactParty.STAFF,
            purpose=ContactPurpose.ADVICE,
            school_id=where.middle.id,
            **common,
        ),
    )  # type: ignore[arg-type]
    program.log_contact(
        SRO,
        CommunityContact(
            party=ContactParty.STAFF,
            purpose=ContactPurpose.COUNSELING,
            school_id=where.high.id,
            school_related=False,
            **common,
        ),
    )  # type: ignore[arg-type]
    program.log_contact(
        SRO,
        CommunityContact(
            party=ContactParty.STUDENT,
            purpose=ContactPurpose.MENTORING,
            school_id=where.high.id,
            **common,
        ),
    )  # type: ignore[arg-type]
    principal = _principal(where)
    assert [c.value.purpose for c in program.contacts(principal)] == [ContactPurpose.MENTORING]
    period = Period(
        dt.datetime(2026, 9, 1, tzinfo=PACIFIC), dt.datetime(2026, 10, 1, tzinfo=PACIFIC)
    )
    [split] = program.triad_split(principal, period)
    assert (split.contacts, split.minutes) == (1, 20)
    report = program.program_report(principal, period=period, label="September")
    assert [(c.purpose, c.count) for c in report.contacts] == [(ContactPurpose.MENTORING, 1)]
    assert sum(t.contacts for t in program.triad_split(CHIEF, period)) == 3


def test_a_sealed_record_is_read_by_nobody_without_the_permission(
    town: tuple[Program, Town],
) -> None:
    """SROs, clerks, principals and task forces neither read nor find a sealed incident."""
    program, where = town
    incident = _incident(program, where)
    program.refer_incident(
        CHIEF, incident.id, where.madnet.id, ReferralReason.TASK_FORCE_INVESTIGATION
    )
    program.seal_incident(CHIEF, incident.id, "Order 26-JV-0042")
    for reader in (SRO, CLERK, _principal(where), where.liaison(where.madnet)):
        with pytest.raises(NotFound, match=f"^no incident {incident.id}$"):
            program.incident(reader, incident.id)
        assert program.find_incidents(reader).items == ()
    assert program.incident(CHIEF, incident.id).value.narrative == NARRATIVE
    with pytest.raises(AccessDenied, match="sealed-records permission"):
        program.unseal_incident(CLERK, incident.id, "Order 26-JV-0043")
    program.unseal_incident(CHIEF, incident.id, "Order 26-JV-0043")
    assert program.incident(SRO, incident.id).value.id == incident.id
    tombstone = program.expunge_incident(CHIEF, incident.id, "Order 26-JV-0044")
    assert JUVENILE.name not in _text(tombstone)
    assert tombstone.narrative == ""
    assert tombstone.involvements[0].is_juvenile(dt.date(2026, 9, 4))
    trail = [(e.action, e.detail) for e in program.audit_trail(CHIEF, limit=1000)]
    assert ("seal_incident", "order Order 26-JV-0042") in trail
    assert ("unseal_incident", "order Order 26-JV-0043") in trail
    assert ("expunge_incident", "order Order 26-JV-0044") in trail


def test_a_search_never_matches_text_the_reader_may_not_see(town: tuple[Program, Town]) -> None:
    """A principal searching a word of a narrative they may not read gets nothing back."""
    program, where = town
    incident = _incident(program, where)
    principal = _principal(where)
    assert program.find_incidents(principal, IncidentFilter(text="marijuana")).items == ()
    assert program.find_incidents(principal, IncidentFilter(text=incident.number)).items != ()
    assert program.find_incidents(SRO, IncidentFilter(text="Ramírez")).items == ()


def test_no_suppressed_count_is_derived_from_the_counts_shown() -> None:
    """Drugs 3, fight 12: with drugs suppressed, fight goes too, so the total gives nothing."""
    counts = {"drugs": 3, "fight": 12, "theft": 20}
    shown = suppressed(counts, 10)
    assert shown == {"drugs": None, "fight": None, "theft": 20}


def test_an_expired_agreement_stops_access_and_other_schools_ids_are_unknown(
    town: tuple[Program, Town],
) -> None:
    """A lapsed agreement ends a liaison's reads; another school's id answers as an unknown one."""
    program, where = town
    health = program.register_partner(CHIEF, Partner("Youth Health", PartnerKind.BEHAVIORAL_HEALTH))
    _share(program, health, RecordClass.INCIDENT_SUMMARY, end=dt.date(2026, 9, 30))
    incident = _incident(program, where, involvements=(), narrative="")
    program.refer_incident(CHIEF, incident.id, health.id, ReferralReason.TASK_FORCE_INVESTIGATION)
    liaison = Actor(id="liaison.h", name="H", role=ActorRole.PARTNER_LIAISON, partner_id=health.id)
    assert program.incident(liaison, incident.id).value.id == incident.id
    program.clock.now = dt.datetime(2026, 10, 2, tzinfo=PACIFIC)  # type: ignore[attr-defined]
    with pytest.raises(NotFound):
        program.incident(liaison, incident.id)
    middle = _principal(where, middle=True)
    unknown = re.sub(r"[0-9a-f]$", "0", str(incident.id))
    with pytest.raises(NotFound) as other:
        program.incident(middle, incident.id)
    with pytest.raises(NotFound) as missing:
        program.incident(middle, type(incident.id)(unknown))
    assert str(other.value).replace(str(incident.id), "ID") == str(missing.value).replace(
        unknown, "ID"
    )


def test_a_disclosure_outside_the_department_is_recorded_and_listed(
    town: tuple[Program, Town],
) -> None:
    """A principal's read and a liaison's export are listed with the agreement they went under."""
    program, where = town
    incident = _incident(program, where)
    program.refer_incident(
        CHIEF, incident.id, where.madnet.id, ReferralReason.TASK_FORCE_INVESTIGATION
    )
    program.incident(_principal(where), incident.id)
    program.export(where.liaison(where.madnet), "csv", io.StringIO())
    program.incident(SRO, incident.id)
    listed = program.disclosures(CHIEF, incident.id)
    assert [(d.recipient, d.recipient_role) for d in listed] == [
        ("principal.hs", ActorRole.SCHOOL_ADMINISTRATOR),
        ("liaison.madnet", ActorRole.PARTNER_LIAISON),
    ]
    assert listed[1].agreements == (str(where.mou.id),)
    assert listed[0].what == f"incident {incident.number}"


def test_masking_is_stable_case_and_accent_blind_and_keeps_possessives() -> None:
    """Full, given and family names, any case or accent, possessive or not: one token each."""
    mask = Mask.of([("juvenile", "José Núñez"), ("juvenile", "Amy Li")])
    assert mask.apply("JOSE NUNEZ met núñez's friend Amy; li left. Alice stayed.") == (
        "[juvenile 1] met [juvenile 1]'s friend [juvenile 2]; [juvenile 2] left. Alice stayed."
    )


def test_no_scope_check_or_role_comparison_outside_the_policy() -> None:
    """The service and the CLI ask the policy; none of them compares roles or checks scope."""
    pattern = re.compile(
        r"check_\w+_scope|\.role\s+(is|==|!=|in|not)\b|\.audience\s+(is|==|!=|in|not)\b"
        r"|ROLE_ACTIONS\["
    )
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("src/sro_core/service", "src/sro_core/cli")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_a_csv_row_redacts_what_the_reader_may_not_see(town: tuple[Program, Town]) -> None:
    """A principal's CSV says [redacted] for the narrative and shows no name."""
    program, where = town
    _incident(program, where)
    out = io.StringIO()
    program.export(_principal(where), "csv", out)
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["narrative"] == "[redacted]"


def test_a_contact_summary_is_masked_or_hidden_for_readers_without_identities(
    town: tuple[Program, Town],
) -> None:
    """A recorded student's name is masked; a student no record names hides the summary."""
    program, where = town
    with program.storage.unit_of_work() as unit:
        unit.people.add(PersonRecord.of(JUVENILE))
    at = dt.datetime(2026, 9, 3, 10, tzinfo=PACIFIC)
    common = {"officer_id": where.officer.id, "at": at, "minutes": 15, "school_id": where.high.id}
    mentoring = {"purpose": ContactPurpose.MENTORING, "triad_role": TriadRole.EDUCATOR}
    program.log_contact(
        SRO,
        CommunityContact(
            party=ContactParty.STUDENT,
            person_id=JUVENILE.id,
            summary="Met Zoe Ramirez about her grades.",
            **mentoring,  # type: ignore[arg-type]
            **common,  # type: ignore[arg-type]
        ),
    )
    program.log_contact(
        SRO,
        CommunityContact(
            party=ContactParty.STUDENT,
            summary="Met a sophomore, Kai, about a bus fight.",
            **mentoring,  # type: ignore[arg-type]
            **common,  # type: ignore[arg-type]
        ),
    )
    program.log_contact(
        SRO,
        CommunityContact(
            party=ContactParty.PARENT_GUARDIAN,
            summary="A father asked about pick-up traffic.",
            **mentoring,  # type: ignore[arg-type]
            **common,  # type: ignore[arg-type]
        ),
    )
    seen = sorted(program.contacts(SRO), key=lambda s: s.value.party.value)
    summaries = [(s.value.summary, "summary" in s.hidden) for s in seen]
    assert sorted(summaries) == [
        ("", True),
        ("A father asked about pick-up traffic.", False),
        ("Met [juvenile 1] [juvenile 1] about her grades.", False),
    ]
    full = {s.value.summary for s in program.contacts(CHIEF)}
    assert "Met Zoe Ramirez about her grades." in full
