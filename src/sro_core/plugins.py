"""The plugin host: loads the built-in plugins, then the installed ones, and calls their hooks.

Nothing is loaded when ``sro_core`` is imported: a program calls :meth:`PluginHost.load`.
Built-ins come first, then the ``sro_core`` entry points (by name), then every implementation
is checked against the hook specifications. A plugin that fails to import is reported with
its name and error and skipped, or is fatal in strict mode (``SRO_STRICT_PLUGINS=1``).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import warnings
from collections.abc import Collection, Mapping, Sequence

import attrs
import pluggy

from sro_core import hookspecs
from sro_core._version import __version__
from sro_core.builtin import BUILTIN_PLUGINS
from sro_core.codes import CodeTables, default_tables
from sro_core.domain import (
    AuditCheckpoint,
    DomainEvent,
    Incident,
    Problem,
    ProgramCalendar,
)
from sro_core.errors import PluginLoadError as PluginLoadError
from sro_core.ports import (
    Attribution,
    CodeTablesRegistry,
    ExporterRegistry,
    NotifierRegistry,
    ProgramContext,
    Storage,
    StorageRegistry,
)

ENTRY_POINT_GROUP = hookspecs.PROJECT
"""The one entry-point group every plugin is found in."""
ONLY_VARIABLE = "SRO_PLUGINS"
"""Environment variable: a comma-separated list of the entry-point plugins to load."""
STRICT_VARIABLE = "SRO_STRICT_PLUGINS"
"""Environment variable: ``1`` makes a plugin that fails to load fatal (for CI)."""


class SroPluginWarning(UserWarning):
    """A plugin was skipped because it failed to load."""


@attrs.frozen
class PluginFailure:
    """A plugin that was skipped: its entry-point name and the error, as ``Type: message``."""

    name: str
    error: str


@attrs.frozen
class PluginInfo:
    """A loaded plugin: its name, version, the hooks it implements, and whether it is built in.

    ``distribution`` is the installed package an entry-point plugin comes from.
    """

    name: str
    version: str
    hooks: tuple[str, ...]
    builtin: bool
    distribution: str | None = None


@attrs.frozen
class _Loaded:
    """A registered plugin, in load order."""

    name: str
    plugin: object
    builtin: bool
    distribution: importlib.metadata.Distribution | None = None


def _names(listing: str) -> frozenset[str]:
    return frozenset(name.strip() for name in listing.split(",") if name.strip())


def _selection(only: Collection[str] | None) -> frozenset[str] | None:
    if only is None:
        listing = os.environ.get(ONLY_VARIABLE)
        return None if listing is None else _names(listing)
    # A single string is read as the comma list SRO_PLUGINS holds, not as its letters.
    return _names(only) if isinstance(only, str) else frozenset(only)


def _environment_strict() -> bool:
    return os.environ.get(STRICT_VARIABLE, "").strip() == "1"


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _plugin_name(plugin: object) -> str:
    name = getattr(plugin, "__name__", None)
    return name if isinstance(name, str) else type(plugin).__name__


class PluginHost:
    """A typed facade over pluggy's manager: loads plugins and calls each hook for the program.

    Make one with :meth:`load`; a bare ``PluginHost()`` knows the hooks but has no plugins.
    """

    def __init__(self, *, strict: bool = False) -> None:
        self.strict = strict
        self._manager = pluggy.PluginManager(hookspecs.PROJECT)
        self._manager.add_hookspecs(hookspecs)
        self._loaded: list[_Loaded] = []
        self._failures: list[PluginFailure] = []
        self._storage: StorageRegistry | None = None
        self._exporters: ExporterRegistry | None = None
        self._notifiers: NotifierRegistry | None = None
        self._code_tables: CodeTables | None = None
        self._callers: dict[str, list[tuple[str, pluggy.HookCaller]]] = {}

    @classmethod
    def load(
        cls,
        *,
        builtins: Sequence[object] = BUILTIN_PLUGINS,
        entry_points: bool = True,
        only: Collection[str] | None = None,
        strict: bool | None = None,
    ) -> PluginHost:
        """Load the built-in plugins, then the installed ones, and check them against the hooks.

        :param builtins: built-in plugins, by dotted module name or as objects; always loaded,
            and any failure among them is fatal.
        :param entry_points: whether to load the plugins installed in the ``sro_core``
            entry-point group.
        :param only: the entry-point names to load; None reads ``SRO_PLUGINS`` (a comma list),
            and when that is unset too every installed plugin is loaded.
        :param strict: whether an entry-point plugin that fails to import is fatal; None reads
            ``SRO_STRICT_PLUGINS`` (``1`` is strict).
        :raises PluginLoadError: for a broken built-in, a plugin whose implementations match no
            hook or not its parameters, or, in strict mode, any plugin that fails to load.
        """
        host = cls(strict=_environment_strict() if strict is None else strict)
        for builtin in builtins:
            host._register_builtin(builtin)
        if entry_points:
            host._register_entry_points(_selection(only))
        host._check_hooks()
        return host

    def _register(self, loaded: _Loaded) -> None:
        try:
            self._manager.register(loaded.plugin, name=loaded.name)
        except pluggy.PluginValidationError as error:
            # pluggy's message spans lines (plugin, hook, definition, reason): keep it on one.
            reason = "; ".join(line.strip() for line in str(error).splitlines() if line.strip())
            self._refuse(loaded, f"does not fit its hooks: {reason}", error)
            return
        self._loaded.append(loaded)

    def _refuse(self, loaded: _Loaded, reason: str, cause: Exception) -> None:
        """Stop on a built-in that does not fit its hooks; report and skip any other plugin."""
        if loaded.builtin:
            raise PluginLoadError(loaded.name, reason) from cause
        self._fail(loaded.name, reason, cause)

    def _register_builtin(self, builtin: object) -> None:
        if isinstance(builtin, str):
            try:
                module = importlib.import_module(builtin)
            except Exception as error:
                reason = f"built-in plugin failed to import: {_describe(error)}"
                raise PluginLoadError(builtin, reason) from error
            self._register(_Loaded(builtin, module, builtin=True))
        else:
            self._register(_Loaded(_plugin_name(builtin), builtin, builtin=True))

    def _register_entry_points(self, only: frozenset[str] | None) -> None:
        found = sorted(
            importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name
        )
        for name in sorted((only or frozenset()) - {ep.name for ep in found}):
            self._fail(name, "not installed: no such entry point in the sro_core group")
        for entry_point in found:
            if only is not None and entry_point.name not in only:
                continue
            if self._manager.has_plugin(entry_point.name):
                self._fail(entry_point.name, "the name is already taken by another plugin")
                continue
            try:
                plugin = entry_point.load()
            except Exception as error:  # noqa: BLE001 - a plugin's import may raise anything
                self._fail(entry_point.name, _describe(error), error)
                continue
            if self._manager.is_registered(plugin):
                other = self._manager.get_name(plugin)
                self._fail(entry_point.name, f"the same plugin is already loaded as {other!r}")
                continue
            self._register(
                _Loaded(entry_point.name, plugin, builtin=False, distribution=entry_point.dist)
            )

    def _fail(self, name: str, error: str, cause: Exception | None = None) -> None:
        if self.strict:
            raise PluginLoadError(name, error) from cause
        self._failures.append(PluginFailure(name, error))
        warnings.warn(f"plugin {name!r} was skipped: {error}", SroPluginWarning, stacklevel=4)

    def _check_hooks(self) -> None:
        """Check that every implementation names a hook; skip (or stop on) a plugin that errs."""
        for loaded in list(self._loaded):
            unknown = sorted(
                caller.name
                for caller in self._manager.get_hookcallers(loaded.plugin) or ()
                if not caller.has_spec()
                and any(
                    impl.plugin is loaded.plugin and not impl.optionalhook
                    for impl in caller.get_hookimpls()
                )
            )
            if unknown:
                reason = (
                    f"implements {', '.join(unknown)}, which is no sro_core hook"
                    " (misspelt, or a hook of a newer sro_core? mark it optionalhook=True)"
                )
                self._manager.unregister(loaded.plugin)
                self._loaded.remove(loaded)
                self._refuse(loaded, reason, LookupError(reason))
        self._manager.check_pending()

    def _each(self, hook: str) -> list[tuple[str, pluggy.HookCaller]]:
        """Return, in load order, each plugin implementing a hook and a caller for it alone."""
        callers = self._callers.get(hook)
        if callers is None:
            everyone = [loaded.plugin for loaded in self._loaded]
            callers = [
                (
                    loaded.name,
                    self._manager.subset_hook_caller(
                        hook, [plugin for plugin in everyone if plugin is not loaded.plugin]
                    ),
                )
                for loaded in self._loaded
                if hook in self.hooks_of(loaded.name)
            ]
            self._callers[hook] = callers
        return callers

    def _fill(self, hook: str, registry: Attribution, argument: str) -> None:
        """Call a registration hook plugin by plugin, attributing what each registers to it."""
        for name, caller in self._each(hook):
            with registry.registering_for(name):
                try:
                    caller(**{argument: registry})
                except Exception as error:
                    raise PluginLoadError(name, f"{hook} failed: {_describe(error)}") from error

    def storage_registry(self) -> StorageRegistry:
        """Return the storage backends every plugin registered (the hook is called once)."""
        if self._storage is None:
            registry = StorageRegistry()
            self._fill("sro_register_storage", registry, "registry")
            self._storage = registry
        return self._storage

    def exporter_registry(self) -> ExporterRegistry:
        """Return the export formats every plugin registered (the hook is called once)."""
        if self._exporters is None:
            registry = ExporterRegistry()
            self._fill("sro_register_exporters", registry, "registry")
            self._exporters = registry
        return self._exporters

    def notifier_registry(self) -> NotifierRegistry:
        """Return the notifier kinds every plugin registered (the hook is called once)."""
        if self._notifiers is None:
            registry = NotifierRegistry()
            self._fill("sro_register_notifiers", registry, "registry")
            self._notifiers = registry
        return self._notifiers

    def code_tables(self) -> CodeTables:
        """Return the default code tables with every plugin's tables and overlays (once)."""
        if self._code_tables is None:
            registry = CodeTablesRegistry(default_tables())
            self._fill("sro_code_tables", registry, "tables")
            self._code_tables = registry.tables()
        return self._code_tables

    def open_storage(self, url: str, calendar: ProgramCalendar | None = None) -> Storage:
        """Open the store a URL names, with the backend registered for its scheme."""
        return self.storage_registry().open(url, calendar)

    def validate_incident(self, incident: Incident, program: ProgramContext) -> list[Problem]:
        """Return the problems every plugin's department rules find in an incident."""
        results = self._manager.hook.sro_validate_incident(incident=incident, program=program)
        # pluggy calls the last registered first; report the problems in load order.
        return [problem for problems in reversed(results) for problem in problems]

    def on_event(self, event: DomainEvent, program: ProgramContext) -> None:
        """Show a committed event to every observer, even when one of them fails.

        :raises ExceptionGroup: after every observer was called, if any raised; each error
            carries a note naming its plugin.
        """
        self._call_every(
            "sro_on_event",
            f"observing {type(event).__name__}",
            f"observer(s) failed on {type(event).__name__}",
            event=event,
            program=program,
        )

    def audit_checkpoint(self, checkpoint: AuditCheckpoint, program: ProgramContext) -> None:
        """Hand an audit checkpoint to every plugin that keeps them, even when one fails.

        :raises ExceptionGroup: after every plugin was called, if any raised.
        """
        self._call_every(
            "sro_audit_checkpoint",
            f"keeping the audit checkpoint of entry {checkpoint.sequence}",
            "plugin(s) failed to keep an audit checkpoint",
            checkpoint=checkpoint,
            program=program,
        )

    def _call_every(self, hook: str, doing: str, failed: str, **arguments: object) -> None:
        errors: list[Exception] = []
        for name, caller in self._each(hook):
            try:
                caller(**arguments)
            except Exception as error:  # noqa: BLE001 - gathered and raised together below
                error.add_note(f"in plugin {name!r}, {doing}")
                errors.append(error)
        if errors:
            raise ExceptionGroup(f"{len(errors)} {failed}", errors)

    def authenticate(self, credentials: Mapping[str, object]) -> str | None:
        """Return the actor id the first plugin that recognises the credentials gives."""
        found: str | None = self._manager.hook.sro_authenticate(credentials=credentials)
        return found

    def cli_commands(self, cli: object) -> None:
        """Let every plugin add its subcommands to the ``sro`` command group."""
        self._manager.hook.sro_cli_commands(cli=cli)

    def hooks_of(self, name: str) -> tuple[str, ...]:
        """Return the hooks a loaded plugin implements, sorted."""
        plugin = self._manager.get_plugin(name)
        callers = self._manager.get_hookcallers(plugin) if plugin is not None else None
        if callers is None:
            raise LookupError(f"no plugin named {name!r} is loaded")
        return tuple(sorted(caller.name for caller in callers))

    def plugins(self) -> list[PluginInfo]:
        """Return the loaded plugins in load order: built-ins first, then entry points."""
        return [
            PluginInfo(
                name=loaded.name,
                version=(loaded.distribution.version if loaded.distribution else __version__),
                hooks=self.hooks_of(loaded.name),
                builtin=loaded.builtin,
                distribution=loaded.distribution.name if loaded.distribution else None,
            )
            for loaded in self._loaded
        ]

    def failures(self) -> list[PluginFailure]:
        """Return the plugins that were skipped because they failed to load."""
        return list(self._failures)


__all__ = [
    "ENTRY_POINT_GROUP",
    "ONLY_VARIABLE",
    "STRICT_VARIABLE",
    "PluginFailure",
    "PluginHost",
    "PluginInfo",
    "PluginLoadError",
    "SroPluginWarning",
]
