"""The one converter between domain values and their JSON-ready wire format.

Wire format (what :func:`unstructure` returns and :func:`structure` accepts):

- an attrs class is a JSON object with one key per field, named as the field;
- ``datetime``: ISO 8601 with its offset; the domain holds every time in UTC, so it is written
  as ``2026-03-02T18:15:00+00:00``, and read with any offset; a time without one is refused;
  ``date``: ``YYYY-MM-DD``;
- ``uuid.UUID``: its canonical string; ``decimal.Decimal``: a string (``"1.5"``), never a float;
  ``str``, ``int``, ``bool``: the JSON value of that kind, never converted from another
  (``"3"`` is no whole number, ``1`` is not true); ``float``: any JSON number but a boolean;
- enums: their value (``"under_investigation"``, ``"13B"``);
- tuples as arrays in order; frozensets as arrays sorted by their wire value, so the same value
  always gives the same document;
- domain events: a tagged union, the event's class name under ``"type"``
  (``{"type": "CrisisDeclared", "crisis_id": …}``).

Structuring bad input raises :class:`StructureError`, which lists every bad field by its path
(``involvements[2].person.date_of_birth: not a date``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import enum
import functools
import gc
import json
import operator
import re
import types
import typing
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.fns import identity
from cattrs.strategies import configure_tagged_union

from sro_core.domain import EVENT_TYPES, DomainEvent, Problem, RuleViolation
from sro_core.domain.values import utc, utc_or_none
from sro_core.errors import StructureError as StructureError

T = TypeVar("T")

UNKNOWN_FIELD = "not a field of this record"
"""The rule of a :class:`Problem` that names a key the record has no field for."""

__all__ = [
    "UNKNOWN_FIELD",
    "AnyEvent",
    "StructureError",
    "collection_paused",
    "converter",
    "dumps",
    "json_value",
    "loads",
    "structure",
    "structure_document",
    "structure_documents",
    "unstructure",
]


def _structure_datetime(value: Any, _: type) -> dt.datetime:
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("not an ISO 8601 date and time") from None
    else:
        raise TypeError("not an ISO 8601 date and time")
    if parsed.utcoffset() is None:
        raise ValueError("a date and time needs its UTC offset")
    return parsed


def _structure_date(value: Any, _: type) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("not a date")


def _structure_uuid(value: Any, _: type) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, str):
        try:
            return uuid.UUID(value)
        except ValueError:
            pass
    raise ValueError("not a UUID")


def _structure_decimal(value: Any, _: type) -> decimal.Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | decimal.Decimal):
        raise TypeError("not a decimal number written as a string")
    try:
        return decimal.Decimal(value)
    except decimal.InvalidOperation:
        raise ValueError("not a decimal number") from None


def _structure_enum(value: Any, cls: type[enum.Enum]) -> enum.Enum:
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in cls)
        raise ValueError(f"not one of {allowed}") from None


def _structure_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise TypeError("not a text")
    return value


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("not a whole number")
    return value


def _structure_float(value: Any, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("not a number")
    return float(value)


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError("not true or false")
    return value


def _wire_key(value: Any) -> str:
    return str(value.value if isinstance(value, enum.Enum) else value)


def _make_converter(*, detailed: bool) -> cattrs.Converter:
    """Return a converter: ``detailed`` names every bad field; the other one is only fast.

    Both write the same wire format. The fast one accepts a subset of what the detailed one
    accepts and may fail with any error: :func:`structure` then structures again in detailed
    mode, which decides (a value, or the problems of the input).
    """
    made = cattrs.Converter(detailed_validation=detailed, forbid_extra_keys=True)
    made.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
    made.register_structure_hook(dt.datetime, _structure_datetime)
    made.register_unstructure_hook(dt.date, dt.date.isoformat)
    made.register_structure_hook(dt.date, _structure_date)
    made.register_unstructure_hook(uuid.UUID, str)
    made.register_unstructure_hook(decimal.Decimal, str)
    made.register_structure_hook(decimal.Decimal, _structure_decimal)
    made.register_structure_hook(str, _structure_str)
    made.register_structure_hook(int, _structure_int)
    made.register_structure_hook(float, _structure_float)
    made.register_structure_hook(bool, _structure_bool)
    made.register_unstructure_hook_factory(_is_frozenset, _unstructure_frozenset)
    made.register_unstructure_hook_factory(_is_tuple, _unstructure_tuple)
    made.register_unstructure_hook_factory(_is_optional, _unstructure_optional)
    if detailed:
        made.register_structure_hook(uuid.UUID, _structure_uuid)
        made.register_structure_hook_func(_is_enum, _structure_enum)
        made.register_structure_hook_factory(_is_optional, _structure_optional)
        made.register_structure_hook_factory(_is_collection, _structure_collection)
    else:
        # The generated class hooks call a type registered as ``_structure_call`` directly.
        made.register_structure_hook(uuid.UUID, made._structure_call)  # noqa: SLF001
        made.register_structure_hook_factory(_is_enum, _fast_enum)
        made.register_structure_hook_factory(_is_optional, _fast_optional)
        made.register_structure_hook_factory(_is_collection, _fast_collection)
    configure_tagged_union(AnyEvent, made, tag_name="type")
    return made


def _is_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, enum.Enum)


# The hooks below resolve an element's hook once per type instead of once per value: the bulk
# path structures thousands of records a second. A bad element is still named by its index.


def _is_frozenset(t: Any) -> bool:
    return typing.get_origin(t) is frozenset


def _unstructure_frozenset(t: Any, made: cattrs.Converter) -> Callable[[Any], Any]:
    (element,) = typing.get_args(t)
    if _is_enum(element) and all(isinstance(m.value, str) for m in element):
        # sorted by value: the key the general case uses is the value itself
        return lambda value: sorted([v.value for v in value])
    hook = made.get_unstructure_hook(element)
    return lambda value: sorted((hook(v) for v in value), key=_wire_key)


def _is_tuple(t: Any) -> bool:
    args = typing.get_args(t)
    return typing.get_origin(t) is tuple and len(args) == 2 and args[1] is Ellipsis


def _unstructure_tuple(t: Any, made: cattrs.Converter) -> Callable[[Any], Any]:
    hook = made.get_unstructure_hook(typing.get_args(t)[0])
    if hook is identity:
        return list
    return lambda value: [hook(v) for v in value]


def _unstructure_optional(t: Any, made: cattrs.Converter) -> Callable[[Any], Any]:
    (inner,) = (a for a in typing.get_args(t) if a is not type(None))
    hook = made.get_unstructure_hook(inner)
    if hook is identity:
        return identity  # the generated class hooks then copy the field without a call
    return lambda value: None if value is None else hook(value)


def _is_optional(t: Any) -> bool:
    args = typing.get_args(t)
    return (
        typing.get_origin(t) in (types.UnionType, typing.Union)
        and len(args) == 2
        and type(None) in args
    )


def _structure_optional(t: Any, made: cattrs.Converter) -> Callable[[Any, Any], Any]:
    (inner,) = (a for a in typing.get_args(t) if a is not type(None))
    hook = made.get_structure_hook(inner)
    return lambda value, _: None if value is None else hook(value, inner)


def _is_collection(t: Any) -> bool:
    origin, args = typing.get_origin(t), typing.get_args(t)
    return (origin is tuple and len(args) == 2 and args[1] is Ellipsis) or origin is frozenset


def _structure_collection(t: Any, made: cattrs.Converter) -> Callable[[Any, Any], Any]:
    origin, element = typing.get_origin(t), typing.get_args(t)[0]
    hook = made.get_structure_hook(element)

    def structure_collection(value: Any, _: Any) -> Any:
        if isinstance(value, str | bytes | dict) or not hasattr(value, "__iter__"):
            raise TypeError("not a list")
        items, errors = [], []
        for index, item in enumerate(value):
            try:
                items.append(hook(item, element))
            except Exception as error:  # noqa: BLE001 - each bad element is reported by index
                note = IterableValidationNote(f"Structuring {t} @ index {index}", index, element)
                error.__notes__ = [*getattr(error, "__notes__", ()), note]
                errors.append(error)
        if errors:
            raise IterableValidationError(f"While structuring {t!r}", errors, t)
        return origin(items)

    return structure_collection


# The fast converter's hooks: no error wrapping, and no Python frame per value where a type's
# own constructor or a dictionary lookup does the work (enum members by value, UUIDs).


def _direct(t: Any) -> Callable[[Any], Any] | None:
    """Return a one-argument callable without a Python frame that structures ``t``, if any."""
    if _is_enum(t):
        return t._value2member_map_.__getitem__  # type: ignore[no-any-return]
    if t is uuid.UUID:
        return uuid.UUID
    return None


_EXACT: dict[Any, type] = {str: str, int: int, bool: bool}
_TEXT = frozenset({str})


def _fast_enum(t: Any, _made: cattrs.Converter) -> Callable[[Any, Any], Any]:
    members = t._value2member_map_
    return lambda value, _: members[value]


def _fast_optional(t: Any, made: cattrs.Converter) -> Callable[[Any, Any], Any]:
    (inner,) = (a for a in typing.get_args(t) if a is not type(None))
    exact = _EXACT.get(inner)
    if exact is not None:

        def optional_exact(value: Any, _: Any) -> Any:
            if value is None or type(value) is exact:
                return value
            raise TypeError(exact.__name__)

        return optional_exact
    direct = _direct(inner)
    if direct is not None:
        return lambda value, _: None if value is None else direct(value)
    hook = made.get_structure_hook(inner)
    return lambda value, _: None if value is None else hook(value, inner)


def _fast_collection(t: Any, made: cattrs.Converter) -> Callable[[Any, Any], Any]:
    origin, element = typing.get_origin(t), typing.get_args(t)[0]
    direct = _direct(element)
    if element is str:

        def texts(value: Any, _: Any) -> Any:
            if (type(value) is list or type(value) is tuple) and _TEXT.issuperset(map(type, value)):
                return origin(value)
            raise TypeError("not a list of texts")

        return texts
    if direct is not None:

        def direct_items(value: Any, _: Any) -> Any:
            if type(value) is list or type(value) is tuple:
                return origin(map(direct, value))
            raise TypeError("not a list")

        return direct_items
    hook = made.get_structure_hook(element)

    def items(value: Any, _: Any) -> Any:
        if type(value) is list or type(value) is tuple:
            return origin([hook(item, element) for item in value])
        raise TypeError("not a list")

    return items


AnyEvent: Any = functools.reduce(operator.or_, EVENT_TYPES)
"""The union of every concrete domain event, for structuring an event whose type is unknown."""

converter = _make_converter(detailed=True)
"""The one converter of the library; use :func:`structure` and :func:`unstructure`."""

_fast = _make_converter(detailed=False)


def unstructure(value: Any) -> Any:
    """Return a domain value in its wire format (JSON-ready dicts, lists and strings)."""
    if isinstance(value, DomainEvent):
        return converter.unstructure(value, AnyEvent)
    return converter.unstructure(value)


def structure(data: Any, cls: type[T]) -> T:
    """Return the domain value of type ``cls`` that ``data`` describes, or raise StructureError."""
    try:
        if attrs.has(cls):
            value: T = _reader(cls)(data)[0]
            return value
        return _fast.structure(data, cls)
    except Exception:  # noqa: BLE001, S110 - the detailed pass below decides and names the fault
        pass
    return _structure_detailed(data, cls)


def _structure_detailed(data: Any, cls: type[T]) -> T:
    """Return the value detailed mode structures, or raise StructureError naming every fault."""
    try:
        return converter.structure(data, cls)
    except Exception as error:
        name = getattr(cls, "__name__", str(cls))
        problems = list(_problems(error, ""))
        raise StructureError(name, problems) from error


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk read or write, then resume it as it was.

    A bulk path makes thousands of records that stay alive until they are written; each full
    collection then walks every one of them again, for nothing: records, their documents and
    rows hold no reference cycles, and what has no cycle is freed by reference counting as
    always. Resumed only if it was running, so nesting and an application's own choice stand.
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


def structure_documents(data: Iterable[Any], cls: type[T]) -> list[tuple[T, dict[str, Any]]]:
    """Return :func:`structure_document` of each item, in order, for a bulk path.

    The first bad item raises its :class:`StructureError`. The collector is paused while they
    are read (:func:`collection_paused`).
    """
    with collection_paused():
        return [structure_document(item, cls) for item in data]


def structure_document(data: Any, cls: type[T]) -> tuple[T, dict[str, Any]]:
    """Return the value ``data`` describes and its wire document, or raise StructureError.

    The document is ``data`` itself when it is already exactly what :func:`unstructure`
    returns for the value (as an export or a store writes it: every field in order, times in
    UTC, sets sorted), which the class's reader says while it reads ``data``, in the same
    pass; otherwise it is the value unstructured. A bulk path hands both to
    ``Repository.add_many``, which then writes each document as it is. ``cls`` is an attrs
    class.
    """
    try:
        value, canonical = _reader(cls)(data)
    except Exception:  # noqa: BLE001 - detailed mode decides, as in structure()
        value = _structure_detailed(data, cls)
        canonical = _wire_check(cls)(data, value)
    if canonical:
        return value, data
    document: dict[str, Any] = converter.unstructure(value, cls)
    return value, document


# The readers: one function per attrs class, generated as cattrs generates its hooks, that reads
# a wire document field by field, each value type-checked inline, and builds the value through
# the class's own ``__init__`` (every converter, validator and rule runs as always). It says in
# the same pass whether the document is exactly the value's wire form. It takes only input
# detailed mode takes to an equal value, and refuses anything else by raising: detailed mode
# then decides, with its own errors.

_Reader = Callable[[Any], tuple[Any, bool]]


class _Refused(Exception):
    """The reader does not take this input: detailed mode decides."""


_readers: dict[Any, _Reader] = {}
_MISSING = object()
_UUID_TEXT = re.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").fullmatch
"""Matches a UUID written exactly as ``str()`` writes it."""
_UNKNOWN_SAFETY = uuid.SafeUUID.unknown  # read once: this member costs a Python call each time


def _uuid_of(text: str) -> uuid.UUID:
    """Return ``uuid.UUID(text)`` for a text written as ``str()`` writes a UUID, at half the cost.

    Such a text is the UUID's 32 hex digits with four dashes, so its integer is the UUID's; the
    value is set as ``UUID.__setstate__`` sets an unpickled one, its safety unknown as
    ``UUID(text)`` leaves it. Every UUID of a bulk import's document is read here.
    """
    value: uuid.UUID = object.__new__(uuid.UUID)
    object.__setattr__(value, "int", int(text.replace("-", ""), 16))
    object.__setattr__(value, "is_safe", _UNKNOWN_SAFETY)
    return value


_FACTORY: Any = type(attrs.Factory(list))
"""The class of a default made by a factory (``attrs.Factory`` is typed as a function)."""
_TIME_CONVERTERS = frozenset({utc, utc_or_none})
"""The field converters a reader knows: a time in UTC stays the very time it read."""


def _reader(t: Any) -> _Reader:
    """Return the reader of the attrs class ``t``: its value and whether data is its wire form.

    A class the generated readers do not cover (a field set by ``__init__`` itself, a default
    computed from the instance, a converter other than the UTC ones) reads through the fast
    converter and :func:`_wire_check`. While a class's reader is generated, a class nested in
    itself reads that way too.
    """
    reader = _readers.get(t)
    if reader is None:
        _readers[t] = functools.partial(_converter_reader, t)
        if _generated(t):
            _readers[t] = _reader_source(t)
        reader = _readers[t]
    return reader


def _converter_reader(t: Any, data: Any) -> tuple[Any, bool]:
    """Read data as the fast converter does, and check it against the value's wire form."""
    value = _fast.structure(data, t)
    return value, _wire_check(t)(data, value)


