"""Who acts: every command and query names its actor, and the actor's role decides its audience."""

from __future__ import annotations

import enum
import uuid

import attrs

from sro_core.domain.errors import RuleViolation
from sro_core.domain.values import not_blank


class ActorRole(enum.Enum):
    """The part a user plays in the program."""

    SRO = "sro"
    SUPERVISOR = "supervisor"
    RECORDS_CLERK = "records_clerk"
    ANALYST = "analyst"
    SCHOOL_ADMINISTRATOR = "school_administrator"
    PARTNER_LIAISON = "partner_liaison"
    SYSTEM = "system"


class Permission(enum.Enum):
    """Rights granted on top of a role."""

    JUVENILE_RECORDS = "juvenile_records"
    """May read juvenile identities; every such read is audited."""
    SEALED_RECORDS = "sealed_records"
    """May read sealed records, and seal, unseal and expunge them; every such read is audited."""


class Audience(enum.Enum):
    """Whom a read or an export is for; it decides redaction."""

    DEPARTMENT = "department"
    SCHOOL_ADMINISTRATION = "school_administration"
    PARTNER = "partner"
    AGGREGATE = "aggregate"
    """Analysts and the public: counts only, small counts suppressed."""


ROLE_AUDIENCE = {
    ActorRole.SRO: Audience.DEPARTMENT,
    ActorRole.SUPERVISOR: Audience.DEPARTMENT,
    ActorRole.RECORDS_CLERK: Audience.DEPARTMENT,
    ActorRole.SYSTEM: Audience.DEPARTMENT,
    ActorRole.SCHOOL_ADMINISTRATOR: Audience.SCHOOL_ADMINISTRATION,
    ActorRole.PARTNER_LIAISON: Audience.PARTNER,
    ActorRole.ANALYST: Audience.AGGREGATE,
}
"""The audience each role reads as."""


@attrs.frozen
class Actor:
    """A user or system acting on the program, with its role, scope and permissions.

    A school administrator is scoped to their schools; a partner liaison to their partner.
    """

    id: str = attrs.field(validator=not_blank)
    name: str = attrs.field(validator=not_blank)
    role: ActorRole
    schools: frozenset[uuid.UUID] = frozenset()
    partner_id: uuid.UUID | None = None
    officer_id: uuid.UUID | None = None
    permissions: frozenset[Permission] = frozenset()

    def __attrs_post_init__(self) -> None:
        administrator = self.role is ActorRole.SCHOOL_ADMINISTRATOR
        if administrator != bool(self.schools):
            raise RuleViolation(
                "schools", self.schools, "a school administrator, only, has schools"
            )
        if (self.role is ActorRole.PARTNER_LIAISON) != (self.partner_id is not None):
            raise RuleViolation("partner_id", self.partner_id, "a partner liaison, only, has one")

    @property
    def audience(self) -> Audience:
        """Return the audience the actor reads as."""
        return ROLE_AUDIENCE[self.role]

    def may(self, permission: Permission) -> bool:
        """Return whether the actor holds a permission."""
        return permission in self.permissions
