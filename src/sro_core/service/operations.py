"""The operator's desk: the audit trail and its checkpoints, and the outbox's deliveries."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Iterator

from sro_core.domain import (
    AuditCheckpoint,
    AuditEntry,
    AuditOutcome,
    ChainBreak,
    DomainEvent,
    UnreadableEntry,
    checkpoint_break,
    verify_chain,
)
from sro_core.ports import Delivery, UnitOfWork
from sro_core.service.core import Kernel
from sro_core.service.desk import Call, command, query
from sro_core.service.dispatch import DispatchReport, requeue_dead
from sro_core.service.policy import Action

AUDIT_BATCH = 1000
"""Audit entries read at a time while the chain is verified."""


class Operations:
    """The desk of the program's operators: verifying and reading the audit trail, and the outbox.

    Every use of these tools is itself audited.
    """

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

    @query(Action.AUDIT)
    def verify_audit(self, call: Call) -> ChainBreak | None:
        """Check the whole audit chain against the latest checkpoint; return its first break."""
        call.allow()
        checkpoint = (
            None if self.kernel.anchors.folder is None else self.kernel.anchors.folder.latest()
        )
        broken = (
            None if checkpoint is None else checkpoint_break(checkpoint, self.kernel.anchors.seals)
        )
        if broken is None:

            def entries(unit: UnitOfWork) -> Iterator[AuditEntry | UnreadableEntry]:
                after = 0
                while batch := unit.audit.scan(after, AUDIT_BATCH):
                    yield from batch
                    last = batch[-1].sequence
                    if last <= after:
                        return
                    after = last

            broken = call.read(
                None,
                lambda u: verify_chain(
                    entries(u), self.kernel.anchors.key, checkpoint, self.kernel.anchors.retired
                ),
            )
        anchored = "" if checkpoint is None else f" (checkpoint of entry {checkpoint.sequence})"
        verdict = "verifies" if broken is None else f"breaks at {broken.sequence}: {broken.reason}"
        self.kernel.audit_alone(
            call.actor, call.name, None, AuditOutcome.ALLOWED, f"the trail {verdict}{anchored}"
        )
        return broken

    @query(Action.AUDIT)
    def audit_trail(self, call: Call, after: int = 0, limit: int = 100) -> list[AuditEntry]:
        """Return audit entries after a sequence number; the read is audited."""
        found = call.read(None, lambda u: u.audit.entries(after, limit))
        shown = f"entries {found[0].sequence} to {found[-1].sequence}" if found else "no entries"
        self.kernel.audit_alone(call.actor, call.name, None, AuditOutcome.ALLOWED, f"read {shown}")
        return found

    @command()
    def audit_refusal(self, call: Call, action: str, target: str | None, reason: str) -> None:
        """Record an attempt that the application refused before asking the program."""
        self.kernel.audit_alone(call.actor, action, target, AuditOutcome.ERROR, reason)

    @command(Action.AUDIT, audited_as="audit_checkpoint")
    def checkpoint_audit(self, call: Call) -> AuditCheckpoint:
        """Take a sealed checkpoint of the audit trail's head now (its own entry included)."""
        call.allow()
        if self.kernel.anchors.sealer is None:
            return self.kernel.checkpoint_or_refuse(None)
        entry = self.kernel.audit_alone(call.actor, call.name, None, AuditOutcome.ALLOWED, "")
        return self.kernel.checkpoint_or_refuse(entry)

    @command(Action.OPERATE_OUTBOX)
    def dispatch(self, call: Call, *, stop: threading.Event | None = None) -> DispatchReport:
        """Deliver every due outbox event to the notifiers now; ``stop`` ends the round early."""
        call.allow()
        return self.kernel.dispatcher.dispatch(stop=stop)

    @query(Action.OPERATE_OUTBOX)
    def dead_letters(self, call: Call) -> list[Delivery]:
        """Return the deliveries that were given up on."""
        return call.read(None, lambda u: u.outbox.dead_letters())

    @command(Action.OPERATE_OUTBOX)
    def replay(self, call: Call, event_id: uuid.UUID, notifier: str | None = None) -> int:
        """Put an event's dead deliveries back in line and dispatch them; return how many."""

        def work(unit: UnitOfWork, _now: dt.datetime) -> tuple[int, list[DomainEvent]]:
            return requeue_dead(unit.outbox, event_id, notifier), []

        count = call.run(str(event_id), work)
        self.kernel.dispatcher.dispatch(events=[event_id])
        return count

    @command(Action.OPERATE_OUTBOX)
    def prune_outbox(self, call: Call, older_than: dt.timedelta | None = None) -> int:
        """Remove events delivered everywhere before the retention (or ``older_than``)."""
        call.allow()
        return self.kernel.dispatcher.prune(older_than)