def _generated(t: Any) -> bool:
    """Return whether a reader can be generated for the attrs class ``t``."""
    for a in attrs.fields(t):
        if not a.init or a.alias != a.name:
            return False
        if isinstance(a.default, _FACTORY) and a.default.takes_self:
            return False
        if a.converter is not None and a.converter not in _TIME_CONVERTERS:
            return False
    return True


def _reader_source(t: Any) -> _Reader:
    """Return the generated reader of the attrs class ``t``."""
    attrs.resolve_types(t)
    fields = attrs.fields(t)
    names = tuple(a.name for a in fields)
    namespace: dict[str, Any] = {"CLS": t, "NAMES": names, "KEYS": frozenset(names)}
    namespace.update(
        Refused=_Refused,
        MISSING=_MISSING,
        UUID=uuid.UUID,
        UUID_TEXT=_UUID_TEXT,
        uuid_of=_uuid_of,
        TEXT=_TEXT,
        datetime_of=dt.datetime.fromisoformat,
        date_of=dt.date.fromisoformat,
        Decimal=decimal.Decimal,
        exactly=_exactly,
    )
    every = "".join(f"v{n}, " for n in range(len(fields)))
    lines = [
        "def read(d):",
        "    if d.__class__ is not dict:",
        "        raise Refused",
        "    canon = tuple(d) == NAMES",
        "    if canon:",
        f"        {every or '()'} = d.values()",
        "    elif d.keys() <= KEYS:",
        *(f"        v{n} = {_got(a)}" for n, a in enumerate(fields)),
        "    else:",
        "        raise Refused",
    ]
    arguments = []
    for n, a in enumerate(fields):
        lines.extend("    " + line for line in _field_lines(a, n, namespace))
        arguments.append(f"{a.name}=x{n}" if a.kw_only else f"x{n}")
    lines.append(f"    return CLS({', '.join(arguments)}), canon")
    source = "\n".join(lines) + "\n"
    exec(compile(source, f"<reader {t.__qualname__}>", "exec"), namespace)  # noqa: S102
    read: _Reader = namespace["read"]
    return read


