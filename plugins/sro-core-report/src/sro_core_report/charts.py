"""Stacked bar charts drawn by matplotlib's Agg renderer into PNG ``data:`` URIs.

No pyplot: each chart is its own ``Figure`` on its own Agg canvas, so drawing touches no
global state and reports may be drawn from several threads at once. The PNG carries no
software version or date, so the same chart gives the same bytes on every run.
"""

from __future__ import annotations

import base64
import io
import textwrap

import attrs
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sro_core_report.sections import BarChart

DPI = 144
"""Pixels drawn per inch: one and a half per CSS pixel, so charts stay sharp on dense screens."""
CSS_DPI = 96
"""CSS pixels per inch: the page shows a chart at its size in inches times this."""
WIDTH = 9.0
"""Every chart's width, in inches."""
PNG_METADATA: dict[str, str | None] = {"Software": None, "Date": None}
"""No text chunks: matplotlib would write its version, which would change the bytes."""
WRAP = 30
"""Legend and bar labels are wrapped at this many characters (category descriptions are long)."""


@attrs.frozen
class Image:
    """A drawn chart: its ``data:`` URI, its size in CSS pixels and its text alternative."""

    uri: str
    width: int
    height: int
    alt: str


def draw(chart: BarChart) -> Image:
    """Draw a stacked bar chart and return it as a PNG ``data:`` URI."""
    legend = [textwrap.fill(series.label, WRAP) for series in chart.series]
    bars = [textwrap.fill(bar, WRAP) if chart.horizontal else bar for bar in chart.bars]
    legend_lines = sum(text.count("\n") + 1 for text in legend) if len(legend) > 1 else 0
    if chart.horizontal:
        bar_lines = sum(max(2, bar.count("\n") + 1) for bar in bars)
        height = max(1.6, 0.8 + 0.19 * bar_lines, 0.6 + 0.2 * legend_lines)
    else:
        height = max(3.4, 0.6 + 0.2 * legend_lines)
    figure = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained", facecolor="white")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(bars)))
    base = [0.0] * len(positions)
    for series, text in zip(chart.series, legend, strict=True):
        fill = series.swatch
        if chart.horizontal:
            axes.barh(
                positions,
                series.values,
                height=0.6,
                left=base,
                color=fill.colour,
                hatch=fill.hatch or None,
                edgecolor="white",
                linewidth=0.8,
                label=text,
            )
        else:
            axes.bar(
                positions,
                series.values,
                width=0.6,
                bottom=base,
                color=fill.colour,
                hatch=fill.hatch or None,
                edgecolor="white",
                linewidth=0.8,
                label=text,
            )
        base = [b + v for b, v in zip(base, series.values, strict=True)]
    counted, listed = (axes.xaxis, axes.yaxis) if chart.horizontal else (axes.yaxis, axes.xaxis)
    counted.set_major_locator(MaxNLocator(integer=True))
    listed.set_ticks(positions, bars)
    if chart.horizontal:
        axes.invert_yaxis()  # the first bar at the top, as the table lists it
        axes.set_xlabel(chart.unit, fontsize=10)
        axes.grid(axis="x", color="#d9d9d9", linewidth=0.8)
    else:
        axes.set_ylabel(chart.unit, fontsize=10)
        axes.grid(axis="y", color="#d9d9d9", linewidth=0.8)
    axes.set_axisbelow(True)
    axes.tick_params(labelsize=9)
    axes.spines[["top", "right"]].set_visible(False)
    if len(legend) > 1:
        # A vertical stack lists its top series first, as the eye reads the bar.
        reverse = not chart.horizontal
        figure.legend(loc="outside right upper", fontsize=9, frameon=False, reverse=reverse)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white", metadata=PNG_METADATA)
    uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    return Image(uri, round(WIDTH * CSS_DPI), round(height * CSS_DPI), chart.alt)
