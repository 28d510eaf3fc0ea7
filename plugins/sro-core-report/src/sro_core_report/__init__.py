"""The SRO program report as one self-contained HTML page, for sro_core.

- :class:`ReportHtmlExporter`: the ``report-html`` format ``Program.report`` writes with,
  registered through the ``sro_core`` entry point ``report``.
- :func:`render_html`: a :class:`~sro_core.service.ProgramReport` drawn as that page.

The page embeds its charts as PNG ``data:`` URIs and its stylesheet and script inline, and its
Content-Security-Policy lets the browser fetch nothing. matplotlib and jinja2 are imported
only when a report is drawn, so loading the plugin keeps opening a program fast.
"""

from __future__ import annotations

from sro_core_report.exporter import FORMAT_NAME, MEDIA_TYPE, ReportHtmlExporter, render_html

__all__ = ["FORMAT_NAME", "MEDIA_TYPE", "ReportHtmlExporter", "render_html"]
