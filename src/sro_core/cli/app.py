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
import logging
import sys
import uuid
import warnings
import zoneinfo
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

import sro_core
from sro_core.cli.arguments import as_uuid
from sro_core.cli.configuration import (
    EXAMPLE,
    Configuration,
    ConfigurationError,
    default_store_url,
    load_configuration,
)
from sro_core.cli.output import Output
from sro_core.domain import (
    INCIDENT_NUMBER,
    Actor,
    ActorRole,
    DomainError,
    Incident,
    Officer,
    Partner,
    Permission,
    RuleViolation,
    School,
)
from sro_core.plugins import PluginHost, SroPluginWarning
from sro_core.ports import IncidentFilter, NotFound, Page
from sro_core.service import ROLE_ACTIONS, Action, Program, ProgramSettings, Seen

T = TypeVar("T")

EXIT_REFUSED = 1
"""Exit status when the program refuses a command, or a file cannot be read."""
EXIT_USAGE = 2
"""Exit status of a usage mistake (click's own)."""
EXIT_UNEXPECTED = 3
"""Exit status of an unexpected failure: a bug, shown in full with ``--debug``."""

_HOST = "sro_core.plugins"
_HOOKED = "sro_core.plugin_commands"
_LOCAL_ID = "local"
_DEBUG_HANDLER = "sro_core.debug_handler"


def _user() -> str:
    """Return the login name of the person running the command, for the audit trail."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return _LOCAL_ID


def plugin_host(ctx: click.Context) -> PluginHost:
    """Return the run's plugin host: the one the caller passed as ``obj``, or load them once."""
    root = ctx.find_root()
    host = root.meta.get(_HOST)
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
        root.meta[_HOST] = host
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
        scope_schools: Sequence[str],
        scope_partner: str | None,
        juvenile_records: bool,
    ) -> None:
        self._ctx = ctx
        self._store = store
        self._config_path = config_path
        self._acting = acting
        self._scope_schools = tuple(scope_schools)
        self._scope_partner = scope_partner
        self._juvenile_records = juvenile_records
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
        config = self.configuration.actor
        if self._acting:
            role_text, _, actor_id = self._acting.partition(":")
            name = actor_id or _user()
            permissions: tuple[str, ...] = ()
        elif config.role:
            role_text, actor_id = config.role, config.id or _user()
            name = config.name or actor_id
            permissions = config.permissions
        else:
            user = _user()
            return Actor(
                id=user,
                name=f"{user} (local supervisor)",
                role=ActorRole.SUPERVISOR,
                permissions=frozenset({Permission.JUVENILE_RECORDS}),
            )
        role = _role(role_text)
        granted = {_permission(p) for p in permissions}
        if self._juvenile_records:
            granted.add(Permission.JUVENILE_RECORDS)
        schools = self._scope_schools or (
            config.schools if role is ActorRole.SCHOOL_ADMINISTRATOR else ()
        )
        partner = self._scope_partner or (
            config.partner if role is ActorRole.PARTNER_LIAISON else None
        )
        _check_scope(role, schools, partner)
        reader = Actor(id=actor_id or name, name=name, role=ActorRole.ANALYST)
        return Actor(
            id=actor_id or name,
            name=name,
            role=role,
            schools=frozenset(self._school(s, reader).id for s in schools),
            partner_id=self._partner(partner, reader).id if partner else None,
            permissions=frozenset(granted),
        )

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
        return Action.READ_DIRECTORY in ROLE_ACTIONS[self.actor.role]

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


class StoreMissing(DomainError):
    """The store a command names does not exist (``sro init`` creates one)."""


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
            f"no store at {address.path}: create it with `sro --store {url} init` "
            "(or give another --store)"
        )


def _one(kind: str, text: str, found: Sequence[T]) -> T:
    """Return the one record a name found, or say there is none or more than one."""
    if not found:
        raise NotFound(kind, repr(text))
    if len(found) > 1:
        raise RuleViolation(kind, text, f"names {len(found)} records: give the id instead")
    return found[0]


def _role(text: str) -> ActorRole:
    try:
        return ActorRole(text.strip().lower())
    except ValueError:
        roles = ", ".join(r.value for r in ActorRole)
        raise click.BadParameter(f"{text!r} is not a role ({roles})", param_hint="--as") from None


def _permission(text: str) -> Permission:
    try:
        return Permission(text)
    except ValueError:
        known = ", ".join(p.value for p in Permission)
        raise ConfigurationError(f"actor.permissions: {text!r} is not one of {known}") from None


