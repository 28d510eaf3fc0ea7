"""The range of every field: types, text lengths, characters, counts, days and quantities.

Each record class of the domain is declared ``@attrs.frozen(field_transformer=bounded)``: every
field then checks, before the class's own rules, that its value has the field's type (a wrong
type anywhere is a :class:`~sro_core.domain.RuleViolation` naming the field, never an
``AttributeError`` later) and lies within the bounds below. A field may narrow them with its own
validator (:func:`between` for counts with a realistic maximum).

===============  ===========================================================================
kind             bound
===============  ===========================================================================
name             at most :data:`NAME_LENGTH` characters; no control character, no bidi control
free text        (fields named in :data:`FREE_TEXT`) at most :data:`FREE_TEXT_LENGTH`
                 characters; tab, newline and carriage return allowed, no other control
other text       at most :data:`TEXT_LENGTH` characters; no control character
any text         no NUL, no lone surrogate
whole number     within a 64-bit integer (what every store can hold), or the field's own range
decimal          finite, at most :data:`DECIMAL_DIGITS` digits, none beyond
                 :data:`DECIMAL_PLACES` places, below ``10 ** DECIMAL_WHOLE_DIGITS``
day and time     from :data:`EARLIEST_DAY` to :data:`LATEST_DAY` (the program narrows this to
                 its own window: :func:`outside_window`)
list and set     at most :data:`ITEMS` items, each of the declared type
===============  ===========================================================================
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import itertools
import re
import types
import typing
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from sro_core.domain.errors import Problem, RuleViolation

__all__ = [
    "DECIMAL_DIGITS",
    "DECIMAL_PLACES",
    "DECIMAL_WHOLE_DIGITS",
    "EARLIEST_DAY",
    "FREE_TEXT",
    "FREE_TEXT_LENGTH",
    "ITEMS",
    "LATEST_DAY",
    "MINUTES_IN_A_DAY",
    "MOST_ATTENDING",
    "NAME_LENGTH",
    "OLDEST_AGE",
    "TEXT_LENGTH",
    "between",
    "bounded",
    "outside_window",
    "tested_inline",
]

NAME_LENGTH = 200
"""The longest name (of a person, school, officer, partner, actor)."""
TEXT_LENGTH = 2_000
"""The longest short text: a code, a category, an address, a topic."""
FREE_TEXT_LENGTH = 100_000
"""The longest free text (a narrative of about 40 pages)."""
FREE_TEXT = frozenset({"narrative", "summary", "note", "text", "detail"})
"""The fields of free text: the only ones that may hold tabs and line breaks."""
NAMES = frozenset({"name", "aliases", "declared_by", "actor_id", "title"})
"""The fields that hold a name, where bidi controls could make one name look like another."""
ITEMS = 1_000
"""The most items in a list or set field (offenses, involvements, schools …)."""
DECIMAL_DIGITS = 15
DECIMAL_PLACES = 3
DECIMAL_WHOLE_DIGITS = 12
EARLIEST_DAY = dt.date(1900, 1, 1)
"""No record of the program is dated before this day."""
LATEST_DAY = dt.date(2199, 12, 31)
"""No record of the program is dated after this day (the program's window is narrower)."""
MINUTES_IN_A_DAY = 24 * 60
"""The longest contact or activity, in minutes."""
MOST_ATTENDING = 100_000
"""The largest attendance or enrollment (a stadium)."""
OLDEST_AGE = 120
"""The highest age a person can be given."""
_INT64 = (-(2**63), 2**63 - 1)

_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_FREE_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

Check = Callable[[str, Any], None]


def _shown(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:40]}… ({len(text)} characters)"


_FORBIDDEN = {
    (False, False): re.compile(f"{_SURROGATE.pattern}|{_CONTROL.pattern}"),
    (True, False): re.compile(f"{_SURROGATE.pattern}|{_FREE_CONTROL.pattern}"),
    (False, True): re.compile(f"{_SURROGATE.pattern}|{_CONTROL.pattern}|{_BIDI.pattern}"),
}
"""One search per text: the characters a text of each kind (free, a name) may not hold."""


