"""The ``report-pdf`` export format: the report page printed to PDF by headless Chromium.

The page's print stylesheet keeps tables whole and headings with what follows them, and fits
a school year's thirteen columns on a landscape page. Chromium is Debian's ``chromium``
package (``/usr/bin/chromium``, or the first ``chromium`` on ``PATH``); it is given the page as
a file and its own empty profile, and it fetches nothing (the page's policy forbids it).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import IO

from sro_core.domain import DomainError
from sro_core.ports import ExportContext, ProgramReport
from sro_core_report.exporter import ReportHtmlExporter

PDF_FORMAT = "report-pdf"
"""The format's name: ``sro report --format report-pdf``."""
CHROMIUM = "/usr/bin/chromium"
"""Where Debian's chromium package puts the browser."""
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
    "--virtual-time-budget=5000",
)
"""Chromium's flags: headless, no network of its own, no header or footer on the pages."""
TIMEOUT = 120
"""Seconds Chromium may take to print a report."""


class PdfUnavailable(DomainError):
    """No Chromium to print the report with: the message says how to install it."""


def chromium() -> str:
    """Return the Chromium to print with, or raise :class:`PdfUnavailable`."""
    found = shutil.which("chromium") or (CHROMIUM if os.access(CHROMIUM, os.X_OK) else None)
    if found is None:
        raise PdfUnavailable(
            f"the {PDF_FORMAT} format prints with headless Chromium, which is not installed"
            " (apt-get install chromium); report-html writes the same page"
        )
    return found


def print_to_pdf(page: bytes) -> bytes:
    """Return an HTML page printed to PDF by headless Chromium."""
    browser = chromium()
    with tempfile.TemporaryDirectory(prefix="sro-report-") as folder:
        work = Path(folder)
        html, pdf = work / "report.html", work / "report.pdf"
        html.write_bytes(page)
        command = [
            browser,
            *FLAGS,
            f"--user-data-dir={work / 'profile'}",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ]
        # Chromium with fixed flags, on files this function made.
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)  # noqa: S603
        if done.returncode != 0 or not pdf.is_file():
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise PdfUnavailable(f"Chromium could not print the report: {last}")
        return pdf.read_bytes()


class ReportPdfExporter(ReportHtmlExporter):
    """The program report as a PDF: the HTML page, printed by headless Chromium."""

    name = PDF_FORMAT
    media_type = "application/pdf"

    def write(self, records: ProgramReport, out: IO[bytes], context: ExportContext) -> int:
        """Write the report the program hands over as a PDF; return 1."""
        chromium()  # say so before drawing, if it cannot be printed
        page = io.BytesIO()
        written = super().write(records, page, context)
        out.write(print_to_pdf(page.getvalue()))
        out.flush()
        return written
