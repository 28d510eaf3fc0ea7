"""The PostgreSQL store, its units of work, repositories, outbox and audit log."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs
import psycopg
import psycopg_pool
from psycopg import sql

from sro_core.domain import (
    ActorEntry,
    Agreement,
    Assignment,
    AuditEntry,
    CrisisEvent,
    DomainEvent,
    Incident,
    Officer,
    Partner,
    PersonRecord,
    Referral,
    School,
    UnreadableEntry,
    incident_number,
    read_entry,
    readable,
)
from sro_core.ports import (
    Aggregate,
    AssignmentRepository,
    AuditLog,
    Capability,
    Claim,
    Conflict,
    CrisisRepository,
    Delivery,
    DeliveryStatus,
    IncidentRepository,
    NotFound,
    OfficerRepository,
    Outbox,
    OutboxEntry,
    PersonIndex,
    ReferralRepository,
    Repository,
    Storage,
    StorageError,
    StorageSettings,
    StoreCheck,
    SubmissionLedger,
    SubmittedReport,
    UnitOfWork,
    check_follows,
)
from sro_core.serialization import AnyEvent, unstructure
from sro_core_postgres import rows, schema
from sro_core_postgres.address import Address, failure
from sro_core_postgres.queries import PostgresQueries

R = TypeVar("R", bound=Aggregate)

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
                schema.check(found, self.address.describe(), self.settings.calendar)
                if found.version < schema.LATEST or found.time_zone is None:
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
            schema.check(found, self.address.describe(), self.settings.calendar)
            version = found.version
            if found.version < schema.LATEST or found.time_zone is None:
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


class PostgresUnitOfWork(UnitOfWork):
    """One transaction (READ COMMITTED) on a pooled connection, taken at its first statement.

    Updates are optimistic: ``UPDATE … WHERE id = … AND version = …`` touches no row when the
    record moved on since it was read, and that is a :class:`~sro_core.ports.Conflict`; a
    concurrent update of the same row waits for the other transaction, then sees its version.
    Inserts use ``ON CONFLICT DO NOTHING``, so a taken id or unique value is a Conflict that
    leaves the transaction usable, as the memory reference's is. A clean exit commits and an
    exception rolls back, allocated incident numbers and all.
    """

    def __init__(self, storage: PostgresStorage) -> None:
        self.storage = storage
        self.calendar = storage.settings.calendar
        self.where = storage.address.describe()
        self._connection: Connection | None = None
        self.ended = False
        self.failed: StorageError | None = None
        self.officers = _Officers(self, rows.OFFICERS)
        self.schools = _Repository[School](self, rows.SCHOOLS)
        self.assignments = _Assignments(self, rows.ASSIGNMENTS)
        self.people = _People(self, rows.PEOPLE)
        self.incidents = _Incidents(self, rows.INCIDENTS)
        self.contacts = _Repository(self, rows.CONTACTS)
        self.activities = _Repository(self, rows.ACTIVITIES)
        self.partners = _Repository[Partner](self, rows.PARTNERS)
        self.actors = _Repository[ActorEntry](self, rows.ACTORS)
        self.agreements = _Repository[Agreement](self, rows.AGREEMENTS)
        self.referrals = _Referrals(self, rows.REFERRALS)
        self.crises = _Crises(self, rows.CRISES)
        self.outbox = _Outbox(self)
        self.audit = _Audit(self)
        self.submissions = _Submissions(self)
        self.queries = PostgresQueries(self)

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

    def execute(
        self, query: str, parameters: Sequence[object] | Mapping[str, object] = ()
    ) -> psycopg.Cursor[Any]:
        """Run one statement in the unit's transaction; a driver error becomes StorageError."""
        connection = self.connection
        try:
            return connection.execute(query.encode(), parameters)
        except psycopg.Error as error:
            raise self._failed(error) from error

    def executemany(self, query: str, parameters: Iterable[Sequence[object]]) -> None:
        """Run one statement for many rows in the unit's transaction (pipelined)."""
        connection = self.connection
        try:
            with connection.cursor() as cursor:
                cursor.executemany(query.encode(), parameters)
        except psycopg.Error as error:
            raise self._failed(error) from error

    def copy(
        self, statement: str, types: Sequence[str], records: Iterable[Sequence[object]]
    ) -> None:
        """Load rows with one binary ``COPY``."""
        connection = self.connection
        try:
            with connection.cursor() as cursor, cursor.copy(statement.encode()) as copy:
                copy.set_types(types)
                for record in records:
                    copy.write_row(record)
        except psycopg.Error as error:
            raise self._failed(error) from error

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

    def savepoint(self, name: str) -> None:
        """Mark a point the unit can roll back to."""
        self.execute(f"SAVEPOINT {name}")

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

    def next_incident_number(self, year: int) -> str:
        """Allocate the year's next number: a counter row locked to the end of the unit.

        ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` locks the year's row until commit or
        rollback, so a concurrent unit allocating in the same year waits, then reads the
        committed count: numbers are unique and gap-free, and a rolled-back unit gives its
        numbers back (a SEQUENCE would not: its values are never rolled back).
        """
        try:
            found = self.execute(
                "INSERT INTO incident_numbers AS n VALUES (%s, 1) "
                "ON CONFLICT (year) DO UPDATE SET last = n.last + 1 RETURNING last",
                (year,),
            ).fetchone()
        except Conflict as race:
            raise Conflict("incident number", year, race.reason) from race
        assert found is not None  # noqa: S101 - RETURNING of an upsert always gives its row
        return incident_number(year, int(found[0]))

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


