"""PostgreSQL storage for sro_core: ``postgresql://`` (and ``postgres://``) URLs.

The store keeps each aggregate in a table of its own, answers every query with native SQL, loads
batches with binary ``COPY``, and lets several processes write at once. Its units of work take
connections from a psycopg pool. URL options, schema, migrations, the time zone a store is bound
to, and the concurrency rules are described in the package's README and in the modules
:mod:`sro_core_postgres.address`, :mod:`sro_core_postgres.schema` and
:mod:`sro_core_postgres.store`.

Importing this module (as the plugin host does at start-up) does not import psycopg: the driver
is loaded when a PostgreSQL store is first opened, so a program on SQLite pays nothing for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sro_core.hookspecs import hookimpl
from sro_core.ports import StorageRegistry, StorageSettings

if TYPE_CHECKING:
    from sro_core_postgres.store import PostgresStorage

__all__ = ["open_storage", "sro_register_storage"]


def open_storage(settings: StorageSettings) -> PostgresStorage:
    """Open the PostgreSQL store a URL names (the factory the plugin registers)."""
    from sro_core_postgres.store import PostgresStorage  # noqa: PLC0415 - loaded on first use

    return PostgresStorage(settings)


@hookimpl
def sro_register_storage(registry: StorageRegistry) -> None:
    """Register the PostgreSQL store for ``postgresql:`` and ``postgres:`` URLs."""
    description = "PostgreSQL database (psycopg 3, pooled; several writer processes)"
    registry.register("postgresql", open_storage, description, "postgres")
    registry.register("postgres", open_storage, description, "postgres")
