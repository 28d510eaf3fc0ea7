"""Incidents: what happened, where, to whom, and where the case stands.

The lifecycle is one explicit table, :data:`INCIDENT_TRANSITIONS`; every other rule of the
incident is either a validator on :class:`Incident` or, where it needs the program's calendar,
:func:`check_incident`.
"""

from __future__ import annotations

import builtins
import datetime as dt
import enum
import re
import uuid
from collections.abc import Mapping

import attrs

from sro_core.domain.bounds import bounded
from sro_core.domain.calendar import ProgramCalendar
from sro_core.domain.errors import IllegalTransition, RuleViolation
from sro_core.domain.involvements import Involvement, InvolvementRole
from sro_core.domain.offenses import Drug, Offense, PropertyItem
from sro_core.domain.privacy import (
    RecordClass,
    RecordOrigin,
    Sensitivity,
    free_text,
    sensitive,
    shared_as,
)
from sro_core.domain.review import (
    REVIEW_TRANSITIONS,
    ReviewState,
    ReviewStep,
    check_review,
)
from sro_core.domain.schools import (
    COLLEGE_LOCATION,
    K12_SCHOOL_LOCATION,
    SchoolLevel,
    school_location_code,
)
from sro_core.domain.values import aware, not_blank, utc, utc_or_none
from sro_core.domain.victims import NonPersonVictim, society_victims

NOT_EXCEPTIONALLY_CLEARED = "N"
"""The NIBRS clearance code for "not applicable": never the code of an exceptional clearance."""

CHOSEN_SCHOOL_CODES = frozenset({COLLEGE_LOCATION, K12_SCHOOL_LOCATION})
"""The school location codes an officer may choose for a campus over the level's own."""

INCIDENT_NUMBER = re.compile(r"(?P<year>\d{4})-(?P<sequence>\d{6})")


def incident_number(year: int, sequence: int) -> str:
    """Return the human number of the ``sequence``-th incident of a year: ``YYYY-NNNNNN``."""
    if not 1 <= sequence <= 999_999:
        raise RuleViolation("number", sequence, "a yearly sequence runs from 1 to 999999")
    return f"{year:04d}-{sequence:06d}"


class IncidentStatus(enum.Enum):
    """Where an incident stands."""

    DRAFT = "draft"
    REPORTED = "reported"
    UNDER_INVESTIGATION = "under_investigation"
    REFERRED = "referred"
    CLOSED = "closed"
    REOPENED = "reopened"


_S = IncidentStatus
INCIDENT_TRANSITIONS: Mapping[IncidentStatus, frozenset[IncidentStatus]] = {
    _S.DRAFT: frozenset({_S.REPORTED}),
    _S.REPORTED: frozenset({_S.UNDER_INVESTIGATION, _S.REFERRED, _S.CLOSED}),
    _S.UNDER_INVESTIGATION: frozenset({_S.REFERRED, _S.CLOSED}),
    # A task force may decline a referral: the SRO's own investigation then goes on.
    _S.REFERRED: frozenset({_S.UNDER_INVESTIGATION, _S.CLOSED}),
    _S.CLOSED: frozenset({_S.REOPENED}),
    _S.REOPENED: frozenset({_S.UNDER_INVESTIGATION, _S.REFERRED, _S.CLOSED}),
}
"""The incident lifecycle: for each status, the statuses it may move to. Nothing else moves it."""


class LocationKind(enum.Enum):
    """Where an incident happened relative to the school."""

    ON_CAMPUS = "on_campus"
    SCHOOL_ADJACENT = "school_adjacent"
    COMMUNITY = "community"
    ONLINE = "online"


class CampusZone(enum.Enum):
    """The part of a campus an on-campus incident happened in."""

    CLASSROOM = "classroom"
    HALLWAY = "hallway"
    RESTROOM = "restroom"
    LOCKER_ROOM = "locker_room"
    CAFETERIA = "cafeteria"
    GYMNASIUM = "gymnasium"
    LIBRARY = "library"
    OFFICE = "office"
    PARKING_LOT = "parking_lot"
    ATHLETIC_FIELD = "athletic_field"
    GROUNDS = "grounds"
    BUS = "bus"
    OTHER = "other"


