"""A small, fixed school term of records for the kit's example-based contracts.

Every record has a fixed id, and the times sit where backends go wrong: an incident late on
the last evening of a local month (already the next month in UTC), two incidents at one
instant, a draft, records at the very start and the very end of the counted period, a
student in two incidents with other demographics, narratives whose case differs beyond A to Z
and that hold ``%`` and ``_``. :func:`term` builds it for a calendar; the contracts store it
in the backend and in the memory reference and compare their answers.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Final

import attrs

from sro_core.domain import (
    ActivityAudience,
    ActivityKind,
    ActorEntry,
    ActorRole,
    Agreement,
    Assignment,
    AssignmentRole,
    CommunityContact,
    ContactParty,
    ContactPurpose,
    CrisisEvent,
    CrisisKind,
    CrisisStatus,
    Demographics,
    EducationActivity,
    GradeSpan,
    Incident,
    IncidentStatus,
    Involvement,
    InvolvementRole,
    Location,
    LocationKind,
    Officer,
    Partner,
    PartnerKind,
    Person,
    PersonKind,
    PersonRecord,
    ProgramCalendar,
    Race,
    Referral,
    ReferralReason,
    ReferralStatus,
    ReviewState,
    ReviewStep,
    School,
    SchoolLevel,
    Sex,
    TriadRole,
    incident_number,
)
from sro_core.ports import Period

__all__ = ["REVIEW_START", "Term", "key", "reviewed", "reviewer", "term"]


def key(n: int) -> uuid.UUID:
    """Return the fixed id number ``n`` of the examples."""
    return uuid.UUID(int=n)


OFFICER_A: Final = key(0xA1)
OFFICER_B: Final = key(0xA2)
SCHOOL_A: Final = key(0x51)
SCHOOL_B: Final = key(0x52)
PARTNER: Final = key(0x71)
STUDENT: Final = key(0x81)
CASED_NARRATIVE: Final = "Bike stolen near the ÉCOLE gym; STRAßE sign 100% bent_over"
"""A narrative where folding case beyond A to Z, or reading ``%`` and ``_`` as wildcards, shows."""


@attrs.frozen
class Term:
    """The records of a short autumn term and the period the counting queries cover."""

    calendar: ProgramCalendar
    period: Period
    officers: tuple[Officer, ...]
    schools: tuple[School, ...]
    assignments: tuple[Assignment, ...]
    people: tuple[PersonRecord, ...]
    incidents: tuple[Incident, ...]
    contacts: tuple[CommunityContact, ...]
    activities: tuple[EducationActivity, ...]
    partners: tuple[Partner, ...]
    agreements: tuple[Agreement, ...]
    referrals: tuple[Referral, ...]
    crises: tuple[CrisisEvent, ...]
    actors: tuple[ActorEntry, ...]

    def tables(self) -> dict[str, tuple[Any, ...]]:
        """Return the records by repository name, in an order that needs no other."""
        return {f.name: getattr(self, f.name) for f in attrs.fields(Term)[2:]}

    @property
    def late_september(self) -> Incident:
        """The incident at 23:30 local on 30 September: October in UTC, September locally."""
        return self.incidents[0]


def _student(demographics: Demographics) -> Person:
    return Person(
        PersonKind.STUDENT, name="Sam Rivera", grade=10, demographics=demographics, id=STUDENT
    )


def term(calendar: ProgramCalendar | None = None) -> Term:
    """Return the example term for a program calendar (default: America/Los_Angeles)."""
    calendar = calendar or ProgramCalendar()

    def local(month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
        return dt.datetime(2025, month, day, hour, minute, tzinfo=calendar.zone)

    start, end = local(9, 1, 0), local(12, 1, 0)
    on_campus = Location(LocationKind.ON_CAMPUS, "52")
    community = Location(LocationKind.COMMUNITY, "13")
    earlier = _student(Demographics(Sex.MALE, frozenset({Race.WHITE}), hispanic_or_latino=False))
    later = _student(
        Demographics(
            Sex.FEMALE, frozenset({Race.ASIAN}), hispanic_or_latino=True, english_learner=True
        )
    )

    def incident(n: int, at: dt.datetime, **fields: object) -> Incident:
        values: dict[str, object] = {
            "reporting_officer_id": OFFICER_A,
            "occurred_start": at,
            "reported_at": at + dt.timedelta(hours=1),
            "location": on_campus,
            "category": "theft",
            "school_id": SCHOOL_A,
            "status": IncidentStatus.REPORTED,
            "number": incident_number(2025, n),
            "id": key(0x100 + n),
        }
        values.update(fields)
        return Incident(**values)  # type: ignore[arg-type]

    suspect = frozenset({InvolvementRole.SUSPECT})
    incidents = (
        incident(1, local(9, 30, 23, 30), narrative=CASED_NARRATIVE),
        incident(2, local(10, 1, 0, 30), category="fight"),
        incident(3, local(10, 1, 0, 30), location=community, school_id=None, category="fight"),
        incident(4, local(10, 15), status=IncidentStatus.DRAFT, number=None, category="vaping"),
        incident(5, start, school_id=SCHOOL_B, narrative="first minute of the term"),
        incident(6, end, narrative="first minute after the term"),
        incident(
            7,
            local(10, 20),
            involvements=(Involvement(earlier, suspect),),
            referred_to_law_enforcement=True,
        ),
        incident(
            8,
            local(11, 5),
            reporting_officer_id=OFFICER_B,
            involvements=(Involvement(later, suspect),),
            referred_to_law_enforcement=True,
        ),
    )

    def contact(n: int, at: dt.datetime, **fields: object) -> CommunityContact:
        values: dict[str, object] = {
            "officer_id": OFFICER_A,
            "at": at,
            "party": ContactParty.STUDENT,
            "purpose": ContactPurpose.ADVICE,
            "triad_role": TriadRole.INFORMAL_COUNSELOR_MENTOR,
            "minutes": 10 * n,
            "school_id": SCHOOL_A,
            "id": key(0x200 + n),
        }
        values.update(fields)
        return CommunityContact(**values)  # type: ignore[arg-type]

    contacts = (
        contact(1, local(9, 30, 23, 30)),
        contact(2, local(10, 2)),
        contact(3, local(10, 3), school_id=None, party=ContactParty.PARENT_GUARDIAN),
        contact(4, start, officer_id=OFFICER_B, triad_role=TriadRole.LAW_ENFORCEMENT),
        contact(5, end),
    )
    activities = tuple(
        EducationActivity(
            OFFICER_A if n != 2 else OFFICER_B,
            ActivityKind.CLASS_PRESENTATION,
            "Online safety",
            ActivityAudience.STUDENTS,
            at,
            45 + n,
            30,
            school_id=SCHOOL_A,
            id=key(0x300 + n),
        )
        for n, at in ((1, local(10, 7)), (2, local(10, 8)), (3, end))
    )
    referrals = tuple(
        Referral(
            incidents[6].id,
            PARTNER,
            reason,
            at,
            key(0x401),
            status=status,
            id=key(0x500 + n),
        )
        for n, (reason, status, at) in enumerate(
            (
                (ReferralReason.DIVERSION, ReferralStatus.SENT, local(10, 21)),
                (ReferralReason.DIVERSION, ReferralStatus.SENT, local(10, 22)),
                (ReferralReason.BEHAVIORAL_HEALTH, ReferralStatus.ACCEPTED, local(10, 23)),
                (ReferralReason.DIVERSION, ReferralStatus.SENT, end),
            ),
            start=1,
        )
    )
    return Term(
        calendar=calendar,
        period=Period(start, end),
        officers=(
            Officer("1042", "Dana Ortiz", id=OFFICER_A),
            Officer("2077", "Lee Park", rank="Sergeant", id=OFFICER_B),
        ),
        schools=(
            School("Central High", "Unified", SchoolLevel.HIGH, GradeSpan(9, 12), id=SCHOOL_A),
            School("Oak Middle", "Unified", SchoolLevel.MIDDLE, GradeSpan(6, 8), id=SCHOOL_B),
        ),
        assignments=(
            Assignment(OFFICER_A, SCHOOL_A, AssignmentRole.PRIMARY, start.date(), id=key(0x601)),
            Assignment(OFFICER_B, SCHOOL_B, AssignmentRole.PRIMARY, start.date(), id=key(0x602)),
            Assignment(OFFICER_A, SCHOOL_B, AssignmentRole.RELIEF, start.date(), id=key(0x603)),
        ),
        people=(PersonRecord.of(later, SCHOOL_A),),
        incidents=incidents,
        contacts=contacts,
        activities=activities,
        partners=(Partner("County Youth Services", PartnerKind.DISTRICT, id=PARTNER),),
        agreements=(
            Agreement(
                "Memorandum of understanding",
                frozenset({PARTNER}),
                start.date(),
                start.date(),
                end.date(),
                id=key(0x401),
            ),
        ),
        referrals=referrals,
        crises=(
            CrisisEvent(SCHOOL_A, CrisisKind.LOCKOUT, "Sgt. Park", local(10, 9), id=key(0x701)),
            CrisisEvent(
                SCHOOL_B,
                CrisisKind.LOCKDOWN,
                "Sgt. Park",
                local(10, 10),
                status=CrisisStatus.ALL_CLEAR,
                ended_at=local(10, 10, 13),
                id=key(0x702),
            ),
        ),
        actors=(
            ActorEntry("sgt.park", "Sgt. Lee Park", ActorRole.SUPERVISOR, officer_id=OFFICER_B),
            ActorEntry("analyst.wu", "J. Wu", ActorRole.ANALYST, logins=frozenset({"jwu"})),
        ),
    )


REVIEW_START: Final = dt.datetime(2025, 12, 20, 16, 0, tzinfo=dt.UTC)
"""When the review of the term's reports begins (after every one of them was reported)."""
_MINUTE: Final = dt.timedelta(minutes=1)
_S, _A, _R = ReviewState.SUBMITTED, ReviewState.APPROVED, ReviewState.RETURNED
_REVIEWS: Final[dict[int, tuple[tuple[ReviewState, dt.timedelta], ...]]] = {
    1: ((_S, 120 * _MINUTE),),
    2: ((_S, 0 * _MINUTE), (_R, 30 * _MINUTE), (_S, 60 * _MINUTE)),
    3: ((_S, 60 * _MINUTE + dt.timedelta(microseconds=250)),),
    4: ((_S, 0 * _MINUTE),),  # a draft: never in the queue
    5: ((_S, 0 * _MINUTE), (_A, 60 * _MINUTE)),
    6: ((_S, 0 * _MINUTE), (_R, 30 * _MINUTE)),
    8: ((_S, 0 * _MINUTE), (_A, 60 * _MINUTE), (_S, 240 * _MINUTE)),
}
"""The review of the term's incidents by number: each step, and when after REVIEW_START.

Waiting, oldest first: 2 (resubmitted at 60 minutes), 3 (submitted at 60 minutes and 250
microseconds), 1, 8 (amended after its approval). A time with no microseconds is written
without them in a document, one with them with six digits: a store that keeps the time in a
column of its own must order the two alike.
"""


def reviewer(state: ReviewState) -> str:
    """Return who moves a report to a review state: the officer submits, the sergeant rules."""
    return "ofc.reyes" if state is ReviewState.SUBMITTED else "sgt.lopez"


def reviewed(records: Term) -> Term:
    """Return a term with its incidents at the review steps above (the others unsubmitted)."""
    incidents = []
    for n, incident in enumerate(records.incidents, start=1):
        steps = [
            ReviewStep(
                state=state,
                actor_id=reviewer(state),
                at=REVIEW_START + after,
                note="Name the witness." if state is ReviewState.RETURNED else "",
            )
            for state, after in _REVIEWS.get(n, ())
        ]
        state = steps[-1].state if steps else ReviewState.UNSUBMITTED
        incidents.append(attrs.evolve(incident, review=state, reviews=tuple(steps)))
    return attrs.evolve(records, incidents=tuple(incidents))
