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


def _not_negative(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 0:
        raise RuleViolation(attribute.name, value, "must be 0 (never) or more")


def _positive(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise RuleViolation(attribute.name, value, "must be at least 1")


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

    The audit trail's anchors (see the audit page of the documentation): the chain is keyed
    with the key in ``audit_key_file``, or else in the environment variable named by
    ``audit_key_variable`` (at least 32 bytes; with neither, entries keep a plain SHA-256
    and checkpoints need an Ed25519 key); ``audit_retired_key_files`` hold keys used before,
    kept to verify the entries and checkpoints they made. Checkpoints go to the folder
    ``audit_checkpoints`` (and to every ``sro_audit_checkpoint`` hook), sealed with the audit
    key, or signed with the Ed25519 private key in ``audit_signing_key_file`` (PEM,
    ``sro-core[signing]``);
    ``audit_public_key_file`` verifies Ed25519 checkpoints without the private key. One is
    taken after a command when ``audit_checkpoint_every`` entries (0: never by count) or
    ``audit_checkpoint_interval`` (zero: never by time) have passed since the last.
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
    audit_key_file: str | None = None
    audit_key_variable: str | None = "SRO_AUDIT_KEY"
    audit_retired_key_files: tuple[str, ...] = ()
    audit_checkpoints: str | None = None
    audit_signing_key_file: str | None = None
    audit_public_key_file: str | None = None
    audit_checkpoint_every: int = attrs.field(default=1000, validator=_not_negative)
    audit_checkpoint_interval: dt.timedelta = dt.timedelta(hours=1)
    calendar: ProgramCalendar = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "calendar", ProgramCalendar(self.time_zone))
