"""The memory backend, the reference, against its own contract and the state machine."""

from __future__ import annotations

from sro_core.builtin.memory import MemoryStorage
from sro_core.domain import ProgramCalendar
from sro_core.ports import StorageSettings
from sro_core.testing import StorageContract, StorageMachine, SubmissionLedgerContract


def _memory(calendar: ProgramCalendar) -> MemoryStorage:
    return MemoryStorage(StorageSettings("memory:", calendar))


class TestMemoryStorage(StorageContract):
    """The memory store keeps the storage contract."""

    def make_storage(self, calendar: ProgramCalendar) -> MemoryStorage:
        """Open an empty memory store."""
        return _memory(calendar)


class MemoryMachine(StorageMachine):
    """The machine run against memory on both sides: a check of the machine itself."""

    def make_storage(self, calendar: ProgramCalendar) -> MemoryStorage:
        """Open an empty memory store."""
        return _memory(calendar)


TestMemoryMachine = MemoryMachine.TestCase


class TestMemoryLedger(SubmissionLedgerContract):
    """The memory store keeps the NIBRS submission ledger."""

    def make_storage(self, calendar: ProgramCalendar) -> MemoryStorage:
        """Open an empty memory store."""
        return _memory(calendar)