@attrs.frozen(field_transformer=bounded)
class Location:
    """Where an incident happened: kind, campus zone, address, and the NIBRS location code.

    On a campus the code follows from the school's level (53 elementary/secondary, 52
    college/university) unless the officer chose the other school code: ``derived`` says
    which. The program derives it when the incident is stored (:meth:`on_campus` asks it to).
    """

    kind: LocationKind
    nibrs_code: str = attrs.field(validator=not_blank)
    zone: CampusZone | None = None
    address: str | None = attrs.field(
        default=None, validator=not_blank, metadata=sensitive(Sensitivity.CONTACT_DETAILS)
    )
    derived: bool = False
    """The code follows from the school's level, not from the officer's choice."""

    def __attrs_post_init__(self) -> None:
        if self.zone is not None and self.kind is not LocationKind.ON_CAMPUS:
            raise RuleViolation("location.zone", self.zone.value, "only an on-campus place has one")

    @classmethod
    def on_campus(
        cls,
        zone: CampusZone | None = None,
        address: str | None = None,
        *,
        nibrs_code: str | None = None,
    ) -> Location:
        """Return a place on a school's campus.

        Without ``nibrs_code`` the school's level decides the code when the incident is stored
        (52 college or university, 53 elementary or secondary school).
        """
        if nibrs_code is None:
            return cls(LocationKind.ON_CAMPUS, K12_SCHOOL_LOCATION, zone, address, derived=True)
        return cls(LocationKind.ON_CAMPUS, nibrs_code, zone, address)

    def at_school(self, level: SchoolLevel) -> Location:
        """Return the place with the school code of a campus of this level, unless chosen.

        An officer's choice of a school code (52, 53) stands; any other code on a campus, or
        a derived one, becomes the level's.
        """
        if self.kind is not LocationKind.ON_CAMPUS:
            return self
        if not self.derived and self.nibrs_code in CHOSEN_SCHOOL_CODES:
            return self
        code = school_location_code(level)
        if self.derived and self.nibrs_code == code:
            return self
        return attrs.evolve(self, nibrs_code=code, derived=True)

    @classmethod
    def school_adjacent(cls, address: str | None = None, *, nibrs_code: str = "13") -> Location:
        """Return a place next to a school: NIBRS 13, highway/road/alley/street/sidewalk."""
        return cls(LocationKind.SCHOOL_ADJACENT, nibrs_code, None, address)

    @classmethod
    def community(cls, address: str | None = None, *, nibrs_code: str = "25") -> Location:
        """Return a place in the community: NIBRS 25, other/unknown (give a closer code)."""
        return cls(LocationKind.COMMUNITY, nibrs_code, None, address)

    @classmethod
    def online(cls, *, nibrs_code: str = "58") -> Location:
        """Return a place online: NIBRS 58, cyberspace."""
        return cls(LocationKind.ONLINE, nibrs_code)


class DispositionKind(enum.Enum):
    """How an incident was closed."""

    ARREST = "arrest"
    CITATION = "citation"
    DIVERSION = "diversion"
    WARNING = "warning"
    SCHOOL_DISCIPLINE = "school_discipline"
    """Handed to the school's own discipline: no law-enforcement action."""
    EXCEPTIONALLY_CLEARED = "exceptionally_cleared"
    UNFOUNDED = "unfounded"
    INACTIVE = "inactive"
    REPORT_ONLY = "report_only"


@attrs.frozen(field_transformer=bounded)
class Disposition:
    """The outcome an incident is closed with.

    An exceptional clearance carries its NIBRS code (A to E); no other disposition does.
    """

    kind: DispositionKind
    decided_on: dt.date
    exceptional_clearance: str | None = attrs.field(default=None, validator=not_blank)

    def __attrs_post_init__(self) -> None:
        exceptional = self.kind is DispositionKind.EXCEPTIONALLY_CLEARED
        if self.exceptional_clearance == NOT_EXCEPTIONALLY_CLEARED:
            raise RuleViolation(
                "disposition.exceptional_clearance", "N", "N means not cleared exceptionally"
            )
        if exceptional != (self.exceptional_clearance is not None):
            raise RuleViolation(
                "disposition.exceptional_clearance",
                self.exceptional_clearance,
                "an exceptional clearance, and only one, carries its clearance code",
            )


