"""A plugin implementing a hook that sro_core does not have (a misspelling, say)."""

from __future__ import annotations

from sro_core import hookimpl


@hookimpl
def sro_no_such_hook() -> None:
    """Implement nothing that exists."""
