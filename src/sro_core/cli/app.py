"""The ``sro`` command group: its options, the session a run works in, and error handling.

The command is thin: it reads what the user typed, calls the :class:`~sro_core.Program`, and
prints the answer. A run opens one program (from ``--store``, ``SRO_STORE``, the configuration
file, or the default SQLite file in the user data folder) and acts as one actor (``--as``,
``SRO_ACTOR``, the configuration file, or a local supervisor).

Errors are one line on standard error: exit status 1 for a refusal of the program (a broken
rule, denied access, a missing record) or a file that cannot be read, 2 for a usage mistake,
3 for an unexpected failure (a bug: ``--debug`` shows its traceback).
"""

from __future__ import annotations

import datetime as dt
import getpass
import uuid
import warnings
import zoneinfo
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import attrs
import click

from sro_core.cli.arguments import as_uuid
from sro_core.cli.configuration import (
    Configuration,
    default_checkpoint_folder,
    default_store_url,
    load_configuration,
)
from sro_core.cli.group import PLUGIN_HOST_KEY
from sro_core.cli.output import Output
from sro_core.domain import (
    INCIDENT_NUMBER,
    Actor,
    DomainError,
    Incident,
    Officer,
    Partner,
    RuleViolation,
    School,
)
from sro_core.errors import StoreMissing as StoreMissing
from sro_core.plugins import PluginHost, SroPluginWarning
from sro_core.policy import may
from sro_core.ports import IncidentFilter, NotFound, Page
from sro_core.service import Action, Program, ProgramSettings, Seen

T = TypeVar("T")

EXIT_REFUSED = 1
"""Exit status when the program refuses a command, or a file cannot be read."""
EXIT_USAGE = 2
"""Exit status of a usage mistake (click's own)."""
EXIT_UNEXPECTED = 3
"""Exit status of an unexpected failure: a bug, shown in full with ``--debug``."""

_LOCAL_ID = "local"
_DEBUG_HANDLER = "sro_core.debug_handler"


def user() -> str:
    """Return the login name of the person running the command, for the audit trail."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return _LOCAL_ID


def plugin_host(ctx: click.Context) -> PluginHost:
    """Return the run's plugin host: the one the caller passed as ``obj``, or load them once."""
    root = ctx.find_root()
    host = root.meta.get(PLUGIN_HOST_KEY)
    if host is None:
        if isinstance(root.obj, PluginHost):
            host = root.obj
        else:
            with warnings.catch_warnings():
                # each skipped plugin is listed by `sro plugins` and reported below
                warnings.simplefilter("ignore", SroPluginWarning)
                host = PluginHost.load()
            for failure in host.failures():
                click.echo(
                    f"warning: plugin {failure.name!r} was skipped: {failure.error}", err=True
                )
        root.meta[PLUGIN_HOST_KEY] = host
    return host


