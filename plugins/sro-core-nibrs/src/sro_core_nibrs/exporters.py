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
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import IO, Protocol, cast, runtime_checkable

from sro_core.domain import Audience, Incident, School, one_line
from sro_core.ports import CrdcStudentCount, Exporter, ExportInput, ProgramContext
from sro_core_nibrs.crdc import FIELDS, CrdcTable, write_csv
from sro_core_nibrs.submissions import DEFAULT_NOW, MEDIA_TYPE, SubmissionBuilder

PERIOD_OPTION = "period"
"""The export option naming the reporting period (``YYYY-MM``); default: this month."""

log = logging.getLogger("sro_core_nibrs")


@runtime_checkable
class Clocked(Protocol):
    """A program with a clock (the Program service has one): documents are stamped by it."""

    @property
    def clock(self) -> Callable[[], dt.datetime]:
        """Return the program's clock: the time of every document it stamps."""
        ...


def program_now(program: ProgramContext) -> dt.datetime:
    """Return the time on the program's clock, or a fixed stamp for a program without one."""
    return program.clock() if isinstance(program, Clocked) else DEFAULT_NOW


def _record(row: Mapping[str, object], key: str, kind: type[object], fmt: str) -> object:
    value = row.get(key)
    if not isinstance(value, kind):
        message = f"the {fmt} format takes rows {{{key!r}: {kind.__name__}}} (got {sorted(row)})"
        raise TypeError(message)
    return value


class NibrsXmlExporter(Exporter):
    """NIBRS XML (IEPD 2019.1): a zip of submission documents, each valid against nibrs.xsd.

    Through ``Program.export`` this is a preview: every report is written as if sent for the
    first time, and nothing is recorded. ``sro nibrs export`` submits: it works out what to
    add, replace and delete from the program's ledger and records what it sent there.

    :param period: the reporting period ``YYYY-MM``; default the export's ``period`` option,
        else the program-local month of the program's clock.
    """

    name = "nibrs-xml"
    media_type = MEDIA_TYPE
    audiences = frozenset({Audience.DEPARTMENT})
    binary = True
    takes = ExportInput.INCIDENTS

    def __init__(self, period: str | None = None) -> None:
        self.period = period

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
        warning per problem.
        """
        del fields, audience
        now = program_now(program)
        period = self.period or options.get(PERIOD_OPTION) or program.calendar.local_month(now)
        builder = SubmissionBuilder(program, period, now=now)
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
