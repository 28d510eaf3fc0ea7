"""Small helpers the kit's contract modules share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import attrs
import pytest

from sro_core.ports import Storage, UnitOfWork

T = TypeVar("T")


def in_utc(value: Any) -> Any:
    """Return a value with every time in it written in UTC, to compare instant with instant.

    A backend may give times back in UTC or any offset. Python's ``==`` says two datetimes of
    different time zones differ when either falls in a DST fold or gap, even at one instant,
    so records are compared through this.
    """
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC)
    if attrs.has(type(value)):
        fields = attrs.fields(type(value))
        return type(value)(**{f.alias: in_utc(getattr(value, f.name)) for f in fields if f.init})
    if isinstance(value, tuple | list | frozenset | set):
        return type(value)(in_utc(v) for v in value)
    if isinstance(value, dict):
        return {k: in_utc(v) for k, v in value.items()}
    return value


def in_unit(storage: Storage, work: Callable[[UnitOfWork], T]) -> T:
    """Do some work in a unit of work of its own, committed if the work returns."""
    with storage.unit_of_work() as unit:
        return work(unit)


def broken(promise: str, what: str) -> NoReturn:
    """Fail the running contract with a message naming the promise the store broke."""
    pytest.fail(f"{promise}: {what}", pytrace=False)