def _roll_back(connection: Connection) -> None:
    """Roll back, if the connection still can (a broken one goes back to the pool to be closed)."""
    try:
        connection.rollback()
    except psycopg.Error:
        connection.close()


class _Repository(Repository[R], Generic[R]):
    def __init__(self, unit: PostgresUnitOfWork, table: rows.Table[R]) -> None:
        self.unit = unit
        self.table = table
        self.kind = table.kind

    def get(self, key: uuid.UUID) -> R:
        row = self.unit.execute(self.table.get_sql, (key,)).fetchone()
        if row is None:
            raise NotFound(self.kind, key)
        return self.table.read(row[0], self.unit.where)

    def add(self, record: R) -> R:
        if record.version != 0:
            raise Conflict(self.kind, record.id, "a new record has version 0")
        stored = self.table.stored(record, 1)  # checked when it was built
        row = self.table.row(stored, self.unit.calendar)
        if self.unit.execute(self.table.insert_sql, row).rowcount == 0:
            raise self._clash(record)
        self.written([stored], replace=False)
        return stored

    def _clash(self, record: R) -> Conflict:
        """Return the Conflict of a record that was not inserted: its id or a unique value."""
        if self.exists(record.id):
            return Conflict(self.kind, record.id, "a record with this id exists")
        unique = self.table.unique
        if unique is not None:
            return Conflict(self.kind, unique.value(record), unique.reason)
        return Conflict(self.kind, record.id, "a record with this id exists")

    def update(self, record: R) -> R:
        stored: R = attrs.evolve(record, version=record.version + 1)  # type: ignore[misc]
        parameters = self.table.update_row(stored, record.version, self.unit.calendar)
        if self.unit.execute(self.table.update_sql, parameters).rowcount == 0:
            found = self.unit.execute(self.table.exists_sql, (record.id,)).fetchone()
            if found is None:
                raise NotFound(self.kind, record.id)
            if found[0] != record.version:
                raise Conflict(self.kind, record.id, "changed by someone else since it was read")
            unique = self.table.unique
            assert unique is not None  # noqa: S101 - only the uniqueness guard is left
            raise Conflict(self.kind, unique.value(record), unique.reason)
        self.written([stored], replace=True)
        return stored

    def add_many(
        self, records: Iterable[R], documents: Sequence[Mapping[str, Any]] | None = None
    ) -> list[R]:
        """Load every record with one binary COPY; on a clash, redo them one by one.

        Redoing them one by one raises the same Conflict, at the same record, as ``add``
        would, and keeps the records before it, as the memory reference does.
        """
        batch = list(records)
        if not batch:
            return []
        if any(record.version != 0 for record in batch):
            return [self.add(record) for record in batch]
        table, calendar = self.table, self.unit.calendar
        stored = [table.stored(record, 1) for record in batch]
        self.unit.savepoint("add_many")
        try:
            rows = (
                (table.row(s, calendar) for s in stored)
                if documents is None
                else (table.row(s, calendar, d) for s, d in zip(stored, documents, strict=True))
            )
            self.unit.copy(table.copy_sql, table.copy_types, rows)
            self.loaded(stored)
        except StorageError as error:
            cause = error.__cause__
            self.unit.back_to("add_many")
            if isinstance(cause, psycopg.errors.UniqueViolation):
                return [self.add(record) for record in batch]
            raise
        self.unit.execute("RELEASE SAVEPOINT add_many")
        return stored

    def all(self) -> Iterator[R]:
        return self._where("", ())

    def after(self, key: uuid.UUID | None, limit: int) -> list[R]:
        if key is None:
            return list(self._where("", (), limit=limit))
        return list(self._where("WHERE id > %s", (key,), limit=limit))

    def written(self, stored: list[R], *, replace: bool) -> None:
        """Write what goes with records besides their rows (the incidents' involvements)."""

    def loaded(self, stored: list[R]) -> None:
        """Load what goes with a bulk-loaded batch besides its rows."""

    def _where(
        self, condition: str, parameters: Sequence[object], *, limit: int | None = None
    ) -> Iterator[R]:
        found = self.unit.execute(
            f"{self.table.select_sql} {condition} ORDER BY id LIMIT %s", (*parameters, limit)
        ).fetchall()
        where, read = self.unit.where, self.table.read
        return iter([read(document, where) for (document,) in found])

    def exists(self, key: uuid.UUID) -> bool:
        return self.unit.execute(self.table.exists_sql, (key,)).fetchone() is not None