def _text_check(name: str) -> Check:
    free, is_name = name in FREE_TEXT, name in NAMES
    longest = FREE_TEXT_LENGTH if free else NAME_LENGTH if is_name else TEXT_LENGTH
    forbidden = _FORBIDDEN[free, is_name and not free]

    def check(field: str, value: Any) -> None:
        if not isinstance(value, str):
            raise RuleViolation(field, value, "not a text")
        if len(value) > longest:
            raise RuleViolation(field, _shown(value), f"at most {longest} characters")
        found = forbidden.search(value)
        if found:
            character = found.group()
            code = f"U+{ord(character):04X}"
            if _SURROGATE.match(character):
                rule = f"holds a lone surrogate ({code})"
            elif _BIDI.match(character):
                rule = f"a name holds no bidi control ({code})"
            else:
                rule = f"holds a control character ({code})"
            raise RuleViolation(field, _shown(value), rule)

    return check


def _int_check(field: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleViolation(field, value, "not a whole number")
    if not _INT64[0] <= value <= _INT64[1]:
        raise RuleViolation(field, value, "beyond a 64-bit whole number")


def _decimal_check(field: str, value: Any) -> None:
    if not isinstance(value, decimal.Decimal):
        raise RuleViolation(field, value, "not a decimal number")
    if not value.is_finite():
        raise RuleViolation(field, value, "not a finite number")
    sign, digits, exponent = value.as_tuple()
    del sign
    assert isinstance(exponent, int)  # noqa: S101 - a finite Decimal's exponent is an int
    if (
        len(digits) > DECIMAL_DIGITS
        or -exponent > DECIMAL_PLACES
        or value.adjusted() >= DECIMAL_WHOLE_DIGITS
    ):
        rule = (
            f"at most {DECIMAL_DIGITS} digits, {DECIMAL_PLACES} after the point, "
            f"below 10^{DECIMAL_WHOLE_DIGITS}"
        )
        raise RuleViolation(field, value, rule)


def _day_check(field: str, value: Any) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise RuleViolation(field, value, "not a date")
    _in_days(field, value, value)


def _time_check(field: str, value: Any) -> None:
    if not isinstance(value, dt.datetime):
        raise RuleViolation(field, value, "not a date and time")
    _in_days(field, value, value.date())


def _in_days(field: str, value: Any, day: dt.date) -> None:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise RuleViolation(field, value, f"must be from {EARLIEST_DAY} to {LATEST_DAY}")


def _instance_check(kind: type | tuple[type, ...], what: str) -> Check:
    def check(field: str, value: Any) -> None:
        if not isinstance(value, kind):
            raise RuleViolation(field, _shown(repr(value)), f"not {what}")

    return check


def _items_check(kind: type[tuple[Any, ...]] | type[frozenset[Any]], element: Check) -> Check:
    what = "a list" if kind is tuple else "a set"

    def check(field: str, value: Any) -> None:
        if not isinstance(value, kind):
            raise RuleViolation(field, _shown(repr(value)), f"not {what}")
        if len(value) > ITEMS:
            raise RuleViolation(field, f"{len(value)} items", f"at most {ITEMS} items")
        for index, item in enumerate(value):
            element(f"{field}[{index}]", item)

    return check


def _optional(inner: Check) -> Check:
    def check(field: str, value: Any) -> None:
        if value is not None:
            inner(field, value)

    return check


def _anything(_field: str, _value: Any) -> None:
    """Accept a value of a type the bounds do not know (a plugin's): its own validators decide."""


def _check_for(hint: Any, name: str) -> Check:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in args if a is not type(None)]
        if len(kinds) == 1 and len(args) == 2:
            return _optional(_check_for(kinds[0], name))
        return _instance_check(tuple(typing.get_origin(k) or k for k in kinds), "of its type")
    if origin in (tuple, frozenset):
        return _items_check(origin, _check_for(args[0], name))
    simple: dict[Any, Check] = {
        str: _text_check(name),
        bool: _instance_check(bool, "true or false"),
        int: _int_check,
        decimal.Decimal: _decimal_check,
        dt.datetime: _time_check,
        dt.date: _day_check,
        uuid.UUID: _instance_check(uuid.UUID, "a UUID"),
    }
    if hint in simple:
        return simple[hint]
    if isinstance(hint, type):
        article = "an" if hint.__name__[:1] in "AEIOU" else "a"
        return _instance_check(hint, f"{article} {hint.__name__}")
    return _anything


