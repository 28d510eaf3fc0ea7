"""A throwaway plugin for the host's tests: a trivial export format and one department rule."""

from __future__ import annotations

from typing import IO

from sro_core import hookimpl
from sro_core.domain import Audience, Incident, Problem
from sro_core.ports import ExportContext, ExporterRegistry, RowExporter, Rows

MARKER = "TEST-PROBLEM"
"""A narrative holding this text breaks the plugin's department rule."""


class LinesExporter(RowExporter):
    """Writes each record as ``key=value`` pairs on one line."""

    name = "test-lines"
    media_type = "text/plain"
    audiences = frozenset({Audience.DEPARTMENT})

    def write(self, records: Rows, out: IO[str], context: ExportContext) -> int:
        """Write one line per record, in column order."""
        del context  # every department row is written the same way
        count = 0
        for record in records:
            out.write(" ".join(f"{field}={record[field]}" for field in records.columns) + "\n")
            count += 1
        return count


@hookimpl
def sro_register_exporters(registry: ExporterRegistry) -> None:
    """Register the test export format."""
    registry.register(LinesExporter())


@hookimpl
def sro_validate_incident(incident: Incident) -> list[Problem]:
    """Report a narrative holding the marker (the hook's ``program`` is not needed here)."""
    if MARKER in incident.narrative:
        return [Problem("narrative", MARKER, "the test plugin refuses this narrative")]
    return []
