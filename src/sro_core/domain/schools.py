"""Schools the program serves."""

from __future__ import annotations

import enum
import uuid

import attrs

from sro_core.domain.bounds import MOST_ATTENDING, between, bounded
from sro_core.domain.errors import RuleViolation
from sro_core.domain.values import Address, not_blank

PRE_KINDERGARTEN = -1
KINDERGARTEN = 0
TWELFTH_GRADE = 12


def _grade(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not PRE_KINDERGARTEN <= value <= TWELFTH_GRADE:
        raise RuleViolation(attribute.name, value, "a grade runs from -1 (PK) and 0 (K) to 12")


def grade_label(grade: int) -> str:
    """Return a grade as schools write it: PK, K, 1 … 12."""
    return {PRE_KINDERGARTEN: "PK", KINDERGARTEN: "K"}.get(grade, str(grade))


class SchoolLevel(enum.Enum):
    """The level of a school."""

    ELEMENTARY = "elementary"
    MIDDLE = "middle"
    HIGH = "high"
    K12 = "k12"
    ALTERNATIVE = "alternative"
    COLLEGE = "college"


K12_SCHOOL_LOCATION = "53"
"""NIBRS location 53, School—Elementary/Secondary."""
COLLEGE_LOCATION = "52"
"""NIBRS location 52, School—College/University."""


def school_location_code(level: SchoolLevel) -> str:
    """Return the NIBRS location (element 9) of a campus of this level: 52 or 53."""
    return COLLEGE_LOCATION if level is SchoolLevel.COLLEGE else K12_SCHOOL_LOCATION


@attrs.frozen(field_transformer=bounded)
class GradeSpan:
    """The grades a school teaches, lowest to highest (``-1`` is PK, ``0`` is K)."""

    lowest: int = attrs.field(validator=_grade)
    highest: int = attrs.field(validator=_grade)

    def __attrs_post_init__(self) -> None:
        if self.highest < self.lowest:
            raise RuleViolation("grades.highest", self.highest, "must not be below the lowest")

    def __contains__(self, grade: object) -> bool:
        return isinstance(grade, int) and self.lowest <= grade <= self.highest

    def __str__(self) -> str:
        return f"{grade_label(self.lowest)}-{grade_label(self.highest)}"


@attrs.frozen(field_transformer=bounded)
class SchoolIds:
    """The identifiers other systems know a school by."""

    state_school_code: str | None = attrs.field(default=None, validator=not_blank)
    nces_id: str | None = attrs.field(default=None, validator=not_blank)
    ed_fi_id: str | None = attrs.field(default=None, validator=not_blank)

    def known(self) -> dict[str, str]:
        """Return the identifiers that are set, by kind."""
        return {k: v for k, v in attrs.asdict(self).items() if v is not None}


@attrs.frozen(field_transformer=bounded)
class School:
    """A school the program serves: name, district, ids, level, grades, enrollment, address.

    Rules: ids are unique across schools (:func:`check_school_ids_unique`); the grade span is valid.
    """

    name: str = attrs.field(validator=not_blank)
    district: str = attrs.field(validator=not_blank)
    level: SchoolLevel
    grades: GradeSpan
    ids: SchoolIds = SchoolIds()
    enrollment: int | None = attrs.field(default=None, validator=between(0, MOST_ATTENDING))
    address: Address | None = None
    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    version: int = 0


def check_school_ids_unique(schools: list[School] | tuple[School, ...]) -> None:
    """Raise if two different schools share an external identifier of the same kind."""
    seen: dict[tuple[str, str], uuid.UUID] = {}
    for school in schools:
        for kind, value in school.ids.known().items():
            other = seen.setdefault((kind, value), school.id)
            if other != school.id:
                raise RuleViolation(f"ids.{kind}", value, "another school has this identifier")