def _got(a: attrs.Attribute[Any]) -> str:
    """Return the expression of field ``a``'s input in ``d``: MISSING if it may be left out."""
    return f"d[{a.name!r}]" if a.default is attrs.NOTHING else f"d.get({a.name!r}, MISSING)"


def _field_lines(a: attrs.Attribute[Any], n: int, namespace: dict[str, Any]) -> list[str]:
    """Return the lines that read field ``a``'s input ``v{n}`` into ``x{n}``, or its default."""
    read = _value_lines(a.type, f"x{n}", n, namespace)
    if a.default is attrs.NOTHING:
        return [f"v = v{n}", *read]
    if isinstance(a.default, _FACTORY):
        namespace[f"factory{n}"] = a.default.factory
        default = f"factory{n}()"
    else:
        namespace[f"default{n}"] = a.default
        default = f"default{n}"
    return [
        f"v = v{n}",
        "if v is MISSING:",
        f"    x{n} = {default}",
        "else:",
        *("    " + line for line in read),
    ]


def _value_lines(t: Any, x: str, n: int, namespace: dict[str, Any]) -> list[str]:
    """Return the lines that read ``v``, a value of type ``t``, into ``x``, or raise Refused.

    Each line takes only what detailed mode takes to an equal value (a text only as a
    ``str``, a whole number only as an ``int``) and keeps ``canon`` true only while the input
    is written exactly as :func:`unstructure` writes the value.
    """
    if _is_optional(t):
        (inner,) = (a for a in typing.get_args(t) if a is not type(None))
        inner_lines = _value_lines(inner, x, n, namespace)
        return ["if v is None:", f"    {x} = None", "else:", *("    " + s for s in inner_lines)]
    exact = _EXACT.get(t)
    if exact is bool:
        return ["if v is not True and v is not False:", "    raise Refused", f"{x} = v"]
    if exact is not None:
        return [f"if v.__class__ is not {exact.__name__}:", "    raise Refused", f"{x} = v"]
    if attrs.has(t):
        namespace[f"read{n}"] = _reader(t)
        return [f"{x}, c = read{n}(v)", "canon = canon and c"]
    found = _text_lines(t, x, n, namespace) or _collection_lines(t, x, n, namespace)
    if found is not None:
        return found
    namespace[f"hook{n}"], namespace[f"type{n}"] = _fast.get_structure_hook(t), t
    namespace[f"wire{n}"] = converter.get_unstructure_hook(t)
    return [f"{x} = hook{n}(v, type{n})", f"canon = canon and exactly(v, wire{n}({x}))"]


