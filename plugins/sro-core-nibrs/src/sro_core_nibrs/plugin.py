"""The plugin's hooks: the ``nibrs-xml`` and ``crdc-arrs`` formats, the ``sro nibrs`` command.

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


@hookimpl
def sro_cli_commands(cli: object) -> None:
    """Add ``sro nibrs check`` and ``sro nibrs export``."""
    from sro_core_nibrs.cli import nibrs  # noqa: PLC0415 - click is loaded only for the command

    add_command = getattr(cli, "add_command")  # noqa: B009 - the hook types cli as object
    add_command(nibrs)
