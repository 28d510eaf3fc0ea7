"""Domain events: what happened in the program, recorded in the outbox with the change.

Events carry identifiers, numbers and codes, never names or narratives: they leave the
department through notifiers, so they hold nothing an audience might have to have redacted.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import ClassVar

import attrs

from sro_core.domain.assignments import AssignmentRole
from sro_core.domain.contacts import ContactPurpose
from sro_core.domain.crises import CrisisKind, CrisisRole
from sro_core.domain.incidents import DispositionKind, IncidentStatus
from sro_core.domain.privacy import RecordClass, shared_as
from sro_core.domain.referrals import ReferralReason, ReferralStatus
from sro_core.domain.review import ReviewState
from sro_core.domain.triad import TriadRole
from sro_core.domain.values import aware, utc


@attrs.frozen(kw_only=True)
class DomainEvent:
    """Base of every event: its own id (the idempotency key of each delivery) and its time."""

    urgent: ClassVar[bool] = False
    """Urgent events are dispatched at once and never wait behind a backlog."""

    occurred_at: dt.datetime = attrs.field(converter=utc, validator=aware)
    event_id: uuid.UUID = attrs.field(factory=uuid.uuid4)


@attrs.frozen(kw_only=True)
class OfficerRegistered(DomainEvent):
    """An officer joined the program."""

    officer_id: uuid.UUID
    badge: str


@attrs.frozen(kw_only=True)
class SchoolRegistered(DomainEvent):
    """A school joined the program."""

    school_id: uuid.UUID


@attrs.frozen(kw_only=True)
class OfficerAssigned(DomainEvent):
    """An officer was assigned to a school."""

    assignment_id: uuid.UUID
    officer_id: uuid.UUID
    school_id: uuid.UUID
    role: AssignmentRole
    start: dt.date


@attrs.frozen(kw_only=True)
class AssignmentEnded(DomainEvent):
    """An assignment was given an end date."""

    assignment_id: uuid.UUID
    end: dt.date


@attrs.frozen(kw_only=True)
class IncidentReported(DomainEvent):
    """An incident was reported under its number."""

    incident_id: uuid.UUID
    number: str
    school_id: uuid.UUID | None
    category: str


@attrs.frozen(kw_only=True)
class IncidentStatusChanged(DomainEvent):
    """An incident moved in its lifecycle."""

    incident_id: uuid.UUID
    number: str
    previous: IncidentStatus
    status: IncidentStatus
    disposition: DispositionKind | None = attrs.field(
        default=None, metadata=shared_as(RecordClass.ARREST)
    )


@attrs.frozen(kw_only=True)
class ReportReviewed(DomainEvent):
    """A report moved in its supervisor's review: submitted, approved, or returned.

    The comments stay on the incident (``Incident.reviews``): an event names only the move.
    """

    incident_id: uuid.UUID
    number: str
    previous: ReviewState
    review: ReviewState


@attrs.frozen(kw_only=True)
class IncidentEscalated(DomainEvent):
    """A community contact was escalated into an incident."""

    contact_id: uuid.UUID
    incident_id: uuid.UUID


@attrs.frozen(kw_only=True)
class ContactLogged(DomainEvent):
    """A community contact was logged."""

    contact_id: uuid.UUID
    officer_id: uuid.UUID
    purpose: ContactPurpose
    triad_role: TriadRole


@attrs.frozen(kw_only=True)
class ActivityRecorded(DomainEvent):
    """An education activity was recorded."""

    activity_id: uuid.UUID
    officer_id: uuid.UUID
    attendance: int


@attrs.frozen(kw_only=True)
class PartnerRegistered(DomainEvent):
    """A partner joined the program."""

    partner_id: uuid.UUID


@attrs.frozen(kw_only=True)
class AgreementSigned(DomainEvent):
    """An agreement was signed or renewed."""

    agreement_id: uuid.UUID
    review_due: dt.date


@attrs.frozen(kw_only=True)
class ReferralMade(DomainEvent):
    """An incident was referred to a partner."""

    referral_id: uuid.UUID
    incident_id: uuid.UUID
    partner_id: uuid.UUID
    reason: ReferralReason


@attrs.frozen(kw_only=True)
class ReferralUpdated(DomainEvent):
    """A partner answered a referral, or it was closed with its outcome."""

    referral_id: uuid.UUID
    status: ReferralStatus


@attrs.frozen(kw_only=True)
class CrisisDeclared(DomainEvent):
    """A crisis was declared at a school."""

    urgent: ClassVar[bool] = True

    crisis_id: uuid.UUID
    school_id: uuid.UUID
    kind: CrisisKind


@attrs.frozen(kw_only=True)
class CrisisMessagePosted(DomainEvent):
    """A message was posted in a crisis; its text stays in the crisis record."""

    urgent: ClassVar[bool] = True

    crisis_id: uuid.UUID
    message_id: uuid.UUID
    author_role: CrisisRole
    audience: frozenset[CrisisRole]


@attrs.frozen(kw_only=True)
class CrisisResolved(DomainEvent):
    """The all clear was given."""

    urgent: ClassVar[bool] = True

    crisis_id: uuid.UUID
    school_id: uuid.UUID


@attrs.frozen(kw_only=True)
class PersonRecorded(DomainEvent):
    """A person was added to the master person index."""

    person_id: uuid.UUID


@attrs.frozen(kw_only=True)
class PersonCorrected(DomainEvent):
    """A person's details were corrected in the index; ``fields`` names them (never values)."""

    person_id: uuid.UUID
    fields: tuple[str, ...]


@attrs.frozen(kw_only=True)
class PeopleMerged(DomainEvent):
    """Two index records were found to be one person: the duplicate now resolves to the kept."""

    keep_id: uuid.UUID
    duplicate_id: uuid.UUID


@attrs.frozen(kw_only=True)
class MergeUndone(DomainEvent):
    """A merge was undone: the duplicate is a person of its own again."""

    keep_id: uuid.UUID
    duplicate_id: uuid.UUID


EVENT_TYPES: tuple[type[DomainEvent], ...] = (
    OfficerRegistered,
    SchoolRegistered,
    OfficerAssigned,
    AssignmentEnded,
    IncidentReported,
    IncidentStatusChanged,
    ReportReviewed,
    IncidentEscalated,
    ContactLogged,
    ActivityRecorded,
    PartnerRegistered,
    AgreementSigned,
    ReferralMade,
    ReferralUpdated,
    CrisisDeclared,
    CrisisMessagePosted,
    CrisisResolved,
    PersonRecorded,
    PersonCorrected,
    PeopleMerged,
    MergeUndone,
)
"""Every concrete event type; serialization tags each by its class name."""
