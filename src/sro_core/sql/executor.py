"""What the shared SQL runs on: a unit of work's executor, which each store writes its own way.

The repositories, outbox, audit log and queries of :mod:`sro_core.sql` take an
:class:`Executor`; :class:`~sro_core.sql.SQLUnitOfWork` is one, and a store's unit of work
subclasses it, writing how a statement runs in its transaction (and its driver's errors become
:class:`~sro_core.ports.StorageError`), the locks writes take, and its bulk path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from sro_core.domain import ProgramCalendar
from sro_core.sql.dialect import Dialect
from sro_core.sql.tables import Involvements, Table


class Cursor(Protocol):
    """What the shared code reads from a statement's cursor."""

    @property
    def rowcount(self) -> int:
        """The rows the statement changed."""

    def fetchone(self) -> Any:
        """Return the next row, or None."""

    def fetchall(self) -> list[Any]:
        """Return the remaining rows."""


Parameters = Sequence[object] | Mapping[str, object]
"""A statement's parameters: by position (``?``), or by name where the driver takes names."""


class Executor(Protocol):
    """Runs the shared statements in one transaction of a store."""

    @property
    def dialect(self) -> Dialect:
        """How the store's database spells the shared statements."""

    @property
    def calendar(self) -> ProgramCalendar:
        """The program calendar (local months are computed when rows are written)."""

    @property
    def where(self) -> str:
        """The store, as messages name it."""

    def execute(self, sql: str, parameters: Parameters = ()) -> Cursor:
        """Run one statement in the unit's transaction; a driver error becomes StorageError."""

    def executemany(self, sql: str, parameters: Iterable[Sequence[object]]) -> None:
        """Run one statement for many rows in the unit's transaction."""

    def load(self, table: Table[Any] | Involvements, rows: Iterable[Any]) -> bool:
        """Write many new rows of a table by the store's bulk path, in the unit's transaction.

        Return False, having written part of them or none, when a row's id or unique value
        is taken: the caller rolls back to its savepoint and adds the rows one by one.
        """

    def write_lock(self) -> None:
        """Hold what writes need from now to the unit's end (SQLite: the database's lock)."""

    def lock_audit(self) -> None:
        """Hold the audit chain's head from now to the unit's end: other appends wait."""

    def savepoint(self, name: str) -> None:
        """Mark a point the unit can roll back to."""

    def back_to(self, name: str) -> None:
        """Undo what was done since a savepoint, and forget it; the unit goes on."""

    def release(self, name: str) -> None:
        """Forget a savepoint, keeping what was done since."""
