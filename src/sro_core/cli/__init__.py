"""The ``sro`` command: record, import, export and report on an SRO program.

``sro`` is thin: it reads what was typed, calls the :class:`~sro_core.Program`, and prints the
answer. :data:`cli` is the click group; :func:`main` runs it (the ``sro`` console script and
``python -m sro_core``). Plugins add subcommands through the ``sro_cli_commands`` hook; a
plugin's command reaches the run's program and actor through :class:`Session`.
"""

from __future__ import annotations

from sro_core.cli import (
    codes,
    community,
    crises,
    demo,
    directory,
    importing,
    incidents,
    info,
    operations,
    reporting,
)
from sro_core.cli.app import (
    EXIT_REFUSED,
    EXIT_UNEXPECTED,
    EXIT_USAGE,
    Session,
    cli,
    pass_session,
)

for _module in (
    directory,
    incidents,
    community,
    crises,
    importing,
    reporting,
    operations,
    demo,
    info,
    codes,
):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    """Run the ``sro`` command."""
    cli.main(prog_name="sro")


__all__ = [
    "EXIT_REFUSED",
    "EXIT_UNEXPECTED",
    "EXIT_USAGE",
    "Session",
    "cli",
    "main",
    "pass_session",
]