class Session:
    """One run of ``sro``: its options, configuration, plugins, program and actor.

    A plugin's command finds it with ``click.get_current_context().find_object(Session)``.
    """

    def __init__(
        self,
        ctx: click.Context,
        *,
        store: str | None,
        config_path: Path | None,
        acting: str | None,
    ) -> None:
        self._ctx = ctx
        self._store = store
        self._config_path = config_path
        self._acting = acting
        self._configuration: Configuration | None = None
        self._program: Program | None = None
        self._actor: Actor | None = None
        self.output = Output()

    @property
    def configuration(self) -> Configuration:
        """Return what the configuration file says (read once)."""
        if self._configuration is None:
            self._configuration = load_configuration(self._config_path)
        return self._configuration

    @property
    def plugins(self) -> PluginHost:
        """Return the loaded plugins."""
        return plugin_host(self._ctx)

    @property
    def store_url(self) -> str:
        """Return the store's URL: ``--store``/``SRO_STORE``, the configuration, or the default."""
        return self._store or self.configuration.store or default_store_url()

    @property
    def settings(self) -> ProgramSettings:
        """Return the program's settings from the configuration file."""
        return self.configuration.settings

    def open(
        self,
        settings: ProgramSettings | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        *,
        create: bool = False,
    ) -> Program:
        """Open the program for this run, with other settings or a clock if given (once).

        :raises StoreMissing: when the store's file does not exist and ``create`` is not set.
        """
        if self._program is not None:
            raise RuntimeError("the program of this run is already open")
        if not create:
            missing_store(self.store_url)
        chosen = settings or self.settings
        if chosen.audit_checkpoints is None:
            folder = str(default_checkpoint_folder(self.store_url))
            chosen = attrs.evolve(chosen, audit_checkpoints=folder)
        if clock is None:
            self._program = Program.open(self.store_url, chosen, plugins=self.plugins)
        else:
            self._program = Program.open(self.store_url, chosen, plugins=self.plugins, clock=clock)
        return self._program

    @property
    def program(self) -> Program:
        """Return the program of this run, opening it on first use."""
        return self._program or self.open()

    def close(self) -> None:
        """Close the program, if it was opened."""
        if self._program is not None:
            self._program.close()
            self._program = None

    @property
    def actor(self) -> Actor:
        """Return who acts in this run (decided, and any names looked up, on first use)."""
        if self._actor is None:
            self._actor = self._make_actor()
        return self._actor

    def _make_actor(self) -> Actor:
        """Identify the user: the OS login mapped in the store's directory, acting as --as."""
        return self.program.identify(user(), self._acting or self.configuration.actor.id)

    def zone(self) -> zoneinfo.ZoneInfo:
        """Return the program's time zone."""
        return self.settings.calendar.zone

    def aware(self, moment: dt.datetime) -> dt.datetime:
        """Return a typed time with its offset: a time typed without one is program-local."""
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=self.zone())

    def now(self) -> dt.datetime:
        """Return the program's current time."""
        return self.program.clock()

    def today(self) -> dt.date:
        """Return the program-local date today."""
        return self.program.today()

    def local_text(self, moment: dt.datetime | None) -> str:
        """Return a time as the program's local date and time, or nothing for None."""
        if moment is None:
            return ""
        return self.settings.calendar.local(moment).strftime("%Y-%m-%d %H:%M")

    def reads_directory(self) -> bool:
        """Return whether the actor's role may read the directory (to show names for ids)."""
        return may(self.actor, Action.READ_DIRECTORY)

    def school_names(self) -> dict[uuid.UUID, str]:
        """Return school names by id, if the actor may read the directory (else none)."""
        if not self.reads_directory():
            return {}
        return {s.id: s.name for s in self.program.schools(self.actor)}

    def badges(self) -> dict[uuid.UUID, str]:
        """Return officers' badges by id, if the actor may read the directory (else none)."""
        if not self.reads_directory():
            return {}
        return {o.id: o.badge for o in self.program.officers(self.actor)}

    def partner_names(self) -> dict[uuid.UUID, str]:
        """Return partner names by id, if the actor may read the directory (else none)."""
        if not self.reads_directory():
            return {}
        return {p.id: p.name for p in self.program.partners(self.actor)}

    def school(self, text: str) -> School:
        """Return the school a name or an id names, as the actor reads the directory."""
        return self._school(text, self.actor)

    def _school(self, text: str, reader: Actor) -> School:
        key = as_uuid(text)
        if key is not None:
            return self.program.school(reader, key)
        return _one(
            "school",
            text,
            [s for s in self.program.schools(reader) if s.name.casefold() == text.casefold()],
        )

    def officer(self, text: str) -> Officer:
        """Return the officer a badge or an id names."""
        key = as_uuid(text)
        if key is not None:
            return self.program.officer(self.actor, key)
        return _one(
            "officer", text, [o for o in self.program.officers(self.actor) if o.badge == text]
        )

    def partner(self, text: str) -> Partner:
        """Return the partner a name or an id names."""
        return self._partner(text, self.actor)

    def _partner(self, text: str, reader: Actor) -> Partner:
        key = as_uuid(text)
        partners = self.program.partners(reader)
        if key is not None:
            found = [p for p in partners if p.id == key]
        else:
            found = [p for p in partners if p.name.casefold() == text.casefold()]
        return _one("partner", text, found)

    def incident(self, text: str) -> Seen[Incident]:
        """Return the incident a number (``2026-000123``) or an id names, as the actor sees it."""
        key = as_uuid(text)
        if key is not None:
            return self.program.incident(self.actor, key)
        if not INCIDENT_NUMBER.fullmatch(text):
            raise click.BadParameter(f"{text!r} is not an incident number (YYYY-NNNNNN) or id")
        page = self.program.find_incidents(self.actor, IncidentFilter(text=text), Page(size=50))
        return _one("incident", text, [s for s in page.items if s.value.number == text])

    def incident_id(self, text: str) -> uuid.UUID:
        """Return the id of the incident a number or an id names."""
        key = as_uuid(text)
        return key if key is not None else self.incident(text).value.id


def missing_store(url: str) -> None:
    """Raise :class:`StoreMissing` when a SQLite store's file does not exist.

    A command that reads or changes records never creates a store by accident: a typo in
    ``--store`` is an error, not an empty table. Other backends say so themselves.
    """
    if not url.startswith("sqlite:"):
        return
    # the SQLite module is read only for a sqlite: URL, when a command opens its store
    from sro_core.builtin.sqlite.database import Address  # noqa: PLC0415

    address = Address.from_url(url)
    if not address.in_memory and not Path(address.path).exists():
        raise StoreMissing(
            f"no store at {address.path}: create it with `sro init` (with this --store), "
            "or give another --store"
        )


def _one(kind: str, text: str, found: Sequence[T]) -> T:
    """Return the one record a name found, or say there is none or more than one."""
    if not found:
        raise NotFound(kind, repr(text))
    if len(found) > 1:
        raise RuleViolation(kind, text, f"names {len(found)} records: give the id instead")
    return found[0]


def _failure(error: Exception) -> tuple[int, str]:
    """Return the exit status and the one-line message for an error a command raised."""
    if isinstance(error, DomainError):
        return EXIT_REFUSED, str(error)
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return EXIT_REFUSED, f"{where}{error.strerror or error}"
    return EXIT_UNEXPECTED, f"unexpected {type(error).__name__}: {error} (--debug shows where)"


pass_session = click.make_pass_decorator(Session)
"""Hands a subcommand the run's :class:`Session`."""
