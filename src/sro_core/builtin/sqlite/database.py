"""Where a SQLite store lives and how its connections are opened, waited for and failed.

A URL names the file (``sqlite:///relative.db``, ``sqlite:////absolute.db``) or an in-memory
database (``sqlite://``, ``sqlite://:memory:``, ``sqlite:///:memory:``); ``?timeout=<seconds>``
sets how long a writer waits for another one (default 30 s). Errors of the driver become
:class:`~sro_core.ports.StorageError` with the path and the reason in the user's terms.
"""

from __future__ import annotations

import math
import os
import pathlib
import random
import sqlite3
import threading
import time
import urllib.parse
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from sro_core.ports import StorageError, shown_url

T = TypeVar("T")

DEFAULT_TIMEOUT = 30.0
"""Seconds a unit of work waits for another writer before giving up."""

MEMORY = ":memory:"
"""The path SQLite reads as "a new database in this connection's memory"."""

_ATTEMPTS = 5
"""Tries of ``BEGIN IMMEDIATE`` (and of opening): some "busy" answers come without waiting."""

_CORRUPT, _NOTADB = sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB
_BUSY, _LOCKED = sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED
_CANTOPEN = sqlite3.SQLITE_CANTOPEN
_FULL, _READONLY, _IOERR = sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR


@attrs.frozen
class Address:
    """A SQLite store's file (or ``:memory:``) and its busy timeout, read from a storage URL."""

    path: str
    timeout: float = DEFAULT_TIMEOUT
    read_only: bool = False
    """Opened for reading only: the file or its folder cannot be written (a read-only mount)."""

    @property
    def in_memory(self) -> bool:
        """Return whether the store is an in-memory database."""
        return self.path == MEMORY

    @classmethod
    def from_url(cls, url: str) -> Address:
        """Read a ``sqlite:`` URL, or raise StorageError saying what is wrong with it."""
        parts = urllib.parse.urlsplit(url)
        if parts.netloc not in ("", MEMORY):
            raise StorageError(
                f"store {shown_url(url)!r}: a sqlite URL names a file, as sqlite:///relative.db or "
                "sqlite:////absolute/path.db (three slashes, then the path)"
            )
        path = urllib.parse.unquote(parts.path)
        path = path[1:] if path.startswith("/") else path
        if "\x00" in path:
            raise StorageError(f"store {shown_url(url)!r}: a file name cannot hold a NUL character")
        if parts.netloc == MEMORY or path in ("", MEMORY):
            path = MEMORY
        return cls(path, _timeout(url, parts.query))

    def describe(self) -> str:
        """Return the store as messages name it."""
        return "the in-memory SQLite store" if self.in_memory else f"SQLite store {self.path}"


def _timeout(url: str, query: str) -> float:
    options = urllib.parse.parse_qs(query, keep_blank_values=True)
    unknown = sorted(set(options) - {"timeout"})
    if unknown:
        raise StorageError(
            f"store {shown_url(url)!r}: unknown option {unknown[0]!r} (known: timeout)"
        )
    if "timeout" not in options:
        return DEFAULT_TIMEOUT
    text = options["timeout"][-1]
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds >= 0):
        raise StorageError(
            f"store {shown_url(url)!r}: timeout is a number of seconds (got {text!r})"
        )
    return seconds


def connect(address: Address) -> sqlite3.Connection:
    """Open a connection in autocommit mode (units of work say BEGIN) with the store's pragmas.

    ``check_same_thread`` is off because connections are pooled and a unit of work may run in
    any thread; a connection is only ever used by one unit of work at a time.
    """
    if not address.in_memory and not address.read_only:
        _make_folder(address)
    target, uri = address.path, False
    if address.read_only:
        # a folder that cannot be written cannot hold the WAL's shared-memory file either:
        # then the file is read as immutable (nothing can change it while it is read only)
        folder = pathlib.Path(address.path).absolute().parent
        mode = "mode=ro" if writable(folder) else "immutable=1"
        target, uri = f"{pathlib.Path(address.path).absolute().as_uri()}?{mode}", True
    try:
        connection = sqlite3.connect(
            target,
            timeout=address.timeout,
            isolation_level=None,
            check_same_thread=False,
            uri=uri,
        )
    except sqlite3.Error as error:
        raise failure(address, error) from error
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.Error as error:
        connection.close()
        raise failure(address, error) from error
    return connection


def writable(path: pathlib.Path) -> bool:
    """Return whether a file or folder can be written: its permissions, and not a read-only mount.

    Root passes every permission check, but not a read-only file system: both are asked.
    """
    try:
        read_only_mount = bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False
    return not read_only_mount and os.access(path, os.W_OK)


def _make_folder(address: Address) -> None:
    path = pathlib.Path(address.path)
    if path.is_dir():
        raise StorageError(f"{address.describe()} cannot be opened: it is a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StorageError(
            f"{address.describe()} cannot be opened: its folder cannot be made ({error})"
        ) from error


def is_busy(error: sqlite3.Error) -> bool:
    """Return whether an error means another connection holds the lock."""
    return _primary_code(error) in (_BUSY, _LOCKED)


