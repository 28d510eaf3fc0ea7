"""The access policy: which role may do what, within which scope, and what it may see.

One table, :data:`ROLE_ACTIONS`, says what each role may do; scope (a school administrator's
schools, a partner liaison's partner) is checked against the record; visibility (what is
redacted) follows the audience of the role and the agreements in force.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterable, Mapping

from sro_core.domain import (
    Actor,
    ActorRole,
    Agreement,
    Audience,
    DomainError,
    Partner,
    PartnerKind,
    Permission,
    RecordClass,
    Sensitivity,
)
from sro_core.service.redaction import Visibility


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
        }
    ),
    ActorRole.ANALYST: frozenset({_A.READ_DIRECTORY, _A.READ_AGGREGATES, _A.EXPORT}),
    ActorRole.SCHOOL_ADMINISTRATOR: frozenset(
        {_A.CRISIS, _A.READ_RECORDS, _A.READ_DIRECTORY, _A.READ_AGGREGATES, _A.EXPORT}
    ),
    ActorRole.PARTNER_LIAISON: frozenset({_A.ANSWER_REFERRAL, _A.READ_RECORDS, _A.EXPORT}),
    ActorRole.SYSTEM: frozenset(set(Action) - {_A.ANSWER_REFERRAL}),
}
"""What each role may do. Scope and visibility narrow it further."""


class AccessDenied(DomainError, PermissionError):
    """An actor tried something its role or scope does not allow; the attempt is audited."""

    def __init__(self, actor: Actor, action: str, reason: str) -> None:
        self.actor = actor
        self.action = action
        self.reason = reason
        super().__init__(f"{actor.id} ({actor.role.value}) may not {action}: {reason}")


def check_allowed(actor: Actor, action: Action, what: str) -> None:
    """Raise AccessDenied unless the actor's role allows an action; ``what`` names the command."""
    if action not in ROLE_ACTIONS[actor.role]:
        raise AccessDenied(
            actor, what, f"the {actor.role.value} role does not allow {action.value}"
        )


def check_school_scope(actor: Actor, school_id: uuid.UUID | None, what: str) -> None:
    """Raise AccessDenied if a school administrator acts outside their own schools."""
    if actor.role is ActorRole.SCHOOL_ADMINISTRATOR and school_id not in actor.schools:
        raise AccessDenied(actor, what, "not one of the administrator's schools")


def check_partner_scope(actor: Actor, partner_id: uuid.UUID, what: str) -> None:
    """Raise AccessDenied if a partner liaison acts for another partner."""
    if actor.role is ActorRole.PARTNER_LIAISON and partner_id != actor.partner_id:
        raise AccessDenied(actor, what, "not the liaison's partner")


_SHARED_SENSITIVITY = {
    RecordClass.INCIDENT_NARRATIVE: Sensitivity.NARRATIVE,
    RecordClass.EDUCATION_RECORD: Sensitivity.EDUCATION_RECORD,
}
_SCHOOL_SIDE = frozenset({PartnerKind.SCHOOL_ADMINISTRATION, PartnerKind.DISTRICT})


def _shared(
    agreements: Iterable[Agreement], partner_ids: Iterable[uuid.UUID], day: dt.date
) -> set[RecordClass]:
    """Return the record classes active agreements let go to any of the partners on a day."""
    ids = set(partner_ids)
    return {
        record
        for agreement in agreements
        if agreement.active_on(day)
        for clause in agreement.clauses
        if clause.partner_id in ids
        for record in clause.shares
    }


def visibility(
    actor: Actor,
    agreements: Iterable[Agreement],
    partners: Mapping[uuid.UUID, Partner],
    day: dt.date,
) -> Visibility:
    """Return what an actor may see of the records it may read, on a day.

    The department sees everything, juveniles' identities only with the juvenile-records
    permission; a school administrator sees no narrative, contact details or demographics, and
    juveniles' identities only where an agreement with the school side shares them; a partner
    liaison sees what the agreements with their partner share. Analysts read no records.
    """
    audience = actor.audience
    if audience is Audience.DEPARTMENT:
        return Visibility(juvenile_identities=actor.may(Permission.JUVENILE_RECORDS))
    if audience is Audience.SCHOOL_ADMINISTRATION:
        school_side = [p for p, partner in partners.items() if partner.kind in _SCHOOL_SIDE]
        shared = _shared(agreements, school_side, day)
        return Visibility(
            hidden=frozenset(
                {Sensitivity.NARRATIVE, Sensitivity.CONTACT_DETAILS, Sensitivity.DEMOGRAPHICS}
            ),
            juvenile_identities=RecordClass.JUVENILE_IDENTITY in shared,
        )
    if audience is Audience.PARTNER and actor.partner_id is not None:
        shared = _shared(agreements, [actor.partner_id], day)
        hidden = {Sensitivity.CONTACT_DETAILS, Sensitivity.DEMOGRAPHICS}
        hidden |= {s for record, s in _SHARED_SENSITIVITY.items() if record not in shared}
        return Visibility(
            hidden=frozenset(hidden),
            juvenile_identities=RecordClass.JUVENILE_IDENTITY in shared,
        )
    return Visibility(hidden=frozenset(Sensitivity), juvenile_identities=False)
