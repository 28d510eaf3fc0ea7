"""The SQL both SQL stores share, written once over a small dialect: for plugin authors.

A SQL store (the built-in SQLite one, the PostgreSQL plugin, or one for another database)
gives :class:`SQLUnitOfWork` a :class:`Dialect` and the few things it does its own way:
running a statement and mapping its driver's errors, the locks writes take, its bulk path and
its migrations' DDL. This package holds the rest: the table registry (:mod:`.tables`), the
repositories, outbox and delivery claims, audit chain, NIBRS ledger, the queries and
aggregate counts, the tables every store creates with its own column types (:mod:`.ddl`), the
schema check and the migrations runner (:mod:`.migrations`).
"""

from __future__ import annotations

from sro_core.sql.dialect import Dialect, Keys, sorted_keys
from sro_core.sql.executor import Cursor, Executor, Parameters
from sro_core.sql.migrations import Found, Schema, applied_at, check, needs_upgrade, upgrade
from sro_core.sql.outbox import SQLOutbox
from sro_core.sql.people import FILLS
from sro_core.sql.tables import INVOLVEMENTS, Involvements, Table, decode, encode
from sro_core.sql.unit import SQLUnitOfWork

__all__ = [
    "FILLS",
    "INVOLVEMENTS",
    "Cursor",
    "Dialect",
    "Executor",
    "Found",
    "Involvements",
    "Keys",
    "Parameters",
    "SQLOutbox",
    "SQLUnitOfWork",
    "Schema",
    "Table",
    "applied_at",
    "check",
    "decode",
    "encode",
    "needs_upgrade",
    "sorted_keys",
    "upgrade",
]
