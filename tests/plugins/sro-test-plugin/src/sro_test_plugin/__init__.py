"""A throwaway plugin for the host's tests: a trivial export format and one department rule."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import IO, cast

from sro_core import hookimpl
from sro_core.domain import Audience, Incident, Problem
from sro_core.ports import Exporter, ExporterRegistry, ProgramContext

MARKER = "TEST-PROBLEM"
"""A narrative holding this text breaks the plugin's department rule."""


class LinesExporter(Exporter):
    """Writes each record as ``key=value`` pairs on one line."""

    name = "test-lines"
    media_type = "text/plain"
    audiences = frozenset({Audience.DEPARTMENT})

    def write(
        self,
        records: Iterable[Mapping[str, object]],
        out: IO[str] | IO[bytes],
        *,
        fields: Sequence[str],
        audience: Audience,
        program: ProgramContext,
    ) -> int:
        """Write one line per record, in field order."""
        del audience, program  # every department row is written the same way
        text = cast("IO[str]", out)
        count = 0
        for record in records:
            text.write(" ".join(f"{field}={record[field]}" for field in fields) + "\n")
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