def _text_lines(t: Any, x: str, n: int, namespace: dict[str, Any]) -> list[str] | None:
    """Return the lines reading a value written as a text (an enum's, an id, a time), if any."""
    refuse = ["if v.__class__ is not str:", "    raise Refused"]
    if _is_enum(t) and all(isinstance(m.value, str) for m in t):
        namespace[f"members{n}"] = t._value2member_map_
        return [f"{x} = members{n}[v]"]
    if t is uuid.UUID:
        return [
            "if UUID_TEXT(v) is None:",
            f"    {x} = UUID(v)",
            "    canon = False",
            "else:",
            f"    {x} = uuid_of(v)",
        ]
    if t is dt.datetime:
        read = [f"{x} = datetime_of(v)", f"if {x}.tzinfo is None:", "    raise Refused"]
        return [*refuse, *read, f'canon = canon and v.endswith("+00:00") and {x}.isoformat() == v']
    if t is dt.date:
        return [*refuse, f"{x} = date_of(v)", f"canon = canon and {x}.isoformat() == v"]
    if t is decimal.Decimal:
        return [*refuse, f"{x} = Decimal(v)", f"canon = canon and str({x}) == v"]
    return None


def _collection_lines(t: Any, x: str, n: int, namespace: dict[str, Any]) -> list[str] | None:
    """Return the lines reading a tuple or set of texts, enums, ids or records, if it is one."""
    if not _is_collection(t):
        return None
    origin, element = typing.get_origin(t), typing.get_args(t)[0]
    namespace[f"origin{n}"] = origin
    # a set is written sorted by its items' texts, each once
    written = "canon" if origin is tuple else "canon and (len(v) < 2 or v == sorted(set(v)))"
    lines = ["if v.__class__ is not list:", "    raise Refused"]
    if element is str:
        lines[0] = "if v.__class__ is not list or not TEXT.issuperset(map(type, v)):"
        return [*lines, f"{x} = origin{n}(v)", f"canon = {written}"]
    if _is_enum(element) and all(isinstance(m.value, str) for m in element):
        namespace[f"member{n}"] = element._value2member_map_.__getitem__
        return [*lines, f"{x} = origin{n}(map(member{n}, v))", f"canon = {written}"]
    if element is uuid.UUID:
        written += " and all(map(UUID_TEXT, v))"
        return [*lines, f"{x} = origin{n}(map(UUID, v))", f"canon = {written}"]
    if attrs.has(element) and origin is tuple:
        namespace[f"read{n}"] = _reader(element)
        return [
            *lines,
            "if v:",
            f"    {x}, c = zip(*map(read{n}, v))",
            "    canon = canon and all(c)",
            "else:",
            f"    {x} = ()",
        ]
    return None


