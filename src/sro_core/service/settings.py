"""The program's configuration: its name, time zone, agency, suppression and notifiers."""

from __future__ import annotations

import datetime as dt
import re

import attrs

from sro_core.domain import DEFAULT_TIME_ZONE, ProgramCalendar, RuleViolation

ORI = re.compile(r"[A-Z]{2}[A-Z0-9]{7}")
"""An agency ORI: two letters for the state, then seven letters or digits."""


def _ori(_instance: object, _attribute: object, value: str | None) -> None:
    if value is not None and not ORI.fullmatch(value):
        raise RuleViolation("agency_ori", value, "an ORI is 9 characters: state letters, then 7")


def _positive(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise RuleViolation(attribute.name, value, "must be at least 1")


NAIVE_TIMES = ("refuse", "local")
"""The values of ``ProgramSettings.naive_times``."""


@attrs.frozen
class NotifierSetting:
    """A notifier the program enables: its kind (``log``, ``smtp`` …) and its options."""

    kind: str
    options: tuple[tuple[str, str], ...] = ()


@attrs.frozen
class ProgramSettings:
    """How a program is configured.

    ``suppression_threshold``: aggregate counts from 1 to one below it are shown as suppressed
    to analysts and the public. ``notifiers``: which notifier kinds get the program's events.
    ``max_delivery_attempts`` and ``retry_backoff``: a failing delivery is retried after
    ``retry_backoff * 2 ** (attempt - 1)`` until it has been tried that many times, then it goes to
    the dead letters.
    """

    name: str = "School Resource Officer Program"
    time_zone: str = DEFAULT_TIME_ZONE
    agency_ori: str | None = attrs.field(default=None, validator=_ori)
    suppression_threshold: int = attrs.field(default=10, validator=_positive)
    notifiers: tuple[NotifierSetting, ...] = (NotifierSetting("log"),)
    max_delivery_attempts: int = attrs.field(default=5, validator=_positive)
    retry_backoff: dt.timedelta = dt.timedelta(seconds=30)
    dispatch_after_commit: bool = True
    """Deliver a command's events as soon as it commits; when false, crisis events still are,
    and the rest wait for ``Program.dispatch`` (a worker, or ``sro outbox dispatch``)."""
    naive_times: str = attrs.field(default="refuse", validator=attrs.validators.in_(NAIVE_TIMES))
    """What a time without an offset in a filter or period means: ``"refuse"`` (an error
    naming the field) or ``"local"`` (the program's local time, as the ``sro`` command reads
    typed times)."""
    calendar: ProgramCalendar = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "calendar", ProgramCalendar(self.time_zone))
