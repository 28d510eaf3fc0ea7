"""The ``sro`` group: its options, subcommands loaded when they run, and one-line errors.

This module imports click and nothing heavy, so that ``sro --help`` starts about as fast as
click does: a subcommand's module (and with it the service and the domain) is imported only
when that subcommand runs or its own help is asked for. ``sro --help`` lists the built-in
subcommands with the first line of their docstrings, read from their modules' source without
importing them; plugins' subcommands are added when ``sro`` is asked for one that is not built
in (``sro plugins`` lists the installed plugins).
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

import sro_core

PLUGIN_HOST_KEY = "sro_core.plugins"
"""Where a run keeps its loaded plugin host, in the root context's ``meta``."""
_HOOKED = "sro_core.plugin_commands"

EXAMPLE = """\b
The configuration file (TOML; every key is optional, an unknown key is an error):
  store = "sqlite:////var/lib/sro/sro.db"
  [program]
  name = "Chowchilla PD School Resource Officer Program"
  time_zone = "America/Los_Angeles"
  agency_ori = "CA0200200"
  suppression_threshold = 10
  dispatch_after_commit = true
  max_delivery_attempts = 5
  retry_backoff_seconds = 30
  delivery_timeout_seconds = 10
  retention_days = 30
  audit_key_file = "/etc/sro/audit.key"
  audit_checkpoints = "/mnt/evidence/sro"
  [[program.notifiers]]
  kind = "log"
  timeout_seconds = 2
  level = "INFO"
  [actor]
  id = "principal.hs"
"""
"""The configuration file, as ``sro --help`` shows it (``\\b`` keeps click from rewrapping)."""


def declared_commands(module: str) -> dict[str, str] | None:
    """Return the commands a module's ``COMMANDS`` lists, by name, with their help texts.

    The module's source is read, not imported. None when the source cannot be found or does
    not declare its commands as ``@click.command("name")`` or ``@click.group()`` functions
    listed in ``COMMANDS = (...)``: the module is then imported to learn them.
    """
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return None
    tree = ast.parse(Path(spec.origin).read_bytes())
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    listed = next(_listed(tree), None)
    if listed is None:
        return None
    found: dict[str, str] = {}
    for name in listed:
        function = functions.get(name)
        command = None if function is None else _command_name(function)
        if function is None or command is None:
            return None
        found[command] = ast.get_docstring(function) or ""
    return found


def _listed(tree: ast.Module) -> Iterator[list[str]]:
    """Yield the names in the module's ``COMMANDS`` tuple or list, if it has one."""
    for node in tree.body:
        target: ast.expr | None = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        value = getattr(node, "value", None)
        if (
            isinstance(target, ast.Name)
            and target.id == "COMMANDS"
            and isinstance(value, ast.Tuple | ast.List)
            and all(isinstance(e, ast.Name) for e in value.elts)
        ):
            yield [e.id for e in value.elts if isinstance(e, ast.Name)]


def _command_name(function: ast.FunctionDef) -> str | None:
    """Return the name a ``@click.command``/``@click.group`` decorator gives, if it is one."""
    for decorator in function.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        made = call.func if call else decorator
        if not (
            isinstance(made, ast.Attribute)
            and isinstance(made.value, ast.Name)
            and made.value.id == "click"
            and made.attr in ("command", "group")
        ):
            continue
        if call is None or (not call.args and not call.keywords):
            return function.name.lower().replace("_", "-")
        plain = all(k.arg not in ("help", "short_help", "name", "hidden") for k in call.keywords)
        if len(call.args) == 1 and isinstance(call.args[0], ast.Constant) and plain:
            return str(call.args[0].value)
    return None


