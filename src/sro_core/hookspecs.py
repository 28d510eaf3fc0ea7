"""The hook specifications: the plugin surface of sro_core.

Every hook is prefixed ``sro_``. A plugin implements a hook with :data:`hookimpl`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import pluggy

if TYPE_CHECKING:
    from sro_core.ports import StorageRegistry

PROJECT = "sro_core"

F = TypeVar("F", bound=Callable[..., object])

_spec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
"""Marks a function of a plugin as the implementation of the hook of the same name."""


def hookspec(function: F) -> F:
    """Mark a function as a hook specification, keeping its signature for type checkers."""
    return _spec(function)


@hookspec
def sro_register_storage(registry: StorageRegistry) -> None:
    """Add storage backends: URL schemes and the factories that open them.

    :param registry: the storage registry; call ``registry.register(scheme, factory, …)``.

    Called once per program, for every plugin; the results are ignored.
    """
