"""The plugin's hook implementation: the ``report-html`` and ``report-pdf`` export formats.

Found through the ``sro_core`` entry point ``report``.
"""

from __future__ import annotations

from sro_core import hookimpl
from sro_core.ports import ExporterRegistry
from sro_core_report.exporter import ReportHtmlExporter
from sro_core_report.pdf import ReportPdfExporter


@hookimpl
def sro_register_exporters(registry: ExporterRegistry) -> None:
    """Register the program report's formats."""
    registry.register(ReportHtmlExporter())
    registry.register(ReportPdfExporter())
