"""A program with a term's work, built through the public Program API, and the report's actors.

The pattern follows the core's ``tests/program_support.py``: a clock the test moves, the
seed's town (a high school, a middle school, two SROs, the district and the task forces), and
a few weeks of incidents, contacts, activities, referrals, crises and agreements.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import io
import uuid
from collections.abc import Iterable

import attrs
import sro_core_report.plugin

from sro_core import PluginHost
from sro_core.builtin import BUILTIN_PLUGINS
from sro_core.domain import (
    ActivityAudience,
    ActivityKind,
    Actor,
    ActorRole,
    Agreement,
    Arrest,
    AssignmentRole,
    Clause,
    ClauseKind,
    CommunityContact,
    ContactParty,
    ContactPurpose,
    CrisisKind,
    CrisisRole,
    Demographics,
    EducationActivity,
    GradeSpan,
    Incident,
    Involvement,
    InvolvementRole,
    JuvenileDisposition,
    Location,
    LocationKind,
    Offense,
    Officer,
    Partner,
    PartnerKind,
    Permission,
    Person,
    PersonKind,
    RecordClass,
    ReferralReason,
    ReferralStatus,
    School,
    SchoolLevel,
    SchoolYear,
    Sex,
    TriadRole,
)
from sro_core.ports import Period
from sro_core.service import Program, ProgramSettings

PACIFIC = dt.timezone(dt.timedelta(hours=-7))
START_OF_TERM = dt.datetime(2026, 9, 8, 8, 0, tzinfo=PACIFIC)
THRESHOLD = 10
"""The program's suppression threshold (the default)."""
PROGRAM_NAME = "Chowchilla PD School Resource Officer Program"

SEPTEMBER = Period(
    dt.datetime(2026, 9, 1, tzinfo=PACIFIC), dt.datetime(2026, 10, 1, tzinfo=PACIFIC)
)
MARCH = Period(
    dt.datetime(2026, 3, 1, tzinfo=dt.timezone(dt.timedelta(hours=-8))),
    dt.datetime(2026, 4, 1, tzinfo=PACIFIC),
)
"""A month of the year before, when the program had done nothing yet."""
SECTIONS = (
    "headline",
    "incidents",
    "places",
    "triad",
    "contacts",
    "referrals",
    "crdc",
    "crises",
    "agreements",
)
"""The page's sections, by id, in order: the headline figures first."""

CHIEF = Actor(
    id="sgt.lopez",
    name="Sgt. Lopez",
    role=ActorRole.SUPERVISOR,
    permissions=frozenset({Permission.JUVENILE_RECORDS}),
)
SRO = Actor(id="ofc.reyes", name="Ofc. Reyes", role=ActorRole.SRO)
ANALYST = Actor(id="analyst.wu", name="J. Wu", role=ActorRole.ANALYST)


class Clock:
    """A clock the test moves: every reading is one second after the last."""

    def __init__(self, start: dt.datetime = START_OF_TERM) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        """Return the next second, in UTC."""
        self.now += dt.timedelta(seconds=1)
        return self.now.astimezone(dt.UTC)


@attrs.frozen
class Town:
    """The seed's small city, its program and the clock the program reads."""

    program: Program
    clock: Clock
    high: School
    middle: School
    reyes: Officer
    ortiz: Officer
    district: Partner
    madnet: Partner
    madget: Partner

    def principal(self) -> Actor:
        """Return the high school's principal."""
        return Actor(
            id="principal.hs",
            name="Principal",
            role=ActorRole.SCHOOL_ADMINISTRATOR,
            schools=frozenset({self.high.id}),
        )

    def school_year(self) -> Period:
        """Return the school year 2026-27 as the program's calendar spans it."""
        year = SchoolYear(2026)
        return Period(*self.program.calendar.span(year.first_day, year.last_day))


def open_program(url: str = "memory:") -> tuple[Program, Clock]:
    """Open a program with the report plugin loaded next to the built-ins, and its clock."""
    host = PluginHost.load(builtins=(*BUILTIN_PLUGINS, sro_core_report.plugin), entry_points=False)
    clock = Clock()
    settings = ProgramSettings(name=PROGRAM_NAME, suppression_threshold=THRESHOLD)
    return Program.open(url, settings, plugins=host, clock=clock), clock


