"""The ``report-html`` export format, as ``Program.report`` calls it.

The program hands it one :class:`~sro_core.ports.ProgramReport`, already read for the audience:
small counts are suppressed for analysts and a school administrator's report covers their own
schools. The format draws that report; it decides nothing about what the audience may see.
"""

from __future__ import annotations

from typing import IO

from sro_core.domain import Audience, DomainError
from sro_core.ports import ExportContext, ProgramContext, ProgramReport, ReportExporter

FORMAT_NAME = "report-html"
"""The name ``Program.report`` and ``sro report`` ask for by default."""
MEDIA_TYPE = "text/html"
"""What the format writes: one HTML page, UTF-8."""


def render_html(report: ProgramReport, program: ProgramContext) -> bytes:
    """Return the report as one self-contained HTML page, UTF-8 encoded."""
    # matplotlib takes about half a second to import: load it when a report is drawn, not
    # when the plugin host loads the plugin.
    from sro_core_report.page import render  # noqa: PLC0415

    return render(report, program)


class ReportHtmlExporter(ReportExporter):
    """The program report as one HTML page with its charts, styles and script inside it."""

    name = FORMAT_NAME
    media_type = MEDIA_TYPE
    audiences = frozenset({Audience.DEPARTMENT, Audience.SCHOOL_ADMINISTRATION, Audience.AGGREGATE})
    """Partner liaisons read only what was referred to them: they get no program report."""
    binary = True

    def write(self, records: ProgramReport, out: IO[bytes], context: ExportContext) -> int:
        """Write the report the program hands over as an HTML page; return 1.

        :raises DomainError: for any option: the page has none, and a mistyped one should not
            pass unnoticed.
        :raises ValueError: for a report read for another audience than the export's (its
            header would say the wrong thing).
        """
        if context.options:
            given = ", ".join(sorted(context.options))
            raise DomainError(f"the {self.name} format takes no options (got {given})")
        if records.audience is not context.audience:
            raise ValueError(
                f"the report was read for the {records.audience.value} audience,"
                f" not for {context.audience.value}"
            )
        out.write(render_html(records, context.program))
        out.flush()
        return 1
