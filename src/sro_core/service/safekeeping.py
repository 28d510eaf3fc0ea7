"""Keeping a store safe: its health checks, backups and restores, each audited and anchored."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from sro_core.domain import Actor, AuditEntry, AuditOutcome, DomainError
from sro_core.ports import StoreCheck, UnitOfWork
from sro_core.service.core import Kernel
from sro_core.service.desk import Call, command, query
from sro_core.service.operations import Operations
from sro_core.service.policy import Action


@attrs.frozen
class Restored:
    """What a restore replaced: the trail's head before (None if unreadable) and after."""

    before: AuditEntry | None
    after: AuditEntry | None


class Safekeeping:
    """The desk of the store itself: ``check_store``, ``backup``, ``restore``.

    The audit trail's check is the operations desk's verification.
    """

    def __init__(self, kernel: Kernel, operations: Operations) -> None:
        self.kernel = kernel
        self.operations = operations

    @query(Action.AUDIT)
    def check_store(self, call: Call) -> list[StoreCheck]:
        """Check the store: its own integrity check, its schema, its audit trail, its outbox."""
        call.allow()
        checks = [self._guarded("store integrity", self.kernel.storage.check_integrity)]
        version = self.kernel.storage.schema_version()
        checks.append(
            StoreCheck(
                "schema version",
                note="no schema versions" if version is None else f"schema {version}",
            )
        )
        checks.append(self._guarded("audit trail", lambda: self._trail_check(call.actor)))
        checks.append(self._guarded("outbox", self._outbox_check))
        failed = [c.name for c in checks if not c.ok]
        verdict = "failed: " + ", ".join(failed) if failed else "every check passed"
        self.kernel.audit_alone(call.actor, call.name, None, AuditOutcome.ALLOWED, verdict)
        return checks

    @staticmethod
    def _guarded(name: str, check: Callable[[], StoreCheck]) -> StoreCheck:
        """Run a check; an error it meets (a damaged file) is what it found."""
        try:
            return check()
        except DomainError as error:
            return StoreCheck(name, (str(error),))

    def _trail_check(self, actor: Actor) -> StoreCheck:
        broken = self.operations.verify_audit(actor)
        folder = self.kernel.anchors.folder
        checkpoint = None if folder is None else folder.latest()
        notes = []
        if self.kernel.anchors.key is None:
            notes.append("no audit key: the chain is not keyed")
        if checkpoint is None:
            notes.append("no checkpoint yet: a cut tail or a deleted trail would not show")
        else:
            notes.append(f"checked against the checkpoint of entry {checkpoint.sequence}")
        problems = (
            () if broken is None else (f"breaks at entry {broken.sequence}: {broken.reason}",)
        )
        return StoreCheck("audit trail", problems, "; ".join(notes))

    def _outbox_check(self) -> StoreCheck:
        def count(unit: UnitOfWork) -> tuple[int, dict[str, int]]:
            now = self.kernel.clock()
            due = {
                kind: len(unit.outbox.due(kind, now, 10_000))
                for kind in self.kernel.dispatcher.notifiers
            }
            return len(unit.outbox.dead_letters()), due

        with self.kernel.storage.unit_of_work() as unit:
            dead, due = count(unit)
        waiting = ", ".join(f"{n} due for {kind}" for kind, n in sorted(due.items())) or "none due"
        note = f"{dead} dead letters (`sro outbox status`); {waiting}"
        return StoreCheck("outbox", note=note)

    @command(Action.AUDIT, audited_as="backup_store")
    def backup(self, call: Call, path: str) -> AuditEntry | None:
        """Write a consistent copy of the store to ``path``; its trail ends with this backup."""
        call.allow(path)
        entry = self.kernel.audit_alone(call.actor, call.name, path, AuditOutcome.ALLOWED, "")
        try:
            self.kernel.storage.backup(path)
        except Exception as error:
            self.kernel.audit_failure(call.actor, call.name, path, error)
            raise
        if entry is not None and self.kernel.anchors.sealer is not None:
            self.kernel.checkpoint(entry)
        return entry

    @command(Action.AUDIT, audited_as="restore_store")
    def restore(self, call: Call, path: str) -> Restored:
        """Replace the store with a backup; the trail records what was replaced, and is anchored."""
        call.allow(path)
        before = self._head()
        try:
            self.kernel.storage.restore(path)
        except Exception as error:
            self.kernel.audit_failure(call.actor, call.name, path, error)
            raise
        after = self._head()
        replaced = (
            "an unreadable trail"
            if before is None
            else f"a trail ending at entry {before.sequence} (hash {before.hash})"
        )
        reached = "no entries" if after is None else f"entry {after.sequence}"
        entry = self.kernel.audit_alone(
            call.actor,
            call.name,
            path,
            AuditOutcome.ALLOWED,
            f"restored a trail ending at {reached}; it replaced {replaced}",
        )
        if entry is not None and self.kernel.anchors.sealer is not None:
            self.kernel.checkpoint(entry)
        return Restored(before, entry)

    def _head(self) -> AuditEntry | None:
        try:
            with self.kernel.storage.unit_of_work() as unit:
                return unit.audit.head()
        except DomainError:
            return None
