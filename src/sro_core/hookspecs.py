"""The hook specifications: the plugin surface of sro_core.

Every hook is prefixed ``sro_``. A plugin implements a hook with :data:`hookimpl`, taking the
parameters it needs, in any order, by name: hooks only ever gain parameters, so a plugin
written today keeps working. ``docs/plugins.md`` documents each hook; a test fails when the
two disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeVar

import pluggy

if TYPE_CHECKING:
    from sro_core.domain import AuditCheckpoint, DomainEvent, Incident, Problem
    from sro_core.ports import (
        CodeTablesRegistry,
        ExporterRegistry,
        NotifierRegistry,
        ProgramContext,
        StorageRegistry,
    )

__all__ = [
    "PROJECT",
    "hookimpl",
    "hookspec",
    "sro_audit_checkpoint",
    "sro_authenticate",
    "sro_cli_commands",
    "sro_code_tables",
    "sro_on_event",
    "sro_register_exporters",
    "sro_register_notifiers",
    "sro_register_storage",
    "sro_validate_incident",
]

PROJECT = "sro_core"
"""The pluggy project name, and the entry-point group plugins are found in."""

F = TypeVar("F", bound=Callable[..., object])

_spec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
"""Marks a function of a plugin as the implementation of the hook of the same name."""


def hookspec(function: F) -> F:
    """Mark a function as a hook specification, keeping its signature for type checkers."""
    return _spec(function)


@hookspec
def sro_register_storage(registry: StorageRegistry) -> None:
    """Add storage backends: URL schemes and the factories that open them.

    Called once per program, for every plugin; the results are ignored. A scheme claimed by
    two plugins stops loading with an error naming both.

    :param registry: the storage registry; call ``registry.register(scheme, factory, …)``.
    """


@hookspec
def sro_register_exporters(registry: ExporterRegistry) -> None:
    """Add export formats: each a kind of :class:`~sro_core.ports.Exporter` with its audiences.

    A format is a :class:`~sro_core.ports.RowExporter`, :class:`~sro_core.ports.IncidentExporter`,
    :class:`~sro_core.ports.CrdcExporter` or :class:`~sro_core.ports.ReportExporter`, with a
    typed ``write(records, out, context)``. Called once per program, for every plugin; the
    results are ignored. A format name claimed by two plugins, or a format written to the old
    untyped ``Exporter.write``, stops loading with an error saying which and why.

    :param registry: the exporter registry; call ``registry.register(exporter)``.
    """


@hookspec
def sro_register_notifiers(registry: NotifierRegistry) -> None:
    """Add notifier kinds that the program's configuration can enable.

    Called once per program, for every plugin; the results are ignored. A kind claimed by two
    plugins stops loading with an error naming both.

    :param registry: the notifier registry; call ``registry.register(kind, factory, …)``.
    """


@hookspec
def sro_code_tables(tables: CodeTablesRegistry) -> None:
    """Add code tables, or overlay codes on a table already there (a state's offense codes).

    Called once per program, for every plugin, in load order (built-ins first), so a later
    overlay redescribes a code an earlier one set; the results are ignored. No overlay
    removes a code.

    :param tables: the code tables so far, starting from NIBRS 2019.1 and the program's own;
        call ``tables.add(table)`` or ``tables.overlay(name, codes, source)``.
    """


# A specification has no body to run (pluggy calls the implementations), hence the ignore.
@hookspec
def sro_validate_incident(  # type: ignore[empty-body]
    incident: Incident, program: ProgramContext
) -> list[Problem]:
    """Check an incident against the department's own rules.

    Called for every plugin each time an incident is recorded or changed; the problems of
    all plugins are concatenated, in load order. A broken rule is returned, never raised:
    the program decides whether it refuses the change or records it with its problems.

    :param incident: the incident as it is about to be recorded or changed.
    :param program: the program: its settings, calendar and code tables.
    :return: the problems found (an empty list when there are none).
    """


@hookspec
def sro_on_event(event: DomainEvent, program: ProgramContext) -> None:
    """Observe a domain event in process, after its change is committed (metrics, caches).

    Called for every plugin, for each event, after commit; the results are ignored. Nothing
    is retried: an observer that must not miss an event is a notifier. An observer that
    raises does not stop the others; the host reports every failure together afterwards.

    :param event: the event; events carry ids, numbers and codes, never names or narrative.
    :param program: the program the event happened in.
    """


@hookspec
def sro_cli_commands(cli: object) -> None:
    """Add subcommands to the ``sro`` command.

    Called once in a run, for every plugin, when ``sro`` is asked for a subcommand that is not
    built in (``sro --help`` loads no plugin); the results are ignored.

    :param cli: the ``sro`` command's ``click.Group``; call ``cli.add_command(command)``.
        It is typed ``object`` so that the hook specifications do not import click.
    """


@hookspec
def sro_audit_checkpoint(checkpoint: AuditCheckpoint, program: ProgramContext) -> None:
    """Keep a sealed audit checkpoint outside the store (a department's log service).

    Called for every plugin each time the program takes a checkpoint of its audit trail
    (``sro audit checkpoint``, ``Program.checkpoint_audit``, or automatically every so many
    entries or minutes), after it is written to the checkpoint folder if one is configured;
    the results are ignored. A plugin that raises does not stop the others, and the command
    that triggered the checkpoint is not undone: the failure is logged.

    :param checkpoint: the sealed checkpoint: ``sequence``, ``head_hash``, ``at``, ``key_id``,
        ``method`` (``hmac-sha256`` or ``ed25519``) and ``seal``; ``body()`` is what the seal
        covers.
    :param program: the program whose trail it anchors.
    """


@_spec(firstresult=True)
def sro_authenticate(credentials: Mapping[str, object]) -> str | None:
    """Identify who is acting, for an application that embeds the library (LDAP, OIDC, a card).

    Stops at the first non-None result. The hook only says *who* it is: the actor id it
    returns must be registered, and active today, in the store's directory of actors, which
    alone gives the role, scope and permissions (:meth:`sro_core.Program.authenticate`).

    :param credentials: what the application received from the user or its identity
        provider (a verified token's claims, a client certificate's subject …), as the
        application and its plugin agree; the library does not read it.
    :return: the actor id of the person the credentials prove, or None if this plugin does not
        recognise them.
    """
