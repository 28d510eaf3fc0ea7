"""The SRO program report as one self-contained HTML page, for sro_core.

- :class:`ReportHtmlExporter`: the ``report-html`` format ``Program.report`` writes with,
  registered through the ``sro_core`` entry point ``report``.
- :class:`ReportPdfExporter`: ``report-pdf``, the same page printed to PDF by headless
  Chromium (``/usr/bin/chromium``, Debian's ``chromium`` package), for a chief to e-mail.
- :func:`render_html`: a :class:`~sro_core.ports.ProgramReport` drawn as that page.

The page embeds its charts as SVG ``data:`` URIs and its stylesheet and script inline, and its
Content-Security-Policy lets the browser fetch nothing. matplotlib and jinja2 are imported
only when a report is drawn, so loading the plugin keeps opening a program fast.
"""

from __future__ import annotations

from sro_core_report.exporter import FORMAT_NAME, MEDIA_TYPE, ReportHtmlExporter, render_html
from sro_core_report.pdf import PDF_FORMAT, ReportPdfExporter, print_to_pdf

__all__ = [
    "FORMAT_NAME",
    "MEDIA_TYPE",
    "PDF_FORMAT",
    "ReportHtmlExporter",
    "ReportPdfExporter",
    "print_to_pdf",
    "render_html",
]
