"""The plugin guide and the hook specifications agree: names, parameters and their order."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from sro_core import hookspecs

GUIDE = Path(__file__).parent.parent / "docs" / "plugins.md"
HEADING = re.compile(r"^### (sro_\w+)\(([^)]*)\)\s*$", re.MULTILINE)


def documented() -> dict[str, tuple[str, ...]]:
    """Return each hook documented in the guide, with the parameters its heading lists."""
    return {
        name: tuple(p.strip() for p in parameters.split(",") if p.strip())
        for name, parameters in HEADING.findall(GUIDE.read_text(encoding="utf-8"))
    }


def specified() -> dict[str, tuple[str, ...]]:
    """Return each hook specification, with its parameters."""
    return {
        name: tuple(inspect.signature(function).parameters)
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if name.startswith("sro_")
    }


def test_the_guide_documents_hooks():
    """The guide's hook headings are found (a changed heading format would hide every hook)."""
    assert len(documented()) >= 7


@pytest.mark.parametrize("hook", sorted(specified()))
def test_every_hook_is_documented_with_its_parameters(hook):
    """Each hook has a ``### sro_name(param, …)`` heading listing its parameters in order."""
    assert hook in documented(), f"docs/plugins.md has no '### {hook}(…)' heading"
    assert documented()[hook] == specified()[hook]


@pytest.mark.parametrize("hook", sorted(documented()))
def test_every_documented_hook_exists(hook):
    """Each hook the guide documents is a hook specification of sro_core."""
    assert hook in specified(), f"docs/plugins.md documents {hook}, which is no hook"


@pytest.mark.parametrize("hook", sorted(specified()))
def test_every_hook_documents_its_parameters_in_its_docstring(hook):
    """Each hook's docstring has a ``:param name:`` line for each parameter."""
    docstring = inspect.getdoc(getattr(hookspecs, hook)) or ""
    for parameter in specified()[hook]:
        assert f":param {parameter}:" in docstring
