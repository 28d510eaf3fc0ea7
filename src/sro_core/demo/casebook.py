"""The incidents an SRO handles, from a parking complaint to an arrest, and how each one ends.

Each kind of incident is a function of a :class:`Scene` (where, when, who is at hand) that
returns a :class:`CasePlan`: the draft as the SRO reports it, in NIBRS terms (offense codes,
location codes, drugs, property, victims, arrestees with their juvenile disposition), and
what happens next: an investigation, a referral to a partner and its answer, an arrest made
later, the disposition and when it is decided. How often each kind happens differs by the
level of the school and on days without school.
"""

from __future__ import annotations

import datetime as dt
import decimal
import random
import uuid
from collections.abc import Callable, Mapping, Sequence

import attrs

from sro_core.demo.people import Ids, Roster, adult
from sro_core.domain import (
    SOCIETY,
    Arrest,
    CampusZone,
    DispositionKind,
    Drug,
    Incident,
    Involvement,
    InvolvementRole,
    JuvenileDisposition,
    Location,
    LocationKind,
    NonPersonVictim,
    Offense,
    Person,
    PersonKind,
    PropertyItem,
    ReferralReason,
    Relationship,
    SchoolLevel,
    VictimDetails,
)

R = InvolvementRole
AGE_OF_MAJORITY = 18


@attrs.frozen
class ReferralPlan:
    """A referral of the incident: to which partner, why, and the partner's answer."""

    partner: str
    reason: ReferralReason
    accepted: bool
    outcome: str


@attrs.frozen
class CasePlan:
    """An incident as reported, and what happens to it afterwards."""

    draft: Incident
    disposition: DispositionKind | None
    close_days: int = 0
    clearance: str | None = None
    investigate: bool = False
    referral: ReferralPlan | None = None
    later_arrest: Involvement | None = None
    """An arrest made after an investigation: the person's involvement as it then becomes."""


def choose(rng: random.Random, weights: Mapping[str, float]) -> str:
    """Return one key, drawn by its weight."""
    keys = list(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]


def _juvenile(person: Person, day: dt.date) -> bool:
    age = person.age_on(day)
    return person.kind is PersonKind.STUDENT if age is None else age < AGE_OF_MAJORITY


@attrs.define
class Scene:
    """Where and when an incident happens, who reports it, and the people at hand."""

    rng: random.Random
    ids: Ids
    officer_id: uuid.UUID
    occurred: dt.datetime
    reported: dt.datetime
    school_id: uuid.UUID
    level: SchoolLevel
    roster: Roster
    street: str

    @property
    def day(self) -> dt.date:
        """Return the program-local day it happened."""
        return self.occurred.date()

    def student(self, *besides: Person) -> Person:
        """Return a student of the school, maybe one met before, other than those given."""
        taken = {person.id for person in besides}
        while True:
            # a new student comes at least seven times in ten, so this ends
            student = self.roster.pick(self.rng, self.ids)
            if student.id not in taken:
                return student

    def adult(self, kind: PersonKind) -> Person:
        """Return an adult: staff, a parent, a neighbour, a business owner, a visitor."""
        return adult(self.rng, self.ids, kind, self.day)

    def campus(self, *zones: CampusZone) -> Location:
        """Return a place on campus (NIBRS 53, school elementary/secondary)."""
        return Location(LocationKind.ON_CAMPUS, "53", self.rng.choice(zones))

    def near(self, code: str, what: str) -> Location:
        """Return a place next to the school, by its NIBRS location code."""
        return Location(LocationKind.SCHOOL_ADJACENT, code, address=f"{what}, {self.street}")

    def draft(
        self, category: str, location: Location, narrative: str, **fields: object
    ) -> Incident:
        """Return the incident as the SRO reports it."""
        return Incident(
            reporting_officer_id=self.officer_id,
            occurred_start=self.occurred,
            reported_at=self.reported,
            location=location,
            category=category,
            school_id=self.school_id,
            narrative=narrative,
            id=self.ids(),
            **fields,  # type: ignore[arg-type]
        )

    def arrested(
        self,
        person: Person,
        code: str,
        *,
        roles: frozenset[InvolvementRole] = frozenset({R.OFFENDER}),
        arrest_type: str = "O",
        armed: tuple[str, ...] = ("01",),
        on: dt.date | None = None,
    ) -> Involvement:
        """Return a person's involvement as an arrestee, with a juvenile's disposition."""
        day = on or self.day
        disposition = None
        if _juvenile(person, day):
            disposition = (
                JuvenileDisposition.REFERRED_TO_OTHER_AUTHORITIES
                if self.rng.random() < 0.7
                else JuvenileDisposition.HANDLED_WITHIN_DEPARTMENT
            )
        return Involvement(
            person,
            roles | {R.ARRESTEE},
            arrest=Arrest(day, code, arrest_type, armed, disposition),
        )

    def victim(
        self,
        person: Person,
        codes: tuple[str, ...],
        offender: Person | None = None,
        **details: object,
    ) -> Involvement:
        """Return a victim's involvement, related to an offender if one is known."""
        relationships = (Relationship(offender.id, "Acquaintance"),) if offender else ()
        return Involvement(
            person,
            frozenset({R.VICTIM}),
            victim=VictimDetails(
                offense_codes=codes,
                relationships=relationships,
                **details,  # type: ignore[arg-type]
            ),
        )

    def not_a_person(
        self, victim_type: str, *codes: str, name: str | None = None
    ) -> NonPersonVictim:
        """Return a victim that is not a person (a business, the district, society)."""
        return NonPersonVictim(victim_type, codes, name, id=self.ids())

    def society(self, offenses: Sequence[Offense]) -> NonPersonVictim:
        """Return society, the victim of the crimes against society among the offenses."""
        return self.not_a_person(SOCIETY, *(o.ucr_code for o in offenses))

    def days(self, low: int, high: int) -> int:
        """Return a number of days from low to high."""
        return self.rng.randint(low, high)

    def chance(self, probability: float) -> bool:
        """Return True with a probability."""
        return self.rng.random() < probability


