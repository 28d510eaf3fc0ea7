"""Officers of the department who serve as School Resource Officers, and their certifications."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import attrs

from sro_core.domain.bounds import bounded
from sro_core.domain.errors import RuleViolation
from sro_core.domain.values import ends_after_start, not_blank


class OfficerStatus(enum.Enum):
    """Whether an officer can be given an assignment."""

    ACTIVE = "active"
    ON_LEAVE = "on_leave"
    SUSPENDED = "suspended"
    SEPARATED = "separated"


class CertificationKind(enum.Enum):
    """Training an SRO holds: the basic course and the specialities the program asks for."""

    BASIC_SRO = "basic_sro"
    ADVANCED_SRO = "advanced_sro"
    CRISIS_INTERVENTION = "crisis_intervention"
    YOUTH_MENTAL_HEALTH_FIRST_AID = "youth_mental_health_first_aid"
    ACTIVE_ASSAILANT_RESPONSE = "active_assailant_response"
    DRUG_RECOGNITION = "drug_recognition"
    GANG_AWARENESS = "gang_awareness"
    CRIME_PREVENTION_INSTRUCTOR = "crime_prevention_instructor"
    FIRST_AID_CPR = "first_aid_cpr"


@attrs.frozen(field_transformer=bounded)
class Certification:
    """A certification held by an officer, valid from ``issued`` to ``expires`` (inclusive)."""

    kind: CertificationKind
    issued: dt.date
    expires: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        ends_after_start("issued", "expires")(self)

    def valid_on(self, day: dt.date) -> bool:
        """Return whether the certification is in force on a day."""
        return self.issued <= day and (self.expires is None or day <= self.expires)


@attrs.frozen(field_transformer=bounded)
class Officer:
    """A sworn officer: badge, name, rank, status and certifications.

    Rules: the badge is unique in the program (see :func:`check_badges_unique`); only an active
    officer can be assigned (checked by :func:`sro_core.domain.check_assignable`).
    """

    badge: str = attrs.field(validator=not_blank)
    name: str = attrs.field(validator=not_blank)
    rank: str = attrs.field(default="Officer", validator=not_blank)
    status: OfficerStatus = OfficerStatus.ACTIVE
    certifications: tuple[Certification, ...] = ()
    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    version: int = 0

    def with_status(self, status: OfficerStatus) -> Officer:
        """Return the officer with a new status."""
        return attrs.evolve(self, status=status)

    def certify(self, certification: Certification) -> Officer:
        """Return the officer with one more certification."""
        return attrs.evolve(self, certifications=(*self.certifications, certification))

    def certified_on(self, kind: CertificationKind, day: dt.date) -> bool:
        """Return whether the officer holds a valid certification of a kind on a day."""
        return any(c.kind is kind and c.valid_on(day) for c in self.certifications)


def check_badges_unique(officers: list[Officer] | tuple[Officer, ...]) -> None:
    """Raise if two different officers share a badge."""
    seen: dict[str, uuid.UUID] = {}
    for officer in officers:
        other = seen.setdefault(officer.badge, officer.id)
        if other != officer.id:
            raise RuleViolation("badge", officer.badge, "a badge belongs to one officer only")
