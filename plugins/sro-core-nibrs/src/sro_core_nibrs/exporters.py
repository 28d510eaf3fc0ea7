"""The ``nibrs-xml`` and ``crdc-arrs`` export formats, as ``Program.export`` calls them.

Both need whole records, not flat rows: the program hands ``nibrs-xml`` rows of the form
``{"incident": Incident, "hidden": frozenset[str]}`` (redacted for the department; ``hidden``
optional, the paths redaction blanked) and ``crdc-arrs`` rows of the form
``{"count": CrdcStudentCount}``, optionally with ``{"school": School}`` rows so that every
school served gets a row even with nothing counted.
"""

from __future__ import annotations

import datetime as dt
import logging
import zipfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, cast

from sro_core.domain import Audience, Incident, School, one_line
from sro_core.ports import CrdcStudentCount, Exporter, ExportInput, ProgramContext
from sro_core_nibrs.crdc import FIELDS, CrdcTable, write_csv
from sro_core_nibrs.ledger import LEDGER_NAME, SubmissionLedger
from sro_core_nibrs.submissions import MEDIA_TYPE, NibrsConfigurationError, SubmissionBuilder

LEDGER_OPTION = "ledger"
"""The export option naming the ledger file, when it is not next to the output."""
PERIOD_OPTION = "period"
"""The export option naming the reporting period (``YYYY-MM``); default: this month."""

log = logging.getLogger("sro_core_nibrs")


def _record(row: Mapping[str, object], key: str, kind: type[object], fmt: str) -> object:
    value = row.get(key)
    if not isinstance(value, kind):
        message = f"the {fmt} format takes rows {{{key!r}: {kind.__name__}}} (got {sorted(row)})"
        raise TypeError(message)
    return value


class NibrsXmlExporter(Exporter):
    """NIBRS XML (IEPD 2019.1): a zip of submission documents, each valid against nibrs.xsd.

    :param ledger: the ledger file; default the export's ``ledger`` option, else
        ``nibrs-submissions.jsonl`` next to the file exported to.
    :param period: the reporting period ``YYYY-MM``; default the export's ``period`` option,
        else the program-local month of the export.
    """

    name = "nibrs-xml"
    media_type = MEDIA_TYPE
    audiences = frozenset({Audience.DEPARTMENT})
    binary = True
    takes = ExportInput.INCIDENTS

    def __init__(self, ledger: Path | str | None = None, period: str | None = None) -> None:
        self.ledger_path = Path(ledger) if ledger is not None else None
        self.period = period

    def ledger_for(
        self, out: IO[str] | IO[bytes], options: Mapping[str, str] | None = None
    ) -> SubmissionLedger:
        """Return the ledger of an export to ``out``, or raise if none can be placed."""
        if self.ledger_path is not None:
            return SubmissionLedger(self.ledger_path)
        named = (options or {}).get(LEDGER_OPTION)
        if named:
            return SubmissionLedger(named)
        target = getattr(out, "name", None)
        if isinstance(target, str) and Path(target).parent.is_dir():
            return SubmissionLedger(Path(target).parent / LEDGER_NAME)
        raise NibrsConfigurationError(
            "the NIBRS export keeps a ledger of what it sent: export to a file, or name the"
            f" ledger file with the {LEDGER_OPTION!r} option"
        )

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
        """Write the submission of the incidents as they come; return how many went out.

        Incidents that break a rule are left out and logged (logger ``sro_core_nibrs``), one
        warning per problem; the ledger is appended to only after the archive is complete.
        """
        del fields, audience
        ledger = self.ledger_for(out, options)
        now = dt.datetime.now(dt.UTC)
        period = self.period or options.get(PERIOD_OPTION) or program.calendar.local_month(now)
        builder = SubmissionBuilder(program, period, ledger, now=now)
        stream = cast("IO[bytes]", out)  # binary is true: the program hands a binary stream
        with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
            for row in records:
                incident = cast("Incident", _record(row, "incident", Incident, self.name))
                hidden = row.get("hidden", frozenset())
                paths = [str(p) for p in hidden] if isinstance(hidden, Collection) else []
                for document in builder.add(incident, hidden=paths):
                    archive.writestr(document.name, document.xml)
            for document in builder.finish():
                archive.writestr(document.name, document.xml)
        stream.flush()
        ledger.record(builder.entries)
        result = builder.result()
        for problem in result.problems:
            log.warning("NIBRS %s: left out: %s", period, one_line(str(problem)))
        for problem in result.warnings:
            log.warning("NIBRS %s: check: %s", period, one_line(str(problem)))
        return len(result.exported)


class CrdcArrsExporter(Exporter):
    """CRDC referrals to law enforcement and school-related arrests: one CSV row per school.

    For the aggregate audience, counts from 1 to below the program's suppression threshold
    are written ``suppressed``, with the totals they add up to.
    """

    name = "crdc-arrs"
    media_type = "text/csv"
    audiences = frozenset({Audience.DEPARTMENT, Audience.AGGREGATE})
    takes = ExportInput.CRDC_COUNTS

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
        """Count each row as it comes, then write the table; return the schools written."""
        del fields
        table = CrdcTable()
        for row in records:
            if "school" in row:
                table.add_school(cast("School", _record(row, "school", School, self.name)))
            else:
                table.add(
                    cast("CrdcStudentCount", _record(row, "count", CrdcStudentCount, self.name))
                )
        threshold = program.settings.suppression_threshold
        suppress = threshold if audience is Audience.AGGREGATE else None
        rows = table.rows(suppress_below=suppress)
        return write_csv(rows, cast("IO[str]", out), FIELDS, options)
