"""The SQLite store and its units of work: connections, the write lock, errors, backups.

What the SQL stores share (repositories, outbox, audit, queries) is in :mod:`sro_core.sql`.
"""

from __future__ import annotations

import logging
import os
import pathlib
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

import attrs

from sro_core import sql
from sro_core.builtin.sqlite import schema
from sro_core.builtin.sqlite.database import (
    Address,
    Connections,
    begin,
    connect,
    failure,
    mapped_cursor,
    retrying,
    writable,
)
from sro_core.builtin.sqlite.dialect import SQLITE
from sro_core.ports import Capability, Storage, StorageError, StorageSettings, StoreCheck
from sro_core.sql import Involvements, Parameters, SQLUnitOfWork, Table
from sro_core.sql.outbox import PUT, SQLOutbox

log = logging.getLogger("sro_core.sqlite")


class SQLiteStorage(Storage):
    """A store in a SQLite file (``sqlite:///path.db``) or in memory (``sqlite://:memory:``).

    Opening creates the schema in a new file and migrates an older one forward; a newer
    schema is refused with :class:`~sro_core.ports.SchemaTooNew`, and a file that is not an
    sro_core database, or is damaged, with :class:`~sro_core.ports.StorageError`.
    """

    def __init__(self, settings: StorageSettings) -> None:
        super().__init__(settings)
        address = Address.from_url(settings.url)
        path = pathlib.Path(address.path)
        if not address.in_memory and path.is_file() and not writable(path):
            address = attrs.evolve(address, read_only=True)
        self.address = address
        self.damage: list[str] = []
        """What ``quick_check`` found when the store was opened after an unclean close."""
        self.capabilities = frozenset({Capability.BULK_LOAD, Capability.MIGRATIONS})
        if not self.address.in_memory:
            self.capabilities |= {Capability.PERSISTENT, Capability.SEVERAL_WRITER_PROCESSES}
        self._lock = threading.Lock()
        self._writers: dict[int, SQLiteUnitOfWork] = {}
        self.connections = Connections(self.address, self._open())

    def _open(self) -> sqlite3.Connection:
        unclean = not self.address.in_memory and _left_open(self.address.path)
        connection = connect(self.address)
        try:
            found = retrying(self.address, lambda: schema.inspect(connection))
            sql.check(schema.described(), found, self.address.describe(), self.settings.calendar)
            if unclean:
                self.damage = integrity(self.address, connection, quick=True)
                if self.damage:
                    log.warning(
                        "%s was not closed cleanly and is damaged: %s; run `sro doctor`",
                        self.address.describe(),
                        "; ".join(self.damage[:3]),
                    )
            if self.address.read_only:
                self._check_readable(found)
                return connection
            if not self.address.in_memory:
                retrying(self.address, lambda: connection.execute("PRAGMA journal_mode = WAL"))
            if sql.needs_upgrade(schema.described(), found):
                self._upgrade(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def _check_readable(self, found: sql.Found) -> None:
        if sql.needs_upgrade(schema.described(), found):
            raise StorageError(
                f"{self.address.describe()} is read only and has schema {found.version}, older "
                f"than this sro_core's {schema.LATEST}: open it once with write access so that "
                "it is migrated, or read it with the sro_core that wrote it"
            )

    def check_integrity(self) -> StoreCheck:
        """Run SQLite's ``PRAGMA integrity_check`` over the whole file."""
        connection = self.connections.take()
        try:
            problems = integrity(self.address, connection, quick=False)
        finally:
            self.connections.give(connection)
        note = "read only" if self.address.read_only else ""
        return StoreCheck("SQLite integrity_check", tuple(problems), note)

    def backup(self, path: str) -> None:
        """Copy the store with SQLite's online backup API to a new file, put in place whole.

        Writers may go on meanwhile: the copy is of one moment. The copy is written under a
        temporary name in the target's folder and renamed over ``path`` when complete.
        """
        target = pathlib.Path(path)
        _replace_whole(target, self._copy_to)

    def _copy_to(self, temporary: pathlib.Path) -> None:
        source = self.connections.take()
        try:
            copy = sqlite3.connect(temporary)
            try:
                source.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()
        except sqlite3.Error as error:
            raise failure(self.address, error) from error
        finally:
            self.connections.give(source)

    def restore(self, path: str) -> None:
        """Replace the store's content with a backup file's, in one step, by the backup API.

        The backup must be an sro_core store of this program's time zone and a schema this
        code reads; other units of work wait on the store's lock meanwhile.
        """
        backup = Address(str(pathlib.Path(path).absolute()), self.address.timeout, read_only=True)
        source = connect(backup)
        try:
            found = schema.inspect(source)
            sql.check(schema.described(), found, f"the backup {path}", self.settings.calendar)
            target = self.connections.take()
            try:
                source.backup(target)
            except sqlite3.Error as error:
                raise failure(self.address, error) from error
            finally:
                self.connections.give(target, healthy=False)
        except sqlite3.Error as error:
            raise failure(backup, error) from error
        finally:
            source.close()
        if found.version < schema.LATEST:
            self.migrate()

    def _upgrade(self, connection: sqlite3.Connection) -> int:
        begin(self.address, connection)
        try:
            found = schema.inspect(connection)
            sql.check(schema.described(), found, self.address.describe(), self.settings.calendar)
            version = found.version
            if sql.needs_upgrade(schema.described(), found):
                version = schema.upgrade(connection, found, self.settings.calendar)
            connection.execute("COMMIT")
        except sqlite3.Error as error:
            _roll_back(connection)
            raise failure(self.address, error) from error
        except BaseException:
            _roll_back(connection)
            raise
        return version

    def unit_of_work(self) -> SQLiteUnitOfWork:
        """Begin a unit of work; it takes a connection at its first statement."""
        self.connections.check_open()
        return SQLiteUnitOfWork(self)

    def claim_writing(self, unit: SQLiteUnitOfWork) -> None:
        """Record that a unit is about to write, or refuse if its thread has another writing.

        The other unit holds the write lock until it ends, so waiting for it in its own
        thread could only time out.
        """
        thread = threading.get_ident()
        with self._lock:
            other = self._writers.setdefault(thread, unit)
        if other is not unit:
            raise StorageError(
                f"{self.address.describe()}: another unit of work of this thread is writing; "
                "SQLite has one writer at a time, so commit or roll that one back first"
            )

    def release(
        self, unit: SQLiteUnitOfWork, connection: sqlite3.Connection | None, *, healthy: bool
    ) -> None:
        """Take back what an ended unit of work held: its connection and its writer's claim."""
        with self._lock:
            for thread in [t for t, u in self._writers.items() if u is unit]:
                del self._writers[thread]
        if connection is not None:
            self.connections.give(connection, healthy=healthy)

    def schema_version(self) -> int:
        """Return the schema version of the database."""
        connection = self.connections.take()
        try:
            return retrying(self.address, lambda: schema.inspect(connection)).version
        finally:
            self.connections.give(connection)

    def migrate(self) -> int:
        """Apply the missing migrations in one transaction; return the version reached."""
        connection = self.connections.take()
        try:
            return self._upgrade(connection)
        finally:
            self.connections.give(connection)

    def close(self) -> None:
        """Close the idle connections; those of open units of work close as the units end."""
        self.connections.close()


def _replace_whole(target: pathlib.Path, write: Callable[[pathlib.Path], None]) -> None:
    """Write a file under a temporary name beside ``target``, then rename it over ``target``."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        os.close(handle)
    except OSError as error:
        raise StorageError(f"the backup {target} cannot be written: {error.strerror}") from None
    temporary = pathlib.Path(name)
    try:
        write(temporary)
        temporary.replace(target)
    except OSError as error:
        raise StorageError(f"the backup {target} cannot be written: {error.strerror}") from None
    finally:
        temporary.unlink(missing_ok=True)


FULL_BELOW = 1 << 20
"""Free bytes under which a transaction SQLite rolled back by itself is put down to a full disk."""


def lost(address: Address) -> StorageError:
    """Return the error for a transaction SQLite rolled back by itself (full disk, I/O error)."""
    folder = pathlib.Path(address.path).absolute().parent
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        free = None
    if free is not None and free < FULL_BELOW:
        return StorageError(
            f"{address.describe()}: the disk is full ({free // 1024} kB free); nothing of this "
            "command was stored: free some space, then run it again"
        )
    return StorageError(
        f"{address.describe()}: SQLite rolled the unit of work back after an error (an I/O "
        "error, or a disk that was full); nothing of it was stored: run `sro doctor`"
    )


def _left_open(path: str) -> bool:
    """Return whether the store was not closed cleanly, as far as can be told at opening.

    The last connection to close a WAL database checkpoints it and deletes its ``-wal`` file;
    a ``-wal`` file with content at opening means a process ended without closing the store
    (or has it open now, when a check costs only time).
    """
    wal = pathlib.Path(f"{path}-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


def integrity(address: Address, connection: sqlite3.Connection, *, quick: bool) -> list[str]:
    """Run ``quick_check`` or ``integrity_check``; return the problems it lists ([]: none)."""
    pragma = "quick_check" if quick else "integrity_check"
    try:
        found = [str(row[0]) for row in connection.execute(f"PRAGMA {pragma}(100)").fetchall()]
    except sqlite3.DatabaseError as error:
        return [f"{pragma} could not run: {failure(address, error)}"]
    return [] if found == ["ok"] else found


class SQLiteOutbox(SQLOutbox):
    """The shared outbox, numbering an event by the row id SQLite gives back."""

    def inserted(self, row: Sequence[object]) -> int:
        """Insert one event's row; its sequence is its row id (``INTEGER PRIMARY KEY``)."""
        cursor = cast("sqlite3.Cursor", self.unit.execute(PUT, row))
        sequence = cursor.lastrowid
        assert sequence is not None  # noqa: S101 - an INSERT that did not raise gave its row one
        return sequence


class SQLiteUnitOfWork(SQLUnitOfWork):
    """One transaction on a connection of its own, taken at the unit's first statement.

    The unit reads in a snapshot (a deferred transaction) until its first write. Before that
    write it drops the snapshot, which holds nothing yet, and begins again with
    ``BEGIN IMMEDIATE``: from then on it holds the write lock, so its writes, and the reads
    that follow them, see the latest state and no other writer can come in between. A read
    lock is never upgraded to a write lock, so two writers never deadlock, and a long read
    never blocks writers. A record read before the first write may have moved on by then;
    ``update`` finds that out by its version and raises :class:`~sro_core.ports.Conflict`,
    as the memory reference does at commit. A clean exit commits and an exception (a
    Conflict included) rolls back, allocated incident numbers and all.
    """

    dialect = SQLITE
    outbox_type = SQLiteOutbox

    def __init__(self, storage: SQLiteStorage) -> None:
        self.storage = storage
        self.connection: sqlite3.Connection | None = None
        self.writing = False
        self.ended = False
        super().__init__(storage.settings.calendar, storage.address.describe())

    def execute(self, sql: str, parameters: Parameters = ()) -> sqlite3.Cursor:
        """Run one statement in the unit's transaction; a driver error becomes StorageError."""
        connection = self._transaction()
        try:
            return mapped_cursor(self.storage.address, connection).execute(sql, parameters)
        except sqlite3.Error as error:
            raise failure(self.storage.address, error) from error

    def executemany(self, sql: str, parameters: Iterable[Sequence[object]]) -> None:
        """Run one statement for many rows in the unit's transaction."""
        connection = self._transaction()
        try:
            connection.executemany(sql, parameters)
        except sqlite3.Error as error:
            raise failure(self.storage.address, error) from error

    def load(self, table: Table[Any] | Involvements, rows: Iterable[Sequence[object]]) -> bool:
        """Insert many rows with one ``executemany``; False when a row's key was taken.

        The involvements go in their key's order, which is the table's own (``WITHOUT
        ROWID``): each row then goes in beside the one before, a third cheaper than in the
        order of the batch. The order rows go in changes nothing that is stored.
        """
        batch = list(rows)
        if isinstance(table, Involvements):
            batch.sort(key=table.key)
        connection = self._transaction()
        try:
            written = connection.executemany(table.insert_sql, batch).rowcount
        except sqlite3.IntegrityError:
            return False
        except sqlite3.Error as error:
            raise failure(self.storage.address, error) from error
        return written == len(batch)

    def write_lock(self) -> None:
        """Hold the write lock from now to the end of the unit; writes call this first."""
        if self.writing:
            return
        self.storage.claim_writing(self)
        connection = self._connection()
        if connection.in_transaction:
            _roll_back(connection)
        begin(self.storage.address, connection)
        self.writing = True

    lock_audit = write_lock
    """Appends to the audit chain take turns on the write lock, as every write does."""

    def _connection(self) -> sqlite3.Connection:
        if self.ended:
            raise StorageError(f"{self.where}: this unit of work has ended")
        if self.connection is None:
            self.connection = self.storage.connections.take()
        return self.connection

    def _transaction(self) -> sqlite3.Connection:
        connection = self._connection()
        if not connection.in_transaction:
            if self.writing:
                # SQLite rolls a transaction back by itself after some errors (disk full):
                # going on would write outside it.
                raise lost(self.storage.address)
            try:
                connection.execute("BEGIN")
            except sqlite3.Error as error:
                raise failure(self.storage.address, error) from error
        return connection

    def commit(self) -> None:
        """Commit the transaction; if that fails, roll it back and raise StorageError."""
        if self.ended:
            return
        connection = self.connection
        if connection is not None and connection.in_transaction:
            try:
                connection.execute("COMMIT")
            except sqlite3.Error as error:
                self._end(healthy=_roll_back(connection))
                raise failure(self.storage.address, error) from error
        elif self.writing:
            self._end(healthy=True)
            raise lost(self.storage.address)
        self._end(healthy=True)

    def rollback(self) -> None:
        """Roll the transaction back."""
        if self.ended:
            return
        # A connection that cannot even roll back is closed, not pooled: closing rolls back.
        self._end(healthy=self.connection is None or _roll_back(self.connection))

    def _end(self, *, healthy: bool) -> None:
        self.ended = True
        self.storage.release(self, self.connection, healthy=healthy)


def _roll_back(connection: sqlite3.Connection) -> bool:
    """Roll back the connection's transaction, if any; return whether that worked."""
    try:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
    except sqlite3.Error:
        return False
    return True
