"""What users type on the command line, read into the program's values.

Enumerations are typed by their value (``under_investigation``, ``school_related``); dates as
``YYYY-MM-DD``; times as ISO 8601, where a time without an offset is the program's local time;
grade spans as ``9-12`` or ``K-5``; months as ``YYYY-MM``; school years by their first year.
The options several commands share (``--file``) are made here too.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import re
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import click

if TYPE_CHECKING:
    # click 8.2 and later make ParamType generic in what it returns; 8.1 does not
    ParamBase = click.ParamType[Any]
else:
    ParamBase = click.ParamType

E = TypeVar("E", bound=enum.Enum)

_MONTH = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})")
_SPAN = re.compile(r"(?P<low>PK|K|\d{1,2})-(?P<high>PK|K|\d{1,2})", re.IGNORECASE)
_GRADES = {"PK": -1, "K": 0}


class Chosen(ParamBase, Generic[E]):
    """One value of an enumeration, typed as its value (or its name, in any case)."""

    def __init__(self, choices: type[E]) -> None:
        self.choices = choices
        self.name = choices.__name__

    def get_metavar(
        self,
        param: click.Parameter,  # noqa: ARG002 - click's signature
        ctx: click.Context | None = None,  # noqa: ARG002 - click's signature
    ) -> str:
        """Show the values a user may type."""
        return "[" + "|".join(str(member.value) for member in self.choices) + "]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> E:
        """Return the member a value names."""
        if isinstance(value, self.choices):
            return value
        for member in self.choices:
            if str(value) == str(member.value) or str(value).upper() == member.name:
                return member
        allowed = [str(member.value) for member in self.choices]
        near = difflib.get_close_matches(str(value).lower(), allowed, n=1)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise click.BadParameter(f"{value!r} is not one of {', '.join(allowed)}{hint}", ctx, param)


class Day(ParamBase):
    """A calendar date, ``YYYY-MM-DD``."""

    name = "date"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        """Return the date a text names."""
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)


class When(ParamBase):
    """A date and time in ISO 8601; without an offset, it is read in the program's time zone."""

    name = "time"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.datetime:
        """Return the time a text names (naive when no offset was typed)."""
        if isinstance(value, dt.datetime):
            return value
        try:
            return dt.datetime.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date and time (YYYY-MM-DDTHH:MM)", param, ctx)


class Month(ParamBase):
    """A month, ``YYYY-MM``."""

    name = "month"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[int, int]:
        """Return (year, month)."""
        if isinstance(value, tuple):
            return value
        found = _MONTH.fullmatch(str(value))
        if found is None or not 1 <= int(found["month"]) <= 12:
            self.fail(f"{value!r} is not a month (YYYY-MM)", param, ctx)
        return int(found["year"]), int(found["month"])


class Grades(ParamBase):
    """A grade span such as ``9-12``, ``K-5`` or ``PK-2``."""

    name = "grades"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[int, int]:
        """Return (lowest, highest); -1 is PK and 0 is K."""
        if isinstance(value, tuple):
            return value
        found = _SPAN.fullmatch(str(value).strip())
        if found is None:
            self.fail(f"{value!r} is not a grade span (such as 9-12 or K-5)", param, ctx)
        return _grade(found["low"]), _grade(found["high"])


def _grade(text: str) -> int:
    return _GRADES.get(text.upper(), int(text) if text.isdigit() else 0)


def as_uuid(text: str) -> uuid.UUID | None:
    """Return the UUID a text spells, or None if it is a name or a number instead."""
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def options(*options: Callable[[F], F]) -> Callable[[F], F]:
    """Return one decorator applying several click options, in the order written."""

    def apply(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


def file_option(what: str) -> Callable[[F], F]:
    """Return the --file option of a command that takes a record as JSON in the wire format."""
    return click.option(
        "--file",
        type=click.File("r", encoding="utf-8"),
        help=f"The {what} as JSON in the wire format (- reads standard input).",
    )


def required(value: T | None, option: str, what: str) -> T:
    """Return a value typed as an option, or say the record needs it (or a --file)."""
    if value is None:
        raise click.UsageError(f"{what} needs {option} (or --file)")
    return value


DAY = Day()
WHEN = When()
MONTH = Month()
GRADES = Grades()
