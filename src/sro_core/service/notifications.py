"""What a notification may carry: one function decides an event's payload for an audience.

Every notifier takes what it sends from :func:`payload_for`, so the privacy policy decides
notifications exactly as it decides reads, at one point. A notification is not a records
read under an agreement: no recipient is assumed to hold the juvenile-records permission or
an agreement sharing juveniles' identities, so those identities are never sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sro_core.domain import EVENT_TYPES, Audience, DomainEvent, Sensitivity
from sro_core.serialization import unstructure
from sro_core.service.redaction import Visibility, redact

_PERSONAL = frozenset(
    {Sensitivity.NARRATIVE, Sensitivity.CONTACT_DETAILS, Sensitivity.DEMOGRAPHICS}
)

NOTIFICATION_VISIBILITY: Mapping[Audience, Visibility] = {
    Audience.DEPARTMENT: Visibility(juvenile_identities=False),
    Audience.SCHOOL_ADMINISTRATION: Visibility(hidden=_PERSONAL, juvenile_identities=False),
    Audience.PARTNER: Visibility(
        hidden=_PERSONAL | {Sensitivity.EDUCATION_RECORD}, juvenile_identities=False
    ),
    Audience.AGGREGATE: Visibility(hidden=frozenset(Sensitivity), juvenile_identities=False),
}
"""What each audience's notifications hide."""


def payload_for(event: DomainEvent, audience: Audience) -> dict[str, Any]:
    """Return what a notification of an event to an audience carries, as JSON-ready data.

    ``kind`` (the event's class name), ``event_id`` (the idempotency key), ``audience``, the
    event in its wire format with every field the audience may not see blanked, and
    ``hidden``: the paths of the blanked fields.
    """
    seen = redact(event, NOTIFICATION_VISIBILITY[audience], event.occurred_at.date())
    return {
        "kind": type(event).__name__,
        "event_id": str(event.event_id),
        "audience": audience.value,
        "event": unstructure(seen.value),
        "hidden": sorted(seen.hidden),
    }


def event_kinds() -> frozenset[str]:
    """Return the names of every kind of event a route may name."""
    return frozenset(kind.__name__ for kind in EVENT_TYPES)