class RecordRestriction(enum.Enum):
    """Reasons a record is held more tightly than its audience would otherwise allow."""

    SEALED = "sealed"
    SEXUAL_OFFENSE_VICTIM = "sexual_offense_victim"
    CONFIDENTIAL_SOURCE = "confidential_source"
    ONGOING_INVESTIGATION = "ongoing_investigation"
    EXPUNGED = "expunged"
    """Its personal data was destroyed by an order: a tombstone kept for the counts."""


_OFFENDING = frozenset(
    {InvolvementRole.OFFENDER, InvolvementRole.SUSPECT, InvolvementRole.ARRESTEE}
)
"""The roles of a person a victim's relationship may name."""
_KNOWN_OFFENDER = frozenset({InvolvementRole.OFFENDER, InvolvementRole.SUSPECT})
"""The roles that make an offender known (so not the unknown offender 00)."""


@attrs.frozen(field_transformer=bounded)
class Incident:
    """Something that happened that the SRO handled as police, from a parking complaint to a crime.

    Rules held by the class: times are aware and ordered; an on-campus incident has a school;
    once reported it has a number; closing needs a disposition; an arrest disposition needs an
    arrestee; each person is involved once; victims connect only to the incident's offenses
    and relate only to its offenders. The juvenile-disposition rule needs the program's calendar:
    see :func:`check_incident`.
    """

    reporting_officer_id: uuid.UUID
    occurred_start: dt.datetime = attrs.field(converter=utc, validator=aware)
    reported_at: dt.datetime = attrs.field(converter=utc, validator=aware)
    location: Location = attrs.field(metadata=shared_as(RecordClass.INCIDENT_SUMMARY))
    category: str = attrs.field(
        validator=not_blank, metadata=shared_as(RecordClass.INCIDENT_SUMMARY)
    )
    school_id: uuid.UUID | None = None
    occurred_end: dt.datetime | None = attrs.field(
        default=None, converter=utc_or_none, validator=aware
    )
    offenses: tuple[Offense, ...] = attrs.field(
        default=(), metadata=shared_as(RecordClass.INCIDENT_SUMMARY)
    )
    involvements: tuple[Involvement, ...] = ()
    property: tuple[PropertyItem, ...] = attrs.field(
        default=(), metadata=shared_as(RecordClass.DRUG_EVIDENCE)
    )
    drugs: tuple[Drug, ...] = attrs.field(default=(), metadata=shared_as(RecordClass.DRUG_EVIDENCE))
    narrative: str = attrs.field(
        default="",
        metadata=sensitive(Sensitivity.NARRATIVE)
        | shared_as(RecordClass.INCIDENT_NARRATIVE)
        | free_text(),
    )
    status: IncidentStatus = attrs.field(
        default=IncidentStatus.DRAFT, metadata=shared_as(RecordClass.INCIDENT_SUMMARY)
    )
    disposition: Disposition | None = attrs.field(
        default=None, metadata=shared_as(RecordClass.ARREST)
    )
    referred_to_law_enforcement: bool = False
    school_related_arrest: bool = attrs.field(default=False, metadata=shared_as(RecordClass.ARREST))
    restrictions: frozenset[RecordRestriction] = frozenset()
    origin: RecordOrigin = RecordOrigin.LAW_ENFORCEMENT_UNIT
    escalated_from: uuid.UUID | None = None
    """The community contact this incident was escalated from, if any."""
    review: ReviewState = attrs.field(
        default=ReviewState.UNSUBMITTED, metadata=shared_as(RecordClass.INCIDENT_SUMMARY)
    )
    """Where the report stands in its supervisor's review (see :data:`REVIEW_TRANSITIONS`)."""
    reviews: tuple[ReviewStep, ...] = attrs.field(
        default=(),
        metadata=sensitive(Sensitivity.NARRATIVE) | shared_as(RecordClass.INCIDENT_NARRATIVE),
    )
    """Every step of the review, oldest first, with each comment, its author and its time."""
    number: str | None = None
    non_person_victims: tuple[NonPersonVictim, ...] = ()
    """Victims that are not people: a business, a government, society (NIBRS element 25)."""
    offender_unknown: bool = False
    """Nothing is known of the offenders, not even how many (NIBRS offender sequence 00)."""
    nibrs_number: str | None = attrs.field(default=None, validator=not_blank)
    """The NIBRS incident number of a record imported from another records system."""
    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    version: int = 0

    def __attrs_post_init__(self) -> None:
        self._check_times()
        self._check_place()
        self._check_status()
        self._check_involvements()
        self._check_review()

    def _check_review(self) -> None:
        check_review(self.review, self.reviews)

    def _check_times(self) -> None:
        if self.occurred_end is not None and self.occurred_end < self.occurred_start:
            raise RuleViolation("occurred_end", self.occurred_end, "must not be before the start")
        if self.reported_at < self.occurred_start:
            raise RuleViolation("reported_at", self.reported_at, "cannot be before it occurred")

    def _check_place(self) -> None:
        if self.location.kind is LocationKind.ON_CAMPUS and self.school_id is None:
            raise RuleViolation("school_id", None, "an on-campus incident needs its school")

    def _check_status(self) -> None:
        if self.number is not None and not INCIDENT_NUMBER.fullmatch(self.number):
            raise RuleViolation("number", self.number, "an incident number reads YYYY-NNNNNN")
        if self.status is not IncidentStatus.DRAFT and self.number is None:
            raise RuleViolation("number", None, "a reported incident has a number")
        if self.status is IncidentStatus.CLOSED and self.disposition is None:
            raise RuleViolation("disposition", None, "closing an incident needs a disposition")
        arrest = self.disposition is not None and self.disposition.kind is DispositionKind.ARREST
        if arrest and not self.with_role(InvolvementRole.ARRESTEE):
            raise RuleViolation(
                "disposition.kind", "arrest", "an arrest disposition needs an arrestee"
            )
        if self.school_related_arrest and not self.with_role(InvolvementRole.ARRESTEE):
            raise RuleViolation(
                "school_related_arrest",
                self.school_related_arrest,
                "a school-related arrest needs an arrestee",
            )

    def _check_involvements(self) -> None:
        people = [i.person.id for i in self.involvements]
        if len({person.int for person in people}) != len(people):  # ints hash without a frame
            raise RuleViolation("involvements", people, "each person is involved once")
        if self.offender_unknown and not all(
            i.roles.isdisjoint(_KNOWN_OFFENDER) for i in self.involvements
        ):
            rule = "an unknown offender (00) is the only offender: this incident records one"
            raise RuleViolation("offender_unknown", self.offender_unknown, rule)
        victim_ids = [v.id for v in self.non_person_victims]
        if len(set(victim_ids)) != len(victim_ids):
            raise RuleViolation("non_person_victims", victim_ids, "each victim is recorded once")
        offense_codes = {o.ucr_code for o in self.offenses}
        for n, other in enumerate(self.non_person_victims):
            for code in other.offense_codes:
                if code not in offense_codes:
                    field = f"non_person_victims[{n}].offense_codes"
                    raise RuleViolation(field, code, "not an offense of this incident")
        self._check_victims(offense_codes)

    def _check_victims(self, offense_codes: set[str]) -> None:
        offenders = None  # the people who offended here, found at the first relationship
        for n, involvement in enumerate(self.involvements):
            victim = involvement.victim
            if victim is None:
                continue
            for code in victim.offense_codes:
                if code not in offense_codes:
                    field = f"involvements[{n}].victim.offense_codes"
                    raise RuleViolation(field, code, "not an offense of this incident")
            for relationship in victim.relationships:
                if offenders is None:
                    offenders = {
                        i.person.id for i in self.involvements if not i.roles.isdisjoint(_OFFENDING)
                    }
                if relationship.offender not in offenders:
                    field = f"involvements[{n}].victim.relationships"
                    raise RuleViolation(field, relationship.offender, "not an offender here")

    @builtins.property  # ``property`` is a field of the incident (property involved)
    def sealed(self) -> bool:
        """Whether an order sealed the incident: counted only for sealed-records readers."""
        return RecordRestriction.SEALED in self.restrictions

    def with_role(self, role: InvolvementRole) -> tuple[Involvement, ...]:
        """Return the involvements in which a person plays a role."""
        return tuple(i for i in self.involvements if role in i.roles)

    def moved_to(self, status: IncidentStatus) -> Incident:
        """Return the incident in a new status, if the lifecycle table allows the move."""
        if status not in INCIDENT_TRANSITIONS[self.status]:
            raise IllegalTransition("incident", self.status, status)
        return attrs.evolve(self, status=status)

    def reported(self, number: str) -> Incident:
        """Return the draft incident reported under its allocated number."""
        if IncidentStatus.REPORTED not in INCIDENT_TRANSITIONS[self.status]:
            raise IllegalTransition("incident", self.status, IncidentStatus.REPORTED)
        return attrs.evolve(self, number=number, status=IncidentStatus.REPORTED)

    def closed(self, disposition: Disposition) -> Incident:
        """Return the incident closed with a disposition."""
        if IncidentStatus.CLOSED not in INCIDENT_TRANSITIONS[self.status]:
            raise IllegalTransition("incident", self.status, IncidentStatus.CLOSED)
        return attrs.evolve(self, status=IncidentStatus.CLOSED, disposition=disposition)

    def reopened(self) -> Incident:
        """Return the closed incident reopened; its disposition is kept until it is closed again."""
        return self.moved_to(IncidentStatus.REOPENED)

    def under_review(
        self, state: ReviewState, actor_id: str, at: dt.datetime, note: str = ""
    ) -> Incident:
        """Return the report moved in its review, if the review table allows the move."""
        if state not in REVIEW_TRANSITIONS[self.review]:
            raise IllegalTransition("review", self.review, state)
        step = ReviewStep(state=state, actor_id=actor_id, at=at, note=note)
        return attrs.evolve(self, review=state, reviews=(*self.reviews, step))

    def involving(self, involvement: Involvement) -> Incident:
        """Return the incident with a person's involvement added, or replaced if already there."""
        others = tuple(i for i in self.involvements if i.person.id != involvement.person.id)
        return attrs.evolve(self, involvements=(*others, involvement))

    def with_offense(self, offense: Offense) -> Incident:
        """Return the incident with one more offense."""
        return attrs.evolve(self, offenses=(*self.offenses, offense))

    def with_society_victim(self) -> Incident:
        """Return the incident with society the victim of each of its crimes against society."""
        codes = tuple(o.ucr_code for o in self.offenses)
        victims = society_victims(self.non_person_victims, codes)
        if victims == self.non_person_victims:
            return self
        return attrs.evolve(self, non_person_victims=victims)


def check_incident(incident: Incident, calendar: ProgramCalendar) -> None:
    """Raise if the incident breaks a rule that needs the program-local incident date.

    A juvenile arrestee needs a juvenile disposition (handled within the department, or referred
    to other authorities); an arrest cannot be dated before the incident day; nobody involved
    was born after it.
    """
    day = calendar.local_date(incident.occurred_start)
    for n, involvement in enumerate(incident.involvements):
        born = involvement.person.date_of_birth
        if born is not None and born > day:
            field = f"involvements[{n}].person.date_of_birth"
            raise RuleViolation(field, born, f"after the incident day {day}")
        arrest = involvement.arrest
        if arrest is None:
            continue
        if arrest.arrested_on < day:
            field = f"involvements[{n}].arrest.arrested_on"
            raise RuleViolation(field, arrest.arrested_on, f"before the incident day {day}")
        if involvement.is_juvenile(day) and arrest.juvenile_disposition is None:
            field = f"involvements[{n}].arrest.juvenile_disposition"
            raise RuleViolation(field, None, "a juvenile arrestee needs a juvenile disposition")
