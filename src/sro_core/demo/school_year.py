"""The demo's school year: when school is in session, and how busy each day is.

A California valley district's calendar, worked out for any school year: school starts on
the Wednesday after August 11 and ends on the first Thursday of June; it closes for Labor Day,
Veterans Day, Thanksgiving week, two weeks of winter break, Martin Luther King Jr. Day,
Presidents' Day, a week of spring break and Memorial Day.

How busy a day is follows what SROs report: the first weeks of a term bring the most
incidents (new students, new rivalries, traffic at drop-off), the weeks after winter break
bring a second spike, summer is quiet but not silent (summer school, vandalism, trespass).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator

import attrs

from sro_core.domain import SchoolYear

DAY = dt.timedelta(days=1)
START_OF_TERM_SURGE = 1.6
"""How much busier the first weeks of the school year are."""
START_OF_TERM_DAYS = 28
AFTER_WINTER_BREAK_SURGE = 1.35
"""How much busier the two weeks after winter break are."""
AFTER_WINTER_BREAK_DAYS = 14
SUMMER_SCHOOL = 0.12
"""School-related work on a summer weekday, relative to a school day."""
BREAK_WEEKDAY = 0.08
"""School-related work on a weekday of a break or holiday."""
WEEKEND = 0.04
"""School-related work on a weekend day."""


def _weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    return _weekday_on_or_after(dt.date(year, month, 1), weekday) + dt.timedelta(weeks=n - 1)


def _last_weekday(year: int, month: int, weekday: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    last = following - DAY
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _week(monday: dt.date) -> set[dt.date]:
    return {monday + dt.timedelta(days=n) for n in range(5)}


MONDAY, WEDNESDAY, THURSDAY = 0, 2, 3


@attrs.frozen
class SchoolCalendar:
    """The days a school year's schools are in session, and how busy each day is."""

    year: SchoolYear
    first_day: dt.date
    last_day: dt.date
    winter_return: dt.date
    closed: frozenset[dt.date]

    @classmethod
    def of(cls, year: SchoolYear) -> SchoolCalendar:
        """Work out the calendar of a school year."""
        start, end = year.start_year, year.start_year + 1
        first = _weekday_on_or_after(dt.date(start, 8, 12), WEDNESDAY)
        last = _weekday_on_or_after(dt.date(end, 6, 1), THURSDAY)
        thanksgiving = _nth_weekday(start, 11, THURSDAY, 4)
        winter = dt.date(start, 12, 22) - dt.timedelta(days=dt.date(start, 12, 22).weekday())
        winter_return = winter + dt.timedelta(weeks=2)
        spring = _weekday_on_or_after(dt.date(end, 4, 1), MONDAY)
        closed = {
            _nth_weekday(start, 9, MONDAY, 1),
            dt.date(start, 11, 11),
            _nth_weekday(end, 1, MONDAY, 3),
            _nth_weekday(end, 2, MONDAY, 3),
            _last_weekday(end, 5, MONDAY),
            *_week(thanksgiving - dt.timedelta(days=3)),
            *_week(winter),
            *_week(winter + dt.timedelta(weeks=1)),
            *_week(spring),
        }
        return cls(year, first, last, winter_return, frozenset(closed))

    def days(self) -> Iterator[dt.date]:
        """Yield every day of the school year, July 1 to June 30."""
        day = self.year.first_day
        while day <= self.year.last_day:
            yield day
            day += DAY

    def in_session(self, day: dt.date) -> bool:
        """Return whether the schools are open on a day."""
        return (
            self.first_day <= day <= self.last_day and day.weekday() < 5 and day not in self.closed
        )

    def busyness(self, day: dt.date) -> float:
        """Return how busy a day is with school-related work, a school day being 1."""
        if self.in_session(day):
            if (day - self.first_day).days < START_OF_TERM_DAYS:
                return START_OF_TERM_SURGE
            if 0 <= (day - self.winter_return).days < AFTER_WINTER_BREAK_DAYS:
                return AFTER_WINTER_BREAK_SURGE
            return 1.0
        if day.weekday() >= 5:
            return WEEKEND
        if self.first_day <= day <= self.last_day:
            return BREAK_WEEKDAY
        return SUMMER_SCHOOL


def poisson(rng: random.Random, mean: float) -> int:
    """Return a Poisson-distributed count with a mean, drawn from the story's generator."""
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


@attrs.frozen
class Volumes:
    """How much happens on a school day at scale 1; ``--scale`` multiplies every figure."""

    incidents_high: float = 0.95
    """Incidents a day at the high school."""
    incidents_middle: float = 0.5
    incidents_elementary: float = 0.1
    contacts_per_sro: float = 3.4
    """Community contacts an SRO logs on a school day."""
    contacts_relief: float = 0.6
    """Contacts the relief officer logs on a school day while no one is away."""
    activities_per_sro: float = 0.5
    """Education activities an SRO leads on a school day."""
    off_day_contacts: float = 0.25
    """Contacts on a weekday without school, relative to a school day."""
