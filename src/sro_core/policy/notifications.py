"""What a notification may carry: one function decides an event's payload for an audience.

Every notifier takes what it sends from :func:`payload_for`, so the privacy policy decides
notifications exactly as it decides reads, at one point. A notification is not a records
read under an agreement: no recipient is assumed to hold the juvenile-records permission or
an agreement sharing juveniles' identities, so those identities are never sent.
"""

from __future__ import annotations

from typing import Any

from sro_core.domain import EVENT_TYPES, Audience, DomainEvent
from sro_core.policy.decision import event_payload
from sro_core.serialization import unstructure


def payload_for(event: DomainEvent, audience: Audience) -> dict[str, Any]:
    """Return what a notification of an event to an audience carries, as JSON-ready data.

    ``kind`` (the event's class name), ``event_id`` (the idempotency key), ``audience``, the
    event in its wire format without the fields the audience may not see (the policy's
    :func:`~sro_core.policy.event_payload`), and ``hidden``: the names of the fields left out.
    """
    shown = event_payload(event, audience)
    return {
        "kind": type(event).__name__,
        "event_id": str(event.event_id),
        "audience": audience.value,
        "event": shown,
        "hidden": sorted(set(unstructure(event)) - set(shown)),
    }


def event_kinds() -> frozenset[str]:
    """Return the names of every kind of event a route may name."""
    return frozenset(kind.__name__ for kind in EVENT_TYPES)