_DAMAGED = (
    "{where} is not an sro_core database or is damaged ({error}): run `sro doctor` to see what "
    "is wrong, and restore it from a backup (`sro restore BACKUP`; if the store cannot be "
    "opened at all, copy the backup file over it and delete its -wal and -shm files)"
)
_EXPLAINED = {
    _CORRUPT: _DAMAGED,
    _NOTADB: _DAMAGED,
    _BUSY: "{where} stayed locked by another writer for more than {timeout:g} s ({error}); try "
    "again, or raise ?timeout= in the storage URL",
    _FULL: "{where}: the disk is full ({error}); nothing of this command was stored: free some "
    "space, then run it again",
    _READONLY: "{where} is read only ({error}): its records can be read, but a change needs "
    "write access to the file and its folder",
    _IOERR: "{where} could not be read or written ({error}): check the disk, then run `sro doctor`",
    _CANTOPEN: "{where} cannot be opened: {error}",
}
_EXPLAINED[_LOCKED] = _EXPLAINED[_BUSY]


def failure(address: Address, error: sqlite3.Error) -> StorageError:
    """Return the StorageError that explains a driver error to the user: what, and what to do."""
    explained = _EXPLAINED.get(_primary_code(error) or 0, "{where}: {error}")
    where = address.describe()
    return StorageError(explained.format(where=where, error=error, timeout=address.timeout))


class MappedCursor(sqlite3.Cursor):
    """A cursor whose reads raise StorageError, like its statements, for a driver error.

    Rows are read as they are fetched, so a damaged page can fail a fetch long after the
    statement was accepted.
    """

    address: Address

    def fetchone(self) -> Any:
        """Return the next row, or None."""
        try:
            return super().fetchone()
        except sqlite3.IntegrityError:
            raise
        except sqlite3.Error as error:
            raise failure(self.address, error) from error

    def fetchall(self) -> list[Any]:
        """Return the remaining rows."""
        try:
            return super().fetchall()
        except sqlite3.IntegrityError:
            raise
        except sqlite3.Error as error:
            raise failure(self.address, error) from error

    def fetchmany(self, size: int | None = 1) -> list[Any]:
        """Return up to ``size`` rows."""
        try:
            return super().fetchmany(size)
        except sqlite3.Error as error:
            raise failure(self.address, error) from error

    def __next__(self) -> Any:
        try:
            return super().__next__()
        except sqlite3.Error as error:
            raise failure(self.address, error) from error


def mapped_cursor(address: Address, connection: sqlite3.Connection) -> MappedCursor:
    """Return a cursor of a connection whose fetches map driver errors."""
    cursor = connection.cursor(MappedCursor)
    cursor.address = address
    return cursor


def _primary_code(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def retrying(address: Address, action: Callable[[], T]) -> T:
    """Run an action, trying again a few times while the database answers "busy".

    The busy timeout already waits for the lock; a few answers (WAL recovery, a schema
    change by another process) come at once without waiting, and a short pause fixes them.
    """
    deadline = time.monotonic() + address.timeout
    attempts = 0
    while True:
        try:
            return action()
        except sqlite3.Error as error:
            attempts += 1
            hopeless = attempts >= _ATTEMPTS or time.monotonic() >= deadline
            if hopeless or not is_busy(error):
                raise failure(address, error) from error
        time.sleep(random.uniform(0.005, 0.02) * 2**attempts)  # noqa: S311 - jitter, not secrets


def begin(address: Address, connection: sqlite3.Connection) -> None:
    """Begin a write transaction at once, so two writers never deadlock upgrading locks."""
    retrying(address, lambda: connection.execute("BEGIN IMMEDIATE"))


class Connections:
    """Where units of work get their connection: a pool of them for a file, one for memory.

    A file-backed store gives each unit of work a connection of its own, taken from a small
    pool of idle ones (opened when the pool is empty), so threads work side by side and
    SQLite's locks order their writes. An in-memory database lives in one connection: units
    of work take turns with it.
    """

    _POOL_SIZE = 8
    """Idle connections kept for reuse; more are closed when given back."""

    def __init__(self, address: Address, first: sqlite3.Connection) -> None:
        self.address = address
        self._lock = threading.Lock()
        self._turn = threading.Lock()
        self._turn_thread: int | None = None
        self._closed = False
        self._idle: list[sqlite3.Connection] = [first]

    def check_open(self) -> None:
        """Raise StorageError if the store has been closed."""
        if self._closed:
            raise StorageError(f"{self.address.describe()} is closed")

    def take(self) -> sqlite3.Connection:
        """Return a connection for one unit of work; give it back when the unit ends."""
        shared = self.address.in_memory
        if shared:
            self._wait_for_turn()
        with self._lock:
            if self._closed:
                if shared:
                    self._end_turn()
                self.check_open()
            if self._idle:
                return self._idle.pop()
        return connect(self.address)

    def _wait_for_turn(self) -> None:
        if self._turn_thread == threading.get_ident():
            raise StorageError(
                f"{self.address.describe()} has one connection, and a unit of work of this "
                "thread holds it: finish that unit first"
            )
        if not self._turn.acquire(timeout=self.address.timeout):
            raise StorageError(
                f"{self.address.describe()} stayed busy with another unit of work for more "
                f"than {self.address.timeout:g} s"
            )
        self._turn_thread = threading.get_ident()

    def _end_turn(self) -> None:
        self._turn_thread = None
        self._turn.release()

    def give(self, connection: sqlite3.Connection, *, healthy: bool = True) -> None:
        """Take back a connection a unit of work has finished with (closing it if unhealthy)."""
        shared = self.address.in_memory
        with self._lock:
            keep = not self._closed and (shared or (healthy and len(self._idle) < self._POOL_SIZE))
            if keep:
                self._idle.append(connection)
        if not keep:
            connection.close()
        if shared:
            self._end_turn()

    def close(self) -> None:
        """Close the idle connections now, and the others as their units of work end."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
