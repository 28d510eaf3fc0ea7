"""A griffe extension for the docs site: Sphinx roles in docstrings, shown as code.

The docstrings name other objects with reST roles (``:class:`~sro_core.ports.Exporter```), as
the Python tooling reads them; mkdocstrings would print them as they are. This shows each as
its name in code (``Exporter``), without the role.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:class|meth|func|data|attr|exc|mod|obj):`~?([^`]+)`")


def _plain(match: re.Match[str]) -> str:
    target = match.group(1)
    shown = target.rsplit(".", 1)[-1] if match.group(0).count("~") else target
    return f"`{shown}`"


class SphinxRoles(griffe.Extension):
    """Replace reST roles with code spans in every docstring griffe loads."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Rewrite the docstring of each object as it is loaded."""
        del kwargs
        if obj.docstring is not None:
            obj.docstring.value = ROLE.sub(_plain, obj.docstring.value)
