"""The SQLite store, its units of work, repositories, outbox and audit log."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import pathlib
import shutil
import sqlite3
import tempfile
import threading
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs

from sro_core.builtin.sqlite import rows, schema
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
from sro_core.builtin.sqlite.queries import SQLiteQueries
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

R = TypeVar("R", bound=Aggregate)

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
            schema.check(found, self.address.describe(), self.settings.calendar)
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
            if found.version < schema.LATEST or found.time_zone is None:
                self._upgrade(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def _check_readable(self, found: schema.Found) -> None:
        if found.version < schema.LATEST or found.time_zone is None:
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
            schema.check(found, f"the backup {path}", self.settings.calendar)
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
            schema.check(found, self.address.describe(), self.settings.calendar)
            version = found.version
            if found.version < schema.LATEST or found.time_zone is None:
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


class SQLiteUnitOfWork(UnitOfWork):
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

    def __init__(self, storage: SQLiteStorage) -> None:
        self.storage = storage
        self.calendar = storage.settings.calendar
        self.where = storage.address.describe()
        self.connection: sqlite3.Connection | None = None
        self.writing = False
        self.ended = False
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
        self.queries = SQLiteQueries(self)

    def execute(self, sql: str, parameters: Sequence[object] = ()) -> sqlite3.Cursor:
        """Run one statement in the unit's transaction; IntegrityError is left to the caller."""
        connection = self._transaction()
        try:
            return mapped_cursor(self.storage.address, connection).execute(sql, parameters)
        except sqlite3.IntegrityError:
            raise
        except sqlite3.Error as error:
            raise failure(self.storage.address, error) from error

    def executemany(self, sql: str, parameters: Iterable[Sequence[object]]) -> None:
        """Run one statement for many rows in the unit's transaction."""
        connection = self._transaction()
        try:
            connection.executemany(sql, parameters)
        except sqlite3.IntegrityError:
            raise
        except sqlite3.Error as error:
            raise failure(self.storage.address, error) from error

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

    def next_incident_number(self, year: int) -> str:
        """Allocate the year's next number in this transaction: unique and gap-free per year."""
        self.write_lock()
        (last,) = self.execute(
            "INSERT INTO incident_numbers VALUES (?, 1) "
            "ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last",
            (year,),
        ).fetchall()[0]
        return incident_number(year, last)

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


def _integrity_column(error: sqlite3.IntegrityError) -> str:
    """Return the column a uniqueness error names (``UNIQUE constraint failed: t.column``)."""
    failed = str(error).rpartition(": ")[2]
    return failed.split(",")[0].strip().rpartition(".")[2]