_SIMPLE_TESTS = {
    bool: "({v} is True or {v} is False)",
    int: f"({{v}}.__class__ is int and {_INT64[0]} <= {{v}} <= {_INT64[1]})",
    dt.datetime: "({v}.__class__ is datetime and earliest <= {v}.date() <= latest)",
    dt.date: "({v}.__class__ is date and earliest <= {v} <= latest)",
}
"""Tests of values a simple type's full check passes, with the names of :data:`_TESTED`."""
_TESTED = {
    "datetime": dt.datetime,
    "date": dt.date,
    "earliest": EARLIEST_DAY,
    "latest": LATEST_DAY,
    "repeat": itertools.repeat,
}


def _longest(name: str) -> int:
    """Return the most characters a text field of this name may hold."""
    if name in FREE_TEXT:
        return FREE_TEXT_LENGTH
    return NAME_LENGTH if name in NAMES else TEXT_LENGTH


def _text_test(name: str, v: str) -> str:
    """Return a test of a text the full check passes: printable ASCII only, short enough.

    Printable ASCII holds no control, bidi control, surrogate or NUL, whatever the field.
    """
    longest = _longest(name)
    return (
        f"({v}.__class__ is str and len({v}) <= {longest} and {v}.isascii() and {v}.isprintable())"
    )


def _items_test(item: Any, name: str, v: str, names: dict[str, Any]) -> str | None:
    """Return a test of a non-empty tuple's or set's items, without a Python frame per item.

    Texts are tested together (each a text, none too long, all printable ASCII); instances
    of a class by ``map(isinstance, …)``; anything else item by item.
    """
    count = f"len({v}) <= {ITEMS}"
    if item is str:
        texts = f"all(map(isinstance, {v}, repeat(str))) and max(map(len, {v})) <= {_longest(name)}"
        joined = f'"".join({v})'
        return f"{count} and {texts} and {joined}.isascii() and {joined}.isprintable()"
    plain = typing.get_origin(item) is None and isinstance(item, type)
    if plain and item not in _SIMPLE_TESTS and item is not decimal.Decimal:
        return f"{count} and all(map(isinstance, {v}, repeat({_key(names, item)})))"
    each = f"i{len(names)}"
    inner = _fast(item, name, each, names)
    return None if inner is None else f"{count} and all({inner} for {each} in {v})"