def _one(rng: random.Random, texts: tuple[str, ...]) -> str:
    return rng.choice(texts)


def parking_traffic(scene: Scene) -> CasePlan:
    """Plan a parking or traffic complaint at drop-off or pick-up: no offense, a warning."""
    caller = scene.adult(rng_kind(scene, PersonKind.STAFF, PersonKind.HOMEOWNER))
    text = _one(
        scene.rng,
        (
            "Parents double-parked in the drop-off lane blocked the buses; drivers advised.",
            "Neighbour complained of cars blocking her driveway at pick-up; spoke with drivers.",
            "Student driver speeding through the lot at dismissal; parent contacted.",
            "Vehicles stopping in the red zone by the crosswalk; crossing guard assisted.",
        ),
    )
    disposition = DispositionKind(
        choose(scene.rng, {"warning": 5, "citation": 2, "report_only": 3})
    )
    return CasePlan(
        scene.draft(
            "parking_traffic",
            scene.near(scene.rng.choice(("18", "13")), "drop-off lane"),
            text,
            involvements=(Involvement(caller, frozenset({R.REPORTING_PARTY})),),
        ),
        disposition,
    )


def rng_kind(scene: Scene, *kinds: PersonKind) -> PersonKind:
    """Return one of several kinds of person."""
    return scene.rng.choice(kinds)


def traffic_collision(scene: Scene) -> CasePlan:
    """Plan a minor collision in or by the school's lot."""
    driver = scene.adult(PersonKind.PARENT_GUARDIAN)
    return CasePlan(
        scene.draft(
            "traffic_collision",
            scene.near("18", "school parking lot"),
            "Low-speed collision between two parents' cars in the lot; information exchanged.",
            involvements=(Involvement(driver, frozenset({R.REPORTING_PARTY})),),
        ),
        DispositionKind.REPORT_ONLY,
    )


