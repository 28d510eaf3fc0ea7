"""The SRO's daily log of community contacts, and their escalation into incidents."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import attrs

from sro_core.domain.bounds import MINUTES_IN_A_DAY, between, bounded
from sro_core.domain.errors import RuleViolation
from sro_core.domain.incidents import Incident
from sro_core.domain.privacy import RecordClass, Sensitivity, free_text, sensitive, shared_as
from sro_core.domain.triad import TriadRole
from sro_core.domain.values import aware, utc


class ContactParty(enum.Enum):
    """Who approached the SRO, or whom the SRO approached."""

    PARENT_GUARDIAN = "parent_guardian"
    STAFF = "staff"
    STUDENT = "student"
    HOMEOWNER = "homeowner"
    BUSINESS_OWNER = "business_owner"
    PARTNER_AGENCY = "partner_agency"
    COMMUNITY_MEMBER = "community_member"


class ContactPurpose(enum.Enum):
    """What a contact was about."""

    ADVICE = "advice"
    COMPLAINT = "complaint"
    SUSPICIOUS_ACTIVITY = "suspicious_activity"
    WELFARE_CHECK = "welfare_check"
    MENTORING = "mentoring"
    COUNSELING = "counseling"
    FOLLOW_UP = "follow_up"
    INFORMATION = "information"


_LOG = shared_as(RecordClass.CONTACT_LOG)


@attrs.frozen(field_transformer=bounded)
class CommunityContact:
    """One entry of the SRO's daily log: who, when, about what, for how long, in which role.

    ``school_related`` is false for the many non-school matters parents, staff and neighbours
    bring to the SRO. A contact can be escalated into an incident once; the link is kept on both
    sides (``incident_id`` here, ``escalated_from`` on the incident).
    """

    officer_id: uuid.UUID
    at: dt.datetime = attrs.field(converter=utc, validator=aware)
    party: ContactParty = attrs.field(metadata=_LOG)
    purpose: ContactPurpose = attrs.field(metadata=_LOG)
    triad_role: TriadRole
    minutes: int = attrs.field(validator=between(1, MINUTES_IN_A_DAY, "a day at most"))
    school_related: bool = True
    school_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = attrs.field(default=None, metadata=_LOG)
    summary: str = attrs.field(
        default="",
        metadata=sensitive(Sensitivity.NARRATIVE)
        | shared_as(RecordClass.CONTACT_LOG)
        | free_text(),
    )
    follow_up_due: dt.date | None = attrs.field(default=None, metadata=_LOG)
    incident_id: uuid.UUID | None = None
    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    version: int = 0

    def escalated_to(self, incident: Incident) -> CommunityContact:
        """Return the contact linked to the incident it was escalated into."""
        if self.incident_id is not None:
            raise RuleViolation(
                "incident_id", self.incident_id, "this contact is already escalated"
            )
        if incident.escalated_from != self.id:
            raise RuleViolation("escalated_from", incident.escalated_from, f"must be {self.id}")
        return attrs.evolve(self, incident_id=incident.id)