def build_town(program: Program, clock: Clock) -> Town:
    """Register the seed's schools, officers, partners and agreements."""
    high = program.register_school(
        CHIEF,
        School(
            "Chowchilla Union High School",
            "Chowchilla Union HSD",
            SchoolLevel.HIGH,
            GradeSpan(9, 12),
        ),
    )
    middle = program.register_school(
        CHIEF,
        School(
            "Wilson Middle School", "Chowchilla Elementary SD", SchoolLevel.MIDDLE, GradeSpan(6, 8)
        ),
    )
    reyes = program.register_officer(CHIEF, Officer(badge="4127", name="Dana Reyes"))
    ortiz = program.register_officer(CHIEF, Officer(badge="3310", name="Sam Ortiz"))
    program.assign(CHIEF, reyes.id, high.id, AssignmentRole.PRIMARY, start=dt.date(2026, 7, 1))
    program.assign(CHIEF, ortiz.id, middle.id, AssignmentRole.PRIMARY, start=dt.date(2026, 7, 1))
    district = program.register_partner(
        CHIEF, Partner("Chowchilla Union HSD", PartnerKind.DISTRICT)
    )
    madnet = program.register_partner(CHIEF, Partner("MADNET", PartnerKind.NARCOTICS_TASK_FORCE))
    madget = program.register_partner(CHIEF, Partner("MADGET", PartnerKind.GANG_TASK_FORCE))
    program.sign_agreement(
        CHIEF,
        Agreement(
            title="SRO program MOU",
            partner_ids=frozenset({district.id, madnet.id, madget.id}),
            signed_on=dt.date(2026, 6, 15),
            effective_from=dt.date(2026, 7, 1),
            review_due=dt.date(2027, 5, 1),
            clauses=(
                Clause(ClauseKind.ROLES, "The SRO provides full police services on campus."),
                Clause(
                    ClauseKind.INFORMATION_SHARING,
                    "Narcotics cases go to MADNET with their narrative.",
                    partner_id=madnet.id,
                    shares=frozenset(
                        {RecordClass.INCIDENT_SUMMARY, RecordClass.INCIDENT_NARRATIVE}
                    ),
                ),
                Clause(
                    ClauseKind.INFORMATION_SHARING,
                    "Gang cases go to MADGET.",
                    partner_id=madget.id,
                    shares=frozenset({RecordClass.INCIDENT_SUMMARY}),
                ),
            ),
        ),
    )
    for title, review_due in [
        ("Behavioral health referral protocol", dt.date(2026, 8, 15)),
        ("Campus radio sharing agreement", dt.date(2026, 9, 30)),
    ]:
        program.sign_agreement(
            CHIEF,
            Agreement(
                title=title,
                partner_ids=frozenset({district.id}),
                signed_on=dt.date(2025, 8, 1),
                effective_from=dt.date(2025, 8, 1),
                review_due=review_due,
            ),
        )
    return Town(program, clock, high, middle, reyes, ortiz, district, madnet, madget)


def _incident(town: Town, day: dt.date, kind: LocationKind, category: str, code: str) -> Incident:
    """Report an incident at noon of a day, at the high school unless it is elsewhere."""
    school = None
    if kind is not LocationKind.COMMUNITY:
        school = (
            town.middle.id if category in {"vandalism", "harassment_bullying"} else town.high.id
        )
    at = dt.datetime.combine(day, dt.time(12), PACIFIC)
    return town.program.report_incident(
        SRO,
        Incident(
            reporting_officer_id=town.reyes.id,
            occurred_start=at,
            reported_at=at + dt.timedelta(hours=1),
            location=Location(kind, "53" if kind is LocationKind.ON_CAMPUS else "13"),
            school_id=school,
            category=category,
            offenses=(Offense(code),),
        ),
    )


