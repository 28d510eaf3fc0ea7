"""sro_core: the library under School Resource Officer program software.

A pure-Python domain model of an SRO program (officers, schools, incidents, partnerships) with
hooks that make storage, notification and export backends pluggable packages.

``Program``, ``ProgramSettings``, ``PluginHost`` and ``hookimpl`` are imported on first use, so
that importing the domain alone (``sro_core.domain``) does not import pluggy and the service.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sro_core.hookspecs import hookimpl
    from sro_core.plugins import PluginHost
    from sro_core.service import Program, ProgramSettings

__version__ = "0.1.0.dev0"

__all__ = ["PluginHost", "Program", "ProgramSettings", "__version__", "hookimpl"]

_LAZY = {
    "PluginHost": "sro_core.plugins",
    "Program": "sro_core.service",
    "ProgramSettings": "sro_core.service",
    "hookimpl": "sro_core.hookspecs",
}


def __getattr__(name: str) -> object:
    """Import the service and plugin names when they are first asked for."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sro_core' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
