"""Small value objects and field checks shared by the entities of the domain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs

from sro_core.domain.bounds import bounded, tested_inline
from sro_core.domain.errors import RuleViolation

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]
"""The shape of an attrs field validator."""


@tested_inline("({v} is None or (isinstance({v}, datetime) and {v}.utcoffset() is not None))")
def aware(_instance: Any, attribute: attrs.Attribute[Any], value: dt.datetime | None) -> None:
    """Refuse anything but an aware datetime: every time in the domain carries its offset."""
    if value is not None and (not isinstance(value, dt.datetime) or value.utcoffset() is None):
        raise RuleViolation(attribute.name, value, "a time must carry its time zone")


def utc(value: dt.datetime) -> dt.datetime:
    """Field converter: keep an aware time as its instant in UTC (others are left to ``aware``).

    Every time in the domain is held in UTC, so two records of one instant are equal whatever
    offset they were written with; the program's calendar gives local days and months.
    """
    if isinstance(value, dt.datetime) and value.utcoffset() is not None:
        return value.astimezone(dt.UTC)
    return value


def utc_or_none(value: dt.datetime | None) -> dt.datetime | None:
    """Field converter for an optional time: None stays None, a time goes to UTC."""
    return None if value is None else utc(value)


@tested_inline("({v} is None or {v}.strip())")
def not_blank(_instance: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    """Refuse an empty or whitespace-only text."""
    if value is not None and not value.strip():
        raise RuleViolation(attribute.name, value, "must not be blank")


def at_least(minimum: int) -> Validator:
    """Return a validator refusing integers below ``minimum``."""

    def check(_instance: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
        if value is not None and value < minimum:
            raise RuleViolation(attribute.name, value, f"must be at least {minimum}")

    return check


def ends_after_start(start_field: str, end_field: str) -> Callable[[Any], None]:
    """Return a class-level check that an optional end is not before its start."""

    def check(instance: Any) -> None:
        start, end = getattr(instance, start_field), getattr(instance, end_field)
        if end is not None and end < start:
            raise RuleViolation(end_field, end, f"must not be before {start_field} ({start})")

    return check


@attrs.frozen(field_transformer=bounded)
class Address:
    """A postal address, or the description of a place where there is none."""

    line1: str = attrs.field(validator=not_blank)
    city: str = attrs.field(validator=not_blank)
    state: str = attrs.field(validator=not_blank)
    postal_code: str | None = None
    line2: str | None = None


def codes_at_most(limit: int) -> Validator:
    """Return a validator for a tuple of codes: at most ``limit`` of them, none repeated."""

    @tested_inline(f"(len({{v}}) <= {limit} and len(set({{v}})) == len({{v}}))")
    def check(_instance: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
        if len(value) > limit:
            raise RuleViolation(attribute.name, value, f"NIBRS allows at most {limit}")
        if len(set(value)) != len(value):
            raise RuleViolation(attribute.name, value, "a code may appear only once")

    return check