def _fast(hint: Any, name: str, v: str, names: dict[str, Any]) -> str | None:
    """Return a Python test that a value (named ``v``) surely keeps its field's bounds, or None.

    The test may refuse a value the full check accepts (the full check then decides), never
    the other way round: a value the test passes is one :func:`_check_for` would pass.
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    test: str | None = None
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in args if a is not type(None)]
        inner = _fast(kinds[0], name, v, names) if len(kinds) == 1 and len(args) == 2 else None
        test = None if inner is None else f"({v} is None or {inner})"
    elif origin in (tuple, frozenset):
        items = _items_test(args[0], name, v, names)
        kind = _key(names, origin)
        test = None if items is None else f"({v}.__class__ is {kind} and (not {v} or {items}))"
    elif hint is str:
        test = _text_test(name, v)
    elif hint in _SIMPLE_TESTS:
        test = _SIMPLE_TESTS[hint].format(v=v)
    elif isinstance(hint, type) and hint is not decimal.Decimal:
        test = f"isinstance({v}, {_key(names, hint)})"
    return test


def _key(names: dict[str, Any], value: Any) -> str:
    """Return the name a value goes by in generated code, adding it to the namespace."""
    for key, known in names.items():
        if known is value:
            return key
    key = f"n{len(names)}"
    names[key] = value
    return key


Own = Callable[[Any, Any, Any], None]
_INLINE: dict[Any, str] = {}
"""Field validators and, for each, a test of ``{v}`` true exactly when the validator passes."""


def tested_inline(test: str) -> Callable[[Own], Own]:
    """Decorate a field validator that passes exactly the values ``test`` (of ``{v}``) passes.

    The compiled check of a class runs the test inline and calls the validator only when the
    test fails, so the validator raises with its message, as it always does.
    """

    def register(validator: Own) -> Own:
        _INLINE[validator] = test
        return validator

    return register


class _Bound:
    """The one validator of a class made by :func:`bounded`: every field's bounds, then its rule.

    It sits on the class's first field and checks the fields in their order, each field's
    bounds before the field's own validator, as one validator per field would. The check is
    compiled on first use, when the class's type hints can be resolved: a test of each field
    inline, and the full check (with its message) only when that test does not pass.
    """

    __slots__ = ("checks", "fields")

    def __init__(self, fields: list[tuple[str, Own | None, attrs.Attribute[Any]]]) -> None:
        self.fields = fields
        self.checks: dict[type, Callable[[Any], None]] = {}

    def __call__(self, instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        del attribute, value
        cls = type(instance)
        check = self.checks.get(cls)
        if check is None:
            check = self.checks[cls] = self._compiled(cls)
        check(instance)

    def _compiled(self, cls: type) -> Callable[[Any], None]:
        hints = typing.get_type_hints(cls)
        names: dict[str, Any] = dict(_TESTED)
        lines = ["def check(instance):"]
        for n, (name, own, field) in enumerate(self.fields):
            lines.append(f"    v = instance.{name}")
            full = names[f"full{n}"] = _check_for(hints[name], name)
            test = _fast(hints[name], name, "v", names)
            if full is _anything:
                pass
            elif test is None:
                lines.append(f"    full{n}({name!r}, v)")
            else:
                lines.append(f"    if not {test}: full{n}({name!r}, v)")
            if own is not None:
                names[f"own{n}"], names[f"field{n}"] = own, field
                call = f"own{n}(instance, field{n}, v)"
                passes = _INLINE.get(own)
                test = None if passes is None else passes.format(v="v")
                lines.append(f"    {call}" if test is None else f"    if not {test}: {call}")
        lines.append("    return None")
        exec("\n".join(lines), names)  # noqa: S102 - code made here from the class's field names
        check: Callable[[Any], None] = names["check"]
        return check


def bounded(cls: type, fields: list[attrs.Attribute[Any]]) -> list[attrs.Attribute[Any]]:
    """Field transformer: give every field its type and bounds check, before its own rules.

    The checks of all fields, with their own validators, become one validator on the first
    field (attrs runs validators once every field is set, in the fields' order).
    """
    del cls
    if not fields:
        return fields
    bound = _Bound([(f.name, f.validator, f) for f in fields])
    first = fields[0].evolve(validator=bound)
    return [first, *(f.evolve(validator=None) for f in fields[1:])]


def between(lowest: int, highest: int, meaning: str = "") -> Callable[[Any, Any, Any], None]:
    """Return a validator of a whole number from ``lowest`` to ``highest`` (None passes)."""
    why = f" ({meaning})" if meaning else ""

    @tested_inline(f"({{v}} is None or {lowest} <= {{v}} <= {highest})")
    def check(_instance: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
        if value is not None and not lowest <= value <= highest:
            raise RuleViolation(attribute.name, value, f"must be from {lowest} to {highest}{why}")

    return check


def _days(value: Any, path: str) -> Iterator[tuple[str, dt.date, Any]]:
    """Yield every day and time inside a record (an attrs value), with its path."""
    for name in _FIELD_NAMES.get(type(value)) or _field_names(type(value)):
        inner = getattr(value, name)
        if isinstance(inner, _PLAIN):
            continue
        where = f"{path}.{name}" if path else name
        if isinstance(inner, dt.datetime):
            yield where, inner.date(), inner
        elif isinstance(inner, dt.date):
            yield where, inner, inner
        elif isinstance(inner, tuple):
            for index, item in enumerate(inner):
                if attrs.has(type(item)):
                    yield from _days(item, f"{where}[{index}]")
        elif attrs.has(type(inner)):
            yield from _days(inner, where)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_PLAIN = (str, int, uuid.UUID, enum.Enum, decimal.Decimal, frozenset, type(None))
"""Values that hold no day: skipped without a look inside."""


def _field_names(cls: type) -> tuple[str, ...]:
    names = tuple(f.name for f in attrs.fields(cls)) if attrs.has(cls) else ()
    _FIELD_NAMES[cls] = names
    return names


def outside_window(record: Any, first: dt.date, last: dt.date) -> list[Problem]:
    """Return a problem for every day or time of a record outside the program's window."""
    return [
        Problem(path, shown, f"must be from {first} to {last}")
        for path, day, shown in _days(record, "")
        if not first <= day <= last
    ]
