"""Applying a decision to a record: hidden fields blanked, free text masked or blanked.

Nothing here knows a field by name: a field is hidden by the sensitivity and record-class
metadata declared on it in the domain, so a field declared later is hidden everywhere at once.
A blanked field takes its declared default (``None``, ``""`` or an empty value); the paths of
what was blanked are returned with the record, so a reader can tell hidden from absent. A
redacted value is a view for one reader: it is built without re-running the record's
validators (an arrest hidden from a closed incident leaves it without its disposition).
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import enum
import operator
import types
import typing
import uuid
from collections.abc import Callable, Collection, Mapping
from typing import Any, NamedTuple, TypeVar

import attrs

from sro_core.domain import (
    FREE_TEXT_KEY,
    RECORD_CLASS_KEY,
    SENSITIVITY_KEY,
    Involvement,
    InvolvementRole,
    Person,
    RecordClass,
    Sensitivity,
)
from sro_core.policy.masking import Mask
from sro_core.ports.seen import Seen
from sro_core.serialization import unstructure

T = TypeVar("T")

REDACTED = "[redacted]"
"""What a flat export writes in place of a blanked value."""


@attrs.frozen
class Hiding:
    """What to hide of one record: sensitivities, record classes, people, and free text."""

    sensitivities: frozenset[Sensitivity] = frozenset()
    classes: frozenset[RecordClass] = frozenset()
    people: frozenset[typing.Any] = frozenset()
    """Ids of the people whose identity is hidden (juveniles, protected victims)."""
    mask: Mask = attrs.field(factory=Mask)
    free_text_hidden: bool = False

    @property
    def nothing(self) -> bool:
        """Return whether nothing at all is hidden or masked."""
        return not (
            self.sensitivities or self.classes or self.people or self.mask or self.free_text_hidden
        )


def _default(field: attrs.Attribute[Any]) -> Any:
    default: Any = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return default.factory()
    if default is attrs.NOTHING:
        msg = f"hidden field {field.name} has no default to blank it to"
        raise TypeError(msg)
    return default


def replaced(value: T, changes: dict[str, Any]) -> T:
    """Return a copy of an attrs value with fields replaced, its validators not run again."""
    if not changes:
        return value
    copier = _COPIERS.get(type(value))
    if copier is None:
        copier = _COPIERS[type(value)] = _copier(type(value))
    new: T = copier(value)
    for name, field_value in changes.items():
        object.__setattr__(new, name, field_value)
    return new


_COPIERS: dict[type[Any], Callable[[Any], Any]] = {}


def _copier(cls: type[Any]) -> Callable[[Any], Any]:
    """Return a function that copies a value of a class as ``copy.copy`` does, made once.

    A slotted attrs class (the domain's) holds nothing but its fields, which is all attrs
    gives ``copy.copy``: the copy is made by setting them on a new instance, without the
    pickling protocol. Any other class (a hash cache, a ``__dict__``) goes to ``copy.copy``.
    """
    slotted = attrs.has(cls) and "__slots__" in vars(cls) and cls.__dictoffset__ == 0
    cached = any("_attrs_cached_hash" in vars(c).get("__slots__", ()) for c in cls.__mro__)
    if not slotted or cached:
        return copy.copy
    lines = ["def copy(value):", "    new = make(cls)"]
    lines += [f"    put(new, {f.name!r}, value.{f.name})" for f in attrs.fields(cls)]
    lines.append("    return new")
    namespace: dict[str, Any] = {"make": object.__new__, "put": object.__setattr__, "cls": cls}
    exec("\n".join(lines), namespace)  # noqa: S102 - code made here from attrs field names
    made: Callable[[Any], Any] = namespace["copy"]
    return made


def _hidden_by(field: attrs.Attribute[Any], hidden: frozenset[Sensitivity], hiding: Hiding) -> bool:
    """Return whether a field's metadata puts it among what is hidden."""
    return bool(
        field.metadata.get(SENSITIVITY_KEY, frozenset()) & hidden
        or field.metadata.get(RECORD_CLASS_KEY, frozenset()) & hiding.classes
    )


def _free_text(text: str, hiding: Hiding, field: attrs.Attribute[Any]) -> str:
    """Return free text as the reader may see it: masked, or blanked where masking cannot do."""
    if hiding.free_text_hidden and text:
        return str(_default(field))
    return hiding.mask.apply(text) if hiding.mask else text


def _hide(value: Any, run: _Pass, path: str, extra: frozenset[Sensitivity]) -> Any:
    """Return a value with every field the run's hiding hides blanked and its free text masked."""
    if attrs.has(type(value)):
        return _hide_record(value, run, path, extra)
    if isinstance(value, tuple):
        items = [_hide(v, run, f"{path}[{n}]", extra) for n, v in enumerate(value)]
        if all(map(operator.is_, items, value)):
            return value  # nothing in it changed: the same tuple, compared by identity above
        return tuple(items)
    return value


def _hide_record(value: Any, run: _Pass, path: str, extra: frozenset[Sensitivity]) -> Any:
    """Return a record with every field the run's hiding hides blanked and its text masked."""
    hiding = run.hiding
    if isinstance(value, Person) and value.id in hiding.people:
        extra = extra | {Sensitivity.JUVENILE_IDENTITY}
    hidden = hiding.sensitivities | extra if extra else hiding.sensitivities
    node = _known(type(value))
    if node is None:
        changes = _walked(value, run, path, extra)
    elif _untouched(node, hidden, hiding.classes, run.masks, bool(hiding.people)):
        return value  # nothing this hiding hides can be inside, whatever the record holds
    else:
        changes = _planned(value, node, run, path, extra)
    if isinstance(value, Involvement) and _arrest_hidden(hiding, value.roles):
        changes["roles"] = value.roles - {InvolvementRole.ARRESTEE}
        run.out.add(f"{path}.roles")
    return replaced(value, changes)


def _masks(hiding: Hiding) -> bool:
    """Return whether a hiding masks or blanks free text."""
    return bool(hiding.mask) or hiding.free_text_hidden


def _planned(
    value: Any, node: _Node, run: _Pass, path: str, extra: frozenset[Sensitivity]
) -> dict[str, Any]:
    """Return the changes a hiding makes to a record, by its class's plan (fields, texts, inner)."""
    hiding, out = run.hiding, run.out
    changes: dict[str, Any] = {}
    sensitivities = hiding.sensitivities | extra if extra else hiding.sensitivities
    hidden = _hidden_fields(node, sensitivities, hiding.classes)
    for name in hidden:
        current, blank = getattr(value, name), _default(node.steps[name].field)
        if current != blank:
            changes[name] = blank
            out.add(_at(path, name))
    for name in node.texts:
        current = getattr(value, name)
        if name not in hidden and isinstance(current, str):
            text = _free_text(current, hiding, node.steps[name].field)
            if text != current:
                changes[name] = text
                if hiding.free_text_hidden:
                    out.add(_at(path, name))
    people = bool(hiding.people)
    for name, held, many in node.inner:
        current = getattr(value, name)
        if name in hidden or current is None or (isinstance(current, tuple) and not current):
            continue
        if _untouched(held, sensitivities, hiding.classes, run.masks, people) and _only(
            current, held.cls, many=many
        ):
            continue  # records of a class this hiding leaves as they are, whatever they hold
        inner = _hide(current, run, _at(path, name), extra)
        if inner is not current and inner != current:
            changes[name] = inner
    return changes


def _only(value: Any, cls: type[Any], *, many: bool) -> bool:
    """Return whether a value is a record of exactly ``cls`` (a tuple of them, if ``many``)."""
    if many:
        return isinstance(value, tuple) and all(type(item) is cls for item in value)
    return type(value) is cls


def _walked(value: Any, run: _Pass, path: str, extra: frozenset[Sensitivity]) -> dict[str, Any]:
    """Return the changes a hiding makes to a record, looking at every field's value."""
    hiding, out = run.hiding, run.out
    hidden = hiding.sensitivities | extra
    changes: dict[str, Any] = {}
    for field in attrs.fields(type(value)):
        current = getattr(value, field.name)
        at = f"{path}.{field.name}" if path else field.name
        if _hidden_by(field, hidden, hiding):
            blank = _default(field)
            if current != blank:
                changes[field.name] = blank
                out.add(at)
        elif field.metadata.get(FREE_TEXT_KEY) and isinstance(current, str):
            text = _free_text(current, hiding, field)
            if text != current:
                changes[field.name] = text
                if hiding.free_text_hidden:
                    out.add(at)
        elif attrs.has(type(current)) or (current and isinstance(current, tuple)):
            inner = _hide(current, run, at, extra)
            if inner is not current and inner != current:
                changes[field.name] = inner
    return changes


def _arrest_hidden(hiding: Hiding, roles: Collection[Any]) -> bool:
    """Return whether an involvement's arrestee role is hidden (with the arrest class).

    ``roles`` are the roles, or their wire values.
    """
    return RecordClass.ARREST in hiding.classes and (
        InvolvementRole.ARRESTEE in roles or InvolvementRole.ARRESTEE.value in roles
    )


def hide(value: T, hiding: Hiding) -> Seen[T]:
    """Return a record with what ``hiding`` says blanked or masked, and the hidden paths."""
    if hiding.nothing:
        return Seen(value)
    run = _Pass(hiding, set(), _masks(hiding))
    return Seen(_hide(value, run, "", frozenset()), frozenset(run.out))


class _Step(NamedTuple):
    """One field read: its attribute and the wire form of its default."""

    field: attrs.Attribute[Any]
    blank: Any
    """The wire form of the field's default (``_NO_DEFAULT`` for a field without one)."""


class _Inner(NamedTuple):
    """A field read that holds a record, or a list of them."""

    name: str
    node: _Node
    many: bool


class _Node(NamedTuple):
    """The fields of one attrs class that a document's reader reads, compiled once."""

    cls: type[Any]
    names: tuple[str, ...]
    steps: Mapping[str, _Step]
    texts: tuple[str, ...]
    """The free-text fields read."""
    inner: tuple[_Inner, ...]
    """The fields read that hold records."""
    project: Callable[[Mapping[str, Any]], Mapping[str, Any]]
    """Return the fields read of a wire value, as they are (compiled once)."""
    hidden: dict[tuple[frozenset[Sensitivity], frozenset[RecordClass]], frozenset[str]]
    """The fields hidden, by the sensitivities and classes hidden: decided once for each."""
    untouched: dict[tuple[frozenset[Sensitivity], frozenset[RecordClass], bool, bool], bool]
    """Whether a kind of hiding leaves everything inside as it is: decided once for each."""
    known: bool
    """Whether the field types say where every record inside can be (no ``Any`` among them)."""


_NO_DEFAULT = object()


def _class_in(hint: Any) -> tuple[type[Any] | None, bool]:
    """Return the attrs class a field's type hint holds (in a tuple, or optional), and if many.

    :func:`hide` looks inside a record and a tuple only: a set or a mapping is read whole.
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple:
        return _class_in(args[0])[0], True
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in args if a is not type(None)]
        if len(kinds) == 1:
            return _class_in(kinds[0])
        if any(_class_in(k)[0] is not None for k in kinds):
            msg = f"a field of several kinds ({hint}) is not read from its document"
            raise TypeError(msg)
        return None, False
    if isinstance(hint, type) and attrs.has(hint):
        return hint, False
    return None, False


_PLANS: dict[tuple[type[Any], tuple[str, ...]], _Node] = {}


def _plan(cls: type[Any], paths: tuple[str, ...]) -> _Node:
    """Return the fields of ``cls`` that dotted ``paths`` read (``involvements.roles``).

    No paths: every field. A path that ends at a record reads all of it. Made once.
    """
    found = _PLANS.get((cls, paths))
    if found is None:
        found = _PLANS[cls, paths] = _made_plan(cls, paths)
    return found


def _made_plan(cls: type[Any], paths: tuple[str, ...]) -> _Node:
    fields = {f.name: f for f in attrs.fields(cls)}
    heads: dict[str, list[str]] = {name: [] for name in fields} if not paths else {}
    for path in paths:
        head, _, tail = path.partition(".")
        heads.setdefault(head, [])
        if tail:
            heads[head].append(tail)
    hints = typing.get_type_hints(cls)
    steps: dict[str, _Step] = {}
    inner: list[_Inner] = []
    for name, rest in heads.items():
        field = fields[name]  # a path that names no field is the caller's mistake: KeyError
        try:
            blank = unstructure(_default(field))
        except TypeError:
            blank = _NO_DEFAULT
        steps[name] = _Step(field, blank)
        held, many = _class_in(hints[name])
        if held is not None:
            inner.append(_Inner(name, _plan(held, tuple(rest)), many))
    texts = tuple(n for n, s in steps.items() if s.field.metadata.get(FREE_TEXT_KEY))
    project = _projector(tuple(steps), tuple(inner), whole=not paths)
    known = all(_typed(hints[name]) for name in heads) and all(i.node.known for i in inner)
    return _Node(cls, tuple(steps), steps, texts, tuple(inner), project, {}, {}, known)


def _typed(hint: Any) -> bool:
    """Return whether a type hint says where a record can be in a value of it.

    :func:`_hide` looks inside records and tuples only; a record in anything else (a set, a
    list, a mapping, a plain class) is left as it is whatever its type says. ``Any``,
    ``object`` or a type variable could be a record, or a tuple of them: not typed.
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is None:
        plain = hint is type(None) or (isinstance(hint, type) and issubclass(hint, _VALUES))
        return plain or attrs.has(hint)
    if origin is tuple or origin in (typing.Union, types.UnionType):
        return all(_typed(a) for a in args if a is not Ellipsis)
    return origin is not typing.ClassVar


_VALUES = (str, int, float, bytes, decimal.Decimal, dt.date, dt.time, uuid.UUID, enum.Enum)
"""Types whose values hold no record (a date and time is a date)."""

_KNOWN: dict[type[Any], _Node | None] = {}


def _known(cls: type[Any]) -> _Node | None:
    """Return the plan of every field of a record class, None if its types do not say enough."""
    if cls not in _KNOWN:
        try:
            node: _Node | None = _plan(cls, ())
        except (TypeError, NameError):
            node = None
        _KNOWN[cls] = node if node is not None and node.known else None
    return _KNOWN[cls]


def _projector(
    names: tuple[str, ...], inner: tuple[_Inner, ...], *, whole: bool
) -> Callable[[Mapping[str, Any]], Mapping[str, Any]]:
    """Return a function that copies the named fields of a wire value, and what they read."""
    if whole:
        return _as_it_is
    projections = {i.name: i.node.project for i in inner}
    many = {i.name for i in inner if i.many}
    terms = []
    for name in names:
        if name not in projections:
            terms.append(f"{name!r}: data[{name!r}]")
        elif name in many:
            terms.append(f"{name!r}: [p_{name}(v) for v in data[{name!r}]]")
        else:
            terms.append(f"{name!r}: p_{name}(v) if (v := data[{name!r}]) else v")
    source = "def project(data):\n    return {" + ", ".join(terms) + "}\n"
    namespace: dict[str, Any] = {f"p_{name}": f for name, f in projections.items()}
    exec(source, namespace)  # noqa: S102 - code made here from the names of attrs fields
    project: Callable[[Mapping[str, Any]], Mapping[str, Any]] = namespace["project"]
    return project


def _as_it_is(data: Mapping[str, Any]) -> Mapping[str, Any]:
    return data


def _hidden_fields(
    node: _Node, sensitivities: frozenset[Sensitivity], classes: frozenset[RecordClass]
) -> frozenset[str]:
    """Return the fields of a node its metadata hides: decided once per kind of hiding."""
    found = node.hidden.get((sensitivities, classes))
    if found is None:
        hiding = Hiding(sensitivities=sensitivities, classes=classes)
        found = frozenset(
            n for n, s in node.steps.items() if _hidden_by(s.field, sensitivities, hiding)
        )
        node.hidden[sensitivities, classes] = found
    return found


def _untouched(
    node: _Node,
    sensitivities: frozenset[Sensitivity],
    classes: frozenset[RecordClass],
    masks: bool,
    people: bool,
) -> bool:
    """Return whether a kind of hiding changes nothing inside a node's records, whatever they hold.

    ``masks``: free text is masked or blanked; ``people``: some people's identities are hidden.
    """
    key = (sensitivities, classes, masks, people)
    found = node.untouched.get(key)
    if found is None:
        found = not (
            _hidden_fields(node, sensitivities, classes)
            or (masks and node.texts)
            or (people and node.cls is Person)
            or (node.cls is Involvement and RecordClass.ARREST in classes)
            or any(
                not _untouched(i.node, sensitivities, classes, masks, people) for i in node.inner
            )
        )
        node.untouched[key] = found
    return found


def _at(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


class _Pass(NamedTuple):
    """One record or document being hidden: the hiding, and the paths found hidden so far."""

    hiding: Hiding
    out: set[str]
    masks: bool
    """Whether free text is masked or blanked."""


def _blanked(
    data: Mapping[str, Any], node: _Node, hidden: frozenset[str], run: _Pass, path: str
) -> dict[str, Any]:
    """Return the read fields of a wire value, hidden ones blanked and free text masked."""
    kept = {name: data[name] for name in node.names}
    for name in hidden:
        blank = node.steps[name].blank
        if blank is _NO_DEFAULT:
            msg = f"hidden field {name} has no default to blank it to"
            raise TypeError(msg)
        if kept[name] != blank:
            kept[name] = blank
            run.out.add(_at(path, name))
    for name in node.texts:
        current = kept[name]
        if name not in hidden and isinstance(current, str):
            kept[name] = _free_text(current, run.hiding, node.steps[name].field)
            if kept[name] != current and run.hiding.free_text_hidden:
                run.out.add(_at(path, name))
    return kept


def _hide_wire(
    data: Mapping[str, Any], node: _Node, run: _Pass, path: str, extra: frozenset[Sensitivity]
) -> Mapping[str, Any]:
    """Return the read fields of a wire value, as :func:`_hide` would leave the record."""
    hiding = run.hiding
    people = hiding.people
    if node.cls is Person and people and uuid.UUID(data["id"]) in people:
        extra = extra | {Sensitivity.JUVENILE_IDENTITY}
    sensitivities = hiding.sensitivities | extra if extra else hiding.sensitivities
    if _untouched(node, sensitivities, hiding.classes, run.masks, bool(people)):
        return node.project(data)
    hidden = _hidden_fields(node, sensitivities, hiding.classes)
    kept = _blanked(data, node, hidden, run, path)
    for name, inner, many in node.inner:
        current = kept[name]
        if name in hidden or not current:
            continue
        if _untouched(inner, sensitivities, hiding.classes, run.masks, bool(people)):
            project = inner.project
            kept[name] = [project(v) for v in current] if many else project(current)
            continue
        at = _at(path, name)
        if many:
            kept[name] = [
                _hide_wire(item, inner, run, f"{at}[{n}]", extra) for n, item in enumerate(current)
            ]
        else:
            kept[name] = _hide_wire(current, inner, run, at, extra)
    if node.cls is Involvement and _arrest_hidden(hiding, data["roles"]):
        kept["roles"] = [r for r in data["roles"] if r != InvolvementRole.ARRESTEE.value]
        run.out.add(f"{path}.roles")
    return kept


def hide_document(
    cls: type[Any], document: Mapping[str, Any], hiding: Hiding, paths: tuple[str, ...] = ()
) -> Seen[Mapping[str, Any]]:
    """Return the fields ``paths`` read of a record's document, as :func:`hide` shows the record.

    ``document`` is the record of class ``cls`` in its wire format; ``paths`` are the dotted
    fields a reader reads (``location.address``, ``involvements.roles``: a list's items are
    read alike; a path that ends at a record reads all of it; no paths: the whole document).
    The result holds those fields only, so a reader cannot read past what was hidden; a
    blanked field holds its default's wire form; a part that nothing hides may be the
    document's own (not to be changed). The hidden paths are those :func:`hide` gives for
    the same fields. Which fields are hidden is decided once per class and kind of hiding.
    """
    run = _Pass(hiding, set(), bool(hiding.mask) or hiding.free_text_hidden)
    value = _hide_wire(document, _plan(cls, paths), run, "", frozenset())
    return Seen(value, frozenset(run.out))


_TEXTS_ONLY: dict[
    tuple[type[Any], tuple[str, ...], frozenset[Sensitivity], frozenset[RecordClass], bool], bool
] = {}


def hide_texts(
    cls: type[Any], document: Mapping[str, Any], hiding: Hiding, paths: tuple[str, ...] = ()
) -> Seen[dict[str, Any]] | None:
    """Return the top-level free texts of a document as :func:`hide_document` leaves them.

    Only where they are all a hiding can change of the fields ``paths`` read (decided once per
    class and kind of hiding): the texts that change, by field, and the hidden paths, as
    :func:`hide_document` gives them; None where the hiding can change more (use it then).
    """
    node = _plan(cls, paths)
    sensitivities, classes, people = hiding.sensitivities, hiding.classes, bool(hiding.people)
    key = (cls, paths, sensitivities, classes, people)
    only = _TEXTS_ONLY.get(key)
    if only is None:
        only = _TEXTS_ONLY[key] = not (
            _hidden_fields(node, sensitivities, classes)
            or (people and node.cls is Person)
            or (node.cls is Involvement and RecordClass.ARREST in classes)
            or any(
                not _untouched(i.node, sensitivities, classes, masks=True, people=people)
                for i in node.inner
            )
        )
    if not only:
        return None
    changed: dict[str, Any] = {}
    hidden: set[str] = set()
    if _masks(hiding):
        for name in node.texts:
            current = document[name]
            if isinstance(current, str):
                text = _free_text(current, hiding, node.steps[name].field)
                if text != current:
                    changed[name] = text
                    if hiding.free_text_hidden:
                        hidden.add(name)
    return Seen(changed, frozenset(hidden))


def metadata_of(cls: type[Any], path: str, key: str) -> frozenset[Any]:
    """Return the metadata under ``key`` of the fields a dotted path crosses in an attrs class.

    A path that is not a field (a computed column) has none.
    """
    kinds: frozenset[Any] = frozenset()
    for name in path.split("."):
        if not attrs.has(cls):
            return frozenset()
        fields = {f.name: f for f in attrs.fields(cls)}
        if name not in fields:
            return frozenset()
        kinds = kinds | fields[name].metadata.get(key, frozenset())
        hint = typing.get_type_hints(cls).get(name)
        cls = next((t for t in (hint, *typing.get_args(hint)) if isinstance(t, type)), object)
    return kinds


def sensitivity_of(cls: type[Any], path: str) -> frozenset[Sensitivity]:
    """Return the sensitivities of the field a dotted path names in an attrs class."""
    return metadata_of(cls, path, SENSITIVITY_KEY)


def classes_of(cls: type[Any], path: str) -> frozenset[RecordClass]:
    """Return the record classes of the field a dotted path names in an attrs class."""
    return metadata_of(cls, path, RECORD_CLASS_KEY)
