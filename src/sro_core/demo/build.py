"""The story of a school year, told to the Program one command at a time.

The story keeps a queue of what happens when; each day adds the day's contacts, activities
and incidents, and each incident adds what follows it (an investigation, a referral and the
partner's answer, a later arrest, the closing, sometimes a reopening). The queue is run in
time order with the program's clock set to each moment, so the audit trail and the outbox
carry the story's times. Everything is drawn from one seeded generator and every id from
another, so the same seed tells the same story. One incident is recorded wrong for NIBRS on
purpose (:data:`~sro_core.demo.casebook.NIBRS_SLIP`); :attr:`DemoSummary.nibrs_slips` names it.
Where the program reviews reports, the sergeant reviews them as they come
(:mod:`sro_core.demo.review`); the year's last report, :attr:`DemoSummary.late_report`, comes
after the sergeant's last review of the year and still waits at its end.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
import uuid
import zoneinfo
from collections.abc import Callable
from typing import Any

import attrs

from sro_core.demo.casebook import (
    CasePlan,
    ReferralPlan,
    Scene,
    disturbance,
    draw_kind,
    harassment_bullying,
    nibrs_slip,
    shoplifting,
    suspicious_activity,
    threat,
    vandalism,
    welfare_check,
)
from sro_core.demo.community import ACTIVITIES, CONTACTS, ContactKind
from sro_core.demo.crises import DRILL_SCRIPT, LOCKDOWN_SCRIPT, Line
from sro_core.demo.people import Ids, Roster, adult
from sro_core.demo.review import ReviewDesk, ReviewTally
from sro_core.demo.school_year import DAY, SchoolCalendar, Volumes, poisson
from sro_core.demo.town import (
    PRIMARY,
    RELIEF,
    SCHOOLS,
    SECONDARY,
    SERGEANT,
    SRO_KEYS,
    Town,
    establish,
)
from sro_core.domain import (
    ActivityAudience,
    ActivityKind,
    Actor,
    AssignmentRole,
    Certification,
    CertificationKind,
    CommunityContact,
    ContactParty,
    CrisisKind,
    Disposition,
    DispositionKind,
    EducationActivity,
    GradeSpan,
    Incident,
    IncidentStatus,
    Involvement,
    InvolvementRole,
    Location,
    LocationKind,
    Offense,
    OfficerStatus,
    PersonKind,
    ReferralReason,
    ReferralStatus,
    SchoolLevel,
    SchoolYear,
    TriadRole,
)
from sro_core.service import Program

Action = Callable[[], object]
"""Something that happens in the story: a command, whatever it returns."""

DEFAULT_SEED = 2026
DEFAULT_YEAR = SchoolYear(2025)
"""The demo's school year by default: 2025-26, the last complete one when it was written."""

_PARTY_KIND = {
    ContactParty.HOMEOWNER: PersonKind.HOMEOWNER,
    ContactParty.BUSINESS_OWNER: PersonKind.BUSINESS_OWNER,
    ContactParty.PARENT_GUARDIAN: PersonKind.PARENT_GUARDIAN,
    ContactParty.STAFF: PersonKind.STAFF,
}
_REOPENED = 0.03
"""The share of closed incidents reopened on new information."""


class StoryClock:
    """The program's clock in the demo: the story's time, moved on by the story.

    Each reading is a microsecond after the last, so entries made at one moment keep their
    order; the clock never goes back.
    """

    def __init__(self) -> None:
        self._now = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

    def move_to(self, moment: dt.datetime) -> None:
        """Move the clock on to a moment of the story (never back)."""
        self._now = max(self._now, moment.astimezone(dt.UTC))

    def __call__(self) -> dt.datetime:
        """Return the story's time, in UTC."""
        self._now += dt.timedelta(microseconds=1)
        return self._now


@attrs.define
class Tally:
    """What the story has recorded so far."""

    contacts: int = 0
    activities: int = 0
    incidents: int = 0
    escalated: int = 0
    arrests: int = 0
    referrals: int = 0
    crises: int = 0
    crisis_messages: int = 0
    closed: int = 0
    reopened: int = 0


