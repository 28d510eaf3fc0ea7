"""The report page in a real browser: headless Chromium draws it and every chart loads."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from matplotlib.image import imread
from report_support import CHIEF, PageParts, Town, render

CHROMIUM = "/usr/bin/chromium"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
WIDTH, HEIGHT = 1280, 4000


def _chromium() -> str:
    """Return the Chromium to run, or skip (fail under ``SRO_REQUIRE_SERVICES=1``) without one."""
    found = shutil.which("chromium") or (CHROMIUM if os.access(CHROMIUM, os.X_OK) else None)
    if found is None:
        reason = f"headless Chromium is not installed ({CHROMIUM}; apt-get install chromium)"
        if os.environ.get("SRO_REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def _run(chromium: str, profile: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run Chromium with its own profile folder and return what it printed."""
    command = [chromium, *FLAGS, f"--user-data-dir={profile}", *arguments]
    # The command is Chromium and fixed flags, with paths this test made.
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=90)  # noqa: S603


def test_the_report_renders_in_a_real_browser(town: Town, tmp_path: Path) -> None:
    """Chromium screenshots the school year's report, loads all its charts and logs nothing."""
    chromium = _chromium()
    page = render(town, CHIEF, town.school_year(), label="School year 2026-27")
    charts = len(PageParts.of(page).sources)
    assert charts == 5
    report = tmp_path / "report.html"
    report.write_bytes(page)
    shot = tmp_path / "report.png"
    _run(
        chromium,
        tmp_path / "profile-screenshot",
        f"--screenshot={shot}",
        f"--window-size={WIDTH},{HEIGHT}",
        report.as_uri(),
    )
    assert shot.stat().st_size > 50_000
    pixels = imread(shot)
    assert pixels.shape[:2] == (HEIGHT, WIDTH)
    assert float(pixels[:1200].std()) > 0.05  # the header and the first charts, not a blank page
    loaded = _run(
        chromium,
        tmp_path / "profile-dom",
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
        "--virtual-time-budget=5000",
        report.as_uri(),
    )
    dom = PageParts.of(loaded.stdout.encode("utf-8"))
    drawn, _, total = (dom.body.get("data-charts-loaded") or "").partition("/")
    assert drawn == total
    assert int(drawn) >= charts
    assert "INFO:CONSOLE" not in loaded.stderr  # no error, no blocked fetch, no policy violation


SCREENS = Path(__file__).resolve().parents[3] / "build" / "report-screens"
"""Where the screenshots go, for a person to look at (build/ is not tracked)."""
PHONE = (390, 2400)
"""A phone's CSS width (and a tall window, to see several sections)."""


def _poppler(tool: str) -> str:
    """Return a poppler tool (pdftoppm, pdftotext), or skip (fail when services are required)."""
    found = shutil.which(tool)
    if found is None:
        reason = f"{tool} is not installed (apt-get install poppler-utils)"
        if os.environ.get("SRO_REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def test_the_report_on_a_desktop_a_phone_and_paper(town: Town, tmp_path: Path) -> None:
    """Screenshots at desktop and phone widths, and the PDF's pages: Jun and Total on paper."""
    chromium = _chromium()
    SCREENS.mkdir(parents=True, exist_ok=True)
    page = render(town, CHIEF, town.school_year(), label="School year 2026-27")
    report = tmp_path / "report.html"
    report.write_bytes(page)
    for name, (width, height) in (("desktop", (WIDTH, 2400)), ("phone", PHONE)):
        shot = SCREENS / f"report-{name}.png"
        _run(chromium, tmp_path / f"profile-{name}", f"--screenshot={shot}",
             f"--window-size={width},{height}", report.as_uri())  # fmt: skip
        pixels = imread(shot)
        assert pixels.shape[:2] == (height, width)
        assert float(pixels[:800].std()) > 0.05, name  # drawn, not blank
    pdf = SCREENS / "report.pdf"
    with pdf.open("wb") as out:
        town.program.report(
            CHIEF, out, period=town.school_year(), label="School year 2026-27",
            format_name="report-pdf",
        )  # fmt: skip
    printed = pdf.read_bytes()
    assert printed.startswith(b"%PDF-")
    text = subprocess.run(  # noqa: S603 - poppler on the file this test wrote
        [_poppler("pdftotext"), "-layout", str(pdf), "-"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    month_rows = [line for line in text.splitlines() if "Jul" in line and "Jun" in line]
    assert month_rows
    assert all("Total" in line for line in month_rows)  # the last columns are on the page
    for old in SCREENS.glob("report-printed-*.png"):
        old.unlink()
    subprocess.run(  # noqa: S603 - poppler on the file this test wrote
        [_poppler("pdftoppm"), "-png", "-r", "50", str(pdf), str(SCREENS / "report-printed")],
        check=True, timeout=60,
    )  # fmt: skip
    pages = sorted(SCREENS.glob("report-printed-*.png"))
    assert len(pages) >= 2
