"""The SQLite backend, in files, against the storage contract and beside memory in the machine."""

from __future__ import annotations

from pathlib import Path

from sro_core.builtin.sqlite import SQLiteStorage
from sro_core.domain import ProgramCalendar
from sro_core.ports import StorageSettings
from sro_core.testing import StorageContract, StorageMachine, SubmissionLedgerContract


def _sqlite(folder: Path, calendar: ProgramCalendar) -> SQLiteStorage:
    return SQLiteStorage(StorageSettings(f"sqlite:///{folder / 'sro.db'}", calendar))


class TestSQLiteStorage(StorageContract):
    """A SQLite file keeps the storage contract."""

    interleaved_writes = False  # one writer at a time: a second writing unit is refused

    def make_storage(self, calendar: ProgramCalendar) -> SQLiteStorage:
        """Open a new SQLite file in a folder of its own."""
        return _sqlite(self.storage_dir(), calendar)


class SQLiteMachine(StorageMachine):
    """The machine run against a SQLite file and the memory reference."""

    def make_storage(self, calendar: ProgramCalendar) -> SQLiteStorage:
        """Open a new SQLite file in a folder of its own."""
        return _sqlite(self.storage_dir(), calendar)


TestSQLiteMachine = SQLiteMachine.TestCase


class TestSQLiteLedger(SubmissionLedgerContract):
    """A SQLite file keeps the NIBRS submission ledger, for the next process too."""

    def make_storage(self, calendar: ProgramCalendar) -> SQLiteStorage:
        """Open a new SQLite file in a folder of its own."""
        return _sqlite(self.storage_dir(), calendar)
