"""What each role may do: one table, and the error a refusal raises.

:data:`ROLE_ACTIONS` says what each role may do at all; what it may then read of each record is
decided record by record (:func:`sro_core.policy.decide`).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from sro_core.domain import ACTING_ROLES, Actor, ActorRole, DomainError


class Action(enum.Enum):
    """What an actor may be allowed to do."""

    MANAGE_OFFICERS = "manage_officers"
    MANAGE_SCHOOLS = "manage_schools"
    MANAGE_ASSIGNMENTS = "manage_assignments"
    RECORD_INCIDENTS = "record_incidents"
    RECORD_CONTACTS = "record_contacts"
    RECORD_ACTIVITIES = "record_activities"
    MANAGE_PARTNERSHIPS = "manage_partnerships"
    REFER = "refer"
    ANSWER_REFERRAL = "answer_referral"
    CRISIS = "crisis"
    READ_RECORDS = "read_records"
    READ_DIRECTORY = "read_directory"
    READ_AGGREGATES = "read_aggregates"
    EXPORT = "export"
    AUDIT = "audit"
    OPERATE_OUTBOX = "operate_outbox"
    MANAGE_ACTORS = "manage_actors"
    RESTRICT_RECORDS = "restrict_records"
    SUBMIT_REPORTS = "submit_reports"
    REVIEW_REPORTS = "review_reports"
    READ_PEOPLE = "read_people"
    RECORD_PEOPLE = "record_people"
    MERGE_PEOPLE = "merge_people"


_A = Action
_FIELD_WORK = frozenset(
    {
        _A.RECORD_INCIDENTS,
        _A.RECORD_CONTACTS,
        _A.RECORD_ACTIVITIES,
        _A.REFER,
        _A.CRISIS,
        _A.READ_RECORDS,
        _A.READ_DIRECTORY,
        _A.READ_AGGREGATES,
        _A.EXPORT,
        _A.SUBMIT_REPORTS,
        _A.READ_PEOPLE,
        _A.RECORD_PEOPLE,
    }
)

ROLE_ACTIONS: Mapping[ActorRole, frozenset[Action]] = {
    ActorRole.SRO: _FIELD_WORK,
    ActorRole.SUPERVISOR: frozenset(set(Action) - {_A.ANSWER_REFERRAL}),
    ActorRole.RECORDS_CLERK: frozenset(
        {
            _A.RECORD_INCIDENTS,
            _A.MANAGE_SCHOOLS,
            _A.READ_RECORDS,
            _A.READ_DIRECTORY,
            _A.READ_AGGREGATES,
            _A.EXPORT,
            _A.AUDIT,
            _A.RESTRICT_RECORDS,
            _A.READ_PEOPLE,
            _A.RECORD_PEOPLE,
            _A.MERGE_PEOPLE,
        }
    ),
    ActorRole.ANALYST: frozenset({_A.READ_DIRECTORY, _A.READ_AGGREGATES, _A.EXPORT}),
    ActorRole.SCHOOL_ADMINISTRATOR: frozenset(
        {_A.CRISIS, _A.READ_RECORDS, _A.READ_DIRECTORY, _A.READ_AGGREGATES, _A.EXPORT}
    ),
    ActorRole.PARTNER_LIAISON: frozenset({_A.ANSWER_REFERRAL, _A.READ_RECORDS, _A.EXPORT}),
    ActorRole.SYSTEM: frozenset(set(Action) - {_A.ANSWER_REFERRAL}),
}
"""What each role may do. The decision on each record narrows it further."""


class AccessDenied(DomainError, PermissionError):
    """An actor tried something its role or scope does not allow; the attempt is audited."""

    def __init__(self, actor: Actor, action: str, reason: str) -> None:
        self.actor = actor
        self.action = action
        self.reason = reason
        super().__init__(f"{actor.id} ({actor.role.value}) may not {action}: {reason}")

    def __reduce__(self) -> tuple[type[AccessDenied], tuple[Actor, str, str]]:
        return (type(self), (self.actor, self.action, self.reason))


def may(actor: Actor, action: Action) -> bool:
    """Return whether the actor's role allows an action."""
    return action in ROLE_ACTIONS[actor.role]


def require(actor: Actor, action: Action, what: str) -> None:
    """Raise AccessDenied unless the actor's role allows an action; ``what`` names the command."""
    if not may(actor, action):
        raise AccessDenied(
            actor, what, f"the {actor.role.value} role does not allow {action.value}"
        )


def may_act_as(own: ActorRole, other: ActorRole) -> bool:
    """Return whether an actor of one role may act as a registered actor of another.

    Only a supervisor may, and only as a lower role (:data:`~sro_core.domain.ACTING_ROLES`),
    for testing what that role sees; the audit trail records both identities.
    """
    return own is ActorRole.SUPERVISOR and other in ACTING_ROLES