class _Repository(Repository[R], Generic[R]):
    def __init__(self, unit: SQLiteUnitOfWork, table: rows.Table[R]) -> None:
        self.unit = unit
        self.table = table
        self.kind = table.kind

    def get(self, key: uuid.UUID) -> R:
        row = self.unit.execute(self.table.get_sql, (str(key),)).fetchone()
        if row is None:
            raise NotFound(self.kind, key)
        return self.table.read(row[0], self.unit.where)

    def add(self, record: R) -> R:
        if record.version != 0:
            raise Conflict(self.kind, record.id, "a new record has version 0")
        self.unit.write_lock()
        stored = self.table.stored(record, 1)  # checked when it was built
        try:
            self.unit.execute(
                self.table.insert_sql, self.table.insert_row(stored, self.unit.calendar)
            )
        except sqlite3.IntegrityError as error:
            if self.exists(record.id):
                raise Conflict(self.kind, record.id, "a record with this id exists") from None
            raise self._unique_conflict(record, error) from None
        self.written([stored], replace=False)
        return stored

    def update(self, record: R) -> R:
        self.unit.write_lock()
        stored: R = attrs.evolve(record, version=record.version + 1)  # type: ignore[misc]
        parameters = self.table.update_row(stored, record.version, self.unit.calendar)
        try:
            cursor = self.unit.execute(self.table.update_sql, parameters)
        except sqlite3.IntegrityError as error:
            raise self._unique_conflict(record, error) from None
        if cursor.rowcount == 0:
            if self.exists(record.id):
                raise Conflict(self.kind, record.id, "changed by someone else since it was read")
            raise NotFound(self.kind, record.id)
        self.written([stored], replace=True)
        return stored

    def add_many(
        self, records: Iterable[R], documents: Sequence[Mapping[str, Any]] | None = None
    ) -> list[R]:
        """Insert every record with one statement; on a clash, redo them one by one.

        Redoing them one by one raises the same Conflict, at the same record, as ``add``
        would, and keeps the records before it, as the memory reference does.
        """
        batch = list(records)
        if any(record.version != 0 for record in batch):
            return [self.add(record) for record in batch]
        self.unit.write_lock()
        table, calendar = self.table, self.unit.calendar
        stored = [table.stored(record, 1) for record in batch]
        self.unit.execute("SAVEPOINT add_many")
        try:
            rows = (
                [table.insert_row(s, calendar) for s in stored]
                if documents is None
                else [
                    table.insert_row(s, calendar, d) for s, d in zip(stored, documents, strict=True)
                ]
            )
            self.unit.executemany(table.insert_sql, rows)
            self.written(stored, replace=False)
        except sqlite3.IntegrityError:
            self.unit.execute("ROLLBACK TO add_many")
            self.unit.execute("RELEASE add_many")
            return [self.add(record) for record in batch]
        except BaseException:
            self.unit.execute("ROLLBACK TO add_many")
            self.unit.execute("RELEASE add_many")
            raise
        self.unit.execute("RELEASE add_many")
        return stored

    def all(self) -> Iterator[R]:
        return self._where("", ())

    def after(self, key: uuid.UUID | None, limit: int) -> list[R]:
        return list(self._where("WHERE id > ?", (str(key or ""),), limit=limit))

    def written(self, stored: list[R], *, replace: bool) -> None:
        """Write what goes with the records besides their rows (the incidents' involvements)."""

    def _where(
        self, condition: str, parameters: Sequence[object], *, limit: int = -1
    ) -> Iterator[R]:
        found = self.unit.execute(
            f"{self.table.select_sql} {condition} ORDER BY id LIMIT ?", (*parameters, limit)
        ).fetchall()
        where = self.unit.where
        return (self.table.read(document, where) for (document,) in found)

    def exists(self, key: uuid.UUID) -> bool:
        return self.unit.execute(self.table.exists_sql, (str(key),)).fetchone() is not None

    def _unique_conflict(self, record: R, error: sqlite3.IntegrityError) -> StorageError:
        unique = self.table.unique.get(_integrity_column(error))
        if unique is None:
            return failure(self.unit.storage.address, error)
        return Conflict(self.kind, unique.value(record), unique.reason)


class _Officers(_Repository[Officer], OfficerRepository):
    def by_badge(self, badge: str) -> Officer:
        for officer in self._where("WHERE badge = ?", (badge,)):
            return officer
        raise NotFound(self.kind, badge)


class _Incidents(_Repository[Incident], IncidentRepository):
    def by_number(self, number: str) -> Incident:
        for incident in self._where("WHERE number = ?", (number,)):
            return incident
        raise NotFound(self.kind, number)

    def written(self, stored: list[Incident], *, replace: bool) -> None:
        involved = []
        for incident in stored:
            key = str(incident.id)
            if replace:
                self.unit.execute("DELETE FROM involvements WHERE incident_id = ?", (key,))
            involved.extend(rows.involvement_rows(incident, key))
        if involved:
            self.unit.executemany(rows.INVOLVEMENT_INSERT, involved)


class _Assignments(_Repository[Assignment], AssignmentRepository):
    def for_officer(self, officer_id: uuid.UUID) -> list[Assignment]:
        return list(self._where("WHERE officer_id = ?", (str(officer_id),)))

    def for_school(self, school_id: uuid.UUID) -> list[Assignment]:
        return list(self._where("WHERE school_id = ?", (str(school_id),)))


class _Referrals(_Repository[Referral], ReferralRepository):
    def for_incident(self, incident_id: uuid.UUID) -> list[Referral]:
        return list(self._where("WHERE incident_id = ?", (str(incident_id),)))

    def for_partner(self, partner_id: uuid.UUID) -> list[Referral]:
        return list(self._where("WHERE partner_id = ?", (str(partner_id),)))


