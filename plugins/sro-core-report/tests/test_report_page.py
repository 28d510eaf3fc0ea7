"""The report page: its sections, redaction, self-containment and determinism."""

from __future__ import annotations

import base64
import html
import io
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import sro_core_report.plugin
from report_support import (
    ANALYST,
    CHIEF,
    MARCH,
    SECTIONS,
    SEPTEMBER,
    THRESHOLD,
    PageParts,
    Town,
    render,
    seeded_town,
)
from sro_core_report import ReportHtmlExporter, render_html

from sro_core import PluginHost
from sro_core.builtin import BUILTIN_PLUGINS
from sro_core.domain import Actor, Audience, DomainError
from sro_core.ports import ExportContext, ExportInput

PLUGIN = Path(__file__).resolve().parents[1]
REPO = PLUGIN.parents[1]
SVG_PREFIX = "data:image/svg+xml;base64,"


def _images(page: bytes) -> list[bytes]:
    """Return the SVG bytes of every chart of a page."""
    return [base64.b64decode(src[len(SVG_PREFIX) :]) for src in PageParts.of(page).sources]


def test_the_plugin_registers_the_report_format() -> None:
    """``report-html`` is registered through the hook: HTML of one report; no partner audience."""
    host = PluginHost.load(builtins=(*BUILTIN_PLUGINS, sro_core_report.plugin), entry_points=False)
    exporter = host.exporter_registry().get("report-html")
    assert isinstance(exporter, ReportHtmlExporter)
    assert exporter.media_type == "text/html"
    assert exporter.binary is True
    assert exporter.takes is ExportInput.REPORT
    assert exporter.audiences == frozenset(Audience) - {Audience.PARTNER}


def test_the_package_declares_its_entry_point_and_its_own_dependencies() -> None:
    """The entry point is ``sro_core``/``report``; jinja2 and matplotlib stay out of the core."""
    plugin = tomllib.loads((PLUGIN / "pyproject.toml").read_text("utf-8"))
    core = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    assert plugin["project"]["entry-points"]["sro_core"] == {"report": "sro_core_report.plugin"}
    assert plugin["build-system"]["build-backend"] == "hatchling.build"
    needs = " ".join(plugin["project"]["dependencies"])
    assert "jinja2" in needs
    assert "matplotlib" in needs
    assert not {"jinja2", "matplotlib"} & {
        re.split(r"[<>=;\[ ]", d)[0].lower() for d in core["project"]["dependencies"]
    }


def test_loading_the_plugin_imports_neither_matplotlib_nor_jinja2() -> None:
    """A program that loads the plugin but writes no report pays nothing for the charts."""
    code = (
        "import sys, sro_core_report.plugin;"
        "print(sorted(m for m in ('matplotlib', 'jinja2') if m in sys.modules))"
    )
    paths = [str(REPO / "src"), str(PLUGIN / "src")]
    found = subprocess.run(  # noqa: S603 (this Python, a fixed program)
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": ":".join(paths)},
        timeout=60,
    )
    assert found.stdout.strip() == "[]"


def test_the_department_report_has_every_section_with_its_figures(
    department_page: bytes,
) -> None:
    """All eight sections are there, with their counts, charts, crises and overdue agreements."""
    parts = PageParts.of(department_page)
    text = department_page.decode("utf-8")
    assert parts.sections == list(SECTIONS)
    assert parts.empty == []
    assert len(parts.sources) == 5  # incidents, places, triad, contacts, referrals
    assert "Redacted for the department" in text
    assert f"Suppression threshold {THRESHOLD}" in text
    cells = [t for _, t in parts.cells]
    row = cells.index("Tobacco or vaping product possession or use")
    assert cells[row + 1] == "10"
    assert cells[cells.index("On campus") + 1] == "13"
    assert ("suppressed", "suppressed") not in parts.cells
    # the drill, declared in local time (its minute is the test clock's: one second a reading)
    assert any(re.fullmatch(r"2026-09-08 08:\d\d PDT", cell) for cell in cells)
    assert "still active" in cells
    assert re.search(r'<tr class="overdue"><th scope="row" class="text">Behavioral health', text)
    assert "Fight between students or others (mutual combat)" in text  # labels, not codes


def test_an_analysts_report_shows_small_counts_as_suppressed(town: Town) -> None:
    """Counts under the threshold, and totals and minutes that would reveal them, never show."""
    report = town.program.program_report(ANALYST, period=SEPTEMBER, label="September 2026")
    page = render(town, ANALYST, SEPTEMBER, label="September 2026")
    parts = PageParts.of(page)
    text = page.decode("utf-8")
    assert parts.sections == list(SECTIONS)
    assert "Redacted for analysts and the public" in text
    assert f"counts from 1 to {THRESHOLD - 1} are shown as" in text
    counts = parts.counts()
    hidden = [f for f in (*report.monthly, *report.locations, *report.contacts) if f.count is None]
    assert counts.count("suppressed") > len(hidden) > 0
    bounds = [shown for shown in counts if shown.startswith("at least ")]
    assert bounds  # a total with suppressed counts in it shows the least it can be, not nothing
    for shown in counts:
        if shown in bounds:
            continue  # the shown counts plus 1 for each suppressed one: nothing new is told
        assert shown == "suppressed" or int(shown.replace(",", "")) in {0} | set(
            range(THRESHOLD, 10**6)
        ), shown
    cells = [t for _, t in parts.cells]
    fight = cells.index("Fight between students or others (mutual combat)")
    assert cells[fight + 1] == "suppressed"
    # Ten is shown on its own, but here it is the month's smallest count beside suppressed
    # ones: it is suppressed with them, so the month's total cannot give them away.
    assert cells[cells.index("Tobacco or vaping product possession or use") + 1] == "suppressed"
    assert cells[cells.index("Advice") + 1 : cells.index("Advice") + 3] == [
        "suppressed",
        "suppressed",
    ]  # the minutes of a suppressed count would give it away
    assert "Every figure here is suppressed, so there is no chart." in text


