"""Referrals of an incident to a partner: a task force, diversion, behavioral health."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterable, Mapping

import attrs

from sro_core.domain.bounds import bounded
from sro_core.domain.errors import IllegalTransition, RuleViolation
from sro_core.domain.incidents import Incident, IncidentStatus
from sro_core.domain.partners import Agreement, check_covered
from sro_core.domain.privacy import Sensitivity, free_text, sensitive
from sro_core.domain.values import aware, not_blank, utc


class ReferralReason(enum.Enum):
    """Why an incident goes to a partner."""

    TASK_FORCE_INVESTIGATION = "task_force_investigation"
    DIVERSION = "diversion"
    BEHAVIORAL_HEALTH = "behavioral_health"
    SOCIAL_SERVICES = "social_services"
    PROBATION = "probation"
    PROSECUTION = "prosecution"


class ReferralStatus(enum.Enum):
    """Where a referral stands."""

    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CLOSED = "closed"


REFERRAL_TRANSITIONS: Mapping[ReferralStatus, frozenset[ReferralStatus]] = {
    ReferralStatus.SENT: frozenset({ReferralStatus.ACCEPTED, ReferralStatus.DECLINED}),
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.CLOSED}),
    ReferralStatus.DECLINED: frozenset(),
    ReferralStatus.CLOSED: frozenset(),
}
"""The referral lifecycle: for each status, the statuses it may move to."""

REFERRABLE = frozenset(set(IncidentStatus) - {IncidentStatus.DRAFT, IncidentStatus.CLOSED})
"""An incident can be referred once it is reported, and until it is closed."""


@attrs.frozen(field_transformer=bounded)
class Referral:
    """An incident sent to a partner, the partner's answer, and the outcome.

    Rules: only from a reported (not draft, not closed) incident; the partner is covered by an
    active agreement (:func:`refer`); closing a referral records its outcome.
    """

    incident_id: uuid.UUID
    partner_id: uuid.UUID
    reason: ReferralReason
    sent_at: dt.datetime = attrs.field(converter=utc, validator=aware)
    agreement_id: uuid.UUID
    person_id: uuid.UUID | None = None
    """The person referred (one of the incident's people), when the referral names one."""
    note: str = attrs.field(default="", metadata=sensitive(Sensitivity.NARRATIVE) | free_text())
    status: ReferralStatus = ReferralStatus.SENT
    outcome: str | None = attrs.field(
        default=None, validator=not_blank, metadata=sensitive(Sensitivity.NARRATIVE) | free_text()
    )
    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    version: int = 0

    def __attrs_post_init__(self) -> None:
        if self.status is ReferralStatus.CLOSED and self.outcome is None:
            raise RuleViolation("outcome", None, "closing a referral records its outcome")

    def moved_to(self, status: ReferralStatus, outcome: str | None = None) -> Referral:
        """Return the referral in a new status (with its outcome), if the table allows it."""
        if status not in REFERRAL_TRANSITIONS[self.status]:
            raise IllegalTransition("referral", self.status, status)
        return attrs.evolve(self, status=status, outcome=outcome or self.outcome)


def refer(
    incident: Incident,
    partner_id: uuid.UUID,
    reason: ReferralReason,
    *,
    sent_at: dt.datetime,
    day: dt.date,
    agreements: Iterable[Agreement],
    note: str = "",
    person_id: uuid.UUID | None = None,
) -> Referral:
    """Return a new referral of an incident to a partner, checking both referral rules.

    ``day`` is the program-local date the referral is made on; ``person_id``, if given, names
    the person referred, who must be involved in the incident.
    """
    if person_id is not None and person_id not in {i.person.id for i in incident.involvements}:
        raise RuleViolation("person_id", str(person_id), "the person referred is not involved")
    if incident.status not in REFERRABLE:
        raise RuleViolation(
            "incident.status", incident.status.value, "only a reported, open incident is referred"
        )
    agreement = check_covered(agreements, partner_id, day)
    return Referral(
        incident_id=incident.id,
        partner_id=partner_id,
        reason=reason,
        sent_at=sent_at,
        agreement_id=agreement.id,
        person_id=person_id,
        note=note,
    )
