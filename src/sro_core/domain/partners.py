"""The program's partners and the agreements (MOUs) that govern what is shared with them."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterable

import attrs

from sro_core.domain.bounds import bounded
from sro_core.domain.errors import RuleViolation
from sro_core.domain.privacy import RecordClass
from sro_core.domain.values import not_blank
from sro_core.errors import SharingRefused as SharingRefused


class PartnerKind(enum.Enum):
    """What kind of organisation a partner is."""

    SCHOOL_ADMINISTRATION = "school_administration"
    DISTRICT = "district"
    NARCOTICS_TASK_FORCE = "narcotics_task_force"
    GANG_TASK_FORCE = "gang_task_force"
    PROBATION = "probation"
    BEHAVIORAL_HEALTH = "behavioral_health"
    SOCIAL_SERVICES = "social_services"
    DIVERSION_PROGRAM = "diversion_program"
    COMMUNITY_ORGANIZATION = "community_organization"
    BUSINESS = "business"


@attrs.frozen(field_transformer=bounded)
class Partner:
    """An organisation the program works with, such as a narcotics task force (MADNET).

    Rule: a name is unique per kind (:func:`check_partner_names_unique`).
    """

    name: str = attrs.field(validator=not_blank)
    kind: PartnerKind
    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    version: int = 0


def check_partner_names_unique(partners: Iterable[Partner]) -> None:
    """Raise if two different partners of one kind share a name (ignoring case)."""
    seen: dict[tuple[PartnerKind, str], uuid.UUID] = {}
    for partner in partners:
        other = seen.setdefault((partner.kind, partner.name.casefold()), partner.id)
        if other != partner.id:
            raise RuleViolation("name", partner.name, f"another {partner.kind.value} has it")


class ClauseKind(enum.Enum):
    """The kinds of clause an SRO agreement holds."""

    ROLES = "roles"
    INFORMATION_SHARING = "information_sharing"
    SUPERVISION = "supervision"
    """Supervision and chain of command: the SRO answers to the department, not the school."""
    DISCIPLINE_SEPARATION = "discipline_separation"
    """School discipline stays with the school; the SRO acts only on law-enforcement matters."""


@attrs.frozen(field_transformer=bounded)
class Clause:
    """One clause of an agreement; an information-sharing clause names a partner and classes."""

    kind: ClauseKind
    text: str = attrs.field(validator=not_blank)
    partner_id: uuid.UUID | None = None
    shares: frozenset[RecordClass] = frozenset()

    def __attrs_post_init__(self) -> None:
        sharing = self.kind is ClauseKind.INFORMATION_SHARING
        if sharing != (self.partner_id is not None):
            raise RuleViolation("partner_id", self.partner_id, "only a sharing clause names one")
        if self.shares and not sharing:
            raise RuleViolation("shares", self.shares, "only a sharing clause shares records")


@attrs.frozen(field_transformer=bounded)
class Agreement:
    """The MOU between the department and a district or partner.

    Rule: sharing a record with a partner needs an agreement, active on the day, with a clause
    allowing that record class for that partner (:func:`check_sharing`).
    """

    title: str = attrs.field(validator=not_blank)
    partner_ids: frozenset[uuid.UUID] = attrs.field()
    signed_on: dt.date
    effective_from: dt.date
    review_due: dt.date
    effective_to: dt.date | None = None
    clauses: tuple[Clause, ...] = ()
    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    version: int = 0

    @partner_ids.validator
    def _parties(self, _attribute: object, value: frozenset[uuid.UUID]) -> None:
        if not value:
            raise RuleViolation("partner_ids", value, "an agreement has at least one partner")

    def __attrs_post_init__(self) -> None:
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise RuleViolation("effective_to", self.effective_to, "before effective_from")
        for n, clause in enumerate(self.clauses):
            if clause.partner_id is not None and clause.partner_id not in self.partner_ids:
                raise RuleViolation(f"clauses[{n}].partner_id", clause.partner_id, "not a party")

    def active_on(self, day: dt.date) -> bool:
        """Return whether the agreement is in force on a day."""
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def covers(self, partner_id: uuid.UUID, day: dt.date) -> bool:
        """Return whether the partner is a party to the agreement and it is in force on a day."""
        return partner_id in self.partner_ids and self.active_on(day)

    def allows(self, partner_id: uuid.UUID, record: RecordClass, day: dt.date) -> bool:
        """Return whether the agreement lets a record class go to a partner on a day."""
        return self.covers(partner_id, day) and any(
            c.partner_id == partner_id and record in c.shares for c in self.clauses
        )

    def renewed(
        self, signed_on: dt.date, effective_to: dt.date | None, review_due: dt.date
    ) -> Agreement:
        """Return the agreement renewed: re-signed, with a new end and a new review date."""
        return attrs.evolve(
            self, signed_on=signed_on, effective_to=effective_to, review_due=review_due
        )


def check_sharing(
    agreements: Iterable[Agreement], partner_id: uuid.UUID, record: RecordClass, day: dt.date
) -> Agreement:
    """Return the agreement that allows sharing a record class with a partner, or raise."""
    for agreement in agreements:
        if agreement.allows(partner_id, record, day):
            return agreement
    raise SharingRefused(
        "partner_id", partner_id, f"no active agreement lets {record.value} go to this partner"
    )


def check_covered(
    agreements: Iterable[Agreement], partner_id: uuid.UUID, day: dt.date
) -> Agreement:
    """Return an agreement covering the partner on a day, or raise."""
    for agreement in agreements:
        if agreement.covers(partner_id, day):
            return agreement
    raise SharingRefused("partner_id", partner_id, "no active agreement covers this partner")
