"""The audit trail: an append-only hash chain of who did what, allowed, denied or failed.

Each entry holds the CJIS audit fields (time, component, event type, user identity, outcome)
and the hash of the entry before it, so altering or removing any entry breaks the chain.

With an :class:`AuditKey` the chain is keyed: each entry's hash is an HMAC-SHA256 under a
secret kept outside the store, so a writer without the key cannot recompute the hashes after
an edit. Entries written with no key (stores made before keys existed, or a program run with
none) keep the plain SHA-256 hash; an unkeyed entry after a keyed one is a break. An
:class:`AuditCheckpoint` is the head of the chain (sequence and hash) sealed outside the
store: it catches what a chain alone cannot, a cut tail, a deleted trail and a chain rewritten
with recomputed hashes.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import attrs

from sro_core.domain.actors import ActorRole
from sro_core.domain.bounds import FREE_TEXT_LENGTH, TEXT_LENGTH, bounded
from sro_core.domain.errors import DomainError, RuleViolation
from sro_core.domain.values import at_least, aware, not_blank, utc

GENESIS_HASH = "0" * 64
"""The previous hash of the first entry of a chain."""

MINIMUM_KEY_BYTES = 32
"""An audit key holds at least this many bytes (HMAC-SHA256's own block of strength)."""

HMAC_SHA256 = "hmac-sha256"
"""The name of the checkpoint seal made with the audit key."""


class AuditOutcome(enum.Enum):
    """How an audited attempt ended."""

    ALLOWED = "allowed"
    DENIED = "denied"
    ERROR = "error"


@attrs.frozen
class AuditKey:
    """The secret that keys the chain and seals checkpoints; never stored in the database.

    ``id`` names the key in entries and checkpoints without revealing it (a SHA-256 of it).
    """

    secret: bytes = attrs.field(repr=False)
    id: str = attrs.field(init=False)

    @secret.validator
    def _long_enough(self, _attribute: object, value: bytes) -> None:
        if len(value) < MINIMUM_KEY_BYTES:
            raise RuleViolation(
                "audit key", f"{len(value)} bytes", f"at least {MINIMUM_KEY_BYTES} bytes"
            )

    def __attrs_post_init__(self) -> None:
        named = hashlib.sha256(b"sro_core audit key\x00" + self.secret).hexdigest()[:16]
        object.__setattr__(self, "id", named)

    @property
    def method(self) -> str:
        """How this key seals a checkpoint."""
        return HMAC_SHA256

    def seal(self, body: bytes) -> str:
        """Return the HMAC-SHA256 of a body, as hex."""
        return hmac.new(self.secret, body, hashlib.sha256).hexdigest()

    def check(self, body: bytes, seal: str) -> bool:
        """Return whether a seal is this key's seal of the body (in constant time)."""
        return hmac.compare_digest(self.seal(body), seal)


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _digest(entry: AuditEntry, key: AuditKey | None) -> str:
    body: dict[str, Any] = {
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
    if not entry.key_id:
        return hashlib.sha256(_canonical(body)).hexdigest()
    if key is None or key.id != entry.key_id:
        return ""
    body["key_id"] = entry.key_id
    return key.seal(_canonical(body))


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
    ``key_id`` names the :class:`AuditKey` the hash was made with ("" for a plain SHA-256).
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
    key_id: str = ""

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
        key: AuditKey | None = None,
    ) -> AuditEntry:
        """Return the entry that follows ``previous`` (None for the first), with its hash.

        With a key the hash is its HMAC; without one, a plain SHA-256. The target and the
        detail are kept on one line (:func:`one_line`), so that no text given to a command can
        start a line of its own in the audit trail or a log.
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
            key_id="" if key is None else key.id,
        )
        return attrs.evolve(entry, hash=_digest(entry, key))

    def intact(self, key: AuditKey | None = None) -> bool:
        """Return whether the entry's hash matches its contents (keyed entries need the key)."""
        expected = _digest(self, key)
        return bool(expected) and hmac.compare_digest(self.hash, expected)


@attrs.frozen
class UnreadableEntry:
    """A stored audit entry with a value that cannot be read back: named by sequence and field."""

    sequence: int
    field: str
    value: Any
    reason: str


class UnreadableAudit(DomainError):
    """An audit entry holds a value that cannot be read: the store's audit table was altered."""

    def __init__(self, unreadable: UnreadableEntry) -> None:
        self.unreadable = unreadable
        super().__init__(
            f"audit entry {unreadable.sequence} cannot be read: its {unreadable.field} "
            f"{unreadable.value!r} {unreadable.reason}; run `sro audit verify`"
        )

    def __reduce__(self) -> tuple[type[UnreadableAudit], tuple[UnreadableEntry]]:
        return (type(self), (self.unreadable,))


def readable(found: AuditEntry | UnreadableEntry) -> AuditEntry:
    """Return a read entry, or raise :class:`UnreadableAudit` naming what cannot be read."""
    if isinstance(found, UnreadableEntry):
        raise UnreadableAudit(found)
    return found


AUDIT_COLUMNS = (
    "sequence",
    "at",
    "actor_id",
    "actor_role",
    "component",
    "action",
    "outcome",
    "target",
    "detail",
    "previous_hash",
    "hash",
    "key_id",
)
"""The stored fields of an entry, in the order :func:`read_entry` takes them."""

_TEXT = frozenset({"actor_id", "component", "action", "detail", "previous_hash", "hash", "key_id"})


def _decoded(name: str, value: object) -> object:
    """Return a stored value as the entry holds it, or raise ValueError saying why not."""
    if name == "sequence":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("is not a whole number")
        return value
    if name == "at":
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        if not isinstance(moment, dt.datetime) or moment.tzinfo is None:
            raise ValueError("is not a time with its UTC offset")
        return moment
    if name == "actor_role":
        return ActorRole(value)
    if name == "outcome":
        return AuditOutcome(value)
    if name == "target" and value is None:
        return None
    if name in _TEXT or name == "target":
        if not isinstance(value, str):
            raise ValueError("is not text")
        return value
    raise ValueError("is not a field of an audit entry")  # pragma: no cover - names are fixed


def read_entry(row: Sequence[object]) -> AuditEntry | UnreadableEntry:
    """Read a stored entry (values in :data:`AUDIT_COLUMNS` order); never raises for a value.

    A value that cannot be read (an unknown role, a malformed time, a wrong type) gives an
    :class:`UnreadableEntry` naming its sequence and field.
    """
    raw_sequence = row[0] if row else None
    sequence = raw_sequence if isinstance(raw_sequence, int) else 0
    values: dict[str, object] = {}
    for name, value in zip(AUDIT_COLUMNS, row, strict=True):
        try:
            values[name] = _decoded(name, value)
        except (ValueError, TypeError, OverflowError) as error:
            return UnreadableEntry(sequence, name, value, str(error))
    try:
        return AuditEntry(**values)  # type: ignore[arg-type]
    except RuleViolation as broken:
        return UnreadableEntry(sequence, broken.field, broken.value, broken.rule)
    except (ValueError, TypeError, OverflowError) as error:
        return UnreadableEntry(sequence, "at", values.get("at"), str(error))


class CheckpointSeal(Protocol):
    """What seals a checkpoint: the audit key (HMAC) or an Ed25519 key pair's private half.

    A seal that can only check (an Ed25519 public key) raises from :meth:`seal`.
    """

    @property
    def id(self) -> str:
        """Names the key without revealing it."""

    @property
    def method(self) -> str:
        """``hmac-sha256`` or ``ed25519``."""

    def seal(self, body: bytes) -> str:
        """Return the seal of a body, as hex."""

    def check(self, body: bytes, seal: str) -> bool:
        """Return whether a seal is this key's seal of the body."""


@attrs.frozen
class AuditCheckpoint:
    """The head of an audit chain at a moment, sealed so that it can be kept outside the store.

    ``sequence`` is the last entry it saw (0 for an empty trail), ``head_hash`` that entry's
    hash, ``key_id`` and ``method`` the key that sealed it, ``seal`` the seal (hex).
    """

    sequence: int
    head_hash: str
    at: dt.datetime = attrs.field(converter=utc, validator=aware)
    key_id: str
    method: str
    seal: str = ""

    def body(self) -> bytes:
        """Return the bytes the seal covers: every field but the seal, canonical JSON."""
        return _canonical(
            {
                "sequence": self.sequence,
                "head_hash": self.head_hash,
                "at": self.at.isoformat(),
                "key_id": self.key_id,
                "method": self.method,
            }
        )

    @classmethod
    def of(
        cls, head: AuditEntry | None, at: dt.datetime, sealer: CheckpointSeal
    ) -> AuditCheckpoint:
        """Return the sealed checkpoint of a chain's head (None: an empty trail)."""
        checkpoint = cls(
            sequence=0 if head is None else head.sequence,
            head_hash=GENESIS_HASH if head is None else head.hash,
            at=at,
            key_id=sealer.id,
            method=sealer.method,
        )
        return attrs.evolve(checkpoint, seal=sealer.seal(checkpoint.body()))


@attrs.frozen(field_transformer=bounded)
class ChainBreak:
    """Where an audit chain stops verifying, and why; ``field`` names an unreadable value."""

    sequence: int
    reason: str
    field: str | None = None


def checkpoint_break(
    checkpoint: AuditCheckpoint, seals: Iterable[CheckpointSeal]
) -> ChainBreak | None:
    """Return why a checkpoint cannot be trusted (unknown key, forged seal), or None."""
    known = [s for s in seals if s.method == checkpoint.method and s.id == checkpoint.key_id]
    if not known:
        return ChainBreak(
            checkpoint.sequence,
            f"the checkpoint of {checkpoint.at.isoformat()} is sealed ({checkpoint.method}) with "
            f"key {checkpoint.key_id}, which is not a key this program holds: configure that key, "
            "or the checkpoint is not the department's",
        )
    if not known[0].check(checkpoint.body(), checkpoint.seal):
        return ChainBreak(
            checkpoint.sequence,
            f"the checkpoint of {checkpoint.at.isoformat()} is forged: its seal does not verify "
            f"with key {checkpoint.key_id}",
        )
    return None


def _link_break(
    entry: AuditEntry,
    keys: Mapping[str, AuditKey],
    key: AuditKey | None,
    expected_previous: str,
    keyed_seen: bool,
) -> ChainBreak | None:
    if entry.previous_hash != expected_previous:
        return ChainBreak(entry.sequence, "does not follow the entry before it")
    if not entry.key_id and keyed_seen:
        return ChainBreak(
            entry.sequence,
            "it has a plain hash after keyed entries: it was rewritten by someone without the key",
        )
    if entry.key_id and not keys:
        return ChainBreak(
            entry.sequence,
            f"it is keyed with audit key {entry.key_id}, and no audit key is configured: "
            "configure the key to verify the trail",
        )
    if entry.key_id and entry.key_id not in keys:
        configured = "none" if key is None else key.id
        return ChainBreak(
            entry.sequence,
            f"it is keyed with audit key {entry.key_id}, not with the configured key "
            f"{configured} nor a retired one",
        )
    if not entry.intact(keys.get(entry.key_id)):
        return ChainBreak(entry.sequence, "its contents were altered")
    return None


def verify_chain(
    entries: Iterable[AuditEntry | UnreadableEntry],
    key: AuditKey | None = None,
    checkpoint: AuditCheckpoint | None = None,
    retired: Iterable[AuditKey] = (),
) -> ChainBreak | None:
    """Return the first broken link of a chain read in sequence order, or None if it verifies.

    Keyed entries are checked with ``key``, or with the ``retired`` key they name (keys used
    before the current one, kept to verify the entries they made). With a ``checkpoint``
    (whose seal the caller has checked with :func:`checkpoint_break`), the chain must reach
    its sequence and hold its head hash there: a cut tail, a deleted trail and a rewrite with
    recomputed hashes break.
    """
    keys = {k.id: k for k in (*retired, *([] if key is None else [key]))}
    expected_sequence, expected_previous = 1, GENESIS_HASH
    keyed_seen = False
    at_checkpoint: AuditEntry | None = None
    for entry in entries:
        if isinstance(entry, UnreadableEntry):
            return ChainBreak(
                entry.sequence or expected_sequence,
                f"its {entry.field} {entry.value!r} cannot be read: {entry.reason}",
                entry.field,
            )
        if entry.sequence != expected_sequence:
            return ChainBreak(expected_sequence, f"entry {expected_sequence} is missing")
        broken = _link_break(entry, keys, key, expected_previous, keyed_seen)
        if broken is not None:
            return broken
        keyed_seen = keyed_seen or bool(entry.key_id)
        if checkpoint is not None and entry.sequence == checkpoint.sequence:
            at_checkpoint = entry
        expected_sequence, expected_previous = entry.sequence + 1, entry.hash
    if checkpoint is None or checkpoint.sequence == 0:
        return None
    return _against(checkpoint, at_checkpoint, expected_sequence - 1)


def _against(checkpoint: AuditCheckpoint, found: AuditEntry | None, last: int) -> ChainBreak | None:
    seen = f"the checkpoint of {checkpoint.at.isoformat()} saw entries up to {checkpoint.sequence}"
    if last == 0:
        return ChainBreak(1, f"every entry is missing: {seen}")
    if found is None:
        return ChainBreak(
            last + 1, f"entries {last + 1} to {checkpoint.sequence} are missing (the tail): {seen}"
        )
    if not hmac.compare_digest(found.hash, checkpoint.head_hash):
        return ChainBreak(
            checkpoint.sequence,
            f"its hash differs from the checkpoint of {checkpoint.at.isoformat()}: the trail was "
            "rewritten up to here",
        )
    return None
