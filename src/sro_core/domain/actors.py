"""Who acts: every command and query names its actor, and the actor's role decides its audience."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import attrs

from sro_core.domain.bounds import bounded
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
_AUDIENCE_BY_ROLE = {role.value: audience for role, audience in ROLE_AUDIENCE.items()}
"""The same by the role's value: a text's hash is kept, an enum member's is computed each time."""


@attrs.frozen(field_transformer=bounded)
class Actor:
    """A user or system acting on the program, with its role, scope and permissions.

    A school administrator is scoped to their schools; a partner liaison to their partner.
    ``by`` is the registered actor who acts as this one (a supervisor trying a lower role),
    recorded beside it in the audit trail; None when the actor acts as itself.
    """

    id: str = attrs.field(validator=not_blank)
    name: str = attrs.field(validator=not_blank)
    role: ActorRole
    schools: frozenset[uuid.UUID] = frozenset()
    partner_id: uuid.UUID | None = None
    officer_id: uuid.UUID | None = None
    permissions: frozenset[Permission] = frozenset()
    by: str | None = None

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
        return _AUDIENCE_BY_ROLE[self.role.value]

    def may(self, permission: Permission) -> bool:
        """Return whether the actor holds a permission."""
        return permission in self.permissions


DIRECTORY = uuid.UUID("5c1d0a3e-52f0-4d27-9b7e-1f0b6f3d2a18")
"""The namespace of directory keys: an entry's id is derived from its actor id."""
ACTING_ROLES = frozenset(set(ActorRole) - {ActorRole.SUPERVISOR, ActorRole.SYSTEM})
"""The roles a supervisor may act as, to see what that role sees."""


def directory_key(actor_id: str) -> uuid.UUID:
    """Return the id of the directory entry of an actor id (one entry per actor id)."""
    return uuid.uuid5(DIRECTORY, actor_id)


@attrs.frozen(field_transformer=bounded)
class ActorEntry:
    """An actor registered in the store's directory: who may act, as what, from when to when.

    ``logins`` are the operating-system user names that act as this actor at the ``sro``
    command. Rules: the id is derived from ``actor_id`` (:func:`directory_key`); scope as for
    :class:`Actor`; an entry is active from ``active_from`` to ``active_until`` (inclusive,
    None: open).
    """

    actor_id: str = attrs.field(validator=not_blank)
    name: str = attrs.field(validator=not_blank)
    role: ActorRole
    schools: frozenset[uuid.UUID] = frozenset()
    partner_id: uuid.UUID | None = None
    officer_id: uuid.UUID | None = None
    permissions: frozenset[Permission] = frozenset()
    logins: frozenset[str] = frozenset()
    active_from: dt.date | None = None
    active_until: dt.date | None = None
    id: uuid.UUID = attrs.field(
        default=attrs.Factory(lambda entry: directory_key(entry.actor_id), takes_self=True)
    )
    version: int = 0

    def __attrs_post_init__(self) -> None:
        if self.id != directory_key(self.actor_id):
            raise RuleViolation("id", self.id, "an entry's id is derived from its actor_id")
        if self.active_from and self.active_until and self.active_until < self.active_from:
            raise RuleViolation("active_until", self.active_until, "before active_from")
        for login in self.logins:
            not_blank(self, attrs.fields(ActorEntry).logins, login)
        self.actor()

    def active_on(self, day: dt.date) -> bool:
        """Return whether the actor may act on a day."""
        started = self.active_from is None or self.active_from <= day
        return started and (self.active_until is None or day <= self.active_until)

    def actor(self, by: str | None = None) -> Actor:
        """Return the actor this entry registers (acted as by ``by``, if given)."""
        return Actor(
            id=self.actor_id,
            name=self.name,
            role=self.role,
            schools=self.schools,
            partner_id=self.partner_id,
            officer_id=self.officer_id,
            permissions=self.permissions,
            by=by,
        )
