"""The PostgreSQL backend against the storage contract, and beside memory in the machine."""

from __future__ import annotations

from pg_support import close, fresh_storage, reopen
from sro_core_postgres.store import PostgresStorage

from sro_core.domain import ProgramCalendar
from sro_core.ports import Capability, Storage
from sro_core.testing import StorageContract, StorageMachine, SubmissionLedgerContract


class TestPostgresStorage(StorageContract):
    """A PostgreSQL schema keeps the storage contract."""

    interleaved_writes = False  # row locks: a second unit writing one row waits for the first

    requires = frozenset(
        {
            Capability.PERSISTENT,
            Capability.SEVERAL_WRITER_PROCESSES,
            Capability.BULK_LOAD,
            Capability.MIGRATIONS,
        }
    )

    def make_storage(self, calendar: ProgramCalendar) -> PostgresStorage:
        """Open a store in a new schema of its own."""
        return fresh_storage(calendar)

    def close_storage(self, storage: Storage) -> None:
        """Close the store; its schema is dropped once no store has it open."""
        assert isinstance(storage, PostgresStorage)
        close(storage)

    def reopen_storage(self, storage: Storage) -> Storage:
        """Open the store's schema again, as another process would."""
        assert isinstance(storage, PostgresStorage)
        return reopen(storage)


class PostgresMachine(StorageMachine):
    """The machine run against a PostgreSQL schema and the memory reference."""

    def make_storage(self, calendar: ProgramCalendar) -> PostgresStorage:
        """Open a store in a new schema of its own."""
        return fresh_storage(calendar)

    def close_storage(self, storage: Storage) -> None:
        """Close the store; its schema is dropped once no store has it open."""
        assert isinstance(storage, PostgresStorage)
        close(storage)


TestPostgresMachine = PostgresMachine.TestCase


class TestPostgresLedger(SubmissionLedgerContract):
    """A PostgreSQL schema keeps the NIBRS submission ledger, for another process too."""

    def make_storage(self, calendar: ProgramCalendar) -> PostgresStorage:
        """Open a store in a new schema of its own."""
        return fresh_storage(calendar)

    def close_storage(self, storage: Storage) -> None:
        """Close the store; its schema is dropped once no store has it open."""
        assert isinstance(storage, PostgresStorage)
        close(storage)

    def reopen_storage(self, storage: Storage) -> Storage:
        """Open the store's schema again, as another process would."""
        assert isinstance(storage, PostgresStorage)
        return reopen(storage)
