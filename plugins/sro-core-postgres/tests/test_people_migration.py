"""Migrations 6 to 9 on PostgreSQL: a previous release's store gets the index, keys, seals."""

from __future__ import annotations

from pg_support import SCHEMAS, admin, close, fresh_storage, reopen
from psycopg import sql
from sro_core_postgres import schema
from sro_core_postgres.store import PostgresStorage

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


def _made_previous(storage: PostgresStorage, people: list[tuple[str, str]]) -> None:
    """Take migrations 6 to 9 back out of a store, by hand, as the previous release left it."""
    name = sql.Identifier(storage.address.schema)
    with admin() as connection:
        connection.execute(sql.SQL("SET search_path TO {}").format(name))
        for statement in unsealed(" NULLS FIRST"):
            connection.execute(statement.encode())
        for table, column, index in DROPPED:
            connection.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(index)))
            connection.execute(
                sql.SQL("ALTER TABLE {} DROP COLUMN {}").format(
                    sql.Identifier(table), sql.Identifier(column)
                )
            )
        connection.execute("UPDATE referrals SET document = (document::jsonb - 'person_id')::text")
        connection.execute("DROP TABLE person_keys")
        connection.execute("DELETE FROM people")
        for key, document in people:
            connection.execute(
                "INSERT INTO people (id, version, document) VALUES (%s, 1, %s)", (key, document)
            )
        connection.execute("DELETE FROM schema_version WHERE version > %s", (PREVIOUS,))


def test_migration_lifts_the_recorded_people_and_changes_no_fact() -> None:
    """Every read is as before; the index holds the people stored and those incidents record.

    The sealed incident is found in its document: the counts leave it out as before.
    """
    current = fresh_storage()
    records = filled(current)
    before = every_read(current, records)
    assert all(before[q] != before[f"{q}, sealed"] for q in SEALED_COUNTS)
    close(current)
    _made_previous(current, old_people(records))
    migrated = reopen(current)
    try:
        assert migrated.schema_version() == schema.LATEST
        check_migrated(migrated, records, before)
    finally:
        close(migrated)
    SCHEMAS.drop_done()


def test_migration_8_stores_the_keys_of_the_people_already_in_the_index() -> None:
    """A store at 7 gets every index person's matching keys; ``similar`` then finds by them."""
    current = fresh_storage()
    records = filled(current)
    before = every_read(current, records)
    close(current)
    name = sql.Identifier(current.address.schema)
    with admin() as connection:
        connection.execute(sql.SQL("SET search_path TO {}").format(name))
        for statement in unsealed(" NULLS FIRST"):
            connection.execute(statement.encode())
        connection.execute("DROP TABLE person_keys")
        connection.execute("DELETE FROM schema_version WHERE version >= %s", (KEYS,))
    migrated = reopen(current)
    try:
        assert migrated.schema_version() == schema.LATEST
        assert every_read(migrated, records) == before
        with migrated.unit_of_work() as unit:
            check_keys(unit)
    finally:
        close(migrated)
    SCHEMAS.drop_done()