class _Officers(_Repository[Officer], OfficerRepository):
    def by_badge(self, badge: str) -> Officer:
        for officer in self._where("WHERE badge = %s", (badge,)):
            return officer
        raise NotFound(self.kind, badge)


class _Incidents(_Repository[Incident], IncidentRepository):
    def by_number(self, number: str) -> Incident:
        for incident in self._where("WHERE number = %s", (number,)):
            return incident
        raise NotFound(self.kind, number)

    def written(self, stored: list[Incident], *, replace: bool) -> None:
        involved = []
        for incident in stored:
            if replace:
                self.unit.execute("DELETE FROM involvements WHERE incident_id = %s", (incident.id,))
            involved.extend(rows.involvement_rows(incident))
        if involved:
            self.unit.executemany(rows.INVOLVEMENT_INSERT, involved)

    def loaded(self, stored: list[Incident]) -> None:
        self.unit.copy(
            rows.INVOLVEMENT_COPY,
            rows.INVOLVEMENT_TYPES,
            (row for incident in stored for row in rows.involvement_rows(incident)),
        )


class _Assignments(_Repository[Assignment], AssignmentRepository):
    def for_officer(self, officer_id: uuid.UUID) -> list[Assignment]:
        return list(self._where("WHERE officer_id = %s", (officer_id,)))

    def for_school(self, school_id: uuid.UUID) -> list[Assignment]:
        return list(self._where("WHERE school_id = %s", (school_id,)))


class _Referrals(_Repository[Referral], ReferralRepository):
    def for_incident(self, incident_id: uuid.UUID) -> list[Referral]:
        return list(self._where("WHERE incident_id = %s", (incident_id,)))

    def for_partner(self, partner_id: uuid.UUID) -> list[Referral]:
        return list(self._where("WHERE partner_id = %s", (partner_id,)))


class _People(_Repository[PersonRecord], PersonIndex):
    """The person index: the contract's defaults over the ``people`` table."""


class _Crises(_Repository[CrisisEvent], CrisisRepository):
    def active(self, school_id: uuid.UUID | None = None) -> list[CrisisEvent]:
        if school_id is None:
            return list(self._where("WHERE status = 'active'", ()))
        return list(self._where("WHERE status = 'active' AND school_id = %s", (school_id,)))


