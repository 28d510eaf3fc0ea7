"""Dispatcher processes racing over one SQLite file: nothing lost, nothing sent twice."""

from __future__ import annotations

from pathlib import Path

from sro_core.testing.dispatchers import race


def test_four_dispatchers_lose_nothing_and_duplicate_nothing(tmp_path: Path) -> None:
    """4 processes, 2,000 events, 30% failures and one hang: each event received exactly once."""
    result = race(f"sqlite:///{tmp_path / 'sro.db'}", tmp_path, processes=4, events=2_000)
    assert (result.lost, result.duplicates, result.not_delivered_in_store) == (0, 0, 0)


def test_killed_dispatchers_lose_nothing_and_duplicate_at_most_once_each(tmp_path: Path) -> None:
    """Kill -9 of 3 of 4 dispatchers mid-run: nothing lost, at most one duplicate per kill."""
    url = f"sqlite:///{tmp_path / 'sro.db'}"
    result = race(url, tmp_path, processes=4, events=1_000, kills=3, hang=0, seed=3)
    assert result.kills == 3
    assert (result.lost, result.not_delivered_in_store) == (0, 0)
    assert result.duplicates <= result.kills
