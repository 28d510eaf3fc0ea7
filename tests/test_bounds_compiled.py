"""The compiled bounds: the quick test of a field passes only what the field's full check passes.

Each class's bounds are compiled into one check that tests every field inline and calls the
field's full check (which raises with the message) only when the quick test does not pass. A
quick test that passed a value the full check refuses would let that value in: these
properties draw values of every kind, edge cases first, against the field types the domain
declares.
"""

from __future__ import annotations

import datetime as dt
import decimal
import types
import typing
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sro_core import domain
from sro_core.domain import RuleViolation, bounds


def _bounded(cls: type) -> bool:
    fields = attrs.fields(cls)
    return bool(fields) and isinstance(fields[0].validator, bounds._Bound)


TYPES: list[tuple[Any, str]] = sorted(
    {
        (hint, name)
        for cls in vars(domain).values()
        if isinstance(cls, type) and attrs.has(cls) and _bounded(cls)
        for name, hint in typing.get_type_hints(cls).items()
        if name in {f.name for f in attrs.fields(cls)}
    },
    key=repr,
)
"""Every (type, field name) pair the domain's bounded record classes declare."""

EDGES = st.sampled_from(
    [
        "",
        "a" * 201,
        "a" * 2001,
        "tab\there",
        "line\nbreak",
        "nul\x00",
        "bidi\u202e",
        "\ud800",
        "\x7f",
        "\x85",
        True,
        False,
        2**63,
        -(2**63) - 1,
        2**63 - 1,
        dt.date(1899, 12, 31),
        dt.date(2200, 1, 1),
        dt.datetime(1899, 12, 31, 23, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 2, 18, tzinfo=dt.UTC),
        decimal.Decimal("NaN"),
        (),
        frozenset(),
        None,
    ]
)

VALUES = st.deferred(
    lambda: st.one_of(
        EDGES,
        st.text(),
        st.text(st.characters(max_codepoint=127)),
        st.integers(),
        st.dates(),
        st.datetimes(timezones=st.just(dt.UTC)),
        st.uuids(),
        st.decimals(),
        st.lists(ITEMS, max_size=3).map(tuple),
        st.frozensets(st.uuids() | st.text(max_size=3), max_size=3),
    )
)
ITEMS = st.one_of(EDGES, st.text(max_size=5), st.uuids(), st.integers())


def _refused(hint: Any, name: str, value: Any) -> bool:
    try:
        bounds._check_for(hint, name)(name, value)
    except RuleViolation:
        return True
    return False


@pytest.mark.parametrize(("hint", "name"), TYPES, ids=[f"{n}:{h}" for h, n in TYPES])
@settings(max_examples=60, deadline=None)
@given(value=VALUES)
def test_a_quick_test_passes_only_what_the_full_check_passes(
    hint: Any, name: str, value: Any
) -> None:
    """No value of any kind passes a field's compiled test and fails its full check."""
    names: dict[str, Any] = dict(bounds._TESTED)
    test = bounds._fast(hint, name, "v", names)
    if test is None:
        return
    if eval(test, names, {"v": value}):  # noqa: S307 - the test compiled from the domain's types
        assert not _refused(hint, name, value), (test, value)


def test_every_field_of_a_record_is_checked_in_order_with_its_own_rule() -> None:
    """A record with two bad fields is refused for the first, by its bounds before its rule."""
    with pytest.raises(RuleViolation) as refused:
        domain.Partner(name="bad\x00name", kind="not a kind")  # type: ignore[arg-type]
    assert refused.value.field == "name"
    assert "control character" in str(refused.value)
    with pytest.raises(RuleViolation) as blank:
        domain.Partner(name="  ", kind=domain.PartnerKind.DISTRICT)
    assert blank.value.field == "name"


INLINE = sorted(bounds._INLINE.items(), key=lambda pair: pair[1])
"""Every field validator the compiled checks test inline, with its test."""
OWN_VALUES = st.one_of(
    VALUES,
    st.datetimes(),
    st.sampled_from([" ", "\t\n", " x ", ("01", "01"), ("a", "b", "c"), -1, 121, 0]),
    st.lists(st.sampled_from(["01", "02", "03"]), max_size=8).map(tuple),
)


def _outcome(run: Any) -> Any:
    """Return True if ``run`` passes, False if it raises a RuleViolation, else the error's type."""
    try:
        return run() is not False
    except RuleViolation:
        return False
    except Exception as error:  # noqa: BLE001 - compared, type for type
        return type(error)


@pytest.mark.parametrize(("validator", "test"), INLINE, ids=[test for _, test in INLINE])
@settings(max_examples=60, deadline=None)
@given(value=OWN_VALUES)
def test_a_validator_tested_inline_passes_exactly_what_its_test_passes(
    validator: Any, test: str, value: Any
) -> None:
    """A compiled check skips a field's own validator only where the validator would pass."""
    field = types.SimpleNamespace(name="field")
    names: dict[str, Any] = dict(bounds._TESTED)
    code = test.format(v="v")
    inline = _outcome(lambda: bool(eval(code, names, {"v": value})))  # noqa: S307 - the test
    assert inline == _outcome(lambda: validator(None, field, value))
