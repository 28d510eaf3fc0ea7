"""Stacked bar charts drawn by matplotlib's SVG renderer into ``data:`` URIs.

SVG, so a chart stays sharp when zoomed and scales down to a phone's width; its text is drawn
as paths (matplotlib's default), so it looks the same without any font installed. No pyplot:
each chart is its own ``Figure`` on its own SVG canvas, so drawing touches no global state and
reports may be drawn from several threads at once. The SVG carries no date or software
version, and its element ids come from a fixed salt, so the same chart gives the same bytes on
every run.
"""

from __future__ import annotations

import base64
import io
import textwrap

import attrs
import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sro_core_report.sections import BarChart

DPI = 72
"""Points per inch: an SVG's user units are points."""
CSS_DPI = 96
"""CSS pixels per inch: the page shows a chart at its size in inches times this."""
WIDTH = 9.0
"""Every chart's width, in inches."""
SVG_METADATA: dict[str, str | None] = {"Date": None, "Creator": None}
"""No date and no software version: they would change the bytes from run to run."""
SVG_SALT = "sro-core-report"
"""The salt of the SVG's element ids, so the same chart has the same ids on every run."""

if matplotlib.rcParams["svg.hashsalt"] is None:
    # Set once, before any drawing: a per-chart rc_context would race between threads.
    matplotlib.rcParams["svg.hashsalt"] = SVG_SALT
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
    """Draw a stacked bar chart and return it as an SVG ``data:`` URI."""
    legend = [textwrap.fill(series.label, WRAP) for series in chart.series]
    bars = [textwrap.fill(bar, WRAP) if chart.horizontal else bar for bar in chart.bars]
    legend_lines = sum(text.count("\n") + 1 for text in legend) if len(legend) > 1 else 0
    if chart.horizontal:
        bar_lines = sum(max(2, bar.count("\n") + 1) for bar in bars)
        height = max(1.6, 0.8 + 0.19 * bar_lines, 0.6 + 0.2 * legend_lines)
    else:
        height = max(3.4, 0.6 + 0.2 * legend_lines)
    figure = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained", facecolor="white")
    FigureCanvasSVG(figure)
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
    figure.savefig(buffer, format="svg", facecolor="white", metadata=SVG_METADATA)
    uri = "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    return Image(uri, round(WIDTH * CSS_DPI), round(height * CSS_DPI), chart.alt)
