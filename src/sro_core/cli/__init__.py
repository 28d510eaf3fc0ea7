"""The ``sro`` command: record, import, export and report on an SRO program.

``sro`` is thin: it reads what was typed, calls the :class:`~sro_core.Program`, and prints the
answer. :data:`cli` is the click group; :func:`main` runs it (the ``sro`` console script and
``python -m sro_core``). Plugins add subcommands through the ``sro_cli_commands`` hook; a
plugin's command reaches the run's program and actor through :class:`Session`.

Each module below lists its subcommands in ``COMMANDS``; a module is imported only when one of
its subcommands runs, so that ``sro --help`` starts fast. Adding a module is one line here.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from sro_core.cli.group import cli

if TYPE_CHECKING:
    from sro_core.cli.app import (
        EXIT_REFUSED,
        EXIT_UNEXPECTED,
        EXIT_USAGE,
        Session,
        pass_session,
    )

MODULES: tuple[str, ...] = (
    "sro_core.cli.directory",
    "sro_core.cli.actors",
    "sro_core.cli.incidents",
    "sro_core.cli.community",
    "sro_core.cli.crises",
    "sro_core.cli.restrictions",
    "sro_core.cli.review",
    "sro_core.cli.people",
    "sro_core.cli.importing",
    "sro_core.cli.reporting",
    "sro_core.cli.operations",
    "sro_core.cli.safekeeping",
    "sro_core.cli.demo",
    "sro_core.cli.info",
    "sro_core.cli.codes",
)
"""The modules of the built-in subcommands, each listing its own in ``COMMANDS``."""

for _module in MODULES:
    cli.add_module(_module)


def main() -> None:
    """Run the ``sro`` command."""
    cli.main(prog_name="sro")


def __getattr__(name: str) -> object:
    """Import the session and exit statuses with the command machinery, when first asked for."""
    if name not in {"EXIT_REFUSED", "EXIT_UNEXPECTED", "EXIT_USAGE", "Session", "pass_session"}:
        raise AttributeError(f"module 'sro_core.cli' has no attribute {name!r}")
    value = getattr(importlib.import_module("sro_core.cli.app"), name)
    globals()[name] = value
    return value


__all__ = [
    "EXIT_REFUSED",
    "EXIT_UNEXPECTED",
    "EXIT_USAGE",
    "Session",
    "cli",
    "main",
    "pass_session",
]
