"""The test server, and a schema of its own for every store a test opens.

``SRO_TEST_POSTGRES_URL`` names the server and database (default
``postgresql://postgres@127.0.0.1:5432/test``). Every store lives in a schema named after this
test session, dropped once no store of it is open and the next store is made (a closed store
may be opened again meanwhile, as "another process" would), and at the end of the session.
"""

from __future__ import annotations

import functools
import os
import secrets
import urllib.parse

import psycopg
from psycopg import sql
from sro_core_postgres.store import PostgresStorage

from sro_core.domain import ProgramCalendar
from sro_core.ports import StorageSettings

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
SERVER_URL = os.environ.get("SRO_TEST_POSTGRES_URL") or DEFAULT_URL


def with_options(url: str, **options: str) -> str:
    """Return a URL with query options added (or replaced)."""
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query.update(options)
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def admin() -> psycopg.Connection[tuple[object, ...]]:
    """Open an autocommit connection to the test database, for set-up and clean-up."""
    return psycopg.connect(with_options(SERVER_URL, connect_timeout="5"), autocommit=True)


@functools.cache
def server_problem() -> str | None:
    """Return why the test server cannot be used, or None when it answers."""
    try:
        with admin() as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        return f"no PostgreSQL server answers at {SERVER_URL}: {str(error).strip()}"
    return None


class Schemas:
    """The schemas of this session's stores: made on demand, dropped when done with."""

    def __init__(self) -> None:
        self.prefix = f"sro_test_{os.getpid()}_{secrets.token_hex(3)}"
        self.made = 0
        self.open: dict[str, int] = {}
        self.done: list[str] = []

    def new(self) -> str:
        """Return the name of a new, empty schema (it is made when a store opens it)."""
        self.drop_done()
        self.made += 1
        name = f"{self.prefix}_{self.made}"
        self.open[name] = 1
        return name

    def url(self, name: str) -> str:
        """Return the storage URL of a schema on the test server."""
        return with_options(SERVER_URL, schema=name)

    def reopened(self, name: str) -> None:
        """Count a store opened again on a schema."""
        self.open[name] = self.open.get(name, 0) + 1
        if name in self.done:
            self.done.remove(name)

    def closed(self, name: str) -> None:
        """Count a store closed; a schema no store has open is dropped at the next ``new``."""
        left = self.open.get(name, 1) - 1
        self.open[name] = left
        if left <= 0 and name not in self.done:
            self.done.append(name)

    def drop_done(self) -> None:
        """Drop the schemas no store has open."""
        if not self.done:
            return
        with admin() as connection:
            for name in self.done:
                connection.execute(
                    sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name))
                )
                self.open.pop(name, None)
        self.done.clear()

    def drop_all(self) -> None:
        """Drop every schema of this session, open or not."""
        with admin() as connection:
            names = [
                str(row[0])
                for row in connection.execute(
                    "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s)",
                    (self.prefix,),
                )
            ]
            for name in names:
                connection.execute(
                    sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name))
                )
        self.open.clear()
        self.done.clear()


SCHEMAS = Schemas()


def fresh_storage(calendar: ProgramCalendar | None = None) -> PostgresStorage:
    """Open a store in a new schema of its own."""
    name = SCHEMAS.new()
    return PostgresStorage(StorageSettings(SCHEMAS.url(name), calendar or ProgramCalendar()))


def close(storage: PostgresStorage) -> None:
    """Close a store opened by ``fresh_storage`` or ``reopen``."""
    storage.close()
    SCHEMAS.closed(storage.address.schema)


def reopen(storage: PostgresStorage) -> PostgresStorage:
    """Open the store of a schema again, as another process would."""
    SCHEMAS.reopened(storage.address.schema)
    return PostgresStorage(storage.settings)