@attrs.frozen
class DemoSummary:
    """What the demo built: the school year, its seed and scale, and the records made."""

    year: SchoolYear
    seed: int
    scale: float
    schools: int
    officers: int
    partners: int
    agreements: int
    tally: Tally
    events_delivered: int
    nibrs_slips: tuple[str, ...] = ()
    """The numbers of the incidents recorded wrong for NIBRS on purpose (:data:`NIBRS_SLIP`)."""
    review: ReviewTally = attrs.field(factory=ReviewTally)
    """What the sergeant's review did (nothing where the program does not review reports)."""
    waiting: tuple[str, ...] = ()
    """The numbers of the reports still waiting for review at the year's end, oldest first."""
    late_report: str = ""
    """The number of the year's last report, submitted after the sergeant's last review."""


class Story:
    """A school year of one town's SRO program, told to the Program in time order."""

    def __init__(
        self,
        program: Program,
        clock: StoryClock,
        *,
        seed: int,
        scale: float,
        year: SchoolYear,
        volumes: Volumes,
    ) -> None:
        self.program = program
        self.clock = clock
        self.rng = random.Random(seed)  # noqa: S311 - a seeded story, not a secret
        self.ids = Ids(seed)
        self.scale = scale
        self.year = year
        self.volumes = volumes
        self.calendar = SchoolCalendar.of(year)
        self.zone: zoneinfo.ZoneInfo = program.calendar.zone
        self.tally = Tally()
        self.slips: list[str] = []
        self.late_report = ""
        self.end = self.at(year.last_day, 23, 59)
        self._queue: list[tuple[dt.datetime, int, Action]] = []
        self._order = itertools.count()
        self.town: Town
        self.rosters: dict[str, Roster] = {}
        winter = self.calendar.winter_return
        self.handover = (winter - dt.timedelta(days=17), winter)
        """Whitfield's second school passes to Medina over winter break: (last day, first)."""
        self.drill_days = (
            _first_session_day(self.calendar, dt.date(year.start_year, 9, 15)),
            _first_session_day(self.calendar, dt.date(year.start_year + 1, 2, 9)),
        )
        """The days of each school's lockdown drills, in the fall and in the spring."""
        leave = _first_session_day(self.calendar, dt.date(year.start_year + 1, 2, 2))
        self.leave = (leave, leave + dt.timedelta(days=25))
        """Medina's leave: the relief officer covers her school."""
        self.desk = ReviewDesk(program, SERGEANT, later=self.later, working=self.working, seed=seed)
        """The sergeant's review of the reports, where the program reviews them."""

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        """Return a local time on a day."""
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.zone)

    def some_time(
        self,
        day: dt.date,
        first: int = 7 * 60 + 15,
        last: int = 16 * 60 + 30,
        rng: random.Random | None = None,
    ) -> dt.datetime:
        """Return a time on a day between two local times, in minutes after midnight.

        ``rng``: the generator to draw from (default the story's).
        """
        minute = (rng or self.rng).randint(first, last)
        return self.at(day, minute // 60, minute % 60)

    def working(
        self, after: dt.datetime, days: int, rng: random.Random | None = None
    ) -> dt.datetime:
        """Return a working-hours time some days after a moment (weekends skipped)."""
        draw = rng or self.rng
        day = after.astimezone(self.zone).date() + dt.timedelta(days=days)
        while day.weekday() >= 5:
            day += DAY
        moment = self.some_time(day, 8 * 60, 16 * 60 + 30, draw)
        return max(moment, after + dt.timedelta(minutes=draw.randint(20, 90)))

    def later(self, moment: dt.datetime, action: Action) -> None:
        """Put something in the story's queue."""
        heapq.heappush(self._queue, (moment, next(self._order), action))

    def run_until(self, moment: dt.datetime) -> None:
        """Tell everything queued up to a moment, in time order."""
        while self._queue and self._queue[0][0] <= moment:
            when, _, action = heapq.heappop(self._queue)
            self.clock.move_to(when)
            action()

    def on_leave(self, officer: str, day: dt.date) -> bool:
        """Return whether an officer is away on a day."""
        return officer == "medina" and self.leave[0] <= day < self.leave[1]

    def covering(self, school: str, day: dt.date) -> str:
        """Return the officer who handles a school's incidents on a day."""
        primary = next((o for o, s in PRIMARY.items() if s == school), None)
        if primary and not self.on_leave(primary, day):
            return primary
        secondary = next((o for o, s in SECONDARY.items() if s == school), None)
        if school == "sunrise" and day >= self.handover[1]:
            secondary = "medina"
        if secondary and not self.on_leave(secondary, day):
            return secondary
        return RELIEF

    def schools_of(self, officer: str, day: dt.date) -> list[str]:
        """Return the schools an officer works at on a day, their own first."""
        if officer == RELIEF:
            return [s.key for s in SCHOOLS]
        own = [PRIMARY[officer]]
        second = SECONDARY.get(officer)
        if officer == "whitfield" and day > self.handover[0]:
            second = None
        if officer == "medina" and day >= self.handover[1]:
            second = "sunrise"
        return own + ([second] if second else [])

    def level(self, school: str) -> SchoolLevel:
        """Return a school's level."""
        return self.town.schools[school].level

    def scene(
        self, school: str, day: dt.date, occurred: dt.datetime, reported: dt.datetime
    ) -> Scene:
        """Return the scene of an incident at a school."""
        officer = self.covering(school, day)
        plan = next(p for p in SCHOOLS if p.key == school)
        return Scene(
            self.rng,
            self.ids,
            self.town.officers[officer].id,
            occurred,
            reported,
            self.town.schools[school].id,
            plan.level,
            self.rosters[school],
            plan.street,
        )

    def tell(self, on_day: Callable[[dt.date], None] | None = None) -> None:
        """Tell the whole school year: set the program up, then live it day by day."""
        self.clock.move_to(self.at(dt.date(self.year.start_year, 6, 10), 9))
        self.town = establish(self.program, SERGEANT, self.year, self.ids)
        self.rosters = {
            plan.key: Roster(plan.code[-3:], plan.grades, self.year) for plan in SCHOOLS
        }
        self._plan_the_year()
        for day in self.calendar.days():
            self._spawn(day)
            self.run_until(self.at(day, 23, 59))
            if on_day is not None:
                on_day(day)

    def _plan_the_year(self) -> None:
        """Queue the year's fixed events: trainings, drills, events, crises, the MOU review."""
        calendar, year = self.calendar, self.year
        first = calendar.first_day
        for plan in SCHOOLS:
            enrollment = plan.enrollment
            self._fixed(
                self.at(first - dt.timedelta(days=2), 10),
                plan.key,
                kind=ActivityKind.STAFF_TRAINING,
                topic="Standard response protocol: lockdown, lockout, evacuate",
                audience=ActivityAudience.STAFF,
                attendance=25 + enrollment // 20,
                minutes=90,
            )
            night = _first_session_day(calendar, first + dt.timedelta(days=14))
            self._fixed(
                self.at(night, 18, 30),
                plan.key,
                kind=ActivityKind.EVENT,
                topic="Back-to-school night: meet your SRO",
                audience=ActivityAudience.PARENTS,
                attendance=enrollment // 3,
                minutes=120,
                triad=TriadRole.LAW_ENFORCEMENT,
            )
            for drill_day in self.drill_days:
                self._fixed(
                    self.at(drill_day, 9, 30),
                    plan.key,
                    kind=ActivityKind.DRILL,
                    topic="Lockdown drill",
                    audience=ActivityAudience.MIXED,
                    attendance=enrollment + enrollment // 12,
                    minutes=25,
                )
            red_ribbon = _first_session_day(calendar, dt.date(year.start_year, 10, 27))
            self._fixed(
                self.at(red_ribbon, 13),
                plan.key,
                kind=ActivityKind.EVENT,
                topic="Red Ribbon Week assembly",
                audience=ActivityAudience.STUDENTS,
                attendance=enrollment,
                minutes=60,
            )
        spring = _first_session_day(calendar, dt.date(year.start_year + 1, 4, 20))
        self._fixed(
            self.at(spring, 9),
            "high",
            kind=ActivityKind.EVENT,
            topic="Every 15 Minutes: impaired-driving program",
            audience=ActivityAudience.STUDENTS,
            attendance=540,
            minutes=240,
        )
        october = _first_session_day(calendar, dt.date(year.start_year, 10, 14))
        self.later(self.at(october, 16), self._certify_medina)
        self.later(self.at(self.handover[0], 16), self._end_whitfield_at_sunrise)
        self.later(self.at(self.handover[1], 7), self._assign_medina_to_sunrise)
        self.later(self.at(self.leave[0], 7), self._status("medina", OfficerStatus.ON_LEAVE))
        self.later(self.at(self.leave[1], 7), self._status("medina", OfficerStatus.ACTIVE))
        drill = self.drill_days[0]
        self.later(self.at(drill, 9, 30), lambda: self._drill(drill))
        lockdown = _first_session_day(calendar, calendar.winter_return + dt.timedelta(days=15))
        self.later(self.at(lockdown, 10, 2), lambda: self._lockdown(lockdown))
        review = self.town.mou.review_due + dt.timedelta(days=13)
        self.later(self.at(review, 14), self._renew_mou)
        slip = _first_session_day(calendar, dt.date(year.start_year + 1, 2, 10))
        self.later(self.at(slip, 11, 40), lambda: self._nibrs_slip(slip))
        working_days = [d for d in calendar.days() if d.weekday() < 5]
        if self.desk.reviewing:
            for day in working_days:
                self.later(self.at(day, 8, 30), self.desk.review)
        last = working_days[-1]
        self.later(self.at(last, 15, 10), lambda: self._late_report(last))

    def _late_report(self, day: dt.date) -> None:
        """Report the year's last incident, after the sergeant's last review: it waits.

        Its scene draws from a random stream of its own, as the NIBRS slip's does.
        """
        scene = self.scene("high", day, self.at(day, 7, 50), self.at(day, 15, 10))
        scene.rng = random.Random(f"late report {self.year}")  # noqa: S311 - a seeded story
        officer = self.covering("high", day)
        actor = self.town.sro(officer)
        draft = vandalism(scene).draft
        incident = self.program.report_incident(actor, draft)
        self.desk.reported(actor, draft, incident)
        self.tally.incidents += 1
        self.late_report = incident.number or ""

    def _nibrs_slip(self, day: dt.date) -> None:
        """Report the incident the demo records wrong for NIBRS on purpose (``NIBRS_SLIP``).

        Its scene draws from a random stream of its own, so the rest of the year is the same
        with or without it.
        """
        scene = self.scene("middle", day, self.at(day, 11, 10), self.at(day, 11, 40))
        scene.rng = random.Random(f"nibrs slip {self.year}")  # noqa: S311 - a seeded story
        officer = self.covering("middle", day)
        actor, draft = self.town.sro(officer), nibrs_slip(scene)
        incident = self.program.report_incident(actor, draft)
        self.desk.reported(actor, draft, incident)
        self.tally.incidents += 1
        self.slips.append(incident.number or "")

    def _fixed(self, moment: dt.datetime, school: str, **activity: Any) -> None:
        """Queue a planned activity, led by the officer covering the school that day."""
        officer = self.covering(school, moment.date())
        self.later(moment, self._activity_now(officer, school, **activity))

    def _spawn(self, day: dt.date) -> None:
        """Queue a day's contacts, activities and incidents."""
        busy = self.calendar.busyness(day)
        in_session = self.calendar.in_session(day)
        volumes, scale = self.volumes, self.scale
        for officer in (*SRO_KEYS, RELIEF):
            if self.on_leave(officer, day):
                continue
            base = volumes.contacts_relief if officer == RELIEF else volumes.contacts_per_sro
            if officer == RELIEF and any(self.on_leave(o, day) for o in SRO_KEYS):
                base += volumes.contacts_per_sro
            if in_session:
                mean = base * min(busy, 1.2)
            elif day.weekday() < 5:
                mean = base * volumes.off_day_contacts
            else:
                mean = base * busy / 2
            for _ in range(poisson(self.rng, mean * scale)):
                self._contact(officer, day, in_session=in_session)
            if in_session and officer != RELIEF:
                for _ in range(poisson(self.rng, volumes.activities_per_sro * scale)):
                    self._activity(officer, day)
        rates = {
            SchoolLevel.HIGH: volumes.incidents_high,
            SchoolLevel.MIDDLE: volumes.incidents_middle,
            SchoolLevel.ELEMENTARY: volumes.incidents_elementary,
        }
        for plan in SCHOOLS:
            for _ in range(poisson(self.rng, rates[plan.level] * busy * scale)):
                self._incident(plan.key, day, in_session=in_session)

    def _contact(self, officer: str, day: dt.date, *, in_session: bool) -> None:
        schools = self.schools_of(officer, day)
        school = (
            schools[0]
            if len(schools) == 1 or self.rng.random() < 0.7
            else self.rng.choice(schools[1:])
        )
        column = {SchoolLevel.HIGH: 0, SchoolLevel.MIDDLE: 1}.get(self.level(school), 2)
        kind = self.rng.choices(CONTACTS, [k.weights[column] for k in CONTACTS])[0]
        at = self.some_time(day) if in_session else self.some_time(day, 9 * 60, 15 * 60)
        minutes = self.rng.randint(*kind.minutes)
        follow_up = day + dt.timedelta(days=7) if self.rng.random() < kind.follow_up else None
        contact = CommunityContact(
            officer_id=self.town.officers[officer].id,
            at=at,
            party=kind.party,
            purpose=kind.purpose,
            triad_role=kind.triad,
            minutes=minutes,
            school_related=kind.school_related,
            school_id=self.town.schools[school].id,
            summary=self.rng.choice(kind.summaries),
            follow_up_due=follow_up,
            id=self.ids(),
        )
        escalate = in_session and self.rng.random() < kind.escalates
        actor = self.town.sro(officer)

        def log() -> None:
            self.program.log_contact(actor, contact)
            self.tally.contacts += 1

        self.later(at, log)
        if escalate:
            self._escalate(contact, kind, school, officer, at + dt.timedelta(minutes=minutes))

    def _escalate(
        self,
        contact: CommunityContact,
        kind: ContactKind,
        school: str,
        officer: str,
        when: dt.datetime,
    ) -> None:
        """Queue the incident a contact becomes, reported by the officer who took it."""
        day = when.astimezone(self.zone).date()
        occurred = when - dt.timedelta(minutes=self.rng.randint(15, 180))
        scene = self.scene(school, day, occurred, when)
        scene.officer_id = self.town.officers[officer].id
        person_kind = _PARTY_KIND.get(kind.party)
        complainant = adult(self.rng, self.ids, person_kind, day) if person_kind else None
        builders: dict[str, Callable[[], CasePlan]] = {
            "theft": lambda: (
                shoplifting(scene, complainant)
                if self.rng.random() < 0.7
                else disturbance(scene, complainant)
            ),
            "suspicious_activity": lambda: suspicious_activity(scene, complainant),
            "threat": lambda: threat(scene),
            "welfare_check": lambda: welfare_check(scene),
            "harassment_bullying": lambda: harassment_bullying(scene),
        }
        plan = builders[kind.category]()
        actor = self.town.sro(officer)

        def escalate() -> None:
            incident = self.program.escalate_contact(actor, contact.id, plan.draft)
            self.desk.reported(actor, plan.draft, incident)
            self.tally.incidents += 1
            self.tally.escalated += 1
            self.tally.arrests += len(incident.with_role(InvolvementRole.ARRESTEE))
            self._follow(plan, incident, officer)

        self.later(when, escalate)

    def _incident(self, school: str, day: dt.date, *, in_session: bool) -> None:
        kind = draw_kind(self.rng, self.level(school), in_session=in_session)
        occurred = (
            self.some_time(day, 7 * 60, 16 * 60)
            if in_session
            else self.some_time(day, 6 * 60, 21 * 60)
        )
        reported = occurred + dt.timedelta(minutes=self.rng.randint(5, 120))
        plan = kind(self.scene(school, day, occurred, reported))
        officer = self.covering(school, day)
        actor = self.town.sro(officer)

        def report() -> None:
            incident = self.program.report_incident(actor, plan.draft)
            self.desk.reported(actor, plan.draft, incident)
            self.tally.incidents += 1
            self.tally.arrests += len(incident.with_role(InvolvementRole.ARRESTEE))
            self._follow(plan, incident, officer)

        self.later(reported, report)

    def _follow(
        self,
        plan: CasePlan,
        incident: Incident,
        officer: str,
        start: dt.datetime | None = None,
    ) -> None:
        """Queue what follows a reported incident, in order, until the end of the year."""
        actor = self.town.sro(officer)
        program, key = self.program, incident.id
        begun = start or incident.reported_at
        step = begun
        if plan.investigate:
            step = step + dt.timedelta(minutes=self.rng.randint(45, 360))
            self.later(
                step, lambda: program.move_incident(actor, key, IncidentStatus.UNDER_INVESTIGATION)
            )
        if plan.referral is not None:
            step = self._refer(plan, incident, actor, step)
        if plan.later_arrest is not None:
            arrest = plan.later_arrest
            arrested_on = arrest.arrest.arrested_on if arrest.arrest else begun.date()
            step = max(self.some_time(arrested_on, 8 * 60, 15 * 60), step + dt.timedelta(hours=1))

            def arrest_now() -> None:
                program.add_involvement(actor, key, arrest)
                program.amend_incident(
                    actor, key, school_related_arrest=True, referred_to_law_enforcement=True
                )
                self.tally.arrests += 1

            self.later(step, arrest_now)
        if plan.disposition is None:
            return
        if plan.close_days:
            closing = self.working(begun, plan.close_days)
        else:
            closing = begun + dt.timedelta(minutes=self.rng.randint(20, 150))
        if step > begun:
            closing = max(closing, step + dt.timedelta(hours=2))
        disposition = Disposition(
            plan.disposition, closing.astimezone(self.zone).date(), plan.clearance
        )
        if closing > self.end:
            return

        def close() -> None:
            program.close_incident(actor, key, disposition)
            self.tally.closed += 1

        self.later(closing, close)
        if self.rng.random() < _REOPENED:
            reopening = self.working(closing, self.rng.randint(7, 21))
            again = self.working(reopening, self.rng.randint(2, 10))

            def reopen() -> None:
                program.reopen_incident(actor, key)
                self.tally.reopened += 1

            decided = attrs.evolve(disposition, decided_on=again.astimezone(self.zone).date())
            self.later(reopening, reopen)
            self.later(again, lambda: program.close_incident(actor, key, decided))

    def _refer(
        self, plan: CasePlan, incident: Incident, actor: Actor, step: dt.datetime
    ) -> dt.datetime:
        """Queue a referral, the partner's answer and its outcome; return when it was answered."""
        referral = plan.referral
        assert referral is not None  # noqa: S101 - only called for a plan with a referral
        liaison = self.town.liaisons[referral.partner]
        partner_id = self.town.partners[referral.partner].id
        sent = self.working(step, self.rng.randint(0, 2))
        answered = self.working(sent, self.rng.randint(1, 5))
        concluded = self.working(answered, self.rng.randint(10, 30))
        made: list[uuid.UUID] = []
        program = self.program

        def refer() -> None:
            made.append(program.refer_incident(actor, incident.id, partner_id, referral.reason).id)
            self.tally.referrals += 1

        def answer() -> None:
            status = ReferralStatus.ACCEPTED if referral.accepted else ReferralStatus.DECLINED
            program.answer_referral(liaison, made[0], status)
            if not referral.accepted:
                program.move_incident(actor, incident.id, IncidentStatus.UNDER_INVESTIGATION)

        def conclude() -> None:
            program.answer_referral(liaison, made[0], ReferralStatus.CLOSED, referral.outcome)

        self.later(sent, refer)
        self.later(answered, answer)
        if referral.accepted:
            self.later(concluded, conclude)
        return answered

    def _activity(self, officer: str, day: dt.date) -> None:
        schools = self.schools_of(officer, day)
        school = (
            schools[0]
            if len(schools) == 1 or self.rng.random() < 0.7
            else self.rng.choice(schools[1:])
        )
        plan = self.rng.choices(ACTIVITIES, [a.weight for a in ACTIVITIES])[0]
        level = self.level(school)
        topic = self.rng.choice(plan.topics.get(level, plan.topics[SchoolLevel.HIGH]))
        held = self.at(day, 18, 30) if plan.evening else self.some_time(day, 8 * 60, 15 * 60)
        attendance = self.rng.randint(*plan.attendance)
        if plan.kind is ActivityKind.CLASS_PRESENTATION and self.rng.random() < 0.15:
            attendance *= 8
        self.later(
            held,
            self._activity_now(
                officer,
                school,
                kind=plan.kind,
                topic=topic,
                audience=plan.audience,
                attendance=attendance,
                minutes=self.rng.randint(*plan.minutes),
                triad=plan.triad,
            ),
        )

    def _activity_now(
        self,
        officer: str,
        school: str,
        *,
        kind: ActivityKind,
        topic: str,
        audience: ActivityAudience,
        attendance: int,
        minutes: int,
        triad: TriadRole = TriadRole.EDUCATOR,
    ) -> Action:
        """Return the recording of an activity, to run at its time."""
        school_record = self.town.schools[school]
        grades = school_record.grades
        if audience is ActivityAudience.STUDENTS and kind is ActivityKind.CLASS_PRESENTATION:
            grade = self.rng.randint(max(grades.lowest, 0), grades.highest)
            grades = GradeSpan(grade, grade)

        def record() -> None:
            self.program.record_activity(
                self.town.sro(officer),
                EducationActivity(
                    officer_id=self.town.officers[officer].id,
                    kind=kind,
                    topic=topic,
                    audience=audience,
                    held_at=self.clock(),
                    minutes=minutes,
                    attendance=attendance,
                    triad_role=triad,
                    school_id=school_record.id,
                    grades=grades,
                    id=self.ids(),
                ),
            )
            self.tally.activities += 1

        return record

    def _certify_medina(self) -> None:
        day = self.clock().astimezone(self.zone).date()
        self.program.certify_officer(
            SERGEANT,
            self.town.officers["medina"].id,
            Certification(
                CertificationKind.YOUTH_MENTAL_HEALTH_FIRST_AID, day, day.replace(year=day.year + 3)
            ),
        )

    def _status(self, officer: str, status: OfficerStatus) -> Action:
        def change() -> None:
            self.program.change_officer_status(SERGEANT, self.town.officers[officer].id, status)

        return change

    def _all_clear(self, actor: Actor, crisis_id: uuid.UUID) -> Action:
        def clear() -> None:
            self.program.give_all_clear(actor, crisis_id)

        return clear

    def _end_whitfield_at_sunrise(self) -> None:
        sunrise = self.town.schools["sunrise"].id
        whitfield = self.town.officers["whitfield"].id
        for assignment in self.program.assignments(SERGEANT, sunrise):
            if assignment.officer_id == whitfield and assignment.role is AssignmentRole.SECONDARY:
                self.program.end_assignment(SERGEANT, assignment.id, self.handover[0])

    def _assign_medina_to_sunrise(self) -> None:
        self.program.assign(
            SERGEANT,
            self.town.officers["medina"].id,
            self.town.schools["sunrise"].id,
            AssignmentRole.SECONDARY,
            start=self.handover[1],
        )

    def _renew_mou(self) -> None:
        start = self.year.start_year
        self.program.renew_agreement(
            SERGEANT,
            self.town.mou.id,
            signed_on=self.clock().astimezone(self.zone).date(),
            effective_to=dt.date(start + 2, 6, 30),
            review_due=dt.date(start + 2, 4, 15),
        )

    def _script(
        self,
        crisis_id: uuid.UUID,
        start: dt.datetime,
        script: tuple[Line, ...],
        speakers: dict[str, Actor],
    ) -> None:
        """Queue the messages of a crisis, each from its speaker at its minute."""
        for line in script:
            actor = speakers[line.speaker]

            def post(actor: Actor = actor, line: Line = line) -> None:
                self.program.post_crisis_message(
                    actor, crisis_id, line.author, line.audience, line.text
                )
                self.tally.crisis_messages += 1

            self.later(start + dt.timedelta(minutes=line.minute), post)

    def _drill(self, day: dt.date) -> None:
        """Run the high school's lockdown drill as a crisis of kind drill, with its messages."""
        principal = self.town.principals["high"]
        sro = self.town.sro(self.covering("high", day))
        crisis = self.program.declare_crisis(
            principal, self.town.schools["high"].id, CrisisKind.DRILL
        )
        self.tally.crises += 1
        start = self.at(day, 9, 30)
        speakers = {"principal": principal, "command": SERGEANT, "sro": sro}
        self._script(crisis.id, start, DRILL_SCRIPT, speakers)
        self.later(start + dt.timedelta(minutes=22), self._all_clear(principal, crisis.id))

    def _lockdown(self, day: dt.date) -> None:
        """Tell the middle school's real lockdown, from the threat online to the closed case.

        The principal and police command keep each other informed through the crisis; the
        SRO finds the student; police command gives the all clear; the case goes on.
        """
        school, sro_key = "middle", self.covering("middle", day)
        sro = self.town.sro(sro_key)
        principal = self.town.principals["middle"]
        occurred = self.at(day, 9, 40)
        scene = self.scene(school, day, occurred, self.at(day, 10, 2))
        student = scene.student()
        teacher = scene.adult(PersonKind.STAFF)
        draft = scene.draft(
            "threat",
            Location(LocationKind.ONLINE, "58"),
            "A student reported an Instagram story saying someone would bring a gun to school "
            "today and naming a teacher. Lockdown called; the author was found on campus, no "
            "weapon; no firearm accessible at home.",
            offenses=(Offense("13C", criminal_activities=("N",)),),
            involvements=(
                Involvement(student, frozenset({InvolvementRole.SUSPECT})),
                scene.victim(teacher, ("13C",), student),
            ),
            referred_to_law_enforcement=True,
        )
        incident = self.program.report_incident(sro, draft)
        self.desk.reported(sro, draft, incident)
        self.tally.incidents += 1
        crisis = self.program.declare_crisis(
            principal, self.town.schools[school].id, CrisisKind.LOCKDOWN, incident.id
        )
        self.tally.crises += 1
        start = self.at(day, 10, 3)
        speakers = {"principal": principal, "command": SERGEANT, "sro": sro}
        self._script(crisis.id, start, LOCKDOWN_SCRIPT, speakers)
        self.later(start + dt.timedelta(minutes=52), self._all_clear(SERGEANT, crisis.id))
        arrest = scene.arrested(
            student, "13C", roles=frozenset({InvolvementRole.OFFENDER}), arrest_type="T"
        )

        def arrest_now() -> None:
            self.program.move_incident(sro, incident.id, IncidentStatus.UNDER_INVESTIGATION)
            self.program.add_involvement(sro, incident.id, arrest)
            self.program.amend_incident(sro, incident.id, school_related_arrest=True)
            self.tally.arrests += 1

        self.later(self.at(day, 11, 40), arrest_now)
        referral = ReferralPlan(
            "health",
            ReferralReason.BEHAVIORAL_HEALTH,
            accepted=True,
            outcome="Threat assessment: low risk; the student and family in counselling.",
        )
        plan = CasePlan(incident, DispositionKind.ARREST, close_days=4, referral=referral)
        self._follow(plan, incident, sro_key, start=self.at(day, 11, 41))


def _first_session_day(calendar: SchoolCalendar, day: dt.date) -> dt.date:
    """Return the first day on or after a day when school is in session."""
    while not calendar.in_session(day):
        day += DAY
    return day


def build_school_year(
    program: Program,
    clock: StoryClock,
    *,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    year: SchoolYear = DEFAULT_YEAR,
    on_day: Callable[[dt.date], None] | None = None,
    on_month: Callable[[str, Tally], None] | None = None,
) -> DemoSummary:
    """Build a school year of a small city's SRO program in an empty store.

    ``program`` must have been opened with ``clock``. ``on_day`` is called after each day;
    ``on_month`` after each month, with the month (``YYYY-MM``) and what it added.
    """
    if scale <= 0:
        raise ValueError("scale: must be more than 0")
    story = Story(program, clock, seed=seed, scale=scale, year=year, volumes=Volumes())
    before = Tally()

    def day_done(day: dt.date) -> None:
        if on_day is not None:
            on_day(day)
        if on_month is not None and (day + DAY).day == 1:
            now = story.tally
            month = Tally(
                **{
                    f.name: getattr(now, f.name) - getattr(before, f.name)
                    for f in attrs.fields(Tally)
                }
            )
            on_month(f"{day:%Y-%m}", month)
            for f in attrs.fields(Tally):
                setattr(before, f.name, getattr(now, f.name))

    story.tell(day_done)
    clock.move_to(story.end)
    delivered = program.dispatch(SERGEANT).delivered
    town = story.town
    return DemoSummary(
        year,
        seed,
        scale,
        len(town.schools),
        len(town.officers),
        len(town.partners),
        len(program.agreements(SERGEANT)),
        story.tally,
        delivered,
        tuple(story.slips),
        story.desk.tally,
        story.desk.waiting(),
        story.late_report,
    )
