"""The outbox of a SQL store: events recorded with the change, deliveries claimed and settled.

An event is open until every notifier's delivery of it is final (``settled_at`` set); the
claim query reads the open ones through a partial index, so delivered events cost it nothing.
Claims take a delivery with a lease; a store whose writers queue on one database lock (SQLite)
chooses and claims in two statements, one that locks rows claims in one, passing over rows
another dispatcher holds (:meth:`SQLOutbox.claim`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sro_core.domain import DomainEvent
from sro_core.ports import Claim, Delivery, DeliveryStatus, Outbox, OutboxEntry
from sro_core.serialization import AnyEvent, unstructure
from sro_core.sql.executor import Executor
from sro_core.sql.tables import decode, encode

_DELIVERY = (
    "SELECT event_id, notifier, status, attempts, next_attempt_at, last_error FROM deliveries"
)

_CANDIDATES = (
    "SELECT o.sequence, o.event, o.recorded_at, o.event_id, coalesce(d.attempts, 0) "
    "FROM outbox AS o LEFT JOIN deliveries AS d ON d.event_id = o.event_id AND d.notifier = ? "
    "WHERE o.settled_at IS NULL {only}AND (d.event_id IS NULL OR (d.status = 'pending' "
    "AND coalesce(d.next_attempt_at, {earliest}) <= ? "
    "AND coalesce(d.lease_until, {earliest}) <= ?)) "
    "ORDER BY o.urgent DESC, o.sequence LIMIT ?"
)
"""The open events a notifier may claim now: never delivered, or due again and not leased.

``{earliest}`` is the dialect's time before every time (a delivery with none is due).
"""

PUT = "INSERT INTO outbox (event_id, urgent, event, recorded_at) VALUES (?, ?, ?, ?)"
_TAKEN = (
    "INSERT INTO deliveries (event_id, notifier, status, attempts, claim, lease_until) "
    "VALUES (?, ?, 'pending', 1, ?, ?)"
)
"""A first try's claim of a delivery of an event that has none yet."""
_SETTLED = "UPDATE outbox SET settled_at = ? WHERE event_id = ?"