def fight(scene: Scene) -> CasePlan:
    """Plan a fight between students: simple assault (13B), mostly school discipline."""
    aggressor = scene.student()
    other = scene.student(aggressor)
    gang = scene.level is not SchoolLevel.ELEMENTARY and scene.chance(0.08)
    offense = Offense("13B", weapons=("40",), criminal_activities=("J",) if gang else ("N",))
    outcome = choose(
        scene.rng,
        {"school_discipline": 55, "diversion": 15, "citation": 13, "arrest": 12, "warning": 5},
    )
    injuries = ("M",) if scene.chance(0.6) else ("N",)
    victim = scene.victim(other, ("13B",), aggressor, injuries=injuries)
    if outcome == "arrest":
        first = scene.arrested(aggressor, "13B")
    else:
        first = Involvement(aggressor, frozenset({R.OFFENDER}))
    text = _one(
        scene.rng,
        (
            "Two students fought after a dispute that started online; separated by staff.",
            "Student punched another in the line at lunch; staff broke it up.",
            "Fight near the bleachers after an argument over a girlfriend; minor injuries.",
            "Student shoved a classmate into a locker and kept hitting him.",
        ),
    ) + (" Gang colours and signs involved." if gang else "")
    referral = None
    if gang:
        referral = ReferralPlan(
            "madget",
            ReferralReason.TASK_FORCE_INVESTIGATION,
            scene.chance(0.7),
            "Added to MADGET's intelligence on a juvenile clique; no further action.",
        )
    elif outcome == "diversion":
        referral = ReferralPlan(
            "health",
            ReferralReason.DIVERSION,
            accepted=True,
            outcome="Completed six sessions of the anger-management diversion group.",
        )
    return CasePlan(
        scene.draft(
            "fight",
            scene.campus(
                CampusZone.HALLWAY,
                CampusZone.CAFETERIA,
                CampusZone.GROUNDS,
                CampusZone.ATHLETIC_FIELD,
                CampusZone.BUS,
            ),
            text,
            offenses=(offense,),
            involvements=(first, victim),
            referred_to_law_enforcement=scene.chance(0.75) or outcome == "arrest",
            school_related_arrest=outcome == "arrest",
        ),
        DispositionKind(outcome),
        close_days=scene.days(0, 6),
        referral=referral,
    )


def assault(scene: Scene) -> CasePlan:
    """Plan a student striking a staff member or a student: simple assault (13B)."""
    offender = scene.student()
    staff = scene.chance(0.4)
    target = scene.adult(PersonKind.STAFF) if staff else scene.student(offender)
    arrest = staff and scene.chance(0.6)
    first = (
        scene.arrested(offender, "13B")
        if arrest
        else Involvement(offender, frozenset({R.OFFENDER}))
    )
    text = (
        "Student struck a campus supervisor who was escorting him to the office."
        if staff
        else "Student slapped and kicked a younger student in the restroom."
    )
    return CasePlan(
        scene.draft(
            "assault",
            scene.campus(CampusZone.HALLWAY, CampusZone.RESTROOM, CampusZone.CLASSROOM),
            text,
            offenses=(Offense("13B", weapons=("40",), criminal_activities=("N",)),),
            involvements=(first, scene.victim(target, ("13B",), offender, injuries=("M",))),
            referred_to_law_enforcement=True,
            school_related_arrest=arrest,
        ),
        DispositionKind.ARREST if arrest else DispositionKind.SCHOOL_DISCIPLINE,
        close_days=scene.days(0, 4),
    )


_DRUGS: tuple[tuple[str, Callable[[random.Random], Drug], str], ...] = (
    (
        "marijuana",
        lambda r: Drug("E", decimal.Decimal(r.choice(("0.5", "1.2", "3.5", "7", "14"))), "GM"),
        "a bag of marijuana",
    ),
    (
        "vape",
        lambda r: Drug("E", decimal.Decimal(r.randint(1, 4)), "DU"),
        "THC vape cartridges",
    ),
    (
        "pills",
        lambda r: Drug("P", decimal.Decimal(r.randint(2, 20)), "DU"),
        "loose prescription pills",
    ),
    (
        "fentanyl",
        lambda r: Drug("H", decimal.Decimal(r.randint(1, 10)), "DU"),
        "blue pills believed to be counterfeit oxycodone (fentanyl)",
    ),
    (
        "meth",
        lambda r: Drug("L", decimal.Decimal(r.choice(("0.3", "0.8", "1.5"))), "GM"),
        "a small bag of methamphetamine",
    ),
)
_DRUG_WEIGHTS = (55, 22, 12, 7, 4)


