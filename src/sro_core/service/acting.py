"""A program with its actor bound: ``program.acting_as(sergeant)`` for a block of calls."""

from __future__ import annotations

import functools
import inspect
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from sro_core.domain import Actor
    from sro_core.service.program import Program


class ActingAs:
    """The program's commands and queries, each called as one actor.

    ``program.acting_as(sergeant).report_incident(draft)`` is
    ``program.report_incident(sergeant, draft)``; every call is still checked against the
    access policy and audited as that actor. Used in a ``with`` block it reads as a block of
    work done by one person; leaving the block does not close the program.
    """

    def __init__(self, program: Program, actor: Actor) -> None:
        self.program = program
        self.actor = actor

    def __getattr__(self, name: str) -> Any:
        """Return the program's method with the actor given, or any other attribute as is."""
        value = getattr(self.program, name)
        if name.startswith("_") or not callable(value):
            return value
        try:
            parameters = list(inspect.signature(value).parameters)
        except (TypeError, ValueError):
            return value
        if parameters[:1] != ["actor"]:
            return value
        return functools.partial(value, self.actor)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Leave the block; the program stays open."""

    def __repr__(self) -> str:
        return f"<{type(self.program).__name__} acting as {self.actor.id!r}>"