class _Outbox(Outbox):
    def __init__(self, unit: PostgresUnitOfWork) -> None:
        self.unit = unit

    def put(self, events: Sequence[DomainEvent], at: dt.datetime) -> None:
        self.unit.executemany(
            "INSERT INTO outbox (event_id, urgent, event, recorded_at) VALUES (%s, %s, %s, %s)",
            [(e.event_id, e.urgent, rows.encode(unstructure(e)), at) for e in events],
        )

    def entries(self, after: int = 0, limit: int | None = None) -> list[OutboxEntry]:
        found = self.unit.execute(
            "SELECT sequence, event, recorded_at FROM outbox WHERE sequence > %s "
            "ORDER BY sequence LIMIT %s",
            (after, limit),
        ).fetchall()
        return [self._entry(*row) for row in found]

    def due(self, notifier: str, now: dt.datetime, limit: int) -> list[OutboxEntry]:
        found = self.unit.execute(
            "SELECT o.sequence, o.event, o.recorded_at FROM outbox AS o "
            "LEFT JOIN deliveries AS d ON d.event_id = o.event_id AND d.notifier = %s "
            "WHERE d.event_id IS NULL OR (d.status = 'pending' "
            "AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= %s)) "
            "ORDER BY o.urgent DESC, o.sequence LIMIT %s",
            (notifier, now, limit),
        ).fetchall()
        return [self._entry(*row) for row in found]

    def record(self, delivery: Delivery) -> None:
        self.unit.execute(
            "INSERT INTO deliveries (event_id, notifier, status, attempts, next_attempt_at, "
            "last_error) VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (event_id, notifier) DO UPDATE SET status = excluded.status, "
            "attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at, "
            "last_error = excluded.last_error, claim = NULL, lease_until = NULL "
            "WHERE deliveries.status <> 'delivered'",
            (
                delivery.event_id,
                delivery.notifier,
                delivery.status.value,
                delivery.attempts,
                delivery.next_attempt_at,
                _error_bytes(delivery.last_error),
            ),
        )
        if delivery.status is DeliveryStatus.PENDING:
            self.unit.execute(
                "UPDATE outbox SET settled_at = NULL WHERE event_id = %s AND EXISTS (SELECT 1 "
                "FROM deliveries WHERE event_id = %s AND notifier = %s AND status = 'pending')",
                (delivery.event_id, delivery.event_id, delivery.notifier),
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
        # SKIP LOCKED lets dispatchers pass over each other's candidates; the guarded upsert
        # is what makes a claim exclusive: it re-reads the delivery's newest committed row.
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
        return [Claim(self._entry(*row[:3]), notifier, row[3], token, now + lease) for row in found]

    def settle(
        self, claim: Claim, outcome: Delivery, notifiers: Collection[str], now: dt.datetime
    ) -> bool:
        event_id = claim.entry.event.event_id
        # Settlements of one event take turns, so the last one sees every other's outcome.
        self.unit.execute("SELECT 1 FROM outbox WHERE event_id = %s FOR UPDATE", (event_id,))
        changed = self.unit.execute(
            "UPDATE deliveries SET status = %s, attempts = %s, next_attempt_at = %s, "
            "last_error = %s, claim = NULL, lease_until = NULL "
            "WHERE event_id = %s AND notifier = %s AND claim = %s AND status = 'pending'",
            (
                outcome.status.value,
                outcome.attempts,
                outcome.next_attempt_at,
                _error_bytes(outcome.last_error),
                event_id,
                claim.notifier,
                claim.token,
            ),
        ).rowcount
        if changed == 0:
            return False
        if outcome.status is not DeliveryStatus.PENDING:
            names = sorted(set(notifiers))
            row = self.unit.execute(
                "SELECT count(*) FROM deliveries WHERE event_id = %s AND status <> 'pending' "
                "AND notifier = ANY(%s)",
                (event_id, names),
            ).fetchone()
            if row is not None and row[0] == len(names):
                self.unit.execute(
                    "UPDATE outbox SET settled_at = %s WHERE event_id = %s", (now, event_id)
                )
        return True

    def prune(self, before: dt.datetime, limit: int) -> int:
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

    def deliveries(self, event_id: uuid.UUID) -> list[Delivery]:
        found = self.unit.execute(
            "SELECT event_id, notifier, status, attempts, next_attempt_at, last_error "
            "FROM deliveries WHERE event_id = %s ORDER BY notifier",
            (event_id,),
        ).fetchall()
        return [self._delivery(row) for row in found]

    def dead_letters(self) -> list[Delivery]:
        found = self.unit.execute(
            "SELECT event_id, notifier, status, attempts, next_attempt_at, last_error "
            "FROM deliveries AS d WHERE status = 'dead' ORDER BY coalesce("
            "(SELECT max(sequence) FROM outbox WHERE outbox.event_id = d.event_id), 0), notifier"
        ).fetchall()
        return [self._delivery(row) for row in found]

    def _entry(self, sequence: int, event: str, recorded_at: dt.datetime) -> OutboxEntry:
        what = f"outbox entry {sequence}"
        read: DomainEvent = rows.decode(event, AnyEvent, self.unit.where, what)
        return OutboxEntry(sequence, read, recorded_at)

    @staticmethod
    def _delivery(row: Sequence[Any]) -> Delivery:
        event_id, notifier, status, attempts, next_attempt_at, last_error = row
        return Delivery(
            event_id,
            notifier,
            DeliveryStatus(status),
            attempts,
            next_attempt_at,
            None if last_error is None else bytes(last_error).decode("utf-8", "surrogatepass"),
        )


def _error_bytes(error: str | None) -> bytes | None:
    """Return a delivery's error as stored: UTF-8, lone surrogates kept as they were."""
    return None if error is None else error.encode("utf-8", "surrogatepass")


_AUDIT = (
    "SELECT sequence, at, actor_id, actor_role, component, action, outcome, target, detail, "
    "previous_hash, hash, key_id FROM audit"
)
"""The entry's columns, in the order :func:`~sro_core.domain.read_entry` takes them."""


_SUBMITTED = (
    "SELECT ori, category, number, action, period, submission, document, message_id, "
    "written_at, actor, fingerprint, sequence, incident_id, arrested_on FROM nibrs_submissions"
)


class _Submissions(SubmissionLedger):
    def __init__(self, unit: PostgresUnitOfWork) -> None:
        self.unit = unit

    def record(self, reports: Sequence[SubmittedReport]) -> None:
        self.unit.executemany(
            "INSERT INTO nibrs_submissions (ori, category, number, action, period, submission, "
            "document, message_id, written_at, actor, fingerprint, sequence, incident_id, "
            "arrested_on) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    r.ori,
                    r.category,
                    r.number,
                    r.action,
                    r.period,
                    r.submission,
                    r.document,
                    r.message_id,
                    r.written_at,
                    r.actor,
                    r.fingerprint,
                    r.sequence,
                    r.incident_id,
                    r.arrested_on,
                )
                for r in reports
            ],
        )

    def reports(self, ori: str | None = None) -> list[SubmittedReport]:
        if ori is None:
            found = self.unit.execute(f"{_SUBMITTED} ORDER BY position").fetchall()
        else:
            query = f"{_SUBMITTED} WHERE ori = %s ORDER BY position"
            found = self.unit.execute(query, (ori,)).fetchall()
        return [
            SubmittedReport(
                ori=row[0],
                category=row[1],
                number=row[2],
                action=row[3],
                period=row[4],
                submission=row[5],
                document=row[6],
                message_id=row[7],
                written_at=row[8],
                actor=row[9],
                fingerprint=row[10],
                sequence=row[11],
                incident_id=row[12],
                arrested_on=row[13],
            )
            for row in found
        ]