def drugs(scene: Scene) -> CasePlan:
    """Plan drugs on campus (35A): possession goes to diversion, sales to MADNET."""
    _, make, found = scene.rng.choices(_DRUGS, _DRUG_WEIGHTS)[0]
    student = scene.student()
    selling = scene.chance(0.15)
    activity = "D" if selling else scene.rng.choice(("P", "U"))
    offenses = [Offense("35A", criminal_activities=(activity,), suspected_of_using=("D",))]
    if scene.chance(0.25):
        offenses.append(Offense("35B", criminal_activities=("P",)))
    suspect = Involvement(student, frozenset({R.SUSPECT}))
    place = scene.campus(
        CampusZone.RESTROOM, CampusZone.PARKING_LOT, CampusZone.LOCKER_ROOM, CampusZone.GROUNDS
    )
    text = f"Staff found a student with {found}" + (
        "; messages on the phone show sales to other students." if selling else "."
    )
    if selling:
        accepted = scene.chance(0.75)
        return CasePlan(
            scene.draft(
                "drugs",
                place,
                text,
                offenses=tuple(offenses),
                drugs=(make(scene.rng),),
                involvements=(suspect,),
                referred_to_law_enforcement=True,
                non_person_victims=(scene.society(offenses),),
            ),
            DispositionKind.ARREST if accepted else DispositionKind.CITATION,
            close_days=scene.days(20, 45),
            investigate=True,
            referral=ReferralPlan(
                "madnet",
                ReferralReason.TASK_FORCE_INVESTIGATION,
                accepted,
                "Joint case with MADNET: supplier identified; student charged with sales.",
            ),
            later_arrest=(
                scene.arrested(
                    student,
                    "35A",
                    roles=frozenset({R.OFFENDER}),
                    arrest_type="T",
                    on=scene.day + dt.timedelta(days=14),
                )
                if accepted
                else None
            ),
        )
    outcome = choose(
        scene.rng, {"diversion": 40, "school_discipline": 25, "citation": 20, "arrest": 15}
    )
    involvement = (
        scene.arrested(student, "35A", roles=frozenset({R.OFFENDER}), arrest_type="S")
        if outcome == "arrest"
        else suspect
    )
    referral = None
    if outcome == "diversion":
        referral = ReferralPlan(
            "health",
            ReferralReason.DIVERSION,
            scene.chance(0.9),
            "Completed the youth substance-use education programme.",
        )
    return CasePlan(
        scene.draft(
            "drugs",
            place,
            text,
            offenses=tuple(offenses),
            drugs=(make(scene.rng),),
            involvements=(involvement,),
            referred_to_law_enforcement=True,
            school_related_arrest=outcome == "arrest",
            non_person_victims=(scene.society(offenses),),
        ),
        DispositionKind(outcome),
        close_days=scene.days(1, 15),
        referral=referral,
    )


NIBRS_SLIP = (
    "A THC vape pen found in a middle-school restroom in February is recorded as a drug/"
    "narcotic violation (35A) without the drug seized: the records clerk's `sro nibrs check` "
    "names it (rule 365) and its NIBRS export leaves it out until the drug is recorded."
)
"""The one NIBRS mistake the demo makes on purpose, so that the clerk's check has one to show."""


def nibrs_slip(scene: Scene) -> Incident:
    """Return the draft of :data:`NIBRS_SLIP`: a completed 35A with no drug recorded."""
    return scene.draft(
        "drugs",
        scene.campus(CampusZone.RESTROOM),
        "Staff found a student with a THC vape pen in the restroom; seized.",
        offenses=(Offense("35A", criminal_activities=("P",), suspected_of_using=("D",)),),
        involvements=(Involvement(scene.student(), frozenset({R.SUSPECT})),),
        referred_to_law_enforcement=True,
    )


def alcohol(scene: Scene) -> CasePlan:
    """Plan alcohol at school or a game: a liquor law violation (90G)."""
    student = scene.student()
    return CasePlan(
        scene.draft(
            "alcohol",
            scene.campus(CampusZone.ATHLETIC_FIELD, CampusZone.PARKING_LOT),
            "Student smelling of alcohol at the football game; a bottle found in the backpack.",
            offenses=(Offense("90G"),),
            involvements=(Involvement(student, frozenset({R.OFFENDER})),),
        ),
        DispositionKind(choose(scene.rng, {"school_discipline": 5, "diversion": 3, "citation": 2})),
        close_days=scene.days(0, 5),
    )


def tobacco_vaping(scene: Scene) -> CasePlan:
    """Plan a nicotine vape taken from a student: no NIBRS offense; school discipline."""
    student = scene.student()
    return CasePlan(
        scene.draft(
            "tobacco_vaping",
            scene.campus(CampusZone.RESTROOM, CampusZone.LOCKER_ROOM),
            "Nicotine vape confiscated from a student in the restroom.",
            involvements=(Involvement(student, frozenset({R.OFFENDER})),),
        ),
        DispositionKind(choose(scene.rng, {"school_discipline": 7, "citation": 2, "warning": 1})),
    )


