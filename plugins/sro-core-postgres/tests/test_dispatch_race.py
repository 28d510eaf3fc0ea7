"""Dispatcher processes racing over one PostgreSQL schema: nothing lost, nothing sent twice."""

from __future__ import annotations

from pathlib import Path

from pg_support import SCHEMAS, with_options

from sro_core.testing.dispatchers import race


def _url() -> str:
    """Return the URL of a new schema; commits do not wait for the disk.

    The race is about claims between processes, not the server's durability: without
    ``synchronous_commit`` each of the thousands of small commits waits for an fsync.
    """
    name = SCHEMAS.new()
    SCHEMAS.closed(name)  # dropped with the session's other schemas
    return with_options(SCHEMAS.url(name), options="-csynchronous_commit=off")


def test_eight_dispatchers_lose_nothing_and_duplicate_nothing(tmp_path: Path) -> None:
    """8 processes, 1,000 events, 30% failures and one hang: each event received exactly once."""
    result = race(_url(), tmp_path, processes=8, events=1_000)
    assert (result.lost, result.duplicates, result.not_delivered_in_store) == (0, 0, 0)


def test_killed_dispatchers_lose_nothing_and_duplicate_at_most_once_each(tmp_path: Path) -> None:
    """Kill -9 of 3 of 8 dispatchers mid-run: nothing lost, at most one duplicate per kill."""
    result = race(_url(), tmp_path, processes=8, events=400, kills=3, hang=0, seed=5)
    assert result.kills == 3
    assert (result.lost, result.not_delivered_in_store) == (0, 0)
    assert result.duplicates <= result.kills
