"""The SRO's community work: the contacts of the daily log and the education activities.

Contacts follow the seed's "Community Presence": parents approach the SRO about non-school
matters, staff seek advice on domestic issues or neighbour complaints, homeowners near the
school report suspicious activity, business owners ask for help with students in their
stores, and students are mentored and counselled. Some contacts become incidents.
Activities are the educator's side of the triad: class presentations, staff trainings, parent
workshops, mentoring groups, events and drills.
"""

from __future__ import annotations

import attrs

from sro_core.domain import (
    ActivityAudience,
    ActivityKind,
    ContactParty,
    ContactPurpose,
    SchoolLevel,
    TriadRole,
)

P, U, T = ContactParty, ContactPurpose, TriadRole


@attrs.frozen
class ContactKind:
    """A kind of contact: who, about what, in which triad role, how often and how long.

    ``weights`` are relative frequencies at a high, middle and elementary school;
    ``escalates`` is the chance the contact becomes an incident, of ``category``.
    """

    party: ContactParty
    purpose: ContactPurpose
    triad: TriadRole
    weights: tuple[float, float, float]
    minutes: tuple[int, int]
    summaries: tuple[str, ...]
    school_related: bool = True
    escalates: float = 0.0
    category: str = ""
    follow_up: float = 0.0


CONTACTS = (
    ContactKind(
        P.PARENT_GUARDIAN,
        U.ADVICE,
        T.INFORMAL_COUNSELOR_MENTOR,
        (3, 3, 4),
        (10, 30),
        (
            "Parent asked about a custody exchange order; explained a civil standby.",
            "Parent asked what to do about a neighbour's barking dogs.",
            "Parent asked about a phone scam demanding gift cards.",
            "Parent worried about an older son's new friends; talked through resources.",
            "Parent asked how to report a bicycle stolen from their garage.",
        ),
        school_related=False,
    ),
    ContactKind(
        P.PARENT_GUARDIAN,
        U.INFORMATION,
        T.LAW_ENFORCEMENT,
        (3, 3, 4),
        (5, 20),
        (
            "Parent asked about the drop-off rules on the school street.",
            "Parent reported her son is being picked on at the bus stop.",
            "Parent asked what the school does in a lockdown.",
        ),
        escalates=0.03,
        category="harassment_bullying",
    ),
    ContactKind(
        P.STAFF,
        U.ADVICE,
        T.INFORMAL_COUNSELOR_MENTOR,
        (2, 2, 2),
        (10, 40),
        (
            "Teacher asked for advice about a neighbour dispute over a fence line.",
            "Staff member asked about a restraining order; explained the process and the advocate.",
            "Custodian asked about a car left for weeks on his street.",
        ),
        school_related=False,
    ),
    ContactKind(
        P.STAFF,
        U.INFORMATION,
        T.LAW_ENFORCEMENT,
        (4, 3, 3),
        (5, 25),
        (
            "Counsellor shared a concern about a student's home situation.",
            "Vice principal asked for a presence at dismissal after rumours of a fight.",
            "Office asked for help with a parent who is not allowed to pick up.",
        ),
        escalates=0.03,
        category="welfare_check",
        follow_up=0.3,
    ),
    ContactKind(
        P.HOMEOWNER,
        U.SUSPICIOUS_ACTIVITY,
        T.LAW_ENFORCEMENT,
        (2, 2, 2),
        (10, 30),
        (
            "Homeowner reported students cutting through her yard at lunch.",
            "Neighbour reported a car idling near the playground with two adults watching.",
            "Resident reported teenagers gathering behind the strip mall after school.",
        ),
        escalates=0.15,
        category="suspicious_activity",
    ),
    ContactKind(
        P.BUSINESS_OWNER,
        U.COMPLAINT,
        T.LAW_ENFORCEMENT,
        (2, 1.5, 0.3),
        (10, 30),
        (
            "Market owner complained of students shoplifting snacks after school.",
            "Gas station clerk complained of students loitering and vaping behind the building.",
            "Pizza shop owner complained of students blocking the doorway at lunch.",
        ),
        escalates=0.2,
        category="theft",
    ),
    ContactKind(
        P.STUDENT,
        U.MENTORING,
        T.INFORMAL_COUNSELOR_MENTOR,
        (5, 5, 4),
        (10, 45),
        (
            "Lunch check-in with a student in the mentoring group.",
            "Talked with a senior about the police academy and community college.",
            "Met a student struggling with attendance; set goals for the week.",
            "Shot baskets at lunch with students from the mentoring group.",
        ),
    ),
    ContactKind(
        P.STUDENT,
        U.COUNSELING,
        T.INFORMAL_COUNSELOR_MENTOR,
        (3, 3, 2),
        (15, 45),
        (
            "Student upset about posts about her online; talked it through with the counsellor.",
            "Student worried about a parent's drinking; connected with the counsellor.",
            "Student anxious after a fight in the neighbourhood; walked through a safety plan.",
        ),
        follow_up=0.5,
    ),
    ContactKind(
        P.STUDENT,
        U.COMPLAINT,
        T.LAW_ENFORCEMENT,
        (3, 3, 1),
        (5, 20),
        (
            "Student reported her phone missing from the locker room.",
            "Student reported threats in a group chat.",
            "Student reported being followed home by older teens.",
        ),
        escalates=0.1,
        category="threat",
    ),
    ContactKind(
        P.PARENT_GUARDIAN,
        U.WELFARE_CHECK,
        T.LAW_ENFORCEMENT,
        (1, 1, 1.5),
        (15, 45),
        (
            "Parent could not reach a student who left school early; found at a friend's home.",
            "Grandmother asked for a check on a grandchild who missed a week of school.",
        ),
        escalates=0.1,
        category="welfare_check",
        follow_up=0.4,
    ),
    ContactKind(
        P.PARTNER_AGENCY,
        U.INFORMATION,
        T.LAW_ENFORCEMENT,
        (1.5, 1, 0.5),
        (10, 40),
        (
            "Probation officer checked on a student under supervision.",
            "MADNET agent asked about vape sales near campus.",
            "Behavioral health clinician followed up on a referral.",
        ),
    ),
    ContactKind(
        P.COMMUNITY_MEMBER,
        U.ADVICE,
        T.INFORMAL_COUNSELOR_MENTOR,
        (1, 1, 1.5),
        (5, 20),
        (
            "Resident asked about the rules for fireworks.",
            "Grandparent asked for help installing a car seat.",
            "Coach asked about background checks for volunteers.",
        ),
        school_related=False,
    ),
    ContactKind(
        P.STAFF,
        U.FOLLOW_UP,
        T.LAW_ENFORCEMENT,
        (2, 2, 1),
        (10, 30),
        (
            "Followed up with the vice principal on last week's incident.",
            "Followed up with the counsellor on a referred student.",
        ),
    ),
)
"""The contacts of an SRO's daily log."""


