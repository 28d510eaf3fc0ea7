"""A PostgreSQL store's audit trail: append-only for the library, and tampering named."""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from pathlib import Path

import psycopg
import pytest
from pg_support import SCHEMAS, admin
from psycopg import sql

from sro_core.testing.tampering import CHIEF, AuditTamperingContract, Trail


def _schema(url: str) -> str:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))["schema"]


class TestPostgresTampering(AuditTamperingContract):
    """A PostgreSQL schema's keyed, checkpointed trail names every tampering."""

    placeholder = "%s"

    def store_url(self, folder: Path) -> str:  # noqa: ARG002 - a schema needs no folder
        """Return the URL of a new schema of its own."""
        return SCHEMAS.url(SCHEMAS.new())

    def tamper(self, url: str, statement: str, parameters: Sequence[object] = ()) -> None:
        """Run the statement as the table's owner could: with its triggers disabled."""
        with admin() as connection, connection.transaction():
            connection.execute(
                sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(_schema(url)))
            )
            connection.execute("ALTER TABLE audit DISABLE TRIGGER USER")
            connection.execute(statement.encode(), parameters)
            connection.execute("ALTER TABLE audit ENABLE TRIGGER USER")

    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE audit SET detail = 'nothing happened' WHERE sequence = 2",
            "DELETE FROM audit WHERE sequence > 3",
            "TRUNCATE audit",
        ],
    )
    def test_the_table_refuses_changes(self, trail: Trail, statement: str) -> None:
        """UPDATE, DELETE and TRUNCATE of audit entries are refused by the table itself."""
        with admin() as connection:
            connection.execute(
                sql.SQL("SET search_path TO {}").format(sql.Identifier(_schema(trail.url)))
            )
            with pytest.raises(psycopg.Error, match="append-only"):
                connection.execute(statement.encode())
        assert trail.verify() is None


def test_doctor_checks_a_postgres_store(trail_url: str) -> None:
    """check_store on PostgreSQL runs amcheck where installed and verifies the trail."""
    from sro_core.service import Program  # noqa: PLC0415 - kept beside its only use

    with admin() as connection:
        connection.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
    with Program.open(trail_url) as program:
        checks = {c.name: c for c in program.check_store(CHIEF)}
    assert checks["PostgreSQL amcheck"].ok
    assert checks["PostgreSQL amcheck"].note.endswith("indexes checked")
    assert checks["audit trail"].ok


@pytest.fixture
def trail_url() -> str:
    """Return the URL of a new schema of its own."""
    return SCHEMAS.url(SCHEMAS.new())
