"""``sro info``: what a run would use: the store, the configuration file, plugins and versions."""

from __future__ import annotations

import importlib.metadata
import platform

import click

import sro_core
from sro_core.cli.app import Session, StoreMissing, missing_store, pass_session
from sro_core.cli.configuration import default_config_path
from sro_core.cli.output import format_option
from sro_core.domain import DomainError
from sro_core.ports import shown_url

LIBRARIES = ("attrs", "cattrs", "pluggy", "click", "rich", "platformdirs")
"""The runtime libraries whose versions ``sro info`` shows."""


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


@click.command("info")
@format_option
@pass_session
def info(session: Session) -> None:
    """Show the store (password masked), the configuration file, the plugins and versions.

    The store is not opened beyond reading its schema version, and is not created.

    Example: sro info --format json
    """
    url = session.store_url
    try:
        missing_store(url)
    except StoreMissing:
        state = "missing (create it with `sro init`)"
    else:
        try:
            version = session.program.storage.schema_version()
        except DomainError as error:
            state = f"cannot be opened: {error}"
        else:
            state = f"schema version {version}" if version is not None else "ready"
    chosen = session.configuration.path
    config = str(chosen) if chosen else f"{default_config_path()} (not found: defaults used)"
    facts: list[tuple[str, object]] = [
        ("store", shown_url(url)),
        ("store state", state),
        ("config file", config),
        ("sro_core", sro_core.__version__),
        ("python", platform.python_version()),
        *((library, _version(library)) for library in LIBRARIES),
        *(
            (f"plugin {p.name}", f"{p.version}{' (built in)' if p.builtin else ''}")
            for p in session.plugins.plugins()
        ),
        *((f"plugin {f.name}", f"skipped: {f.error}") for f in session.plugins.failures()),
    ]
    if session.output.format == "json":
        session.output.json({"record": dict(facts), "hidden": []})
        return
    session.output.table(("what", "value"), facts)


COMMANDS: tuple[click.Command, ...] = (info,)
"""The info command, as ``sro`` adds it."""
