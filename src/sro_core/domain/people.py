"""People the SRO deals with: students, staff, parents, neighbours, business owners, visitors."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import attrs

from sro_core.domain.bounds import bounded
from sro_core.domain.errors import RuleViolation
from sro_core.domain.privacy import RecordClass, Sensitivity, sensitive, shared_as
from sro_core.domain.schools import PRE_KINDERGARTEN, TWELFTH_GRADE
from sro_core.domain.values import not_blank

AGE_OF_MAJORITY = 18


class PersonKind(enum.Enum):
    """How a person is connected to the school community."""

    STUDENT = "student"
    STAFF = "staff"
    PARENT_GUARDIAN = "parent_guardian"
    COMMUNITY_MEMBER = "community_member"
    BUSINESS_OWNER = "business_owner"
    HOMEOWNER = "homeowner"
    VISITOR = "visitor"


class Sex(enum.Enum):
    """Sex as recorded for NIBRS (M, F, U) and the CRDC (male, female)."""

    MALE = "M"
    FEMALE = "F"
    UNKNOWN = "U"


class Race(enum.Enum):
    """Race categories, as NIBRS and the CRDC both record them."""

    WHITE = "W"
    BLACK = "B"
    AMERICAN_INDIAN_ALASKA_NATIVE = "I"
    ASIAN = "A"
    NATIVE_HAWAIIAN_PACIFIC_ISLANDER = "P"


class CrdcRaceEthnicity(enum.Enum):
    """The CRDC's seven race/ethnicity groups."""

    HISPANIC_LATINO = "HI"
    AMERICAN_INDIAN_ALASKA_NATIVE = "AM"
    ASIAN = "AS"
    NATIVE_HAWAIIAN_PACIFIC_ISLANDER = "HP"
    BLACK = "BL"
    WHITE = "WH"
    TWO_OR_MORE_RACES = "TR"


_CRDC_SINGLE_RACE = {
    Race.WHITE: CrdcRaceEthnicity.WHITE,
    Race.BLACK: CrdcRaceEthnicity.BLACK,
    Race.AMERICAN_INDIAN_ALASKA_NATIVE: CrdcRaceEthnicity.AMERICAN_INDIAN_ALASKA_NATIVE,
    Race.ASIAN: CrdcRaceEthnicity.ASIAN,
    Race.NATIVE_HAWAIIAN_PACIFIC_ISLANDER: CrdcRaceEthnicity.NATIVE_HAWAIIAN_PACIFIC_ISLANDER,
}


_EDUCATION = sensitive(Sensitivity.EDUCATION_RECORD) | shared_as(RecordClass.EDUCATION_RECORD)
_IDENTITY = sensitive(Sensitivity.JUVENILE_IDENTITY) | shared_as(RecordClass.JUVENILE_IDENTITY)


@attrs.frozen(field_transformer=bounded)
class Demographics:
    """What is known of a person's sex, race, ethnicity and (for students) education status.

    ``None`` means not collected, which the CRDC reports as blank, not as zero.
    """

    sex: Sex = Sex.UNKNOWN
    races: frozenset[Race] = frozenset()
    hispanic_or_latino: bool | None = None
    idea: bool | None = attrs.field(default=None, metadata=_EDUCATION)
    section_504: bool | None = attrs.field(default=None, metadata=_EDUCATION)
    english_learner: bool | None = attrs.field(default=None, metadata=_EDUCATION)

    @property
    def crdc_race_ethnicity(self) -> CrdcRaceEthnicity | None:
        """Return the CRDC group: Hispanic first, then two or more races, then the one race."""
        if self.hispanic_or_latino:
            return CrdcRaceEthnicity.HISPANIC_LATINO
        if len(self.races) > 1:
            return CrdcRaceEthnicity.TWO_OR_MORE_RACES
        if len(self.races) == 1 and self.hispanic_or_latino is not None:
            return _CRDC_SINGLE_RACE[next(iter(self.races))]
        return None

    @property
    def nibrs_race(self) -> str:
        """Return the NIBRS race code: the one race recorded, otherwise U (unknown)."""
        return next(iter(self.races)).value if len(self.races) == 1 else "U"

    @property
    def nibrs_ethnicity(self) -> str:
        """Return the NIBRS ethnicity code: H (Hispanic), N (not Hispanic) or U (unknown)."""
        return {True: "H", False: "N", None: "U"}[self.hispanic_or_latino]


def _student_grade(
    _instance: object, attribute: attrs.Attribute[int | None], value: int | None
) -> None:
    if value is not None and not PRE_KINDERGARTEN <= value <= TWELFTH_GRADE:
        raise RuleViolation(attribute.name, value, "a grade runs from -1 (PK) and 0 (K) to 12")


@attrs.frozen(field_transformer=bounded)
class Person:
    """Someone the SRO deals with: name, date of birth, kind, and what the school knows of them.

    Rule: a person under 18 on the incident date is a juvenile, and a student with no date of
    birth is treated as one (:func:`is_juvenile`). ``name`` is ``None`` for an unidentified
    person, such as an offender known only by description.
    """

    kind: PersonKind
    name: str | None = attrs.field(default=None, validator=not_blank, metadata=_IDENTITY)
    date_of_birth: dt.date | None = attrs.field(default=None, metadata=_IDENTITY)
    student_number: str | None = attrs.field(
        default=None,
        validator=not_blank,
        metadata=sensitive(Sensitivity.JUVENILE_IDENTITY, Sensitivity.EDUCATION_RECORD)
        | shared_as(RecordClass.JUVENILE_IDENTITY, RecordClass.EDUCATION_RECORD),
    )
    grade: int | None = attrs.field(default=None, validator=_student_grade, metadata=_EDUCATION)
    demographics: Demographics = attrs.field(
        factory=Demographics, metadata=sensitive(Sensitivity.DEMOGRAPHICS)
    )
    phone: str | None = attrs.field(
        default=None, validator=not_blank, metadata=sensitive(Sensitivity.CONTACT_DETAILS)
    )
    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    version: int = 0

    def __attrs_post_init__(self) -> None:
        if self.kind is not PersonKind.STUDENT:
            for name in ("student_number", "grade"):
                if getattr(self, name) is not None:
                    raise RuleViolation(name, getattr(self, name), "only a student has one")

    def age_on(self, day: dt.date) -> int | None:
        """Return the person's age in whole years on a day, or None without a date of birth."""
        return None if self.date_of_birth is None else age_in_years(self.date_of_birth, day)


def age_in_years(born: dt.date, day: dt.date) -> int:
    """Return the age in whole years on a day of someone born on ``born`` (Feb 29: on Mar 1)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def counts_as_juvenile(age: int | None, kind: PersonKind) -> bool:
    """Return whether someone of an age (None: unknown) counts as a juvenile.

    Under 18; with no age known, a student is treated as a juvenile.
    """
    if age is None:
        return kind is PersonKind.STUDENT
    return age < AGE_OF_MAJORITY


def is_juvenile(person: Person, on: dt.date) -> bool:
    """Return whether a person counts as a juvenile on a (program-local) date.

    Under 18 on that date; a student with no date of birth is treated as a juvenile.
    """
    return counts_as_juvenile(person.age_on(on), person.kind)