def theft(scene: Scene) -> CasePlan:
    """Plan a theft: a phone from the locker room (23D), from a car (23F), a bike (23H)."""
    code, description, what, zone = scene.rng.choices(
        (
            ("23D", "75", "a phone taken from the locker room", CampusZone.LOCKER_ROOM),
            ("23D", "07", "a school laptop taken from a classroom", CampusZone.CLASSROOM),
            ("23F", "38", "a stereo taken from a car in the student lot", CampusZone.PARKING_LOT),
            ("23H", "04", "a bicycle taken from the rack", CampusZone.GROUNDS),
        ),
        (45, 20, 15, 20),
    )[0]
    owner = scene.student() if code != "23F" else scene.adult(PersonKind.STAFF)
    value = scene.rng.randint(120, 950)
    identified = scene.chance(0.4)
    involvements = [scene.victim(owner, (code,))]
    if identified:
        offender = scene.student(owner)
        involvements.insert(0, Involvement(offender, frozenset({R.OFFENDER})))
    outcome = (
        choose(scene.rng, {"school_discipline": 5, "citation": 3, "diversion": 2})
        if identified
        else "inactive"
    )
    return CasePlan(
        scene.draft(
            "theft",
            scene.campus(zone),
            f"Report of {what}" + ("; the thief was seen on camera." if identified else "."),
            offenses=(Offense(code),),
            property=(PropertyItem("STOLEN", description, value),),
            involvements=tuple(involvements),
            referred_to_law_enforcement=identified and scene.chance(0.6),
            offender_unknown=not identified,
        ),
        DispositionKind(outcome),
        close_days=scene.days(3, 30),
        investigate=True,
    )


def shoplifting(scene: Scene, complainant: Person | None = None) -> CasePlan:
    """Plan students shoplifting at the corner market (23C, convenience store 07)."""
    owner = complainant or scene.adult(PersonKind.BUSINESS_OWNER)
    offender = scene.student()
    return CasePlan(
        scene.draft(
            "theft",
            scene.near("07", "corner market"),
            "Store owner reported students taking snacks and drinks without paying; the SRO "
            "identified one from the store's video.",
            offenses=(Offense("23C"),),
            property=(PropertyItem("STOLEN", "08", scene.rng.randint(6, 45)),),
            involvements=(
                Involvement(offender, frozenset({R.OFFENDER})),
                Involvement(owner, frozenset({R.REPORTING_PARTY})),
            ),
            # The victim is the store, a business (B): its owner reports it.
            non_person_victims=(scene.not_a_person("B", "23C", name="Corner market"),),
        ),
        DispositionKind(choose(scene.rng, {"warning": 3, "citation": 4, "diversion": 3})),
        close_days=scene.days(1, 10),
    )


def vandalism(scene: Scene) -> CasePlan:
    """Plan vandalism or graffiti on school property (290); gang tags go to MADGET."""
    gang = scene.level is not SchoolLevel.ELEMENTARY and scene.chance(0.15)
    staff = scene.adult(PersonKind.STAFF)
    value = scene.rng.randint(80, 2400)
    text = (
        "Gang graffiti sprayed on the gym wall overnight; photographed for MADGET."
        if gang
        else _one(
            scene.rng,
            (
                "Restroom mirrors broken and stall doors kicked in.",
                "Windows of two portable classrooms broken over the weekend.",
                "Graffiti on the back fence and the bus shelter.",
            ),
        )
    )
    referral = None
    if gang:
        referral = ReferralPlan(
            "madget",
            ReferralReason.TASK_FORCE_INVESTIGATION,
            accepted=True,
            outcome="Tags matched to a local clique; photographs added to MADGET's files.",
        )
    identified = scene.chance(0.3)
    involvements = [Involvement(staff, frozenset({R.REPORTING_PARTY}))]
    if identified:
        involvements.insert(0, Involvement(scene.student(), frozenset({R.OFFENDER})))
    return CasePlan(
        scene.draft(
            "vandalism",
            scene.campus(CampusZone.RESTROOM, CampusZone.GROUNDS, CampusZone.PARKING_LOT),
            text,
            offenses=(Offense("290"),),
            property=(PropertyItem("DESTROYED_DAMAGED_VANDALIZED", "33", value),),
            involvements=tuple(involvements),
            referred_to_law_enforcement=identified,
            # The school district's property: a government victim (G), reported by the staff.
            non_person_victims=(scene.not_a_person("G", "290", name="School district"),),
            offender_unknown=not identified,
        ),
        DispositionKind.DIVERSION if identified else DispositionKind.INACTIVE,
        close_days=scene.days(5, 40),
        investigate=True,
        referral=referral,
    )


