"""Migrations 6 to 9 on SQLite: a previous release's store gets the person index, keys, seals."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from migration_support import (
    DROPPED,
    KEYS,
    PREVIOUS,
    SEALED_COUNTS,
    check_keys,
    check_migrated,
    every_read,
    filled,
    old_people,
    unsealed,
)
from sro_core.builtin.sqlite import schema
from sro_core.builtin.sqlite.store import SQLiteStorage
from sro_core.ports import StorageSettings


def _open(path: Path) -> SQLiteStorage:
    return SQLiteStorage(StorageSettings(f"sqlite:///{path.as_posix()}"))


def _made_previous(path: Path, people: list[tuple[str, str]]) -> None:
    """Take migrations 6 to 9 back out of a store, by hand, as the previous release left it."""
    with sqlite3.connect(path) as raw:
        for statement in unsealed(""):
            raw.execute(statement)
        for table, column, index in DROPPED:
            raw.execute(f"DROP INDEX {index}")
            raw.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        raw.execute("UPDATE referrals SET document = json_remove(document, '$.person_id')")
        raw.execute("DROP TABLE person_keys")
        raw.execute("DELETE FROM people")
        raw.executemany("INSERT INTO people (id, version, document) VALUES (?, 1, ?)", people)
        raw.execute("DELETE FROM schema_version WHERE version > ?", (PREVIOUS,))
    raw.close()


def test_migration_lifts_the_recorded_people_and_changes_no_fact(tmp_path: Path) -> None:
    """Every read is as before; the index holds the people stored and those incidents record.

    The sealed incident is found in its document: the counts leave it out as before.
    """
    path = tmp_path / "previous.db"
    with _open(path) as current:
        records = filled(current)
        before = every_read(current, records)
    assert all(before[q] != before[f"{q}, sealed"] for q in SEALED_COUNTS)
    _made_previous(path, old_people(records))
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT max(version) FROM schema_version").fetchone() == (PREVIOUS,)
    raw.close()
    with _open(path) as migrated:
        assert migrated.schema_version() == schema.LATEST
        check_migrated(migrated, records, before)


def test_migration_8_stores_the_keys_of_the_people_already_in_the_index(tmp_path: Path) -> None:
    """A store at 7 gets every index person's matching keys; ``similar`` then finds by them."""
    path = tmp_path / "seven.db"
    with _open(path) as current:
        records = filled(current)
        before = every_read(current, records)
    with sqlite3.connect(path) as raw:
        for statement in unsealed(""):
            raw.execute(statement)
        raw.execute("DROP TABLE person_keys")
        raw.execute("DELETE FROM schema_version WHERE version >= ?", (KEYS,))
    raw.close()
    with _open(path) as migrated:
        assert migrated.schema_version() == schema.LATEST
        assert every_read(migrated, records) == before
        with migrated.unit_of_work() as unit:
            check_keys(unit)