def test_a_school_administrators_report_covers_their_schools_only(town: Town) -> None:
    """The principal's report is scoped to the high school: no middle school, no community."""
    page = render(town, town.principal(), SEPTEMBER, label="September 2026")
    parts = PageParts.of(page)
    text = page.decode("utf-8")
    assert parts.sections == list(SECTIONS)
    assert "<dt>Scope</dt><dd>Chowchilla Union High School</dd>" in text
    assert "Redacted for school administration" in text
    assert "Wilson Middle School" not in text
    assert "Drug possession" not in text  # the one incident out in the community
    cells = [t for _, t in parts.cells]
    assert cells.count("Chowchilla Union High School") == 2 + 2  # CRDC rows, crises
    assert "suppressed" not in parts.counts()


def test_the_page_is_self_contained(department_page: bytes) -> None:
    """Nothing is fetched: no URL, every image an SVG ``data:`` URI, a policy forbidding fetches."""
    text = department_page.decode("utf-8")
    parts = PageParts.of(department_page)
    assert not re.search(r"https?:", text, re.IGNORECASE)
    assert not re.search(r"<link|@import|url\(|<iframe|<object|<embed", text, re.IGNORECASE)
    assert parts.sources
    assert all(src.startswith(SVG_PREFIX) for src in parts.sources)
    assert all(href.startswith("#") for href in parts.hrefs)
    assert "default-src 'none'; img-src data:;" in html.unescape(text)
    for svg in _images(department_page):
        assert svg.startswith(b"<?xml")
        assert not re.search(rb'(?:href|src)="(?!#)', svg)  # links only within itself
        assert b"<image" not in svg
        assert b"<text" not in svg  # glyphs drawn as paths: no font is needed to read it


def test_the_same_data_and_clock_give_the_same_bytes(town: Town) -> None:
    """Two programs with the same work and clock write byte-identical pages and charts."""
    one, other = seeded_town(), seeded_town()
    first = render(one, CHIEF, one.school_year(), label="2026-27")
    assert render(other, CHIEF, other.school_year(), label="2026-27") == first
    report = town.program.program_report(CHIEF, period=SEPTEMBER, label="September 2026")
    assert render_html(report, town.program) == render_html(report, town.program)
    for svg in _images(first):
        assert b"<dc:date>" not in svg  # no date
        assert b"Matplotlib v" not in svg  # no software version


def test_an_empty_period_says_nothing_in_this_period(town: Town) -> None:
    """A month with no work has every section, each saying "nothing in this period", no charts."""
    page = render(town, CHIEF, MARCH, label="March 2026")
    parts = PageParts.of(page)
    assert parts.sections == list(SECTIONS)
    assert parts.empty == list(SECTIONS[1:])  # the headline says 0, beside last year
    assert page.decode("utf-8").lower().count("nothing in this period") == len(SECTIONS) - 1
    assert parts.sources == []


def test_a_school_year_report_has_a_column_per_month(town: Town) -> None:
    """A school year's tables run July to June with totals; its charts stack months."""
    page = render(town, CHIEF, town.school_year(), label="School year 2026-27")
    text = page.decode("utf-8")
    months = re.findall(r'<th scope="col" class="num">(\w{3} \d{4})</th>', text)
    assert months[:12] == [
        f"{m} {y}"
        for m, y in [
            *((m, 2026) for m in ("Jul", "Aug", "Sep", "Oct", "Nov", "Dec")),
            *((m, 2027) for m in ("Jan", "Feb", "Mar", "Apr", "May", "Jun")),
        ]
    ]
    cells = [t for _, t in PageParts.of(page).cells]
    total = cells.index("All")  # the incidents' totals row: 2 in August, 16 in September
    assert cells[total + 1 : total + 4] == ["0", "2", "16"]
    assert cells[total + 13] == "18"
    assert "SRO program MOU" in cells  # due in May 2027, within the school year


def test_the_exporter_draws_one_report_for_its_audience_and_takes_no_options(town: Town) -> None:
    """A report read for another audience than the export's, or any option, is refused."""
    exporter = ReportHtmlExporter()
    report = town.program.program_report(CHIEF, period=MARCH, label="March 2026")
    now = report.generated_at

    def write(actor: Actor = CHIEF, options: dict[str, str] | None = None) -> int:
        context = ExportContext(actor, town.program, now, options or {})
        return exporter.write(report, io.BytesIO(), context)

    with pytest.raises(ValueError, match="read for the department audience, not for aggregate"):
        write(ANALYST)
    with pytest.raises(DomainError, match="takes no options \\(got colour\\)"):
        write(options={"colour": "grey"})
    assert write() == 1
