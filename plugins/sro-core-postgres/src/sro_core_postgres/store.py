"""The PostgreSQL store and its units of work: the pool, locks, errors, COPY, claims.

What the SQL stores share (repositories, outbox, audit, queries) is in :mod:`sro_core.sql`.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Collection, Iterable, Sequence
from typing import Any

import psycopg
import psycopg_pool
from psycopg import sql

from sro_core.ports import (
    Capability,
    Claim,
    Conflict,
    Storage,
    StorageError,
    StorageSettings,
    StoreCheck,
)
from sro_core.sql import (
    Involvements,
    Parameters,
    SQLOutbox,
    SQLUnitOfWork,
    Table,
    check,
    needs_upgrade,
)
from sro_core_postgres import schema
from sro_core_postgres.address import Address, failure
from sro_core_postgres.dialect import POSTGRES

Connection = psycopg.Connection[tuple[Any, ...]]

_RACES = (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure)
"""Errors that only mean another writer went first: the unit is a Conflict, to be run again."""


class PostgresStorage(Storage):
    """A store in a PostgreSQL database (``postgresql://user@host/database?schema=NAME``).

    Opening creates the schema in a new (or empty) PostgreSQL schema and migrates an older one
    forward; a newer one is refused with :class:`~sro_core.ports.SchemaTooNew`, and a server
    that cannot be reached, or refuses the credentials, with
    :class:`~sro_core.ports.StorageError`. Units of work take connections from a pool.
    """

    capabilities = frozenset(
        {
            Capability.PERSISTENT,
            Capability.SEVERAL_WRITER_PROCESSES,
            Capability.BULK_LOAD,
            Capability.MIGRATIONS,
        }
    )

    def __init__(self, settings: StorageSettings) -> None:
        super().__init__(settings)
        self.address = Address.from_url(settings.url)
        self._closed = False
        self.audit_lock = schema.audit_lock_key(self.address.schema)
        self._prepare()
        self.pool: psycopg_pool.ConnectionPool[Connection] = psycopg_pool.ConnectionPool(
            self.address.conninfo,
            min_size=1,
            max_size=self.address.pool_size,
            open=False,
            configure=self._configure,
            timeout=self.address.timeout,
            num_workers=1,
            name=f"sro_core {self.address.schema}",
        )
        self.pool.open(wait=False)

    def _connect(self) -> Connection:
        """Open a connection of its own (not pooled) with the store's session settings."""
        try:
            connection: Connection = psycopg.connect(self.address.conninfo)
        except psycopg.Error as error:
            raise failure(self.address, error) from error
        return connection

    def _configure(self, connection: Connection) -> None:
        """Give a new pooled connection the store's schema, UTC, and the lock timeout."""
        milliseconds = round(self.address.timeout * 1000)
        connection.execute(
            sql.SQL("SET search_path TO {}; SET TimeZone TO 'UTC'; SET lock_timeout = {}").format(
                sql.Identifier(self.address.schema), sql.Literal(milliseconds)
            )
        )
        connection.commit()

    def _prepare(self) -> None:
        """Check the schema, and create or migrate it if it is new or older."""
        with self._connect() as connection:
            try:
                found = schema.inspect(connection, self.address.schema)
                connection.rollback()
                check(schema.SCHEMA, found, self.address.describe(), self.settings.calendar)
                if needs_upgrade(schema.SCHEMA, found):
                    self._upgrade(connection)
            except psycopg.Error as error:
                raise failure(self.address, error) from error

    def _upgrade(self, connection: Connection) -> int:
        """Migrate in one transaction, taking turns with any other process doing the same."""
        name = self.address.schema
        try:
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (schema.lock_key(name),))
            connection.execute(
                sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(name))
            )
            connection.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(name)))
            found = schema.inspect(connection, name)
            check(schema.SCHEMA, found, self.address.describe(), self.settings.calendar)
            version = found.version
            if needs_upgrade(schema.SCHEMA, found):
                version = schema.upgrade(connection, found, self.settings.calendar)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        return version

    def connection(self) -> Connection:
        """Take a connection from the pool for a unit of work; give it back with ``give``."""
        if self._closed:
            raise StorageError(f"{self.address.describe()} is closed")
        try:
            return self.pool.getconn()
        except psycopg_pool.PoolTimeout as error:
            raise StorageError(
                f"{self.address.describe()}: no connection within {self.address.timeout:g} s "
                f"(the server is unreachable, or all {self.address.pool_size} connections are "
                "busy); try again, or raise ?timeout= or ?pool_size= in the storage URL"
            ) from error
        except psycopg_pool.PoolClosed as error:
            raise StorageError(f"{self.address.describe()} is closed") from error

    def give(self, connection: Connection) -> None:
        """Take back a connection a unit of work has finished with."""
        try:
            self.pool.putconn(connection)
        except psycopg_pool.PoolClosed:
            connection.close()

    def unit_of_work(self) -> PostgresUnitOfWork:
        """Begin a unit of work; it takes a connection at its first statement."""
        if self._closed:
            raise StorageError(f"{self.address.describe()} is closed")
        return PostgresUnitOfWork(self)

    def schema_version(self) -> int:
        """Return the schema version of the store."""
        with self._connect() as connection:
            try:
                return schema.inspect(connection, self.address.schema).version
            except psycopg.Error as error:
                raise failure(self.address, error) from error

    def migrate(self) -> int:
        """Apply the missing migrations in one transaction; return the version reached."""
        with self._connect() as connection:
            try:
                return self._upgrade(connection)
            except psycopg.Error as error:
                raise failure(self.address, error) from error

    def check_integrity(self) -> StoreCheck:
        """Check the store's B-tree indexes with ``amcheck``, where the extension is installed.

        ``bt_index_check`` reads each index of the store's schema and reports corruption
        without blocking writers. Without the extension the check says how to install it.
        """
        name = "PostgreSQL amcheck"
        with self._connect() as connection:
            try:
                installed = connection.execute(
                    "SELECT 1 FROM pg_extension WHERE extname = 'amcheck'"
                ).fetchone()
                if installed is None:
                    return StoreCheck(
                        name,
                        note="amcheck is not installed: CREATE EXTENSION amcheck (as a "
                        "superuser) to check the indexes; the library's own checks ran",
                    )
                indexes = connection.execute(
                    "SELECT c.oid, c.relname FROM pg_index AS i "
                    "JOIN pg_class AS c ON c.oid = i.indexrelid "
                    "JOIN pg_namespace AS n ON n.oid = c.relnamespace "
                    "JOIN pg_am AS a ON a.oid = c.relam "
                    "WHERE n.nspname = %s AND a.amname = 'btree' ORDER BY c.relname",
                    (self.address.schema,),
                ).fetchall()
            except psycopg.Error as error:
                raise failure(self.address, error) from error
            problems = []
            for oid, relname in indexes:
                try:
                    connection.execute("SELECT bt_index_check(%s)", (oid,))
                except psycopg.Error as error:
                    connection.rollback()
                    problems.append(f"index {relname}: {str(error).strip().splitlines()[0]}")
        return StoreCheck(name, tuple(problems), f"{len(indexes)} indexes checked")

    def backup(self, path: str) -> None:
        """Refuse, saying which server tool copies the store's schema."""
        raise StorageError(
            f"{self.address.describe()}: back up a PostgreSQL store with the server's tools: "
            f"pg_dump --format=custom --schema={self.address.schema} --file={path} <database URL>"
        )

    def restore(self, path: str) -> None:
        """Refuse, saying which server tool restores the store's schema."""
        raise StorageError(
            f"{self.address.describe()}: restore a PostgreSQL store with the server's tools: "
            f"pg_restore --clean --if-exists --schema={self.address.schema} --dbname=<database "
            f"URL> {path}, then `sro audit checkpoint`"
        )

    def close(self) -> None:
        """Close the pool: idle connections now, the others as their units of work end."""
        if not self._closed:
            self._closed = True
            self.pool.close()


