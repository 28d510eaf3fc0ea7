"""The shared SQL layer: the SQLite dialect's encodings, placeholders, and module boundaries."""

from __future__ import annotations

import ast
import datetime as dt
import uuid
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sro_core.builtin.sqlite.dialect import SQLITE
from sro_core.builtin.sqlite.schema import MIGRATIONS as SQLITE_MIGRATIONS
from sro_core.ports import BadQuery
from sro_core.sql import Dialect, ddl
from sro_core.testing import strategies

ROOT = Path(__file__).resolve().parent.parent
STORES = {
    "sro_core.builtin.sqlite": ROOT / "src" / "sro_core" / "builtin" / "sqlite",
    "sro_core_postgres": ROOT / "plugins" / "sro-core-postgres" / "src" / "sro_core_postgres",
    "sro_core.sql": ROOT / "src" / "sro_core" / "sql",
}


@given(strategies.aware_datetimes(), strategies.aware_datetimes())
def test_sqlite_time_text_sorts_as_the_times(first: dt.datetime, second: dt.datetime):
    """SQLite's time text compares as the instants do, so ORDER BY and ranges on it are right."""
    one, other = SQLITE.time(first), SQLITE.time(second)
    assert isinstance(one, str)
    assert isinstance(other, str)
    first, second = first.astimezone(dt.UTC), second.astimezone(dt.UTC)  # see PEP 495 on folds
    assert (one < other) == (first < second)
    assert (one == other) == (first == second)


@given(strategies.aware_datetimes())
def test_sqlite_time_text_reads_back_as_the_same_instant(moment: dt.datetime):
    """A time written as SQLite text reads back as the same instant, in UTC."""
    read = SQLITE.read_time(SQLITE.time(moment))
    assert read == moment.astimezone(dt.UTC)  # an instant in a fold equals no other zone's
    assert read.utcoffset() == dt.timedelta(0)


@given(st.uuids(), st.uuids())
def test_sqlite_id_text_sorts_and_reads_back_as_the_ids(first: uuid.UUID, second: uuid.UUID):
    """Ids as SQLite text keep Python's UUID order (the reference's) and read back equal."""
    one, other = SQLITE.key(first), SQLITE.key(second)
    assert isinstance(one, str)
    assert isinstance(other, str)
    assert (one < other) == (first < second)
    assert SQLITE.read_key(one) == first
    assert SQLITE.keys()(one) == first


def test_a_naive_time_in_a_query_is_refused_by_every_dialect():
    """A time without its zone is BadQuery, whichever store is asked."""
    naive = dt.datetime(2025, 3, 9, 10, 0)  # noqa: DTZ001 - the naive time under test
    for dialect in (Dialect(), SQLITE):
        with pytest.raises(BadQuery, match="must carry its time zone"):
            dialect.time(naive)


def test_shared_statements_are_translated_to_the_driver_placeholders():
    """A format-style driver gets %s for each ? mark; a qmark driver gets the statement as is."""

    class Format(Dialect):
        paramstyle = "format"

    statement = "SELECT document FROM incidents WHERE id = ? AND version = ?"
    assert Format().statement(statement) == (
        "SELECT document FROM incidents WHERE id = %s AND version = %s"
    )
    assert SQLITE.statement(statement) == statement


def test_sqlite_lists_of_many_ids_go_as_one_json_parameter():
    """Up to 100 ids are one parameter each (index order kept); more are one JSON array."""
    few: list[object] = []
    test = SQLITE.any_key("school_id", frozenset({uuid.UUID(int=1), None}), few)
    assert test == "school_id IN (?)"
    assert few == [str(uuid.UUID(int=1))]
    many: list[object] = []
    keys = frozenset(uuid.UUID(int=n) for n in range(1, 102))
    assert SQLITE.any_key("id", keys, many) == "id IN (SELECT value FROM json_each(?))"
    assert len(many) == 1


def _imports(package: str, folder: Path) -> dict[str, set[str]]:
    """Return each module of a package and the modules of the same package it imports."""
    found: dict[str, set[str]] = {}
    for path in folder.glob("*.py"):
        name = package if path.stem == "__init__" else f"{package}.{path.stem}"
        named: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                named |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
            elif isinstance(node, ast.Import):
                named |= {a.name for a in node.names}
        found[name] = {m for m in named if m.startswith(f"{package}.") and m != name}
    return {name: {m for m in imported if m in found} for name, imported in found.items()}


@pytest.mark.parametrize("package", sorted(STORES))
def test_no_store_module_imports_another_in_a_circle(package: str):
    """The modules of each SQL store and of sro_core.sql import in one direction, types too."""
    graph = _imports(package, STORES[package])
    assert len(graph) > 1
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, f"import circle: {' -> '.join((*path, module))}"
        if module in done:
            return
        for imported in graph[module]:
            visit(imported, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())


def test_the_stores_take_the_shared_sql_from_sro_core_sql():
    """Neither store defines repositories, outbox, audit or queries of its own again."""
    for package in ("sro_core.builtin.sqlite", "sro_core_postgres"):
        for path in STORES[package].glob("*.py"):
            source = path.read_text(encoding="utf-8")
            for shared in ("class _Repository", "class _Audit", "Queries):", "SubmissionLedger"):
                assert shared not in source, f"{path.name} defines {shared} again"


def test_a_store_ddl_that_leaves_out_a_type_is_refused_naming_it():
    """Spelling the shared tables with an incomplete type map names what it leaves out."""
    types = dict.fromkeys(ddl.TYPES, "TEXT")
    del types["time"], types["flag"]
    with pytest.raises(ValueError, match="leave out flag, time"):
        ddl.spelled(ddl.V1, types)


def test_a_store_addition_follows_the_shared_script_it_names():
    """A store's own DDL lands after the shared migration it is keyed by, whatever its number."""
    types = dict.fromkeys(ddl.TYPES, "TEXT")
    scripts = ddl.migrations(types, {ddl.SEALED: "-- after sealed\n"})
    assert scripts[ddl.MIGRATIONS.index(ddl.SEALED)].endswith("-- after sealed\n")
    assert sum("-- after sealed" in script for script in scripts) == 1
    with pytest.raises(ValueError, match="follow no shared migration"):
        ddl.migrations(types, {"ALTER TABLE nowhere;": "-- lost\n"})


def test_the_sqlite_store_spells_the_shared_tables_in_its_own_types():
    """SQLite's migrations are the shared templates with ids as TEXT and no brace left."""
    assert SQLITE_MIGRATIONS[0].count("id TEXT PRIMARY KEY") >= 10
    assert all("{" not in script for script in SQLITE_MIGRATIONS)
