"""The SQLite store's queries keep the plans bench/query_plans.txt records: every one indexed."""

from __future__ import annotations

import re
import sqlite3

import pytest

from bench_support import BENCH, bench_script

RECORDED = (BENCH / "query_plans.txt").read_text(encoding="utf-8")
TABLES = ("incidents", "involvements", "contacts", "activities", "referrals", "people", "crises")
WHOLE_TABLE = re.compile(rf"^\s*SCAN ({'|'.join(TABLES)})\s*$", re.MULTILINE)


@pytest.fixture(scope="module")
def plans() -> str:
    """Return the SQLite plans of every aggregate and search query, as the script prints them."""
    found: str = bench_script("query_plans").sqlite_plans()
    return found


def test_no_query_reads_a_whole_stored_table_without_an_index(plans: str) -> None:
    """Each aggregate and search query searches an index (or walks one in order), never a table."""
    assert plans.count("## ") == RECORDED.split("# PostgreSQL")[0].count("## ")
    assert WHOLE_TABLE.findall(plans) == []


def test_the_plans_are_the_recorded_ones(plans: str) -> None:
    """A change to the SQL layer that changes a plan also changes bench/query_plans.txt."""
    recorded = RECORDED.split("# PostgreSQL")[0]
    version = recorded.splitlines()[0].removeprefix("# SQLite ").strip()
    if version != sqlite3.sqlite_version:
        pytest.skip(
            f"the plans were recorded with SQLite {version}, this is {sqlite3.sqlite_version}"
        )
    assert plans == recorded
