"""The layers: the import-linter contracts and the architecture page agree, plugins use the face."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PAGE = ROOT / "docs" / "architecture.md"


def _contracts() -> list[dict[str, object]]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return list(tomllib.load(handle)["tool"]["importlinter"]["contracts"])


def test_the_page_lists_the_layers_of_the_contract_in_order():
    """docs/architecture.md's table names the contract's layers, top down, siblings together."""
    [layers] = [c["layers"] for c in _contracts() if c["name"].startswith("sro_core's layers")]
    rows = re.findall(r"^\| (`sro_core[^|]*) \|", PAGE.read_text(encoding="utf-8"), re.MULTILINE)
    documented = [" | ".join(re.findall(r"`([\w.]+)`", row)) for row in rows]
    assert documented == layers


def test_every_plugin_package_is_held_to_the_public_face():
    """Each plugin package under plugins/ is a source of the public-face contract."""
    [face] = [c for c in _contracts() if c["name"].startswith("Plugins import only")]
    packages = {path.name for path in ROOT.glob("plugins/*/src/*") if path.is_dir()}
    assert packages - {"__pycache__"} == set(face["source_modules"])


def _imported_names() -> list[tuple[str, str, str]]:
    """Return (plugin file, sro_core module, name) for each name a plugin imports from sro_core."""
    found = []
    for path in sorted(ROOT.glob("plugins/*/src/**/*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sro_core":
                found.extend(
                    (path.relative_to(ROOT).as_posix(), node.module or "", alias.name)
                    for alias in node.names
                )
    return found


def test_plugins_import_names_from_sro_core():
    """The walk below finds the plugins' imports (a changed layout would hide every one)."""
    assert len(_imported_names()) > 50


@pytest.mark.parametrize(("where", "module", "name"), _imported_names())
def test_a_plugin_imports_only_public_names(where, module, name):
    """A name a plugin imports from sro_core is public: not underscored, and in ``__all__``.

    A public module imported by name (``from sro_core import sql``) is public as a whole.
    """
    assert not name.startswith("_") or name == "__version__", f"{where}: {module}.{name}"
    imported = importlib.import_module(module)
    if hasattr(imported, "__path__") and importlib.util.find_spec(f"{module}.{name}"):
        return  # a module of the package: public as a whole
    exported = getattr(imported, "__all__", None)
    assert exported is None or name in exported, f"{where}: {name} is not in {module}.__all__"