def trespass(scene: Scene) -> CasePlan:
    """Plan an adult on campus without business there (90J)."""
    intruder = scene.adult(PersonKind.COMMUNITY_MEMBER)
    outcome = choose(scene.rng, {"warning": 6, "citation": 3, "arrest": 1})
    first = (
        scene.arrested(intruder, "90J", arrest_type="O")
        if outcome == "arrest"
        else Involvement(intruder, frozenset({R.OFFENDER}))
    )
    return CasePlan(
        scene.draft(
            "trespass",
            scene.campus(CampusZone.GROUNDS, CampusZone.PARKING_LOT, CampusZone.ATHLETIC_FIELD),
            _one(
                scene.rng,
                (
                    "Former student on campus after being told to leave; escorted off.",
                    "Adult sleeping in the dugout; advised of the trespass notice.",
                    "Man walking the halls without checking in at the office.",
                ),
            ),
            offenses=(Offense("90J"),),
            involvements=(first,),
        ),
        DispositionKind(outcome),
    )


def threat(scene: Scene, *, online: bool | None = None) -> CasePlan:
    """Plan a threat to a person or to the school (13C intimidation), often online."""
    student = scene.student()
    target = scene.student(student) if scene.chance(0.7) else scene.adult(PersonKind.STAFF)
    is_online = scene.chance(0.5) if online is None else online
    place = (
        Location(LocationKind.ONLINE, "58")
        if is_online
        else scene.campus(CampusZone.CLASSROOM, CampusZone.HALLWAY)
    )
    outcome = choose(
        scene.rng, {"diversion": 30, "arrest": 18, "school_discipline": 30, "unfounded": 22}
    )
    first = (
        scene.arrested(student, "13C", arrest_type="T")
        if outcome == "arrest"
        else Involvement(student, frozenset({R.OFFENDER if outcome != "unfounded" else R.SUSPECT}))
    )
    victim = scene.victim(target, ("13C",), student if outcome != "unfounded" else None)
    referral = None
    if outcome in ("diversion", "arrest") and scene.chance(0.6):
        referral = ReferralPlan(
            "health",
            ReferralReason.BEHAVIORAL_HEALTH,
            accepted=True,
            outcome="Risk assessment done; the student and family in weekly counselling.",
        )
    return CasePlan(
        scene.draft(
            "threat",
            place,
            "Student posted a threat to hurt a classmate on social media."
            if is_online
            else "Student told classmates he would bring a knife and 'get' another student.",
            offenses=(Offense("13C", criminal_activities=("N",)),),
            involvements=(first, victim),
            referred_to_law_enforcement=True,
            school_related_arrest=outcome == "arrest",
        ),
        DispositionKind(outcome),
        close_days=scene.days(1, 12),
        investigate=True,
        referral=referral,
    )


def harassment_bullying(scene: Scene) -> CasePlan:
    """Plan bullying, in person or online: intimidation (13C) when it threatens."""
    bully = scene.student()
    target = scene.student(bully)
    online = scene.chance(0.55)
    threatening = scene.chance(0.4)
    place = (
        Location(LocationKind.ONLINE, "58")
        if online
        else scene.campus(CampusZone.HALLWAY, CampusZone.CAFETERIA, CampusZone.BUS)
    )
    offenses = (Offense("13C", criminal_activities=("N",)),) if threatening else ()
    victim = (
        scene.victim(target, ("13C",), bully)
        if threatening
        else Involvement(target, frozenset({R.VICTIM}))
    )
    return CasePlan(
        scene.draft(
            "harassment_bullying",
            place,
            "Group chat used to mock and threaten a student; screenshots collected."
            if online
            else "Student repeatedly pushed and taunted on the bus ride home.",
            offenses=offenses,
            involvements=(Involvement(bully, frozenset({R.OFFENDER})), victim),
        ),
        DispositionKind(
            choose(
                scene.rng, {"school_discipline": 6, "warning": 2, "diversion": 1, "unfounded": 1}
            )
        ),
        close_days=scene.days(1, 10),
    )