class PostgresOutbox(SQLOutbox):
    """The shared outbox, with claims and pruning that pass over rows another unit locked."""

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
        """Choose and claim in one statement; dispatchers pass over each other's candidates.

        SKIP LOCKED lets dispatchers pass over each other's candidates; the guarded upsert is
        what makes a claim exclusive: it re-reads the delivery's newest committed row.
        """
        only = "" if events is None else "AND o.event_id = ANY(%(events)s) "
        found = self.unit.execute(
            "WITH candidates AS (SELECT o.event_id, coalesce(d.attempts, 0) AS attempts "  # noqa: S608 - only placeholders
            "FROM outbox AS o LEFT JOIN deliveries AS d "
            "ON d.event_id = o.event_id AND d.notifier = %(notifier)s "
            f"WHERE o.settled_at IS NULL {only}AND (d.event_id IS NULL OR (d.status = 'pending' "
            "AND coalesce(d.next_attempt_at, '-infinity') <= %(now)s "
            "AND coalesce(d.lease_until, '-infinity') <= %(now)s)) "
            "ORDER BY o.urgent DESC, o.sequence LIMIT %(limit)s FOR UPDATE OF o SKIP LOCKED), "
            "claimed AS (INSERT INTO deliveries "
            "(event_id, notifier, status, attempts, claim, lease_until) "
            "SELECT event_id, %(notifier)s, 'pending', attempts + 1, %(token)s, %(until)s "
            "FROM candidates ON CONFLICT (event_id, notifier) DO UPDATE SET "
            "attempts = deliveries.attempts + 1, claim = excluded.claim, "
            "lease_until = excluded.lease_until WHERE deliveries.status = 'pending' "
            "AND coalesce(deliveries.next_attempt_at, '-infinity') <= %(now)s "
            "AND coalesce(deliveries.lease_until, '-infinity') <= %(now)s "
            "RETURNING event_id, attempts) "
            "SELECT o.sequence, o.event, o.recorded_at, c.attempts FROM claimed AS c "
            "JOIN outbox AS o ON o.event_id = c.event_id ORDER BY o.urgent DESC, o.sequence",
            {
                "notifier": notifier,
                "now": now,
                "until": now + lease,
                "limit": limit,
                "token": token,
                "events": None if events is None else list(events),
            },
        ).fetchall()
        return [Claim(self.entry(*row[:3]), notifier, row[3], token, now + lease) for row in found]

    def prune(self, before: dt.datetime, limit: int) -> int:
        """Delete settled events older than ``before`` in one statement, skipping locked ones."""
        found = self.unit.execute(
            "WITH gone AS (SELECT o.sequence, o.event_id FROM outbox AS o "
            "WHERE o.settled_at IS NOT NULL AND o.settled_at < %s AND NOT EXISTS (SELECT 1 "
            "FROM deliveries AS d WHERE d.event_id = o.event_id AND d.status <> 'delivered') "
            "ORDER BY o.settled_at LIMIT %s FOR UPDATE OF o SKIP LOCKED), "
            "deleted AS (DELETE FROM deliveries WHERE event_id IN (SELECT event_id FROM gone)) "
            "DELETE FROM outbox WHERE sequence IN (SELECT sequence FROM gone) RETURNING sequence",
            (before, limit),
        ).fetchall()
        return len(found)


