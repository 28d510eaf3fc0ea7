"""Referrals of incidents to partners, under the agreements that cover them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sro_core.domain import (
    INCIDENT_TRANSITIONS,
    Actor,
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
from sro_core.service.core import ProgramCore
from sro_core.service.policy import Action

Events = Sequence[DomainEvent]


class Referrals(ProgramCore):
    """Commands on referrals."""

    def refer_incident(
        self,
        actor: Actor,
        incident_id: uuid.UUID,
        partner_id: uuid.UUID,
        reason: ReferralReason,
        note: str = "",
        *,
        person_id: uuid.UUID | None = None,
    ) -> Referral:
        """Refer a reported incident to a partner an active agreement covers.

        ``person_id`` names the person referred (one of the incident's people), so that the
        referral is in that person's history alone; without it, it is in the history of each
        person the incident involves.

        The incident moves to REFERRED where its lifecycle allows. A referral is refused with
        ``SharingRefused``, naming the record classes missing, unless an agreement in force on
        the incident's day and today shares with the partner every class the referral needs
        (:func:`~sro_core.policy.check_referral`); the refusal is audited.
        """

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[Referral, Events]:
            incident = unit.incidents.get(incident_id)
            self._shown(unit, actor, "incident", incident, now)
            unit.partners.get(partner_id)
            context = self._context(unit, actor, now)
            agreement = check_referral(incident, partner_id, reason, context)
            day = self.calendar.local_date(now)
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
            return self._shown(unit, actor, "referral", stored, now), events

        return self._command(actor, Action.REFER, "refer_incident", str(incident_id), work)

    def answer_referral(
        self,
        actor: Actor,
        referral_id: uuid.UUID,
        status: ReferralStatus,
        outcome: str | None = None,
    ) -> Referral:
        """Record a partner's answer (accepted, declined) or close a referral with its outcome."""

        def work(unit: UnitOfWork, now: dt.datetime) -> tuple[Referral, Events]:
            referral = unit.referrals.get(referral_id)
            self._shown(unit, actor, "referral", referral, now)
            stored = unit.referrals.update(referral.moved_to(status, outcome))
            return self._shown(unit, actor, "referral", stored, now), [
                ReferralUpdated(occurred_at=now, referral_id=referral_id, status=status)
            ]

        return self._command(
            actor, Action.ANSWER_REFERRAL, "answer_referral", str(referral_id), work
        )
