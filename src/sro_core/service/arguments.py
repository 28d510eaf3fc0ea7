"""Checks, at the API's edge, that each argument of a command or query has its declared type.

Type checkers catch most wrong arguments; a department app in plain Python, or data read from
a form, does not have one. A wrong argument is refused with a RuleViolation naming it, before
anything is read or written, and the attempt is audited as an error.
"""

from __future__ import annotations

import datetime as dt
import inspect
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from sro_core.domain import Actor, AuditOutcome, RuleViolation
from sro_core.ports import IncidentFilter, Period

if TYPE_CHECKING:
    from sro_core.service.core import Kernel

Timed = TypeVar("Timed", bound=IncidentFilter | Period)

_VARIADIC = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


def _accepted(hint: Any) -> tuple[type, ...] | None:
    """Return the classes a hint accepts, or None where it is not a simple class check."""
    if hint is Any:
        return None
    if isinstance(hint, type) and hint.__module__ != "typing":
        return (hint,)
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        parts = [_accepted(arg) for arg in typing.get_args(hint)]
        if any(part is None for part in parts):
            return None
        return tuple(cls for part in parts if part for cls in part)
    if isinstance(origin, type) and origin.__module__ != "typing":
        return (origin,)
    return None


def _describe(accepted: tuple[type, ...]) -> str:
    return " or ".join("None" if cls is type(None) else cls.__name__ for cls in accepted)


class ArgumentCheck:
    """The check of a desk method's arguments against its annotations, made as it is called."""

    def __init__(self, method: Callable[..., Any], signature: inspect.Signature, name: str) -> None:
        self._method = method
        self._signature = signature
        self._name = name
        self._hints: dict[str, tuple[type, ...] | None] | None = None

    def _accepted(self) -> dict[str, tuple[type, ...] | None]:
        """Return the classes each parameter accepts (resolved once, at the first call)."""
        if self._hints is None:
            resolved = typing.get_type_hints(self._method) | {"actor": Actor}
            self._hints = {
                name: _accepted(resolved[name])
                for name, parameter in self._signature.parameters.items()
                if name in resolved and parameter.kind not in _VARIADIC
            }
        return self._hints

    def __call__(self, kernel: Kernel, *args: Any, **kwargs: Any) -> inspect.BoundArguments:
        """Bind the arguments, read naive filter times as the settings say, check each one.

        A wrong argument raises a RuleViolation naming it; the attempt is audited as an error
        under the actor, when the actor itself is one.
        """
        hints = self._accepted()
        bound = self._signature.bind(*args, **kwargs)
        local = kernel.settings.naive_times == "local"
        for name, value in list(bound.arguments.items()):
            if isinstance(value, TIMED):
                timed = with_local_times(value, kernel.settings.calendar.zone, local=local)
                bound.arguments[name] = timed
        for name, value in bound.arguments.items():
            accepted = hints.get(name)
            if accepted is None:
                continue
            # bool is an int to isinstance, but True is no whole number of minutes
            if not isinstance(value, accepted) or (
                isinstance(value, bool) and bool not in accepted
            ):
                error = RuleViolation(name, value, f"must be {_describe(accepted)}")
                actor = bound.arguments.get("actor")
                if isinstance(actor, Actor) and name != "actor":
                    # The audit names the argument, never the value it was given.
                    detail = f"{error.field}: {error.rule}"
                    kernel.audit_alone(actor, self._name, None, AuditOutcome.ERROR, detail)
                raise error
        return bound


TIMED = (IncidentFilter, Period)
"""The arguments whose times a program reads as local when they have no offset (if told to)."""


def with_local_times(value: Timed, zone: dt.tzinfo, *, local: bool) -> Timed:
    """Return a filter or period with its naive times read in the program's zone.

    Without ``local`` a naive time is refused: a RuleViolation names the field.
    """
    changes: dict[str, Any] = {}
    for field in attrs.fields(type(value)):
        moment = getattr(value, field.name)
        if isinstance(moment, dt.datetime) and moment.utcoffset() is None:
            if not local:
                raise RuleViolation(
                    field.name,
                    moment.isoformat(),
                    "a time needs its offset (or set ProgramSettings.naive_times = 'local')",
                )
            changes[field.name] = moment.replace(tzinfo=zone)
    return attrs.evolve(value, **changes) if changes else value