def weapons(scene: Scene) -> CasePlan:
    """Plan a weapon at school (520): most often a knife found in a backpack."""
    student = scene.student()
    gun = scene.chance(0.05)
    force, armed, what = ("12", "12", "a handgun") if gun else ("20", "16", "a folding knife")
    weapon = Offense("520", weapons=(force,), criminal_activities=("P",))
    outcome = choose(scene.rng, {"arrest": 70, "diversion": 15, "school_discipline": 15})
    first = (
        scene.arrested(student, "520", arrest_type="O", armed=(armed,))
        if outcome == "arrest"
        else Involvement(student, frozenset({R.OFFENDER}))
    )
    return CasePlan(
        scene.draft(
            "weapons",
            scene.campus(CampusZone.CLASSROOM, CampusZone.LOCKER_ROOM, CampusZone.BUS),
            f"Tip to the office led to {what} in a student's backpack; seized.",
            offenses=(weapon,),
            involvements=(first,),
            non_person_victims=(scene.society((weapon,)),),
            referred_to_law_enforcement=True,
            school_related_arrest=outcome == "arrest",
        ),
        DispositionKind(outcome),
        close_days=scene.days(0, 5),
    )


def gang_activity(scene: Scene) -> CasePlan:
    """Plan gang recruitment on campus (13C, juvenile gang), sent to MADGET."""
    recruiter = scene.student()
    target = scene.student(recruiter)
    return CasePlan(
        scene.draft(
            "gang_activity",
            scene.campus(CampusZone.GROUNDS, CampusZone.ATHLETIC_FIELD),
            "Older students pressuring a freshman to join their clique and 'put in work'.",
            offenses=(Offense("13C", criminal_activities=("J",)),),
            involvements=(
                Involvement(recruiter, frozenset({R.OFFENDER})),
                scene.victim(target, ("13C",), recruiter),
            ),
            referred_to_law_enforcement=True,
        ),
        DispositionKind.SCHOOL_DISCIPLINE,
        close_days=scene.days(10, 30),
        investigate=True,
        referral=ReferralPlan(
            "madget",
            ReferralReason.TASK_FORCE_INVESTIGATION,
            scene.chance(0.8),
            "MADGET spoke with the families; the clique is under watch.",
        ),
    )


def welfare_check(scene: Scene) -> CasePlan:
    """Plan a welfare check on a student who said something worrying."""
    student = scene.student()
    referral = None
    if scene.chance(0.35):
        referral = ReferralPlan(
            "health",
            ReferralReason.BEHAVIORAL_HEALTH,
            accepted=True,
            outcome="Crisis clinician saw the student; safety plan in place.",
        )
    return CasePlan(
        scene.draft(
            "welfare_check",
            Location(LocationKind.COMMUNITY, "20", address="student's home"),
            "Home visit after a teacher's concern about a student's post about self-harm.",
            involvements=(Involvement(student, frozenset({R.VICTIM})),),
        ),
        DispositionKind.REPORT_ONLY,
        close_days=scene.days(0, 3),
        referral=referral,
    )


def suspicious_activity(scene: Scene, complainant: Person | None = None) -> CasePlan:
    """Plan a suspicious person or car near the school, often reported by a neighbour."""
    caller = complainant or scene.adult(PersonKind.HOMEOWNER)
    return CasePlan(
        scene.draft(
            "suspicious_activity",
            scene.near(scene.rng.choice(("13", "20")), "residential street by the school"),
            _one(
                scene.rng,
                (
                    "Neighbour reported a car circling the block at dismissal; it was a parent.",
                    "Homeowner reported teenagers in her side yard at lunch; area checked.",
                    "Man photographing the playground from the sidewalk; gone on arrival.",
                ),
            ),
            involvements=(Involvement(caller, frozenset({R.REPORTING_PARTY})),),
        ),
        DispositionKind(choose(scene.rng, {"report_only": 6, "unfounded": 4})),
    )