class _People(_Repository[PersonRecord], PersonIndex):
    """The person index: the contract's defaults over the ``people`` table."""


class _Crises(_Repository[CrisisEvent], CrisisRepository):
    def active(self, school_id: uuid.UUID | None = None) -> list[CrisisEvent]:
        if school_id is None:
            return list(self._where("WHERE status = 'active'", ()))
        return list(self._where("WHERE status = 'active' AND school_id = ?", (str(school_id),)))


class _Outbox(Outbox):
    def __init__(self, unit: SQLiteUnitOfWork) -> None:
        self.unit = unit

    def put(self, events: Sequence[DomainEvent], at: dt.datetime) -> None:
        self.unit.write_lock()
        recorded = rows.utc_text(at)
        self.unit.executemany(
            "INSERT INTO outbox (event_id, urgent, event, recorded_at) VALUES (?, ?, ?, ?)",
            [(str(e.event_id), e.urgent, rows.encode(unstructure(e)), recorded) for e in events],
        )

    def entries(self, after: int = 0, limit: int | None = None) -> list[OutboxEntry]:
        found = self.unit.execute(
            "SELECT sequence, event, recorded_at FROM outbox WHERE sequence > ? "
            "ORDER BY sequence LIMIT ?",
            (after, -1 if limit is None else limit),
        ).fetchall()
        return [self._entry(*row) for row in found]

    def due(self, notifier: str, now: dt.datetime, limit: int) -> list[OutboxEntry]:
        found = self.unit.execute(
            "SELECT o.sequence, o.event, o.recorded_at FROM outbox AS o "
            "LEFT JOIN deliveries AS d ON d.event_id = o.event_id AND d.notifier = ? "
            "WHERE d.event_id IS NULL "
            "OR (d.status = 'pending' AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?)) "
            "ORDER BY o.urgent DESC, o.sequence LIMIT ?",
            (notifier, rows.utc_text(now), limit),
        ).fetchall()
        return [self._entry(*row) for row in found]

    def record(self, delivery: Delivery) -> None:
        self.unit.write_lock()
        following = delivery.next_attempt_at
        self.unit.execute(
            "INSERT INTO deliveries (event_id, notifier, status, attempts, next_attempt_at, "
            "last_error) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, notifier) DO UPDATE "
            "SET status = excluded.status, attempts = excluded.attempts, next_attempt_at = "
            "excluded.next_attempt_at, last_error = excluded.last_error, claim = NULL, "
            "lease_until = NULL WHERE deliveries.status <> 'delivered'",
            (
                str(delivery.event_id),
                delivery.notifier,
                delivery.status.value,
                delivery.attempts,
                None if following is None else rows.utc_text(following),
                delivery.last_error,
            ),
        )
        if delivery.status is DeliveryStatus.PENDING:
            self.unit.execute(
                "UPDATE outbox SET settled_at = NULL WHERE event_id = ? AND EXISTS (SELECT 1 "
                "FROM deliveries WHERE event_id = ? AND notifier = ? AND status = 'pending')",
                (str(delivery.event_id), str(delivery.event_id), delivery.notifier),
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
        # The write lock (BEGIN IMMEDIATE) makes the choice and the claim one step: no other
        # process writes in between, so no two claims take one delivery.
        self.unit.write_lock()
        at = rows.utc_text(now)
        until = rows.utc_text(now + lease)
        only, chosen = "", tuple[str, ...]()
        if events is not None:
            only = "AND o.event_id IN (SELECT value FROM json_each(?)) "
            chosen = (json.dumps([str(e) for e in events]),)
        found = self.unit.execute(
            "SELECT o.sequence, o.event, o.recorded_at, o.event_id, coalesce(d.attempts, 0) "  # noqa: S608 - only placeholders
            "FROM outbox AS o LEFT JOIN deliveries AS d "
            "ON d.event_id = o.event_id AND d.notifier = ? "
            f"WHERE o.settled_at IS NULL {only}AND (d.event_id IS NULL OR (d.status = 'pending' "
            "AND coalesce(d.next_attempt_at, '') <= ? AND coalesce(d.lease_until, '') <= ?)) "
            "ORDER BY o.urgent DESC, o.sequence LIMIT ?",
            (notifier, *chosen, at, at, limit),
        ).fetchall()
        self.unit.executemany(
            "INSERT INTO deliveries (event_id, notifier, status, attempts, claim, lease_until) "
            "VALUES (?, ?, 'pending', ?, ?, ?) ON CONFLICT (event_id, notifier) DO UPDATE SET "
            "attempts = excluded.attempts, claim = excluded.claim, "
            "lease_until = excluded.lease_until",
            [(row[3], notifier, row[4] + 1, token, until) for row in found],
        )
        lease_end = dt.datetime.fromisoformat(until)
        return [
            Claim(self._entry(*row[:3]), notifier, row[4] + 1, token, lease_end) for row in found
        ]

    def settle(
        self, claim: Claim, outcome: Delivery, notifiers: Collection[str], now: dt.datetime
    ) -> bool:
        self.unit.write_lock()
        event_id = str(claim.entry.event.event_id)
        following = outcome.next_attempt_at
        changed = self.unit.execute(
            "UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, "
            "claim = NULL, lease_until = NULL "
            "WHERE event_id = ? AND notifier = ? AND claim = ? AND status = 'pending'",
            (
                outcome.status.value,
                outcome.attempts,
                None if following is None else rows.utc_text(following),
                outcome.last_error,
                event_id,
                claim.notifier,
                claim.token,
            ),
        ).rowcount
        if changed == 0:
            return False
        if outcome.status is not DeliveryStatus.PENDING:
            names = sorted(set(notifiers))
            (final,) = self.unit.execute(
                "SELECT count(*) FROM deliveries WHERE event_id = ? AND status <> 'pending' "
                "AND notifier IN (SELECT value FROM json_each(?))",
                (event_id, json.dumps(names)),
            ).fetchone()
            if final == len(names):
                self.unit.execute(
                    "UPDATE outbox SET settled_at = ? WHERE event_id = ?",
                    (rows.utc_text(now), event_id),
                )
        return True

    def prune(self, before: dt.datetime, limit: int) -> int:
        self.unit.write_lock()
        found = self.unit.execute(
            "SELECT o.sequence, o.event_id FROM outbox AS o "
            "WHERE o.settled_at IS NOT NULL AND o.settled_at < ? AND NOT EXISTS (SELECT 1 "
            "FROM deliveries AS d WHERE d.event_id = o.event_id AND d.status <> 'delivered') "
            "ORDER BY o.settled_at LIMIT ?",
            (rows.utc_text(before), limit),
        ).fetchall()
        self.unit.executemany("DELETE FROM deliveries WHERE event_id = ?", [(e,) for _, e in found])
        self.unit.executemany("DELETE FROM outbox WHERE sequence = ?", [(s,) for s, _ in found])
        return len(found)

    def deliveries(self, event_id: uuid.UUID) -> list[Delivery]:
        found = self.unit.execute(
            "SELECT event_id, notifier, status, attempts, next_attempt_at, last_error "
            "FROM deliveries WHERE event_id = ? ORDER BY notifier",
            (str(event_id),),
        ).fetchall()
        return [self._delivery(row) for row in found]

    def dead_letters(self) -> list[Delivery]:
        found = self.unit.execute(
            "SELECT event_id, notifier, status, attempts, next_attempt_at, last_error "
            "FROM deliveries AS d WHERE status = 'dead' ORDER BY coalesce("
            "(SELECT max(sequence) FROM outbox WHERE outbox.event_id = d.event_id), 0), notifier"
        ).fetchall()
        return [self._delivery(row) for row in found]

    def _entry(self, sequence: int, event: str, recorded_at: str) -> OutboxEntry:
        what = f"outbox entry {sequence}"
        read: DomainEvent = rows.decode(event, AnyEvent, self.unit.where, what)
        return OutboxEntry(sequence, read, dt.datetime.fromisoformat(recorded_at))

    @staticmethod
    def _delivery(row: Sequence[Any]) -> Delivery:
        event_id, notifier, status, attempts, next_attempt_at, last_error = row
        return Delivery(
            uuid.UUID(event_id),
            notifier,
            DeliveryStatus(status),
            attempts,
            None if next_attempt_at is None else dt.datetime.fromisoformat(next_attempt_at),
            last_error,
        )


_SUBMITTED = (
    "SELECT ori, category, number, action, period, submission, document, message_id, "
    "written_at, actor, fingerprint, sequence, incident_id, arrested_on FROM nibrs_submissions"
)


class _Submissions(SubmissionLedger):
    def __init__(self, unit: SQLiteUnitOfWork) -> None:
        self.unit = unit

    def record(self, reports: Sequence[SubmittedReport]) -> None:
        self.unit.write_lock()
        for report in reports:
            self.unit.execute(
                "INSERT INTO nibrs_submissions (ori, category, number, action, period, "
                "submission, document, message_id, written_at, actor, fingerprint, sequence, "
                "incident_id, arrested_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    report.ori,
                    report.category,
                    report.number,
                    report.action,
                    report.period,
                    report.submission,
                    report.document,
                    report.message_id,
                    rows.utc_text(report.written_at),
                    report.actor,
                    report.fingerprint,
                    report.sequence,
                    None if report.incident_id is None else str(report.incident_id),
                    None if report.arrested_on is None else report.arrested_on.isoformat(),
                ),
            )

    def reports(self, ori: str | None = None) -> list[SubmittedReport]:
        if ori is None:
            found = self.unit.execute(f"{_SUBMITTED} ORDER BY position").fetchall()
        else:
            found = self.unit.execute(
                f"{_SUBMITTED} WHERE ori = ? ORDER BY position", (ori,)
            ).fetchall()
        return [_submitted(row) for row in found]


