"""The benchmark runner's own arithmetic: the median run, its spread, the table it writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench_support import bench_script

run = bench_script("run")


def _figure(ratio: float, notes: str = "") -> dict[str, object]:
    return {
        "name": "a figure",
        "unit": "ms",
        "library": ratio,
        "raw": 1.0,
        "ratio": ratio,
        "floor": "< 2",
        "aim": "< 1",
        "meets_floor": ratio < 2,
        "meets_aim": ratio < 1,
        "size": 10,
        "notes": notes,
    }


@given(st.lists(st.floats(0.01, 100), min_size=1, max_size=7))
def test_the_summary_is_the_median_run_with_every_ratio_noted(ratios: list[float]) -> None:
    """A figure over several runs is its median run, verdicts included, and says the spread."""
    found = run.summary([_figure(r) for r in ratios])
    assert found["ratio"] == sorted(ratios)[(len(ratios) - 1) // 2]
    assert found["meets_aim"] is (float(str(found["ratio"])) < 1)
    if len(ratios) > 1:
        assert f"{min(ratios):.2f}-{max(ratios):.2f}" in str(found["notes"])


def test_update_replaces_only_the_marked_table(tmp_path: Path) -> None:
    """--update writes between the markers and keeps every other line of the page."""
    page = tmp_path / "performance.md"
    page.write_text("# P\n\nbefore\n<!-- figures -->\nold\n<!-- /figures -->\nafter\n")
    run.update(page, "| new |\n", runs=3, tiny=False)
    text = page.read_text()
    assert "old" not in text
    assert text.startswith("# P\n\nbefore\n<!-- figures -->")
    assert text.endswith("| new |\n\n<!-- /figures -->\nafter\n")
    assert f"bench/run.py --runs 3 --update {page.as_posix()}`" in text


def test_update_refuses_a_page_without_its_markers(tmp_path: Path) -> None:
    """A page without exactly one pair of markers is left alone, and the run says why."""
    page = tmp_path / "performance.md"
    page.write_text("# P\n")
    with pytest.raises(SystemExit, match="needs one"):
        run.update(page, "| new |\n", runs=1, tiny=True)
    assert page.read_text() == "# P\n"
