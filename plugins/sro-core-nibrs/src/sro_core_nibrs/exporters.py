"""The ``nibrs-xml`` and ``crdc-arrs`` export formats, as ``Program.export`` calls them.

``nibrs-xml`` is an :class:`~sro_core.ports.IncidentExporter`: it takes whole incidents, each
redacted for the department with the paths redaction blanked. ``crdc-arrs`` is a
:class:`~sro_core.ports.CrdcExporter`: it takes a school year's per-student counts with every
school served, so that each school gets a row even with nothing counted.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterable
from types import MappingProxyType
from typing import IO

from sro_core.domain import Audience, DomainError, Incident, one_line
from sro_core.ports import (
    FORMULAS_OPTION,
    CrdcCounts,
    CrdcExporter,
    ExportContext,
    IncidentExporter,
    Seen,
    SubmittedReport,
)
from sro_core_nibrs.crdc import FIELDS, CrdcTable, write_csv
from sro_core_nibrs.submissions import MEDIA_TYPE, SubmissionBuilder

PERIOD_OPTION = "period"
"""The export option naming the reporting period (``YYYY-MM``); default: this month."""

log = logging.getLogger("sro_core_nibrs")

AGAINST_OPTION = "against"
"""The export option ``against=ledger``: preview what would be sent after what the program's
submission ledger says was sent before (replacements, unchanged incidents left out)."""


class NibrsXmlExporter(IncidentExporter):
    """NIBRS XML (IEPD 2019.1): a zip of submission documents, each valid against nibrs.xsd.

    Through ``Program.export`` this is a preview, and nothing is recorded: every report is
    written as if sent for the first time, or, with the option ``against=ledger``, as it would
    be sent after what the program's ledger holds (an incident sent before and changed is a
    replacement; one sent unchanged is left out). ``sro nibrs export`` submits: it also deletes
    what is gone and records what it sent in the ledger.

    :param period: the reporting period ``YYYY-MM``; default the export's ``period`` option,
        else the program-local month of the program's clock.
    """

    name = "nibrs-xml"
    media_type = MEDIA_TYPE
    audiences = frozenset({Audience.DEPARTMENT})
    binary = True
    known_options = MappingProxyType(
        {
            PERIOD_OPTION: "the reporting period, YYYY-MM (default: this month)",
            AGAINST_OPTION: "ledger: what would be sent after the submission ledger",
        }
    )

    def __init__(self, period: str | None = None) -> None:
        self.period = period

    def write(
        self, records: Iterable[Seen[Incident]], out: IO[bytes], context: ExportContext
    ) -> int:
        """Write the submission of the incidents as they come; return how many went out.

        Documents are stamped with the export's time on the program's clock. Incidents that
        break a rule are left out and logged (logger ``sro_core_nibrs``), one warning per
        problem.
        """
        options, calendar = context.options, context.calendar
        period = self.period or options.get(PERIOD_OPTION) or calendar.local_month(context.now)
        builder = SubmissionBuilder(
            context.program,
            period,
            self._submitted(context),
            now=context.now,
            actor=context.actor.id,
        )
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for seen in records:
                for document in builder.add(seen.value, hidden=seen.hidden):
                    archive.writestr(document.name, document.xml)
            for document in builder.finish():
                archive.writestr(document.name, document.xml)
        out.flush()
        result = builder.result()
        for problem in result.problems:
            log.warning("NIBRS %s: left out: %s", period, one_line(str(problem)))
        for problem in result.warnings:
            log.warning("NIBRS %s: check: %s", period, one_line(str(problem)))
        return len(result.exported)

    def _submitted(self, context: ExportContext) -> list[SubmittedReport]:
        """Return what the ledger says was sent before, when the options ask to plan after it."""
        against = context.options.get(AGAINST_OPTION)
        if against is None:
            return []
        if against != "ledger":
            message = f"{self.name}: the option {AGAINST_OPTION} takes ledger (got {against!r})"
            raise DomainError(message)
        return context.ledger.reports(context.settings.agency_ori)


class CrdcArrsExporter(CrdcExporter):
    """CRDC referrals to law enforcement and school-related arrests: one CSV row per school.

    For the aggregate audience, counts from 1 to below the program's suppression threshold
    are written ``suppressed``, with the totals they add up to.
    """

    name = "crdc-arrs"
    media_type = "text/csv"
    audiences = frozenset({Audience.DEPARTMENT, Audience.AGGREGATE})
    known_options = MappingProxyType(
        {FORMULAS_OPTION: "raw: keep cells a spreadsheet would run as formulas as written"}
    )

    def write(self, records: CrdcCounts, out: IO[str], context: ExportContext) -> int:
        """Count each record as it comes, then write the table; return the schools written."""
        table = CrdcTable()
        for school in records.schools:
            table.add_school(school)
        for count in records:
            table.add(count)
        threshold = context.settings.suppression_threshold
        suppress = threshold if context.audience is Audience.AGGREGATE else None
        rows = table.rows(suppress_below=suppress)
        return write_csv(rows, out, FIELDS, context.options)