_wire_checks: dict[Any, Callable[[Any, Any], bool]] = {}


def _wire_check(t: Any) -> Callable[[Any, Any], bool]:
    """Return whether data is exactly the wire form of a value of the attrs class ``t``.

    It is generated once per class, as cattrs generates its hooks: a field written as it is
    (text, number, boolean, None) is checked by identity, since the structured field is the
    very object read unless a converter changed it; ids, times and enums against their wire
    text; nested classes and tuples field by field; anything else against its wire form, type
    for type (``1`` is not ``1.0`` nor ``true`` in a document). It never says yes by mistake;
    a no only costs the unstructuring it saves.
    """
    check = _wire_checks.get(t)
    if check is None:
        attrs.resolve_types(t)
        names = tuple(a.name for a in attrs.fields(t))
        namespace: dict[str, Any] = {"NAMES": names, "VALUE": operator.attrgetter("_value_")}
        namespace.update(exactly=_exactly, same=operator.is_)
        terms = ["type(d) is dict", "tuple(d) == NAMES"]
        for n, a in enumerate(attrs.fields(t)):
            terms.append(_wire_term(f"d[{a.name!r}]", f"v.{a.name}", a.type, namespace, n))
        source = "def check(d, v):\n    return (\n        " + "\n        and ".join(terms) + ")\n"
        exec(compile(source, f"<wire check {t.__qualname__}>", "exec"), namespace)  # noqa: S102
        check = _wire_checks[t] = namespace["check"]
    return check


