"""The ``report-html`` export format, as ``Program.report`` calls it.

The program hands it one record, ``{"report": ProgramReport}``, already read for the audience:
small counts are suppressed for analysts and a school administrator's report covers their own
schools. The format draws that report; it decides nothing about what the audience may see.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import IO, cast

from sro_core.domain import Audience, DomainError
from sro_core.ports import Exporter, ExportInput, ProgramContext
from sro_core.service import ProgramReport

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


class ReportHtmlExporter(Exporter):
    """The program report as one HTML page with its charts, styles and script inside it."""

    name = FORMAT_NAME
    media_type = MEDIA_TYPE
    audiences = frozenset({Audience.DEPARTMENT, Audience.SCHOOL_ADMINISTRATION, Audience.AGGREGATE})
    """Partner liaisons read only what was referred to them: they get no program report."""
    binary = True
    takes = ExportInput.REPORT

    def write(
        self,
        records: Iterable[Mapping[str, object]],
        out: IO[str] | IO[bytes],
        *,
        fields: Sequence[str],
        audience: Audience,
        program: ProgramContext,
        options: Mapping[str, str],
    ) -> int:
        """Write the one report the program hands over as an HTML page; return 1.

        :raises DomainError: for any option: the page has none, and a mistyped one should not
            pass unnoticed.
        :raises TypeError: for a record that holds no ``ProgramReport``.
        :raises ValueError: for a second report (a page holds one), or a report read for
            another audience than the one named (its header would say the wrong thing).
        """
        del fields
        if options:
            given = ", ".join(sorted(options))
            raise DomainError(f"the {self.name} format takes no options (got {given})")
        stream = cast("IO[bytes]", out)  # binary is true: the program hands a binary stream
        written = 0
        for record in records:
            report = record.get("report")
            if not isinstance(report, ProgramReport):
                raise TypeError(
                    f"the {self.name} format takes records {{'report': ProgramReport}}"
                    f" (got {sorted(record)})"
                )
            if written:
                raise ValueError(f"the {self.name} format writes one report per page")
            if report.audience is not audience:
                raise ValueError(
                    f"the report was read for the {report.audience.value} audience,"
                    f" not for {audience.value}"
                )
            stream.write(render_html(report, program))
            written += 1
        stream.flush()
        return written
