"""The plugin's hook implementation: the ``report-html`` export format.

Found through the ``sro_core`` entry point ``report``.
"""

from __future__ import annotations

from sro_core import hookimpl
from sro_core.ports import ExporterRegistry
from sro_core_report.exporter import ReportHtmlExporter


@hookimpl
def sro_register_exporters(registry: ExporterRegistry) -> None:
    """Register the program report format."""
    registry.register(ReportHtmlExporter())
