"""The program's calendar: local days, months and school years in the program's time zone.

Times are stored in UTC; every "per day / per month / per school year" figure is taken in the
program's local time zone (default America/Los_Angeles), daylight saving time included.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import attrs

from sro_core.domain.errors import RuleViolation

DEFAULT_TIME_ZONE = "America/Los_Angeles"
SCHOOL_YEAR_START_MONTH = 7
"""School years run from July 1 to June 30, as the CRDC and most state reports count them."""


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise RuleViolation("time_zone", name, "not a known IANA time zone") from error


@attrs.frozen
class SchoolYear:
    """A school year, named by the calendar year it starts in (2025 is 2025-26)."""

    start_year: int

    @property
    def first_day(self) -> dt.date:
        """Return July 1 of the starting year."""
        return dt.date(self.start_year, SCHOOL_YEAR_START_MONTH, 1)

    @property
    def last_day(self) -> dt.date:
        """Return June 30 of the following year."""
        return dt.date(self.start_year + 1, SCHOOL_YEAR_START_MONTH, 1) - dt.timedelta(days=1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.first_day <= day <= self.last_day

    def __str__(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @classmethod
    def of(cls, day: dt.date) -> SchoolYear:
        """Return the school year a local date belongs to."""
        start = day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1
        return cls(start)


@attrs.frozen
class ProgramCalendar:
    """Turns UTC instants into the program's local days, months and school years."""

    time_zone: str = attrs.field(default=DEFAULT_TIME_ZONE)
    zone: zoneinfo.ZoneInfo = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "zone", _zone(self.time_zone))

    def local(self, instant: dt.datetime) -> dt.datetime:
        """Return the instant as a wall-clock time in the program's zone."""
        if instant.tzinfo is None:
            raise RuleViolation("instant", instant, "a time must carry its time zone")
        return instant.astimezone(self.zone)

    def local_date(self, instant: dt.datetime) -> dt.date:
        """Return the program-local calendar date of an instant."""
        return self.local(instant).date()

    def local_month(self, instant: dt.datetime) -> str:
        """Return the program-local month of an instant as ``YYYY-MM``."""
        return self.local(instant).strftime("%Y-%m")

    def school_year(self, instant: dt.datetime) -> SchoolYear:
        """Return the school year an instant falls in, by its local date."""
        return SchoolYear.of(self.local_date(instant))

    def day_bounds(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """Return the UTC instants at which a local day starts and the next one starts."""
        start = dt.datetime.combine(day, dt.time(), self.zone)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), self.zone)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)

    def span(self, first_day: dt.date, last_day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """Return the UTC instants from the start of a local day to the end of another."""
        return self.day_bounds(first_day)[0], self.day_bounds(last_day)[1]
