"""Small helpers the kit's contract modules share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, Final, NoReturn, TypeVar

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.strategies import SearchStrategy

from sro_core.ports import Storage, UnitOfWork

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., None])

_PLAN: Final = "_sro_contract_plan"
_FEWEST_EXAMPLES: Final = 5
_SLOW_DATA: Final = (HealthCheck.too_slow, HealthCheck.data_too_large)
"""Health checks a kit test may fail by nature: it fills whole stores with generated records."""


@attrs.frozen
class _Plan:
    """A property test kept undecorated, so that each subclass gets a ``@given`` of its own."""

    test: Callable[..., None]
    strategies: Mapping[str, SearchStrategy[Any]]
    share: float

    def build(self, *, failing: bool = False) -> Callable[..., None]:
        """Return the test under ``@given`` and ``@settings``, for one subclass.

        A test expected to fail is not shrunk: the failure is known, the time would be lost.
        """
        profile = settings.default or settings()
        budget = profile.max_examples
        examples = max(min(budget, _FEWEST_EXAMPLES), round(budget * self.share))
        phases = [p for p in profile.phases if p is not Phase.shrink or not failing]
        test = settings(
            max_examples=examples,
            deadline=None,
            phases=phases,
            report_multiple_bugs=not failing,
            suppress_health_check=[*profile.suppress_health_check, *_SLOW_DATA],
        )(given(**self.strategies)(self.test))
        setattr(test, _PLAN, self)
        return test


def _property(share: float, **strategies_: SearchStrategy[Any]) -> Callable[[F], F]:
    """Mark a test as a property over strategies, run on a share of the profile's examples."""

    def mark(test: F) -> F:
        setattr(test, _PLAN, _Plan(test, strategies_, share))
        return test

    return mark


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
