"""The dispatcher: hands committed outbox events to the enabled notifiers, at least once.

Each delivery is recorded per notifier. A failure is retried with exponential backoff; after
``max_delivery_attempts`` the delivery is a dead letter, which an operator can list and replay.
Urgent events (crises) are dispatched first and straight after their command commits, so they
never wait behind a backlog.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence

import attrs

from sro_core.domain import DomainEvent, one_line
from sro_core.ports import (
    Delivery,
    DeliveryFailed,
    DeliveryStatus,
    Notifier,
    Outbox,
    OutboxEntry,
    Storage,
)
from sro_core.service.settings import ProgramSettings

log = logging.getLogger("sro_core.dispatch")

DEFAULT_BATCH = 500


@attrs.frozen
class DispatchReport:
    """What one dispatch round did: deliveries made, failures to retry, new dead letters."""

    delivered: int = 0
    retrying: int = 0
    dead: int = 0

    def __add__(self, other: DispatchReport) -> DispatchReport:
        return DispatchReport(
            self.delivered + other.delivered,
            self.retrying + other.retrying,
            self.dead + other.dead,
        )


class Dispatcher:
    """Delivers outbox events to notifiers and keeps each delivery's record."""

    def __init__(
        self,
        storage: Storage,
        notifiers: Mapping[str, Notifier],
        settings: ProgramSettings,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self.storage = storage
        self.notifiers = dict(notifiers)
        self.settings = settings
        self.clock = clock

    def dispatch(self, *, urgent_only: bool = False, batch: int = DEFAULT_BATCH) -> DispatchReport:
        """Deliver every due event to every notifier; with ``urgent_only``, only crisis events."""
        report = DispatchReport()
        for name, notifier in self.notifiers.items():
            while True:
                with self.storage.unit_of_work() as unit:
                    due = unit.outbox.due(name, self.clock(), batch)
                if urgent_only:
                    due = [entry for entry in due if entry.event.urgent]
                for entry in due:
                    report += self._deliver(name, notifier, entry)
                if len(due) < batch or urgent_only:
                    break
        return report

    def deliver(self, events: Sequence[DomainEvent]) -> DispatchReport:
        """Deliver a command's events, just committed, to every notifier, reading no outbox.

        Their deliveries are recorded together in one unit of work; one that failed is retried
        by a later :meth:`dispatch`, like any other.
        """
        report, deliveries = DispatchReport(), []
        for name, notifier in self.notifiers.items():
            for event in events:
                delivery, result = self._attempt(name, notifier, event, 1)
                deliveries.append(delivery)
                report += result
        if deliveries:
            with self.storage.unit_of_work() as unit:
                for delivery in deliveries:
                    unit.outbox.record(delivery)
        return report

    def _deliver(self, name: str, notifier: Notifier, entry: OutboxEntry) -> DispatchReport:
        event = entry.event
        with self.storage.unit_of_work() as unit:
            previous = next(
                (d for d in unit.outbox.deliveries(event.event_id) if d.notifier == name), None
            )
        attempts = (previous.attempts if previous else 0) + 1
        delivery, result = self._attempt(name, notifier, event, attempts)
        with self.storage.unit_of_work() as unit:
            unit.outbox.record(delivery)
        return result

    def _attempt(
        self, name: str, notifier: Notifier, event: DomainEvent, attempts: int
    ) -> tuple[Delivery, DispatchReport]:
        """Hand an event to a notifier; return the delivery to record and what it counts as."""
        try:
            notifier.deliver(event, event.event_id)
        except Exception as error:  # noqa: BLE001 - any failure of a plugin's notifier is retried
            permanent = isinstance(error, DeliveryFailed) and error.permanent
            dead = permanent or attempts >= self.settings.max_delivery_attempts
            backoff = self.settings.retry_backoff * 2 ** (attempts - 1)
            delivery = Delivery(
                event.event_id,
                name,
                DeliveryStatus.DEAD if dead else DeliveryStatus.PENDING,
                attempts,
                None if dead else self.clock() + backoff,
                f"{type(error).__name__}: {error}",
            )
            log.warning(
                "delivery of %s to %s failed (try %d): %s",
                event.event_id,
                name,
                attempts,
                one_line(str(error)),
            )
            return delivery, DispatchReport(dead=1) if dead else DispatchReport(retrying=1)
        delivery = Delivery(event.event_id, name, DeliveryStatus.DELIVERED, attempts)
        return delivery, DispatchReport(delivered=1)

    def close(self) -> None:
        """Close every notifier."""
        for notifier in self.notifiers.values():
            notifier.close()


def requeue_dead(outbox: Outbox, event_id: uuid.UUID, notifier: str | None = None) -> int:
    """Put an event's dead deliveries (to one notifier or all) back in line; count them."""
    dead = [
        d
        for d in outbox.deliveries(event_id)
        if d.status is DeliveryStatus.DEAD and notifier in (None, d.notifier)
    ]
    for delivery in dead:
        outbox.record(
            attrs.evolve(delivery, status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None)
        )
    return len(dead)
