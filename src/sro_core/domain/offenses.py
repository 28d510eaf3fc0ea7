"""What was done in an incident, in NIBRS terms: offenses, property and drugs.

Codes are strings from the versioned code tables of :mod:`sro_core.codes` (a state may overlay
its own); :func:`sro_core.domain.code_problems` checks them against the tables in force.
"""

from __future__ import annotations

import datetime as dt
import decimal

import attrs

from sro_core.domain.bounds import between, bounded
from sro_core.domain.errors import RuleViolation
from sro_core.domain.privacy import RecordClass, shared_as
from sro_core.domain.values import codes_at_most, not_blank

MAX_WEAPONS = 3
MAX_BIAS_MOTIVATIONS = 5
MAX_CRIMINAL_ACTIVITIES = 3
MAX_SUSPECTED_OF_USING = 3


@attrs.frozen(field_transformer=bounded)
class Offense:
    """One offense of an incident (NIBRS Offense Segment).

    ``ucr_code`` is the NIBRS offense code (13B, 35A …); ``weapons`` the weapon/force codes;
    ``bias_motivations`` the bias codes ("NONE" when there was none); ``criminal_activities``
    the criminal activity / gang information codes; ``suspected_of_using`` what the offenders
    were suspected of using (alcohol, drugs, computer equipment).
    """

    ucr_code: str = attrs.field(validator=not_blank)
    attempted: bool = False
    weapons: tuple[str, ...] = attrs.field(default=(), validator=codes_at_most(MAX_WEAPONS))
    bias_motivations: tuple[str, ...] = attrs.field(
        default=("NONE",), validator=codes_at_most(MAX_BIAS_MOTIVATIONS)
    )
    criminal_activities: tuple[str, ...] = attrs.field(
        default=(),
        validator=codes_at_most(MAX_CRIMINAL_ACTIVITIES),
        metadata=shared_as(RecordClass.GANG_INTELLIGENCE),
    )
    suspected_of_using: tuple[str, ...] = attrs.field(
        default=("N",), validator=codes_at_most(MAX_SUSPECTED_OF_USING)
    )
    premises_entered: int | None = attrs.field(default=None, validator=between(1, 99, "NIBRS"))
    method_of_entry: str | None = attrs.field(default=None, validator=not_blank)


@attrs.frozen(field_transformer=bounded)
class PropertyItem:
    """Property involved in an incident (NIBRS Property Segment): loss type, description, value.

    ``loss_type`` is the property-loss code (STOLEN, DESTROYED_DAMAGED_VANDALIZED, RECOVERED,
    SEIZED …), ``description`` the property description code, ``value`` whole US dollars.
    """

    loss_type: str = attrs.field(validator=not_blank)
    description: str = attrs.field(validator=not_blank)
    value: int | None = attrs.field(
        default=None, validator=between(0, 999_999_999, "NIBRS: whole dollars, 9 digits")
    )
    recovered_on: dt.date | None = None
    quantity: int | None = attrs.field(default=None, validator=between(1, 99, "NIBRS"))


def _positive_quantity(
    _instance: object,
    attribute: attrs.Attribute[decimal.Decimal | None],
    value: decimal.Decimal | None,
) -> None:
    if value is not None and not (value.is_finite() and value > 0):
        raise RuleViolation(attribute.name, value, "a drug quantity must be a positive number")


@attrs.frozen(field_transformer=bounded)
class Drug:
    """A drug seized or involved: type, estimated quantity and unit (NIBRS elements 20 to 22)."""

    drug_type: str = attrs.field(validator=not_blank)
    quantity: decimal.Decimal | None = attrs.field(default=None, validator=_positive_quantity)
    unit: str | None = attrs.field(default=None, validator=not_blank)
    loss_type: str = attrs.field(default="SEIZED", validator=not_blank)

    def __attrs_post_init__(self) -> None:
        if (self.quantity is None) != (self.unit is None):
            raise RuleViolation("unit", self.unit, "a quantity and its unit go together")
