"""The SQLite backend: the embedded default store, on the standard library's ``sqlite3``.

URLs: ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db`` (the folder is made if
missing), and ``sqlite://:memory:`` (or ``sqlite://``, ``sqlite:///:memory:``) for a database
held in one connection of the process. ``?timeout=<seconds>`` sets how long a writer waits for
another (default 30).

Schema: opening a new or empty file creates the schema; opening a file of an older schema
migrates it forward at once (``Storage.migrate()``, and ``sro migrate``, do the same
explicitly); a file of a newer schema is refused with ``SchemaTooNew``. The schema and its
migrations are in :mod:`sro_core.builtin.sqlite.schema`.

Time zone: each incident's program-local month is computed in Python when it is written
(SQLite has no time-zone database), so a store is bound to the program time zone it was made
with; it records that zone and refuses to open under another.

Concurrency: the file is in WAL mode with ``synchronous=NORMAL`` and ``foreign_keys=ON``.
Each unit of work takes a connection of its own from a small pool at its first statement
(so any thread may use the store), reads in a snapshot until its first write, and then, having
dropped that snapshot, begins again with ``BEGIN IMMEDIATE`` and holds the write lock to its
end. Writers in any thread or process queue on the busy timeout; none ever upgrades a read
lock, so two never deadlock, and long reads (reports, exports) never block writers. ``BEGIN
IMMEDIATE`` is retried a few times when SQLite answers "busy" at once; a lock held longer than
the timeout is reported as ``StorageError``. A record read before the unit's first write may
have changed by then: ``update`` sees it by the version and raises ``Conflict``, as the memory
reference does. One thread may hold several units open, but only one of them writing at a
time (the other would wait for itself); the in-memory database has one connection, so its
units take turns and a thread holds one of them at a time.
"""

from __future__ import annotations

from sro_core.builtin.sqlite.schema import LATEST
from sro_core.builtin.sqlite.store import SQLiteStorage, SQLiteUnitOfWork
from sro_core.hookspecs import hookimpl
from sro_core.ports import StorageRegistry

__all__ = ["LATEST", "SQLiteStorage", "SQLiteUnitOfWork", "sro_register_storage"]


@hookimpl
def sro_register_storage(registry: StorageRegistry) -> None:
    """Register the SQLite store for ``sqlite:`` URLs."""
    registry.register(
        "sqlite", SQLiteStorage, "SQLite file or in-memory database (the default)", "sqlite"
    )
