"""Referrals of incidents to partners, under the agreements that cover them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sro_core.domain import (
    INCIDENT_TRANSITIONS,
    DomainEvent,
    IncidentStatus,
    IncidentStatusChanged,
    Referral,
    ReferralMade,
    ReferralReason,
    ReferralStatus,
    ReferralUpdated,
    refer,
)
from sro_core.policy import check_referral
from sro_core.ports import UnitOfWork
from sro_core.service.core import Kernel
from sro_core.service.desk import Call, command
from sro_core.service.policy import Action

Events = Sequence[DomainEvent]


class Referrals:
    """The desk of referrals to partners, and their answers."""

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

    @command(Action.REFER)
    def refer_incident(
        self,
        call: Call,
        incident_id: uuid.UUID,
        partner_id: uuid.UUID,
        reason: ReferralReason,
        note: str = "",
        *,
        person_id: uuid.UUID | None = None,
    ) -> Referral:
        """Refer a reported incident to a partner; ``person_id`` names the person referred."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[Referral, Events]:
            incident = unit.incidents.get(incident_id)
            self.kernel.shown(unit, call.actor, "incident", incident, now)
            unit.partners.get(partner_id)
            context = self.kernel.context(unit, call.actor, now)
            agreement = check_referral(incident, partner_id, reason, context)
            day = self.kernel.calendar.local_date(now)
            referral = refer(
                incident,
                partner_id,
                reason,
                sent_at=now,
                day=day,
                agreements=[agreement],
                note=note,
                person_id=person_id,
            )
            stored = unit.referrals.add(referral)
            events: list[DomainEvent] = [
                ReferralMade(
                    occurred_at=now,
                    referral_id=stored.id,
                    incident_id=incident_id,
                    partner_id=partner_id,
                    reason=reason,
                )
            ]
            if IncidentStatus.REFERRED in INCIDENT_TRANSITIONS[incident.status]:
                moved = unit.incidents.update(incident.moved_to(IncidentStatus.REFERRED))
                events.append(
                    IncidentStatusChanged(
                        occurred_at=now,
                        incident_id=incident_id,
                        number=moved.number or "",
                        previous=incident.status,
                        status=moved.status,
                    )
                )
            return self.kernel.shown(unit, call.actor, "referral", stored, now), events

        return call.run(str(incident_id), work)

    @command(Action.ANSWER_REFERRAL)
    def answer_referral(
        self,
        call: Call,
        referral_id: uuid.UUID,
        status: ReferralStatus,
        outcome: str | None = None,
    ) -> Referral:
        """Record a partner's answer (accepted, declined) or close a referral with its outcome."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[Referral, Events]:
            referral = unit.referrals.get(referral_id)
            self.kernel.shown(unit, call.actor, "referral", referral, now)
            stored = unit.referrals.update(referral.moved_to(status, outcome))
            return self.kernel.shown(unit, call.actor, "referral", stored, now), [
                ReferralUpdated(occurred_at=now, referral_id=referral_id, status=status)
            ]

        return call.run(str(referral_id), work)
