"""The rule every store's ``AuditLog.append`` applies: an entry follows the head, or is Conflict."""

from __future__ import annotations

from sro_core.domain import GENESIS_HASH, AuditEntry
from sro_core.ports.storage import Conflict


def check_follows(head: AuditEntry | None, entry: AuditEntry) -> None:
    """Raise :class:`Conflict` naming what is wrong if ``entry`` does not follow ``head``.

    The entry that follows has the next sequence (1 after an empty log) and, as its
    ``previous_hash``, the head's hash (the genesis hash after an empty log). A wrong sequence
    and a wrong previous hash are told apart, so that a forked chain is named as such.
    """
    sequence, previous = (1, GENESIS_HASH) if head is None else (head.sequence + 1, head.hash)
    if entry.sequence != sequence:
        raise Conflict("audit entry", entry.sequence, f"the next entry is {sequence}")
    if entry.previous_hash != previous:
        after = "an empty log" if head is None else f"entry {head.sequence}"
        raise Conflict(
            "audit entry",
            entry.sequence,
            f"its previous_hash {entry.previous_hash[:12]}… is not the hash of {after}"
            f" ({previous[:12]}…): it does not follow the chain",
        )