class _Audit(AuditLog):
    """The chain in the ``audit`` table; appends take turns on a transaction advisory lock.

    ``append_next`` (and ``append``) first takes the schema's audit lock
    (``pg_advisory_xact_lock``, taken again at no cost), then reads the head: the head it reads
    is the latest committed one, and no other writer can append until this unit ends. The
    program appends a command's entry as the last step of its unit of work, so the lock is
    held only from then to the commit, and concurrent commands queue for it instead of
    failing with a conflict.
    """

    def __init__(self, unit: PostgresUnitOfWork) -> None:
        self.unit = unit

    def head(self) -> AuditEntry | None:
        row = self.unit.execute(f"{_AUDIT} ORDER BY sequence DESC LIMIT 1").fetchone()
        return None if row is None else readable(read_entry(row))

    def _hold(self) -> None:
        self.unit.execute("SELECT pg_advisory_xact_lock(%s)", (self.unit.storage.audit_lock,))

    def append_next(self, seal: Callable[[AuditEntry | None], AuditEntry]) -> AuditEntry:
        self._hold()
        return super().append_next(seal)

    def append(self, entry: AuditEntry) -> None:
        self._hold()
        check_follows(self.head(), entry)
        inserted = self.unit.execute(
            "INSERT INTO audit VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (sequence) DO NOTHING",
            (
                entry.sequence,
                entry.at,
                entry.actor_id,
                entry.actor_role.value,
                entry.component,
                entry.action,
                entry.outcome.value,
                entry.target,
                entry.detail,
                entry.previous_hash,
                entry.hash,
                entry.key_id,
            ),
        ).rowcount
        if inserted == 0:
            raise Conflict("audit entry", entry.sequence, "appended by another writer meanwhile")

    def entries(self, after: int = 0, limit: int | None = None) -> list[AuditEntry]:
        return [readable(found) for found in self.scan(after, limit)]

    def scan(self, after: int = 0, limit: int | None = None) -> list[AuditEntry | UnreadableEntry]:
        found = self.unit.execute(
            f"{_AUDIT} WHERE sequence > %s ORDER BY sequence LIMIT %s", (after, limit)
        ).fetchall()
        return [read_entry(row) for row in found]