def seed_term(town: Town) -> None:
    """Record August and September's work: incidents, contacts, activities, referrals, crises."""
    program = town.program
    on, near, out = LocationKind.ON_CAMPUS, LocationKind.SCHOOL_ADJACENT, LocationKind.COMMUNITY
    for day in range(1, 11):
        _incident(town, dt.date(2026, 9, day), on, "tobacco_vaping", "90Z")
    _incident(town, dt.date(2026, 8, 20), on, "vandalism", "290")
    _incident(town, dt.date(2026, 8, 27), near, "theft", "23C")
    fight = _incident(town, dt.date(2026, 9, 8), on, "fight", "13B")
    _incident(town, dt.date(2026, 9, 9), on, "fight", "13B")
    _incident(town, dt.date(2026, 9, 10), near, "theft", "23C")
    _incident(town, dt.date(2026, 9, 14), on, "vandalism", "290")
    _incident(town, dt.date(2026, 9, 15), LocationKind.ONLINE, "harassment_bullying", "13C")
    drugs = _incident(town, dt.date(2026, 9, 11), out, "drugs", "35A")
    student = Person(
        PersonKind.STUDENT,
        "B. Student",
        dt.date(2010, 1, 20),
        grade=10,
        demographics=Demographics(Sex.MALE, idea=True, section_504=False),
    )
    program.add_involvement(
        SRO,
        fight.id,
        Involvement(
            student,
            frozenset({InvolvementRole.OFFENDER, InvolvementRole.ARRESTEE}),
            arrest=Arrest(
                dt.date(2026, 9, 8),
                "13B",
                juvenile_disposition=JuvenileDisposition.REFERRED_TO_OTHER_AUTHORITIES,
            ),
        ),
    )
    program.amend_incident(
        SRO, fight.id, school_related_arrest=True, referred_to_law_enforcement=True
    )
    referral = program.refer_incident(
        SRO, drugs.id, town.madnet.id, ReferralReason.TASK_FORCE_INVESTIGATION
    )
    liaison = Actor(
        id="liaison.madnet",
        name="MADNET",
        role=ActorRole.PARTNER_LIAISON,
        partner_id=town.madnet.id,
    )
    program.answer_referral(liaison, referral.id, ReferralStatus.ACCEPTED)
    program.refer_incident(SRO, fight.id, town.madget.id, ReferralReason.TASK_FORCE_INVESTIGATION)
    _log_contacts(town)
    _record_activities(town)
    drill = program.declare_crisis(SRO, town.high.id, CrisisKind.DRILL)
    town.clock.now += dt.timedelta(minutes=12)
    program.give_all_clear(SRO, drill.id)
    lockdown = program.declare_crisis(SRO, town.middle.id, CrisisKind.LOCKDOWN)
    program.post_crisis_message(
        SRO,
        lockdown.id,
        CrisisRole.SRO,
        frozenset({CrisisRole.SCHOOL_ADMIN}),
        "Units on scene.",
    )
    town.clock.now += dt.timedelta(minutes=47)
    program.give_all_clear(SRO, lockdown.id)
    program.declare_crisis(SRO, town.high.id, CrisisKind.THREAT)


def _log_contacts(town: Town) -> None:
    """Log the contacts of mid-September in the two SROs' daily logs."""
    counselor, police = TriadRole.INFORMAL_COUNSELOR_MENTOR, TriadRole.LAW_ENFORCEMENT
    entries: Iterable[tuple[Officer, ContactParty, ContactPurpose, TriadRole, int]] = [
        (town.reyes, ContactParty.PARENT_GUARDIAN, ContactPurpose.ADVICE, counselor, 15),
        (town.reyes, ContactParty.PARENT_GUARDIAN, ContactPurpose.ADVICE, counselor, 20),
        (town.reyes, ContactParty.PARENT_GUARDIAN, ContactPurpose.MENTORING, counselor, 30),
        (town.reyes, ContactParty.STAFF, ContactPurpose.COMPLAINT, police, 25),
        (town.reyes, ContactParty.BUSINESS_OWNER, ContactPurpose.SUSPICIOUS_ACTIVITY, police, 40),
        (town.ortiz, ContactParty.STUDENT, ContactPurpose.MENTORING, counselor, 30),
        (town.ortiz, ContactParty.STUDENT, ContactPurpose.MENTORING, counselor, 35),
        (town.ortiz, ContactParty.HOMEOWNER, ContactPurpose.WELFARE_CHECK, police, 20),
    ]
    for n, (officer, party, purpose, role, minutes) in enumerate(entries):
        school = town.high if officer == town.reyes else town.middle
        town.program.log_contact(
            SRO,
            CommunityContact(
                officer_id=officer.id,
                at=dt.datetime(2026, 9, 15 + n % 5, 15, tzinfo=PACIFIC),
                party=party,
                purpose=purpose,
                triad_role=role,
                minutes=minutes,
                school_id=school.id,
            ),
        )


