"""How people are involved in an incident: victims, suspects, offenders, arrestees, witnesses."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import attrs

from sro_core.domain.bounds import OLDEST_AGE, between, bounded
from sro_core.domain.errors import RuleViolation
from sro_core.domain.people import Person, counts_as_juvenile
from sro_core.domain.privacy import RecordClass, shared_as
from sro_core.domain.values import codes_at_most, not_blank

MAX_INJURIES = 5
MAX_CIRCUMSTANCES = 2
MAX_ARRESTEE_WEAPONS = 2


class InvolvementRole(enum.Enum):
    """A part a person plays in an incident; one person may play several."""

    VICTIM = "victim"
    SUSPECT = "suspect"
    OFFENDER = "offender"
    ARRESTEE = "arrestee"
    WITNESS = "witness"
    REPORTING_PARTY = "reporting_party"


class JuvenileDisposition(enum.Enum):
    """What was done with an arrestee under 18 (NIBRS element 52)."""

    HANDLED_WITHIN_DEPARTMENT = "H"
    REFERRED_TO_OTHER_AUTHORITIES = "R"


@attrs.frozen(field_transformer=bounded)
class AgeRange:
    """An estimated age when the date of birth is not known, such as "25 to 30"."""

    low: int = attrs.field(validator=between(0, OLDEST_AGE))
    high: int = attrs.field(validator=between(0, OLDEST_AGE))

    def __attrs_post_init__(self) -> None:
        if self.high < self.low:
            raise RuleViolation("estimated_age.high", self.high, "must not be below the low age")


@attrs.frozen(field_transformer=bounded)
class Relationship:
    """The victim's relationship to one offender (NIBRS element 35), by the offender's person id."""

    offender: uuid.UUID
    code: str = attrs.field(validator=not_blank)


@attrs.frozen(field_transformer=bounded)
class VictimDetails:
    """What NIBRS records of a victim beyond the person: type, injuries, relationships.

    ``offense_codes`` connects the victim to the incident's offenses (element 24).
    """

    victim_type: str = attrs.field(default="I", validator=not_blank)
    offense_codes: tuple[str, ...] = ()
    injuries: tuple[str, ...] = attrs.field(default=(), validator=codes_at_most(MAX_INJURIES))
    relationships: tuple[Relationship, ...] = ()
    circumstances: tuple[str, ...] = attrs.field(
        default=(), validator=codes_at_most(MAX_CIRCUMSTANCES)
    )
    resident_status: str | None = attrs.field(default=None, validator=not_blank)


@attrs.frozen(field_transformer=bounded)
class Arrest:
    """An arrest of a person in the incident (NIBRS Arrestee Segment).

    ``arrest_type`` is the NIBRS code (O on view, S summoned/cited, T taken into custody),
    ``offense_code`` the offense arrested for, ``armed_with`` the arrestee-weapon codes.
    ``transaction_number`` and ``resident_status`` are NIBRS elements 41 and 51.
    """

    arrested_on: dt.date
    offense_code: str = attrs.field(validator=not_blank)
    arrest_type: str = attrs.field(default="T", validator=not_blank)
    armed_with: tuple[str, ...] = attrs.field(
        default=("01",), validator=codes_at_most(MAX_ARRESTEE_WEAPONS)
    )
    juvenile_disposition: JuvenileDisposition | None = None
    multiple_arrestee: str = attrs.field(default="N", validator=not_blank)
    transaction_number: str | None = attrs.field(default=None, validator=not_blank)
    """The arrest transaction number (element 41), when it is not the incident's number."""
    resident_status: str | None = attrs.field(default=None, validator=not_blank)
    """The arrestee's resident status (element 51): R resident, N nonresident, U unknown."""


def _roles(
    _instance: object,
    attribute: attrs.Attribute[frozenset[InvolvementRole]],
    value: frozenset[InvolvementRole],
) -> None:
    if not value:
        raise RuleViolation(attribute.name, value, "an involvement needs at least one role")


@attrs.frozen(field_transformer=bounded)
class Involvement:
    """A person and the parts they play in an incident.

    Victim details go with the victim role; arrest details go with the arrestee role, and an
    arrestee always has them.
    """

    person: Person
    roles: frozenset[InvolvementRole] = attrs.field(validator=_roles)
    victim: VictimDetails | None = None
    arrest: Arrest | None = attrs.field(default=None, metadata=shared_as(RecordClass.ARREST))
    estimated_age: AgeRange | None = None

    def __attrs_post_init__(self) -> None:
        if self.victim is not None and InvolvementRole.VICTIM not in self.roles:
            raise RuleViolation("victim", self.victim, "victim details need the victim role")
        if (self.arrest is not None) != (InvolvementRole.ARRESTEE in self.roles):
            raise RuleViolation("arrest", self.arrest, "an arrestee and arrest details go together")

    def has(self, role: InvolvementRole) -> bool:
        """Return whether the person plays a role in the incident."""
        return role in self.roles

    def age_on(self, day: dt.date) -> int | None:
        """Return the age on a day from the date of birth, else the low end of the estimate."""
        age = self.person.age_on(day)
        if age is None and self.estimated_age is not None:
            return self.estimated_age.low
        return age

    def is_juvenile(self, day: dt.date) -> bool:
        """Return whether the person counts as a juvenile on the (program-local) incident date.

        Under 18 by date of birth, else by the low end of the estimated age; a student with
        neither is treated as a juvenile.
        """
        return counts_as_juvenile(self.age_on(day), self.person.kind)
