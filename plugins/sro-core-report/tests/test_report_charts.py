"""The charts: colour-blind-safe fills, many series, drawing in several threads at once."""

from __future__ import annotations

import base64
from concurrent.futures import ThreadPoolExecutor

from report_support import CHIEF, SEPTEMBER, Town
from sro_core_report import render_html
from sro_core_report.charts import draw
from sro_core_report.palette import OKABE_ITO, swatch
from sro_core_report.sections import BarChart, Series


def test_a_chart_with_more_series_than_colours_tells_them_apart() -> None:
    """Past the eight Okabe-Ito colours, series repeat them hatched: no two fills look alike."""
    fills = [swatch(n) for n in range(len(OKABE_ITO) * 3)]
    assert len(set(fills)) == len(fills)
    assert [fill.colour for fill in fills[:8]] == list(OKABE_ITO)
    series = tuple(
        Series(f"Category {n}, with a description long enough to wrap", (1.0, 2.0, 0.0), fill)
        for n, fill in enumerate(fills)
    )
    image = draw(BarChart("Many", ("Jul\n2026", "Aug\n2026", "Sep\n2026"), series, "incidents"))
    svg = base64.b64decode(image.uri.removeprefix("data:image/svg+xml;base64,"))
    assert svg.startswith(b"<?xml")
    assert b"<svg" in svg
    assert image.height > 400  # grown to hold the legend, which constrained layout fits in


def test_pages_drawn_in_parallel_threads_are_the_same_as_one_by_one(town: Town) -> None:
    """Drawing shares no global state (no pyplot): threads draw the very same bytes."""
    report = town.program.program_report(CHIEF, period=SEPTEMBER, label="September 2026")
    alone = render_html(report, town.program)
    with ThreadPoolExecutor(max_workers=3) as pool:
        pages = list(pool.map(lambda _: render_html(report, town.program), range(3)))
    assert pages == [alone] * 3