class SQLOutbox(Outbox):
    """The ``outbox`` and ``deliveries`` tables."""

    def __init__(self, unit: Executor) -> None:
        self.unit = unit
        self.d = unit.dialect

    def put(self, events: Sequence[DomainEvent], at: dt.datetime) -> None:
        """Record events, in the caller's transaction."""
        self.unit.write_lock()
        recorded, key = self.d.time(at), self.d.key
        self.unit.executemany(
            PUT, [(key(e.event_id), e.urgent, encode(unstructure(e)), recorded) for e in events]
        )

    def put_claimed(
        self,
        events: Sequence[DomainEvent],
        at: dt.datetime,
        claimed: Collection[uuid.UUID],
        leases: Mapping[str, tuple[str, dt.timedelta]],
    ) -> list[Claim]:
        """Record events, then insert the claimed deliveries as first tries: no claim query.

        The events are new in this unit: none has a delivery yet, and no other unit sees them
        before this one commits, so the claims :meth:`claim` would make are known without it.
        """
        if not claimed or not leases:
            self.put(events, at)
            return []
        self.unit.write_lock()
        d = self.d
        recorded = d.time(at)
        recorded_at = d.read_time(recorded)
        entries = []
        for event in events:
            key = d.key(event.event_id)
            sequence = self.inserted((key, event.urgent, encode(unstructure(event)), recorded))
            if event.event_id in claimed:
                entries.append((key, OutboxEntry(sequence, event, recorded_at)))
        entries.sort(key=lambda kept: (not kept[1].event.urgent, kept[1].sequence))
        rows: list[tuple[object, ...]] = []
        claims = []
        for notifier, (token, lease) in leases.items():
            until = d.time(at + lease)
            lease_end = d.read_time(until)
            for key, entry in entries:
                rows.append((key, notifier, token, until))
                claims.append(Claim(entry, notifier, 1, token, lease_end))
        self.unit.executemany(_TAKEN, rows)
        return claims

    def inserted(self, row: Sequence[object]) -> int:
        """Insert one event's row; return the sequence number the database gave it."""
        (sequence,) = self.unit.execute(f"{PUT} RETURNING sequence", row).fetchall()[0]
        return int(sequence)

    def entries(self, after: int = 0, limit: int | None = None) -> list[OutboxEntry]:
        """Return the entries after a sequence number, oldest first."""
        found = self.unit.execute(
            "SELECT sequence, event, recorded_at FROM outbox WHERE sequence > ? "
            "ORDER BY sequence LIMIT ?",
            (after, self.d.no_limit if limit is None else limit),
        ).fetchall()
        return [self.entry(*row) for row in found]

    def due(self, notifier: str, now: dt.datetime, limit: int) -> list[OutboxEntry]:
        """Return the entries a notifier has still to deliver, urgent ones first."""
        found = self.unit.execute(
            "SELECT o.sequence, o.event, o.recorded_at FROM outbox AS o "
            "LEFT JOIN deliveries AS d ON d.event_id = o.event_id AND d.notifier = ? "
            "WHERE d.event_id IS NULL OR (d.status = 'pending' "
            "AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?)) "
            "ORDER BY o.urgent DESC, o.sequence LIMIT ?",
            (notifier, self.d.time(now), limit),
        ).fetchall()
        return [self.entry(*row) for row in found]

    def record(self, delivery: Delivery) -> None:
        """Record a delivery's state, unless it was delivered already (final)."""
        self.unit.write_lock()
        d = self.d
        following = delivery.next_attempt_at
        key = d.key(delivery.event_id)
        self.unit.execute(
            "INSERT INTO deliveries (event_id, notifier, status, attempts, next_attempt_at, "
            "last_error) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (event_id, notifier) DO UPDATE SET status = excluded.status, "
            "attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at, "
            "last_error = excluded.last_error, claim = NULL, lease_until = NULL "
            "WHERE deliveries.status <> 'delivered'",
            (
                key,
                delivery.notifier,
                delivery.status.value,
                delivery.attempts,
                None if following is None else d.time(following),
                d.error_text(delivery.last_error),
            ),
        )
        if delivery.status is DeliveryStatus.PENDING:
            self.unit.execute(
                "UPDATE outbox SET settled_at = NULL WHERE event_id = ? AND EXISTS (SELECT 1 "
                "FROM deliveries WHERE event_id = ? AND notifier = ? AND status = 'pending')",
                (key, key, delivery.notifier),
            )

    def claim(
        self,
        notifier: str,
        now: dt.datetime,
        lease: dt.timedelta,
        limit: int,
        *,
        token: str,
        events: Collection[uuid.UUID] | None = None,
    ) -> list[Claim]:
        """Choose the open events due for a notifier, then claim each with an upsert.

        Sound where the unit holds the database's write lock (SQLite): no other writer comes
        between the choice and the claim, so no two claims take one delivery.
        """
        self.unit.write_lock()
        d = self.d
        at, until = d.time(now), d.time(now + lease)
        only, chosen = "", list[object]()
        if events is not None:
            only = f"AND {d.one_of('o.event_id', [d.key(e) for e in events], chosen)} "
        found = self.unit.execute(
            _CANDIDATES.format(only=only, earliest=d.earliest),
            (notifier, *chosen, at, at, limit),
        ).fetchall()
        self.unit.executemany(
            "INSERT INTO deliveries (event_id, notifier, status, attempts, claim, lease_until) "
            "VALUES (?, ?, 'pending', ?, ?, ?) ON CONFLICT (event_id, notifier) DO UPDATE SET "
            "attempts = excluded.attempts, claim = excluded.claim, "
            "lease_until = excluded.lease_until",
            [(row[3], notifier, row[4] + 1, token, until) for row in found],
        )
        lease_end = d.read_time(until)
        return [
            Claim(self.entry(*row[:3]), notifier, row[4] + 1, token, lease_end) for row in found
        ]

    def settle(
        self, claim: Claim, outcome: Delivery, notifiers: Collection[str], now: dt.datetime
    ) -> bool:
        """Record a claimed delivery's outcome; settle the event when every notifier is done."""
        self.unit.write_lock()
        d = self.d
        key = d.key(claim.entry.event.event_id)
        if d.row_locks:  # settlements of one event take turns: the last sees every outcome
            self.unit.execute("SELECT 1 FROM outbox WHERE event_id = ? FOR UPDATE", (key,))
        following = outcome.next_attempt_at
        changed = self.unit.execute(
            "UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, "
            "last_error = ?, claim = NULL, lease_until = NULL "
            "WHERE event_id = ? AND notifier = ? AND claim = ? AND status = 'pending'",
            (
                outcome.status.value,
                outcome.attempts,
                None if following is None else d.time(following),
                d.error_text(outcome.last_error),
                key,
                claim.notifier,
                claim.token,
            ),
        ).rowcount
        if changed == 0:
            return False
        if outcome.status is DeliveryStatus.PENDING:
            return True
        names = sorted(set(notifiers))
        if names == [claim.notifier]:  # the one delivery, final now: nothing else to count
            self.unit.execute(_SETTLED, (d.time(now), key))
            return True
        # settled in the same statement that counts the final deliveries, when all are
        parameters: list[object] = [d.time(now), key, key]
        listed = d.one_of("notifier", names, parameters)
        self.unit.execute(
            f"{_SETTLED} AND (SELECT count(*) FROM deliveries WHERE event_id = ? "  # noqa: S608 - only placeholders
            f"AND status <> 'pending' AND {listed}) = ?",
            [*parameters, len(names)],
        )
        return True

    def prune(self, before: dt.datetime, limit: int) -> int:
        """Delete settled events older than ``before``, and their deliveries, oldest first."""
        self.unit.write_lock()
        found = self.unit.execute(
            "SELECT o.sequence, o.event_id FROM outbox AS o "
            "WHERE o.settled_at IS NOT NULL AND o.settled_at < ? AND NOT EXISTS (SELECT 1 "
            "FROM deliveries AS d WHERE d.event_id = o.event_id AND d.status <> 'delivered') "
            "ORDER BY o.settled_at LIMIT ?",
            (self.d.time(before), limit),
        ).fetchall()
        self.unit.executemany("DELETE FROM deliveries WHERE event_id = ?", [(e,) for _, e in found])
        self.unit.executemany("DELETE FROM outbox WHERE sequence = ?", [(s,) for s, _ in found])
        return len(found)

    def deliveries(self, event_id: uuid.UUID) -> list[Delivery]:
        """Return the deliveries of an event, by notifier."""
        found = self.unit.execute(
            f"{_DELIVERY} WHERE event_id = ? ORDER BY notifier",
            (self.d.key(event_id),),
        ).fetchall()
        return [self.delivery(row) for row in found]

    def dead_letters(self) -> list[Delivery]:
        """Return the deliveries given up on, oldest event first."""
        found = self.unit.execute(
            f"{_DELIVERY} AS d WHERE status = 'dead' ORDER BY coalesce("  # noqa: S608 - see above
            "(SELECT max(sequence) FROM outbox WHERE outbox.event_id = d.event_id), 0), notifier"
        ).fetchall()
        return [self.delivery(row) for row in found]

    def entry(self, sequence: int, event: str, recorded_at: object) -> OutboxEntry:
        """Return the outbox entry a row holds."""
        read: DomainEvent = decode(event, AnyEvent, self.unit.where, f"outbox entry {sequence}")
        return OutboxEntry(sequence, read, self.d.read_time(recorded_at))

    def delivery(self, row: Sequence[Any]) -> Delivery:
        """Return the delivery a row holds."""
        event_id, notifier, status, attempts, next_attempt_at, last_error = row
        d = self.d
        return Delivery(
            d.read_key(event_id),
            notifier,
            DeliveryStatus(status),
            attempts,
            None if next_attempt_at is None else d.read_time(next_attempt_at),
            d.read_error_text(last_error),
        )