def _check_scope(role: ActorRole, schools: Sequence[str], partner: str | None) -> None:
    if role is ActorRole.SCHOOL_ADMINISTRATOR and not schools:
        raise click.UsageError("a school_administrator acts for their schools: give --school")
    if role is not ActorRole.SCHOOL_ADMINISTRATOR and schools:
        raise click.UsageError("--school scopes a school_administrator only")
    if role is ActorRole.PARTNER_LIAISON and not partner:
        raise click.UsageError("a partner_liaison acts for their partner: give --partner")
    if role is not ActorRole.PARTNER_LIAISON and partner:
        raise click.UsageError("--partner scopes a partner_liaison only")


def _failure(error: Exception) -> tuple[int, str]:
    """Return the exit status and the one-line message for an error a command raised."""
    if isinstance(error, DomainError):
        return EXIT_REFUSED, str(error)
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return EXIT_REFUSED, f"{where}{error.strerror or error}"
    return EXIT_UNEXPECTED, f"unexpected {type(error).__name__}: {error} (--debug shows where)"


class SroGroup(click.Group):
    """The ``sro`` group: plugins' subcommands are added on first need, errors are one line."""

    def _hook_plugins(self, ctx: click.Context) -> None:
        root = ctx.find_root()
        if not root.meta.get(_HOOKED):
            root.meta[_HOOKED] = True
            plugin_host(ctx).cli_commands(self)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Return a built-in subcommand, or else one a plugin adds."""
        command = super().get_command(ctx, cmd_name)
        if command is None:
            self._hook_plugins(ctx)
            command = super().get_command(ctx, cmd_name)
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Return the subcommands, the plugins' included."""
        try:
            self._hook_plugins(ctx)
        except DomainError as error:
            click.echo(f"warning: {error}", err=True)
        return super().list_commands(ctx)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; turn an error into one line on standard error and an exit status."""
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            # the reader of a pipe went away (`sro … | head`): nothing more to say
            raise click.exceptions.Exit(EXIT_REFUSED) from None
        except Exception as error:
            if ctx.params.get("debug"):
                raise
            code, message = _failure(error)
            click.echo("error: " + " ".join(message.splitlines()), err=True)
            raise click.exceptions.Exit(code) from None


def _debug_logging(ctx: click.Context) -> None:
    """Show the library's log on standard error for the rest of the run."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("sro_core")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)

    def restore() -> None:
        logger.removeHandler(handler)
        logger.setLevel(level)

    ctx.call_on_close(restore)


@click.group(
    cls=SroGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EXAMPLE,
)
@click.option(
    "--store",
    envvar="SRO_STORE",
    metavar="URL",
    help="Where the records are kept: sqlite:////abs/path.db, postgresql://…, memory: "
    "[env SRO_STORE; default: sro.db in the user data folder]",
)
@click.option(
    "--config",
    "config_path",
    envvar="SRO_CONFIG",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The TOML configuration file [env SRO_CONFIG; default: sro.toml in the user "
    "configuration folder, if it exists]",
)
@click.option(
    "--as",
    "acting",
    envvar="SRO_ACTOR",
    metavar="ROLE[:ID]",
    help="Who acts: sro, supervisor, records_clerk, analyst, school_administrator, "
    "partner_liaison, system, with the id the audit trail records [env SRO_ACTOR; default: "
    "the configuration's [actor], else you as a local supervisor with the juvenile-records "
    "permission]",
)
@click.option(
    "--school",
    "scope_schools",
    multiple=True,
    metavar="NAME-or-ID",
    help="A school administrator's school (repeat for several).",
)
@click.option(
    "--partner", "scope_partner", metavar="NAME-or-ID", help="A partner liaison's partner."
)
@click.option(
    "--juvenile-records",
    is_flag=True,
    help="Give the department actor named by --as the juvenile-records permission.",
)
@click.option("--debug", is_flag=True, help="Show an error's traceback and the library's log.")
@click.version_option(sro_core.__version__, prog_name="sro")
@click.pass_context
def cli(
    ctx: click.Context,
    *,
    store: str | None,
    config_path: Path | None,
    acting: str | None,
    scope_schools: tuple[str, ...],
    scope_partner: str | None,
    juvenile_records: bool,
    debug: bool,
) -> None:
    """Run a School Resource Officer program: record, import, export, report.

    Each command acts on the program kept in one store, as one actor; each is checked against
    the access policy and audited. Exit status: 0 done, 1 refused by the program (or a file
    that cannot be read), 2 a usage mistake, 3 an unexpected failure (--debug shows it).
    """
    plugin_host(ctx)
    session = Session(
        ctx,
        store=store,
        config_path=config_path,
        acting=acting,
        scope_schools=scope_schools,
        scope_partner=scope_partner,
        juvenile_records=juvenile_records,
    )
    ctx.obj = session
    ctx.call_on_close(session.close)
    if debug:
        _debug_logging(ctx)


pass_session = click.make_pass_decorator(Session)
"""Hands a subcommand the run's :class:`Session`."""