def _wire_term(data: str, value: str, t: Any, namespace: dict[str, Any], n: int) -> str:
    """Return the expression saying that ``data`` is the wire form of ``value`` (of type t)."""
    if converter.get_unstructure_hook(t) is identity:
        return f"{data} is {value}"
    if _is_optional(t):
        (inner,) = (a for a in typing.get_args(t) if a is not type(None))
        term = _wire_term(data, value, inner, namespace, n)
        return f"({data} is None if {value} is None else {term})"
    if attrs.has(t):
        namespace[f"check{n}"] = _wire_check(t)
        return f"check{n}({data}, {value})"
    found = _text_term(t) or _collection_term(t, namespace, n)
    if found is None:
        namespace[f"hook{n}"] = converter.get_unstructure_hook(t)
        found = f"exactly({{d}}, hook{n}({{v}}))"
    return found.format(d=data, v=value)


def _text_term(t: Any) -> str | None:
    """Return the check of a value written as a text (an enum's, an id, a time), if it is one."""
    if _is_enum(t) and all(isinstance(m.value, str) for m in t):
        return "{d} == {v}._value_"
    if t is uuid.UUID:
        return "{d} == str({v})"
    if t in (dt.datetime, dt.date):
        return "{d} == {v}.isoformat()"
    return None


