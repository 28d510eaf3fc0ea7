"""The plugin's hook implementations: the ``nibrs-xml`` and ``crdc-arrs`` export formats.

Found through the ``sro_core`` entry point ``nibrs``.
"""

from __future__ import annotations

from sro_core import hookimpl
from sro_core.ports import ExporterRegistry
from sro_core_nibrs.exporters import CrdcArrsExporter, NibrsXmlExporter


@hookimpl
def sro_register_exporters(registry: ExporterRegistry) -> None:
    """Register the NIBRS XML and CRDC referrals-and-arrests formats."""
    registry.register(NibrsXmlExporter())
    registry.register(CrdcArrsExporter())
