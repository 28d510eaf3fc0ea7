"""The program's configuration: its name, time zone, agency, suppression and notifiers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import attrs

from sro_core.domain import (
    DEFAULT_TIME_ZONE,
    EARLIEST_DAY,
    LATEST_DAY,
    ProgramCalendar,
    RuleViolation,
)

ORI = re.compile(r"[A-Z]{2}[A-Z0-9]{7}")
"""An agency ORI: two letters for the state, then seven letters or digits."""


def _ori(_instance: object, _attribute: object, value: str | None) -> None:
    if value is not None and not ORI.fullmatch(value):
        raise RuleViolation("agency_ori", value, "an ORI is 9 characters: state letters, then 7")


def _not_negative(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 0:
        raise RuleViolation(attribute.name, value, "must be 0 (never) or more")


def _in_bounds(_instance: object, attribute: attrs.Attribute[dt.date], value: dt.date) -> None:
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise RuleViolation(attribute.name, value, f"must be from {EARLIEST_DAY} to {LATEST_DAY}")


def _positive(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise RuleViolation(attribute.name, value, "must be at least 1")


NAIVE_TIMES = ("refuse", "local")
"""The values of ``ProgramSettings.naive_times``."""


def _positive_time(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, dt.timedelta) and value <= dt.timedelta(0):
        raise RuleViolation(attribute.name, value, "must be a positive time")


@attrs.frozen
class NotifierSetting:
    """A notifier the program enables: its kind (``log``, ``smtp`` …) and its options.

    ``timeout``: how long one delivery may take before it is abandoned and retried later;
    None takes the program's ``delivery_timeout``.
    """

    kind: str
    options: tuple[tuple[str, str], ...] = ()
    timeout: dt.timedelta | None = attrs.field(default=None, validator=_positive_time)


@attrs.frozen
class ProgramSettings:
    """How a program is configured.

    ``suppression_threshold``: aggregate counts from 1 to one below it are shown as suppressed
    to analysts and the public. ``notifiers``: which notifier kinds get the program's events.
    ``max_delivery_attempts`` and ``retry_backoff``: a failing delivery is retried after
    ``retry_backoff * 2 ** (attempt - 1)`` until it has been tried that many times, then it goes to
    the dead letters. ``earliest_day`` and ``years_ahead``: the window every day and time of a
    record must lie in (by default from 1900 to ten years after today).

    The audit trail's anchors (see the audit page of the documentation): the chain is keyed
    with the key in ``audit_key_file``, or else in the environment variable named by
    ``audit_key_variable`` (at least 32 bytes; with neither, entries keep a plain SHA-256
    and checkpoints need an Ed25519 key); ``audit_retired_key_files`` hold keys used before,
    kept to verify the entries and checkpoints they made. Checkpoints go to the folder
    ``audit_checkpoints`` (and to every ``sro_audit_checkpoint`` hook), sealed with the audit
    key, or signed with the Ed25519 private key in ``audit_signing_key_file`` (PEM,
    ``sro-core[signing]``); ``audit_public_key_file`` verifies Ed25519 checkpoints without the
    private key. One is taken after a command when ``audit_checkpoint_every`` entries (0:
    never by count) or ``audit_checkpoint_interval`` (zero: never by time) have passed since
    the last.
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
    delivery_timeout: dt.timedelta = attrs.field(
        default=dt.timedelta(seconds=10), validator=_positive_time
    )
    """How long one delivery may take, unless its notifier sets its own ``timeout``."""
    claim_batch: int = attrs.field(default=10, validator=_positive)
    """How many deliveries a dispatcher claims at a time; their lease is one timeout each,
    plus one: a dispatcher that dies leaves them to the others after that long."""
    retention: dt.timedelta = attrs.field(default=dt.timedelta(days=30), validator=_positive_time)
    """How long delivered events stay in the outbox before ``prune`` removes them."""
    earliest_day: dt.date = attrs.field(default=EARLIEST_DAY, validator=_in_bounds)
    years_ahead: int = attrs.field(default=10, validator=_positive)
    audit_key_file: str | None = None
    audit_key_variable: str | None = "SRO_AUDIT_KEY"
    audit_retired_key_files: tuple[str, ...] = ()
    audit_checkpoints: str | None = None
    audit_signing_key_file: str | None = None
    audit_public_key_file: str | None = None
    audit_checkpoint_every: int = attrs.field(default=1000, validator=_not_negative)
    audit_checkpoint_interval: dt.timedelta = dt.timedelta(hours=1)
    calendar: ProgramCalendar = attrs.field(init=False, eq=False, repr=False)

    def window(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """Return the first and last day a record may be dated, seen from today."""
        last = min(LATEST_DAY, dt.date(min(today.year + self.years_ahead, LATEST_DAY.year), 12, 31))
        return self.earliest_day, last

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "calendar", ProgramCalendar(self.time_zone))