def _submitted(row: Sequence[Any]) -> SubmittedReport:
    return SubmittedReport(
        ori=row[0],
        category=row[1],
        number=row[2],
        action=row[3],
        period=row[4],
        submission=row[5],
        document=row[6],
        message_id=row[7],
        written_at=dt.datetime.fromisoformat(row[8]),
        actor=row[9],
        fingerprint=row[10],
        sequence=row[11],
        incident_id=None if row[12] is None else uuid.UUID(row[12]),
        arrested_on=None if row[13] is None else dt.date.fromisoformat(row[13]),
    )


_AUDIT = (
    "SELECT sequence, at, actor_id, actor_role, component, action, outcome, target, detail, "
    "previous_hash, hash, key_id FROM audit"
)
"""The entry's columns, in the order :func:`~sro_core.domain.read_entry` takes them."""


class _Audit(AuditLog):
    def __init__(self, unit: SQLiteUnitOfWork) -> None:
        self.unit = unit
        self._locked_head: tuple[AuditEntry | None] | None = None

    def head(self) -> AuditEntry | None:
        found = self._read_head()
        # read under the write lock, it stays the head until this unit appends
        self._locked_head = (found,) if self.unit.writing else None
        return found

    def _read_head(self) -> AuditEntry | None:
        row = self.unit.execute(f"{_AUDIT} ORDER BY sequence DESC LIMIT 1").fetchone()
        return None if row is None else readable(read_entry(row))

    def append_next(self, seal: Callable[[AuditEntry | None], AuditEntry]) -> AuditEntry:
        self.unit.write_lock()  # the head is read under the write lock, never from a snapshot
        return super().append_next(seal)

    def append(self, entry: AuditEntry) -> None:
        self.unit.write_lock()
        known, self._locked_head = self._locked_head, None
        check_follows(known[0] if known is not None else self._read_head(), entry)
        self.unit.execute(
            "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry.sequence,
                rows.utc_text(entry.at),
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
        )

    def entries(self, after: int = 0, limit: int | None = None) -> list[AuditEntry]:
        return [readable(found) for found in self.scan(after, limit)]

    def scan(self, after: int = 0, limit: int | None = None) -> list[AuditEntry | UnreadableEntry]:
        found = self.unit.execute(
            f"{_AUDIT} WHERE sequence > ? ORDER BY sequence LIMIT ?",
            (after, -1 if limit is None else limit),
        ).fetchall()
        return [read_entry(row) for row in found]