def runaway_truancy(scene: Scene) -> CasePlan:
    """Plan a student missing from school or from home."""
    student = scene.student()
    return CasePlan(
        scene.draft(
            "runaway_truancy",
            Location(LocationKind.COMMUNITY, "20", address="student's home"),
            "Student missing from school for a week; found at a friend's house and returned.",
            involvements=(Involvement(student, frozenset({R.VICTIM})),),
        ),
        DispositionKind.REPORT_ONLY,
        close_days=scene.days(0, 4),
    )


def disturbance(scene: Scene, complainant: Person | None = None) -> CasePlan:
    """Plan a disturbance: an angry parent at the office (90C disorderly conduct)."""
    person = scene.adult(PersonKind.PARENT_GUARDIAN)
    involvements = [Involvement(person, frozenset({R.OFFENDER}))]
    if complainant is not None:
        involvements.append(Involvement(complainant, frozenset({R.REPORTING_PARTY})))
    return CasePlan(
        scene.draft(
            "disturbance",
            scene.campus(CampusZone.OFFICE, CampusZone.PARKING_LOT),
            "Parent shouting and refusing to leave the front office; calmed and escorted out.",
            offenses=(Offense("90C"),),
            involvements=tuple(involvements),
        ),
        DispositionKind(choose(scene.rng, {"warning": 7, "citation": 2, "report_only": 1})),
    )


def child_abuse(scene: Scene) -> CasePlan:
    """Plan a mandated report of suspected abuse, passed to child protective services."""
    student = scene.student()
    return CasePlan(
        scene.draft(
            "child_abuse",
            Location(LocationKind.COMMUNITY, "20", address="student's home"),
            "Teacher's mandated report of bruising; CPS notified and a joint interview set.",
            involvements=(Involvement(student, frozenset({R.VICTIM})),),
        ),
        DispositionKind.REPORT_ONLY,
        close_days=scene.days(2, 10),
        investigate=True,
    )


def other(scene: Scene) -> CasePlan:
    """Plan anything else: found property booked for safekeeping (no offense)."""
    return CasePlan(
        scene.draft(
            "other",
            scene.campus(CampusZone.OFFICE, CampusZone.GROUNDS),
            "Found property turned in at the office; booked for safekeeping.",
        ),
        DispositionKind.REPORT_ONLY,
    )


Kind = Callable[[Scene], CasePlan]

KINDS: dict[str, tuple[Kind, tuple[float, float, float, float]]] = {
    "parking_traffic": (parking_traffic, (12, 11, 24, 12)),
    "traffic_collision": (traffic_collision, (3, 2, 3, 2)),
    "fight": (fight, (14, 17, 4, 0)),
    "assault": (assault, (3, 3, 2, 0)),
    "drugs": (drugs, (12, 6, 0, 0)),
    "alcohol": (alcohol, (3, 1, 0, 0)),
    "tobacco_vaping": (tobacco_vaping, (9, 7, 0, 0)),
    "theft": (theft, (7, 6, 3, 6)),
    "vandalism": (vandalism, (6, 5, 6, 30)),
    "trespass": (trespass, (5, 4, 6, 20)),
    "threat": (threat, (5, 5, 2, 0)),
    "harassment_bullying": (harassment_bullying, (5, 7, 3, 0)),
    "weapons": (weapons, (2, 2, 0.5, 0)),
    "gang_activity": (gang_activity, (3, 2, 0, 0)),
    "welfare_check": (welfare_check, (3, 3, 5, 6)),
    "suspicious_activity": (suspicious_activity, (3, 3, 6, 14)),
    "runaway_truancy": (runaway_truancy, (3, 2, 1, 2)),
    "disturbance": (disturbance, (4, 4, 3, 2)),
    "child_abuse": (child_abuse, (1, 1, 3, 1)),
    "other": (other, (2, 2, 2, 5)),
}
"""Each kind of incident and its relative frequency at a high, middle and elementary school,
and on days without school."""

_COLUMN = {SchoolLevel.HIGH: 0, SchoolLevel.MIDDLE: 1, SchoolLevel.ELEMENTARY: 2}


def draw_kind(rng: random.Random, level: SchoolLevel, *, in_session: bool) -> Kind:
    """Return a kind of incident, drawn by its frequency at a school of a level on a day."""
    column = _COLUMN.get(level, 0) if in_session else 3
    names = [name for name, (_, weights) in KINDS.items() if weights[column] > 0]
    chosen = rng.choices(names, [KINDS[name][1][column] for name in names])[0]
    return KINDS[chosen][0]