def _collection_term(t: Any, namespace: dict[str, Any], n: int) -> str | None:
    """Return the check of a tuple of records or plain values, or of a set of enums."""
    if not _is_collection(t):
        return None
    (element,) = typing.get_args(t)[:1]
    if _is_tuple(t) and (attrs.has(element) or converter.get_unstructure_hook(element) is identity):
        each = "same"
        if attrs.has(element):
            each = f"each{n}"
            namespace[each] = _wire_check(element)
        return (
            f"(type({{d}}) is list and len({{d}}) == len({{v}}) and all(map({each}, {{d}}, {{v}})))"
        )
    if _is_frozenset(t) and _text_term(element) == "{d} == {v}._value_":
        return "{d} == sorted(map(VALUE, {v}))"
    return None


def _exactly(data: Any, wire: Any) -> bool:
    """Return whether two wire values are the same JSON, type for type."""
    if type(data) is not type(wire):
        return False
    if type(wire) is list:
        return len(data) == len(wire) and all(map(_exactly, data, wire))
    if type(wire) is dict:
        return tuple(data) == tuple(wire) and all(map(_exactly, data.values(), wire.values()))
    return bool(data == wire)


def dumps(value: Any) -> str:
    """Return a domain value as JSON text."""
    return json.dumps(unstructure(value), ensure_ascii=False, separators=(",", ":"))


NESTING = 32
"""The deepest nesting of arrays and objects JSON input may have (a record needs about 6)."""


def json_value(text: str | bytes) -> Any:
    """Return the value JSON text holds; raise ValueError saying why it is not acceptable JSON.

    Input nested deeper than :data:`NESTING` is refused before it is parsed, so no input can
    exhaust the parser's stack.
    """
    if _nested_too_deep(text):
        raise ValueError(f"nested deeper than {NESTING} levels")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON: {error.msg} at column {error.colno}") from None
    except (ValueError, RecursionError) as error:  # too many digits, and the like
        raise ValueError(f"not JSON: {error}") from None


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


def _nested_too_deep(text: str | bytes) -> bool:
    """Return whether brackets outside strings nest deeper than NESTING."""
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    if raw.count(b"[") + raw.count(b"{") <= NESTING:
        return False
    depth = 0
    for bracket in _BRACKETS.findall(_STRING.sub(b"", raw)):
        depth += 1 if bracket in (b"[", b"{") else -1
        if depth > NESTING:
            return True
    return False


def loads(text: str | bytes, cls: type[T]) -> T:
    """Return the domain value of type ``cls`` read from JSON text, or raise StructureError."""
    try:
        data = json_value(text)
    except ValueError as error:
        raise StructureError(
            getattr(cls, "__name__", str(cls)), [Problem("$", None, str(error))]
        ) from error
    return structure(data, cls)


def _join(path: str, part: str) -> str:
    if not part or part.startswith("["):
        return path + part
    return f"{path}.{part}" if path else part


def _problems(error: BaseException, path: str) -> Iterator[Problem]:
    """Yield a problem for every leaf error of cattrs' nested validation errors."""
    if isinstance(error, ClassValidationError | IterableValidationError):
        for sub in error.exceptions:
            yield from _problems(sub, _join(path, _note_part(sub)))
    elif isinstance(error, ForbiddenExtraKeysError):
        for key in sorted(error.extra_fields):
            yield Problem(_join(path, key), key, UNKNOWN_FIELD)
    elif isinstance(error, RuleViolation):
        yield Problem(_join(path, error.field), error.value, error.rule)
    elif isinstance(error, KeyError):
        yield Problem(path or "$", None, "required")
    else:
        yield Problem(path or "$", None, str(error) or type(error).__name__)


def _note_part(error: BaseException) -> str:
    for note in getattr(error, "__notes__", ()):
        if isinstance(note, AttributeValidationNote):
            return str(note.name)
        if isinstance(note, IterableValidationNote):
            return f"[{note.index}]"
    return ""
