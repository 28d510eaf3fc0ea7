"""The schema check and the migrations runner both SQL stores share.

Migration ``n`` is a store's ``MIGRATIONS[n - 1]``, a script in its own DDL; the numbers are
the same in every SQL store, so a store of either kind at version ``n`` holds the same things.
The ``schema_version`` table records every migration applied and when; ``store_settings``
records the program time zone the store's local months were computed in. A store reads what
its database holds (:class:`Found`) its own way; the rules that follow are here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from sro_core.domain import ProgramCalendar
from sro_core.ports import SchemaTooNew, StorageError

Execute = Callable[[str, Sequence[object]], Any]
"""Run one statement with ``?`` placeholders in the migration's transaction; return its cursor."""


@attrs.frozen
class Found:
    """What an opened database (or PostgreSQL schema) turned out to be."""

    ours: bool
    """An sro_core store, or an empty one that will become one."""
    version: int
    """The schema version reached (0: nothing yet)."""
    time_zone: str | None
    """The program time zone the store's local months were computed in."""


@attrs.frozen
class Schema:
    """A store's migrations, and what its messages tell a user to do."""

    migrations: Sequence[str]
    """The migration scripts, in order."""
    foreign: str
    """Why a database that is not an sro_core store is refused, and what to do instead."""
    upgrade: str
    """What to upgrade to read a newer schema."""
    filled: Mapping[int, Callable[[Execute], None]] = attrs.field(factory=dict)
    """What fills a migration's new tables in Python after its script, by migration number."""

    @property
    def latest(self) -> int:
        """The schema version this code writes."""
        return len(self.migrations)


def check(schema: Schema, found: Found, where: str, calendar: ProgramCalendar) -> None:
    """Raise unless this code may use the store found: ours, not newer, same time zone."""
    if not found.ours:
        raise StorageError(f"{where} {schema.foreign}")
    if found.version > schema.latest:
        raise SchemaTooNew(
            f"{where} was written by a newer sro_core (schema {found.version}; this one knows "
            f"up to {schema.latest}): upgrade {schema.upgrade}"
        )
    if found.time_zone is not None and found.time_zone != calendar.time_zone:
        raise StorageError(
            f"{where} counts local months in the time zone {found.time_zone}, but this program "
            f"uses {calendar.time_zone}: open it with the time zone it was made with (months "
            "are computed when incidents are written)"
        )


def needs_upgrade(schema: Schema, found: Found) -> bool:
    """Return whether a store lacks migrations, or the record of its time zone."""
    return found.version < schema.latest or found.time_zone is None


def upgrade(  # noqa: PLR0917 - each store passes its own three ways of running SQL
    schema: Schema,
    found: Found,
    calendar: ProgramCalendar,
    run: Callable[[str], None],
    execute: Execute,
    now: object,
) -> int:
    """Apply the missing migrations and record the time zone, in the caller's transaction.

    ``run`` runs a migration script, ``execute`` one statement with ``?`` placeholders, and
    ``now`` is the time recorded with each migration. Return the version reached.
    """
    for version in range(found.version + 1, schema.latest + 1):
        run(schema.migrations[version - 1])
        if version in schema.filled:
            schema.filled[version](execute)
        execute("INSERT INTO schema_version VALUES (?, ?)", (version, now))
    if found.time_zone is None:
        execute("INSERT INTO store_settings VALUES ('time_zone', ?)", (calendar.time_zone,))
    return max(found.version, schema.latest)


def applied_at() -> dt.datetime:
    """Return the time a migration is recorded as applied: now, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
