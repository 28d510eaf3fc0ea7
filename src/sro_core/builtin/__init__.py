"""Built-in plugins, registered through the same hooks as any other plugin."""

from __future__ import annotations

__all__ = ["BUILTIN_PLUGINS"]

BUILTIN_PLUGINS: tuple[str, ...] = (
    "sro_core.builtin.memory",
    "sro_core.builtin.sqlite",
    "sro_core.builtin.exports",
    "sro_core.builtin.notifications",
)
"""The built-in plugin modules, by dotted name, in the order they are loaded."""