def _record_activities(town: Town) -> None:
    """Record the SROs' class presentations, staff training and mentoring programme."""
    for officer, school, kind, topic, minutes, role in [
        (
            town.reyes,
            town.high,
            ActivityKind.CLASS_PRESENTATION,
            "Vaping and the law",
            50,
            TriadRole.EDUCATOR,
        ),
        (
            town.ortiz,
            town.middle,
            ActivityKind.STAFF_TRAINING,
            "Lockdown procedure",
            90,
            TriadRole.EDUCATOR,
        ),
        (
            town.reyes,
            town.high,
            ActivityKind.MENTORING_PROGRAMME,
            "Lunch mentoring",
            60,
            TriadRole.INFORMAL_COUNSELOR_MENTOR,
        ),
    ]:
        town.program.record_activity(
            SRO,
            EducationActivity(
                officer_id=officer.id,
                kind=kind,
                topic=topic,
                audience=ActivityAudience.STUDENTS,
                held_at=dt.datetime(2026, 9, 22, 10, tzinfo=PACIFIC),
                minutes=minutes,
                attendance=28,
                triad_role=role,
                school_id=school.id,
            ),
        )


def seeded_town() -> Town:
    """Return a fresh program with the town and its term's work recorded."""
    program, clock = open_program()
    town = build_town(program, clock)
    seed_term(town)
    return town


def render(
    town: Town,
    actor: Actor,
    period: Period,
    *,
    label: str | None = None,
    school_id: uuid.UUID | None = None,
) -> bytes:
    """Return the report page ``Program.report`` writes for an actor and a period."""
    out = io.BytesIO()
    written = town.program.report(actor, out, period=period, label=label, school_id=school_id)
    assert written == 1
    return out.getvalue()


class PageParts(html.parser.HTMLParser):
    """The parts of a report page the tests look at: sections, cells, images, links."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.cells: list[tuple[str, str]] = []
        """Every table cell, as (class, text)."""
        self.sources: list[str] = []
        """Every ``src`` attribute."""
        self.hrefs: list[str] = []
        self.empty: list[str] = []
        """The sections that say they have nothing for the period."""
        self.body: dict[str, str | None] = {}
        self._section = ""
        self._cell: list[str] | None = None
        self._cell_class = ""
        self._empty = False

    @classmethod
    def of(cls, page: bytes) -> PageParts:
        """Parse a page."""
        parts = cls()
        parts.feed(page.decode("utf-8"))
        parts.close()
        return parts

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note sections, cells, sources and links."""
        found = dict(attrs)
        if tag == "body":
            self.body = found
        if tag == "section":
            self._section = found.get("id") or ""
            self.sections.append(self._section)
        if tag in {"td", "th"}:
            self._cell, self._cell_class = [], found.get("class") or ""
        if tag == "p" and found.get("class") == "empty":
            self._empty = True
        if "src" in found:
            self.sources.append(found["src"] or "")
        if "href" in found:
            self.hrefs.append(found["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        """Close the cell or the empty-section note."""
        if tag in {"td", "th"} and self._cell is not None:
            self.cells.append((self._cell_class, "".join(self._cell).strip()))
            self._cell = None
        if tag == "p" and self._empty:
            self.empty.append(self._section)
            self._empty = False

    def handle_data(self, data: str) -> None:
        """Gather a cell's text."""
        if self._cell is not None:
            self._cell.append(data)

    def counts(self) -> list[str]:
        """Return the text of every cell that holds a count that may be suppressed."""
        return [text for kind, text in self.cells if kind in {"count", "suppressed"}]
