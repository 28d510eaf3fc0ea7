"""The built-in export formats: CSV and JSON lines, for every audience.

They write each row as it arrives; the program has already redacted it for the audience.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import IO

from sro_core.domain import Audience
from sro_core.hookspecs import hookimpl
from sro_core.ports import (
    FORMULA_START,
    FORMULAS_OPTION,
    ExportContext,
    ExporterRegistry,
    RowExporter,
    Rows,
    cells_of,
    spreadsheet_safe,
)


class CsvExporter(RowExporter):
    """Comma-separated values with a header row (RFC 4180), one record per row.

    A text cell a spreadsheet would run as a formula is written with a leading ``'``
    (:func:`~sro_core.ports.spreadsheet_safe`); the option ``formulas=raw`` keeps it as it is.
    """

    name = "csv"
    media_type = "text/csv"
    audiences = frozenset(Audience)
    known_options = MappingProxyType(
        {FORMULAS_OPTION: "raw: keep cells a spreadsheet would run as formulas as written"}
    )

    def write(self, records: Rows, out: IO[str], context: ExportContext) -> int:
        """Write a header, then each record as a row; None is an empty cell."""
        fields, options = records.columns, context.options
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(fields)
        count = 0
        for record in records:
            writer.writerow(_spreadsheet_cells(cells_of(record, fields), options))
            count += 1
        return count


def _spreadsheet_cells(cells: Sequence[object], options: Mapping[str, str]) -> Sequence[object]:
    """Return a row's cells with each text a spreadsheet would run as a formula made safe.

    Only a text starting as a formula would can change: a row without one (most rows) is
    returned as it is, after one pass over its cells.
    """
    risky = FORMULA_START
    for cell in cells:
        if isinstance(cell, str) and cell[:1] in risky:
            safe = spreadsheet_safe
            return [safe(c, options) if isinstance(c, str) and c[:1] in risky else c for c in cells]
    return cells


class JsonLinesExporter(RowExporter):
    """JSON lines: one JSON object per line, keys in the column order."""

    name = "jsonl"
    media_type = "application/x-ndjson"
    audiences = frozenset(Audience)

    def write(self, records: Rows, out: IO[str], context: ExportContext) -> int:
        """Write each record as one line of JSON."""
        del context
        fields, dumps = records.columns, json.dumps
        count = 0
        for record in records:
            line = dict(zip(fields, cells_of(record, fields), strict=True))
            out.write(dumps(line, ensure_ascii=False) + "\n")
            count += 1
        return count


@hookimpl
def sro_register_exporters(registry: ExporterRegistry) -> None:
    """Register the CSV and JSON-lines formats."""
    registry.register(CsvExporter())
    registry.register(JsonLinesExporter())