class PostgresUnitOfWork(SQLUnitOfWork):
    """One transaction (READ COMMITTED) on a pooled connection, taken at its first statement.

    Updates are optimistic: ``UPDATE … WHERE id = … AND version = …`` touches no row when the
    record moved on since it was read, and that is a :class:`~sro_core.ports.Conflict`; a
    concurrent update of the same row waits for the other transaction, then sees its version.
    Inserts use ``ON CONFLICT DO NOTHING``, so a taken id or unique value is a Conflict that
    leaves the transaction usable, as the memory reference's is. A clean exit commits and an
    exception rolls back, allocated incident numbers and all.
    """

    dialect = POSTGRES
    outbox_type = PostgresOutbox

    def __init__(self, storage: PostgresStorage) -> None:
        self.storage = storage
        self._connection: Connection | None = None
        self.ended = False
        self.failed: StorageError | None = None
        super().__init__(storage.settings.calendar, storage.address.describe())

    @property
    def connection(self) -> Connection:
        """The unit's connection, taken from the pool at first use."""
        if self.ended:
            raise StorageError(f"{self.where}: this unit of work has ended")
        if self.failed is not None:
            raise StorageError(f"{self.where}: this unit of work failed earlier ({self.failed})")
        if self._connection is None:
            self._connection = self.storage.connection()
        return self._connection

    def execute(self, sql: str, parameters: Parameters = ()) -> psycopg.Cursor[Any]:
        """Run one statement in the unit's transaction; a driver error becomes StorageError."""
        connection = self.connection
        try:
            return connection.execute(_statement(sql), parameters)
        except psycopg.Error as error:
            raise self._failed(error) from error

    def executemany(self, sql: str, parameters: Iterable[Sequence[object]]) -> None:
        """Run one statement for many rows in the unit's transaction (pipelined)."""
        connection = self.connection
        try:
            with connection.cursor() as cursor:
                cursor.executemany(_statement(sql), parameters)
        except psycopg.Error as error:
            raise self._failed(error) from error

    def load(self, table: Table[Any] | Involvements, rows: Iterable[Sequence[object]]) -> bool:
        """Load rows with one binary ``COPY``; False when a row's key was taken."""
        connection = self.connection
        statement = f"COPY {table.name} ({', '.join(table.columns)}) FROM STDIN (FORMAT BINARY)"
        try:
            with connection.cursor() as cursor, cursor.copy(statement.encode()) as copy:
                copy.set_types(table.types)
                for row in rows:
                    copy.write_row(row)
        except psycopg.errors.UniqueViolation as error:
            self._failed(error)
            return False
        except psycopg.Error as error:
            raise self._failed(error) from error
        return True

    def lock_audit(self) -> None:
        """Take the schema's audit lock (``pg_advisory_xact_lock``) to the end of the unit."""
        self.execute("SELECT pg_advisory_xact_lock(?)", (self.storage.audit_lock,))

    def _failed(self, error: psycopg.Error) -> StorageError:
        """Return the error to raise for a driver error; the transaction is now unusable."""
        if isinstance(error, _RACES):
            found: StorageError = Conflict(
                "unit of work", self.where, f"lost a race with another writer ({error})"
            )
        else:
            found = failure(self.storage.address, error)
        self.failed = found
        return found

    def back_to(self, name: str) -> None:
        """Undo what was done since a savepoint, and forget it; the unit goes on."""
        connection = self.connection if self.failed is None else self._connection
        if connection is None:
            return
        try:
            connection.execute(f"ROLLBACK TO SAVEPOINT {name}".encode())
            connection.execute(f"RELEASE SAVEPOINT {name}".encode())
        except psycopg.Error as error:
            raise self._failed(error) from error
        self.failed = None

    def commit(self) -> None:
        """Commit the transaction; if that fails, roll it back and raise StorageError."""
        if self.ended:
            return
        if self.failed is not None:
            failed = self.failed
            self.rollback()
            raise StorageError(f"{self.where}: the unit of work failed earlier ({failed})")
        connection = self._connection
        self.ended = True
        if connection is None:
            return
        try:
            connection.commit()
        except psycopg.Error as error:
            found = self._failed(error)
            _roll_back(connection)
            self.storage.give(connection)
            raise found from error
        self.storage.give(connection)

    def rollback(self) -> None:
        """Roll the transaction back."""
        if self.ended:
            return
        self.ended = True
        connection = self._connection
        if connection is not None:
            _roll_back(connection)
            self.storage.give(connection)


@functools.lru_cache(maxsize=1024)
def _statement(sql: str) -> bytes:
    """Return a statement as psycopg takes it: a shared one's ``?`` marks become ``%s``.

    The store's own statements are written in psycopg's style (``%s``, ``%(name)s``) already.
    """
    return POSTGRES.statement(sql).encode()


def _roll_back(connection: Connection) -> None:
    """Roll back, if the connection still can (a broken one goes back to the pool to be closed)."""
    try:
        connection.rollback()
    except psycopg.Error:
        connection.close()