class SroGroup(click.Group):
    """The ``sro`` group: subcommands from modules loaded when asked for; errors in one line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._modules: list[str] = []
        self._declared: dict[str, tuple[str, str]] = {}

    def add_module(self, module: str) -> None:
        """Add the subcommands of a module (its ``COMMANDS``), imported when one is needed."""
        declared = declared_commands(module)
        if declared is None:
            self._load(module)
            return
        self._modules.append(module)
        for name, text in declared.items():
            self._declared[name] = (module, text)

    def _load(self, module: str) -> None:
        for command in importlib.import_module(module).COMMANDS:
            self.add_command(command)
        for name in [n for n, (m, _) in self._declared.items() if m == module]:
            del self._declared[name]

    def _hook_plugins(self, ctx: click.Context) -> None:
        root = ctx.find_root()
        if not root.meta.get(_HOOKED):
            root.meta[_HOOKED] = True
            from sro_core.cli.app import plugin_host  # noqa: PLC0415 - only when plugins are needed

            plugin_host(ctx).cli_commands(self)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Return a built-in subcommand (importing its module), or else one a plugin adds."""
        if cmd_name in self._declared:
            self._load(self._declared[cmd_name][0])
        command = super().get_command(ctx, cmd_name)
        if command is None:
            self._hook_plugins(ctx)
            command = super().get_command(ctx, cmd_name)
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Return the subcommands: built-in ones, and plugins' ones once plugins are loaded."""
        root = ctx.find_root()
        if root.meta.get(PLUGIN_HOST_KEY) is not None or _is_plugin_host(root.obj):
            try:
                self._hook_plugins(ctx)
            except _domain_error() as error:
                click.echo(f"warning: {error}", err=True)
        return sorted({*super().list_commands(ctx), *self._declared})

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the subcommands as click does, without importing modules not yet loaded."""
        commands = []
        for name in self.list_commands(ctx):
            if name in self._declared:
                commands.append((name, click.Command(name, help=self._declared[name][1])))
                continue
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                commands.append((name, command))
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section("Commands"):
                formatter.write_dl([(n, c.get_short_help_str(limit)) for n, c in commands])

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; turn an error into one line on standard error and an exit status."""
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            from sro_core.cli.app import EXIT_REFUSED  # noqa: PLC0415 - light: app is loaded

            # the reader of a pipe went away (`sro … | head`): nothing more to say
            raise click.exceptions.Exit(EXIT_REFUSED) from None
        except Exception as error:
            if ctx.params.get("debug"):
                raise
            from sro_core.cli.app import _failure  # noqa: PLC0415 - a command ran: app is loaded
            from sro_core.cli.output import visible  # noqa: PLC0415 - likewise

            code, message = _failure(error)
            click.echo("error: " + visible(" ".join(message.splitlines())), err=True)
            raise click.exceptions.Exit(code) from None


def _is_plugin_host(obj: object) -> bool:
    """Return whether the caller passed a loaded plugin host (without importing its class)."""
    module = sys.modules.get("sro_core.plugins")
    return module is not None and isinstance(obj, module.PluginHost)


def _domain_error() -> type[Exception]:
    """Return the library's base error class (imported when first needed)."""
    from sro_core.domain import DomainError  # noqa: PLC0415 - the domain is heavy to import

    return DomainError


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
    metavar="ACTOR-ID",
    help="Act as another actor of the store's directory: only a supervisor may, as an actor "
    "of a lower role; the audit trail records both [env SRO_ACTOR; default: the "
    "configuration's [actor] id, else the actor whose logins hold your user name]",
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
    debug: bool,
) -> None:
    """Run a School Resource Officer program: record, import, export, report.

    Each command acts on the program kept in one store, as one actor; each is checked against
    the access policy and audited. Exit status: 0 done, 1 refused by the program (or a file
    that cannot be read), 2 a usage mistake, 3 an unexpected failure (--debug shows it).
    """
    from sro_core.cli.app import Session, plugin_host  # noqa: PLC0415 - a subcommand runs

    plugin_host(ctx)
    session = Session(
        ctx,
        store=store,
        config_path=config_path,
        acting=acting,
    )
    ctx.obj = session
    ctx.call_on_close(session.close)
    if debug:
        _debug_logging(ctx)