@attrs.frozen
class ActivityPlan:
    """A kind of regular activity: its kind, topics by school level, audience and size."""

    kind: ActivityKind
    weight: float
    topics: dict[SchoolLevel, tuple[str, ...]]
    audience: ActivityAudience
    attendance: tuple[int, int]
    minutes: tuple[int, int]
    triad: TriadRole = TriadRole.EDUCATOR
    evening: bool = False


_ALL = (SchoolLevel.HIGH, SchoolLevel.MIDDLE, SchoolLevel.ELEMENTARY)

ACTIVITIES = (
    ActivityPlan(ActivityKind.CLASS_PRESENTATION, 60, {
        SchoolLevel.HIGH: ("Teen dating violence", "Vapes, edibles and fentanyl",
                           "Digital footprints and the law", "Distracted driving",
                           "Careers in law enforcement", "Know your rights in a police stop"),
        SchoolLevel.MIDDLE: ("Cyberbullying and group chats", "Vaping: facts and myths",
                             "Gang awareness", "Conflict resolution", "Online safety"),
        SchoolLevel.ELEMENTARY: ("Stranger safety", "Bike and pedestrian safety",
                                 "What police officers do", "Internet safety basics",
                                 "Be an upstander, not a bystander"),
    }, ActivityAudience.STUDENTS, (18, 34), (40, 55)),
    ActivityPlan(ActivityKind.MENTORING_PROGRAMME, 25, {
        SchoolLevel.HIGH: ("Police Explorers meeting", "Lunch mentoring group"),
        SchoolLevel.MIDDLE: ("Lunch mentoring group", "Boys and girls leadership circle"),
        SchoolLevel.ELEMENTARY: ("Reading buddies", "Recess mentoring"),
    }, ActivityAudience.STUDENTS, (5, 15), (30, 60), TriadRole.INFORMAL_COUNSELOR_MENTOR),
    ActivityPlan(ActivityKind.STAFF_TRAINING, 7, dict.fromkeys(_ALL, (
        "Threat assessment protocol", "Mandated reporting of child abuse",
        "De-escalation in the classroom", "Standard response protocol: lockdown, lockout, evacuate",
        "Recognising drug impairment")), ActivityAudience.STAFF, (12, 60), (45, 90)),
    ActivityPlan(ActivityKind.PARENT_WORKSHOP, 5, dict.fromkeys(_ALL, (
        "Social media and your child", "Drug trends: vapes, edibles and fentanyl",
        "Keeping kids safe online")), ActivityAudience.PARENTS, (10, 70), (60, 90),
        evening=True),
    ActivityPlan(ActivityKind.EVENT, 3, dict.fromkeys(_ALL, (
        "Coffee with a Cop", "Career day booth", "Walk to school day")),
        ActivityAudience.COMMUNITY, (30, 250), (60, 180), TriadRole.LAW_ENFORCEMENT),
)  # fmt: skip
"""The regular activities an SRO leads during the school year."""
