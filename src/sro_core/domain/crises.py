"""Crises at a school, and the messages that pass between the school and police command."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterable

import attrs

from sro_core.domain.bounds import bounded
from sro_core.domain.errors import RuleViolation
from sro_core.domain.privacy import RecordClass, free_text, shared_as
from sro_core.domain.values import aware, not_blank, utc, utc_or_none


class CrisisKind(enum.Enum):
    """What kind of crisis was declared."""

    LOCKDOWN = "lockdown"
    LOCKOUT = "lockout"
    SHELTER_IN_PLACE = "shelter_in_place"
    EVACUATION = "evacuation"
    THREAT = "threat"
    MEDICAL = "medical"
    ACTIVE_ASSAILANT = "active_assailant"
    DRILL = "drill"


class CrisisStatus(enum.Enum):
    """Whether a crisis is going on."""

    ACTIVE = "active"
    ALL_CLEAR = "all_clear"


class CrisisRole(enum.Enum):
    """Who speaks, or is spoken to, in a crisis: the SRO links the first two."""

    SCHOOL_ADMIN = "school_admin"
    POLICE_COMMAND = "police_command"
    SRO = "sro"
    STAFF = "staff"
    PARENTS = "parents"


@attrs.frozen(field_transformer=bounded)
class CrisisMessage:
    """A message posted during a crisis: when, by whom, to whom, what."""

    at: dt.datetime = attrs.field(converter=utc, validator=aware)
    author_role: CrisisRole
    audience: frozenset[CrisisRole] = attrs.field()
    text: str = attrs.field(validator=not_blank, metadata=free_text())
    id: uuid.UUID = attrs.field(factory=uuid.uuid4)

    @audience.validator
    def _someone(self, _attribute: object, value: frozenset[CrisisRole]) -> None:
        if not value:
            raise RuleViolation("audience", value, "a message goes to at least one audience")


@attrs.frozen(field_transformer=bounded)
class CrisisEvent:
    """A crisis at a school, from its declaration to the all clear.

    Rules: one active crisis of a kind per school (:func:`check_one_active_crisis`); messages
    are append-only and in time order; the all clear ends the crisis and its messages.
    """

    school_id: uuid.UUID
    kind: CrisisKind
    declared_by: str = attrs.field(validator=not_blank)
    declared_at: dt.datetime = attrs.field(converter=utc, validator=aware)
    status: CrisisStatus = CrisisStatus.ACTIVE
    ended_at: dt.datetime | None = attrs.field(default=None, converter=utc_or_none, validator=aware)
    messages: tuple[CrisisMessage, ...] = attrs.field(
        default=(), metadata=shared_as(RecordClass.CRISIS_MESSAGES)
    )
    incident_id: uuid.UUID | None = None
    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    version: int = 0

    def __attrs_post_init__(self) -> None:
        if (self.status is CrisisStatus.ALL_CLEAR) != (self.ended_at is not None):
            raise RuleViolation("ended_at", self.ended_at, "the all clear, and only it, ends one")
        if self.ended_at is not None and self.ended_at < self.declared_at:
            raise RuleViolation("ended_at", self.ended_at, "before the crisis was declared")
        previous = self.declared_at
        for n, message in enumerate(self.messages):
            if message.at < previous:
                raise RuleViolation(f"messages[{n}].at", message.at, "messages are in time order")
            previous = message.at
        if self.ended_at is not None and previous > self.ended_at:
            raise RuleViolation("ended_at", self.ended_at, "a message was posted after it")

    def posted(self, message: CrisisMessage) -> CrisisEvent:
        """Return the crisis with one more message, appended at the end."""
        if self.status is not CrisisStatus.ACTIVE:
            raise RuleViolation("status", self.status.value, "the all clear has been given")
        return attrs.evolve(self, messages=(*self.messages, message))

    def all_clear(self, at: dt.datetime) -> CrisisEvent:
        """Return the crisis ended by the all clear at a time."""
        if self.status is not CrisisStatus.ACTIVE:
            raise RuleViolation("status", self.status.value, "the all clear has been given")
        return attrs.evolve(self, status=CrisisStatus.ALL_CLEAR, ended_at=at)


def check_messages_appended(before: CrisisEvent, after: CrisisEvent) -> None:
    """Raise unless ``after`` keeps every message of ``before``, unchanged and first."""
    if after.messages[: len(before.messages)] != before.messages:
        raise RuleViolation("messages", after.messages, "crisis messages are append-only")


def check_one_active_crisis(crises: Iterable[CrisisEvent]) -> None:
    """Raise if a school has two active crises of the same kind."""
    seen: dict[tuple[uuid.UUID, CrisisKind], uuid.UUID] = {}
    for crisis in crises:
        if crisis.status is not CrisisStatus.ACTIVE:
            continue
        other = seen.setdefault((crisis.school_id, crisis.kind), crisis.id)
        if other != crisis.id:
            raise RuleViolation("kind", crisis.kind.value, f"crisis {other} is already active")
