"""``sro --help`` imports click and the command group only; subcommands load when they run."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from sro_core.cli import MODULES, cli
from sro_core.cli.group import declared_commands

HEAVY = (
    "sro_core.cli.app",
    "sro_core.demo",
    "sro_core.domain",
    "sro_core.plugins",
    "sro_core.service",
    "sro_core_nibrs",
    "sro_core_report",
    "cattrs",
    "pluggy",
    "rich",
    "psycopg",
    "xmlschema",
    "matplotlib",
)
"""What ``sro --help`` must not import: the service, the domain, plugins, their drivers."""

_RUN = """
import json, sys
from sro_core.cli import main
sys.argv = ["sro", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def _run(*arguments: str) -> tuple[str, set[str]]:
    """Run ``sro`` in a fresh interpreter; return its output and the modules it then holds."""
    found = subprocess.run(
        [sys.executable, "-c", _RUN, *arguments],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "80"},
    )
    *output, last = found.stdout.strip().splitlines()
    modules: list[str] = json.loads(last)
    return "\n".join(output), set(modules)


def _imported_by(*arguments: str) -> set[str]:
    return _run(*arguments)[1]


def _heavy(modules: set[str]) -> set[str]:
    return {m for m in modules for h in HEAVY if m == h or m.startswith(h + ".")}


def test_help_imports_nothing_heavy() -> None:
    """``sro --help`` lists every command without importing the service, domain or plugins."""
    assert _heavy(_imported_by("--help")) == set()


def test_a_subcommand_loads_only_its_own_module() -> None:
    """``sro audit --help`` imports the operator's commands, not the demo or the incidents'."""
    modules = _imported_by("audit", "--help")
    assert "sro_core.cli.operations" in modules
    assert {"sro_core.cli.demo", "sro_core.cli.incidents", "sro_core.demo"} & modules == set()
    assert {"xmlschema", "matplotlib", "psycopg"} & modules == set()


@pytest.mark.parametrize("module", MODULES)
def test_commands_read_from_the_source_are_those_the_module_makes(module: str) -> None:
    """The names and help ``sro --help`` reads without importing a module are its commands'."""
    made = importlib.import_module(module).COMMANDS
    assert declared_commands(module) == {c.name: inspect.cleandoc(c.help or "") for c in made}


def test_help_is_what_it_is_with_every_module_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    """``sro --help`` read from the sources is the help click gives with the commands loaded."""
    lazy, _ = _run("--help")
    monkeypatch.setenv("COLUMNS", "80")
    for name, command in list(cli.commands.items()):
        # A plugin's commands (`sro nibrs`), added to this process's group by an earlier test
        # that ran one, are not the built-in modules' that the lazy help reads.
        if not getattr(command.callback, "__module__", "").startswith("sro_core.cli"):
            monkeypatch.delitem(cli.commands, name)
    context = click.Context(cli, info_name="sro", **cli.context_settings)
    for name in cli.list_commands(context):
        cli.get_command(context, name)
    assert lazy == cli.get_help(context).strip()


def test_a_module_whose_commands_cannot_be_read_is_imported_instead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A module whose ``COMMANDS`` is not plainly listed is imported, not guessed at."""
    (tmp_path / "made_commands.py").write_text(
        "import click\n\n"
        "def _make(name):\n"
        "    return click.Command(name, help='Made at import.')\n\n"
        "COMMANDS = tuple(_make(n) for n in ('one', 'two'))\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert declared_commands("made_commands") is None
    group = type(cli)(name="sro")
    group.add_module("made_commands")
    assert sorted(group.commands) == ["one", "two"]
    group.add_module("sro_core.cli.operations")
    assert "audit" not in group.commands
    assert "audit" in group.list_commands(click.Context(group))


def test_importing_the_service_imports_its_names_only_when_used() -> None:
    """``import sro_core.service`` costs nothing; each public name imports its module on use."""
    code = (
        "import json, sys, sro_core.service as s\n"
        "before = 'sro_core.domain' in sys.modules\n"
        "s.Program\n"
        "print(json.dumps([before, 'sro_core.service.program' in sys.modules]))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(found.stdout) == [False, True]
    service = importlib.import_module("sro_core.service")
    assert sorted(service._LAZY) == sorted(service.__all__)
    for name in service.__all__:
        assert getattr(service, name) is not None
