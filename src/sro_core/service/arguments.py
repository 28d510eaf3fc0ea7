"""Checks, at the API's edge, that each argument of a command or query has its declared type.

Type checkers catch most wrong arguments; a department app in plain Python, or data read from
a form, does not have one. A wrong argument is refused with a RuleViolation naming it, before
anything is read or written, and the attempt is audited as an error.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from sro_core.domain import Actor, AuditOutcome, RuleViolation
from sro_core.ports import IncidentFilter, Period

F = TypeVar("F", bound=Callable[..., Any])
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


def checked(method: F) -> F:
    """Wrap a Program method so each argument is checked against its annotation when called."""
    signature = inspect.signature(method)
    hints: dict[str, tuple[type, ...] | None] = {}

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        if not hints:
            resolved = typing.get_type_hints(method)
            hints.update(
                {
                    name: _accepted(resolved[name])
                    for name, parameter in signature.parameters.items()
                    if name in resolved and parameter.kind not in _VARIADIC
                }
            )
        bound = signature.bind(self, *args, **kwargs)
        local = self.settings.naive_times == "local"
        for name, value in list(bound.arguments.items()):
            if isinstance(value, TIMED):
                timed = with_local_times(value, self.settings.calendar.zone, local=local)
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
                    self._audit_alone(actor, method.__name__, None, AuditOutcome.ERROR, detail)
                raise error
        return method(*bound.args, **bound.kwargs)

    return typing.cast("F", wrapper)


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


def check_every_argument(cls: type) -> None:
    """Wrap every public method of a Program class whose first parameter is the actor."""
    for name, member in list(vars(cls).items()):
        if name.startswith("_") or not inspect.isfunction(member):
            continue
        parameters = list(inspect.signature(member).parameters)
        if parameters[1:2] == ["actor"]:
            setattr(cls, name, checked(member))
