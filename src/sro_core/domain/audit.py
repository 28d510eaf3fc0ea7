"""The audit trail: an append-only hash chain of who did what, allowed, denied or failed.

Each entry holds the CJIS audit fields (time, component, event type, user identity, outcome)
and the hash of the entry before it, so altering or removing any entry breaks the chain.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from collections.abc import Iterable

import attrs

from sro_core.domain.actors import ActorRole
from sro_core.domain.bounds import FREE_TEXT_LENGTH, TEXT_LENGTH, bounded
from sro_core.domain.values import at_least, aware, not_blank, utc

GENESIS_HASH = "0" * 64
"""The previous hash of the first entry of a chain."""


class AuditOutcome(enum.Enum):
    """How an audited attempt ended."""

    ALLOWED = "allowed"
    DENIED = "denied"
    ERROR = "error"


def _digest(entry: AuditEntry) -> str:
    body = {
        "sequence": entry.sequence,
        "at": entry.at.astimezone(dt.UTC).isoformat(),
        "actor_id": entry.actor_id,
        "actor_role": entry.actor_role.value,
        "component": entry.component,
        "action": entry.action,
        "target": entry.target,
        "outcome": entry.outcome.value,
        "detail": entry.detail,
        "previous_hash": entry.previous_hash,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def one_line(text: str, longest: int | None = None) -> str:
    """Return text on one line: backslash, CR and LF escaped, cut at ``longest`` characters."""
    kept = text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")
    if longest is not None and len(kept) > longest:
        kept = kept[: longest - 1] + "…"
    return kept


@attrs.frozen(field_transformer=bounded)
class AuditEntry:
    """One link of the audit chain.

    ``component`` is the part of the system (``incidents``, ``export`` …), ``action`` the event
    type (``report_incident``, ``read_juvenile_record`` …), ``target`` what it acted on.
    Build entries with :meth:`sealed`; :func:`verify_chain` checks a chain.
    """

    sequence: int = attrs.field(validator=at_least(1))
    at: dt.datetime = attrs.field(converter=utc, validator=aware)
    actor_id: str = attrs.field(validator=not_blank)
    actor_role: ActorRole
    component: str = attrs.field(validator=not_blank)
    action: str = attrs.field(validator=not_blank)
    outcome: AuditOutcome
    target: str | None = None
    detail: str = ""
    previous_hash: str = GENESIS_HASH
    hash: str = ""

    @classmethod
    def sealed(
        cls,
        previous: AuditEntry | None,
        *,
        at: dt.datetime,
        actor_id: str,
        actor_role: ActorRole,
        component: str,
        action: str,
        outcome: AuditOutcome,
        target: str | None = None,
        detail: str = "",
    ) -> AuditEntry:
        """Return the entry that follows ``previous`` (None for the first), with its hash.

        The target and the detail are kept on one line (:func:`one_line`), so that no text
        given to a command can start a line of its own in the audit trail or a log.
        """
        entry = cls(
            sequence=1 if previous is None else previous.sequence + 1,
            at=at,
            actor_id=actor_id,
            actor_role=actor_role,
            component=component,
            action=action,
            outcome=outcome,
            target=None if target is None else one_line(target, TEXT_LENGTH),
            detail=one_line(detail, FREE_TEXT_LENGTH),
            previous_hash=GENESIS_HASH if previous is None else previous.hash,
        )
        return attrs.evolve(entry, hash=_digest(entry))

    def intact(self) -> bool:
        """Return whether the entry's hash matches its contents."""
        return self.hash == _digest(self)


@attrs.frozen(field_transformer=bounded)
class ChainBreak:
    """Where an audit chain stops verifying, and why."""

    sequence: int
    reason: str


def verify_chain(entries: Iterable[AuditEntry]) -> ChainBreak | None:
    """Return the first broken link of a chain read in sequence order, or None if it verifies."""
    expected_sequence, expected_previous = 1, GENESIS_HASH
    for entry in entries:
        if entry.sequence != expected_sequence:
            return ChainBreak(expected_sequence, f"entry {expected_sequence} is missing")
        if entry.previous_hash != expected_previous:
            return ChainBreak(entry.sequence, "does not follow the entry before it")
        if not entry.intact():
            return ChainBreak(entry.sequence, "its contents were altered")
        expected_sequence, expected_previous = entry.sequence + 1, entry.hash
    return None
