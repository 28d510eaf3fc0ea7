"""Code tables: versioned, immutable lists of codes, and a registry of them by name."""

from __future__ import annotations

import types
from collections.abc import Iterable, Iterator, Mapping

import attrs

from sro_core.errors import UnknownCodeError as UnknownCodeError
from sro_core.errors import UnknownCodeTableError as UnknownCodeTableError


@attrs.frozen
class Code:
    """One code of a table: the value recorded and the text that describes it."""

    value: str
    description: str


def _index_codes(table: CodeTable) -> Mapping[str, Code]:
    index: dict[str, Code] = {}
    for code in table.codes:
        if code.value in index:
            raise ValueError(f"code table {table.name!r} lists code {code.value!r} twice")
        index[code.value] = code
    return types.MappingProxyType(index)


def _not_blank(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value.strip():
        raise ValueError(f"a code table's {attribute.name} must not be blank")


@attrs.frozen
class CodeTable:
    """A named, versioned list of codes, in the order its source gives them.

    ``source`` says where the codes come from (a schema file and type, or a program's own
    list). Membership tests and look-ups are O(1).
    """

    name: str = attrs.field(validator=_not_blank)
    version: str = attrs.field(validator=_not_blank)
    source: str
    codes: tuple[Code, ...] = attrs.field(
        validator=attrs.validators.deep_iterable(
            attrs.validators.instance_of(Code), attrs.validators.instance_of(tuple)
        )
    )
    _index: Mapping[str, Code] = attrs.field(
        init=False,
        eq=False,
        repr=False,
        default=attrs.Factory(_index_codes, takes_self=True),
    )

    @classmethod
    def from_pairs(
        cls, name: str, version: str, source: str, pairs: Iterable[tuple[str, str]]
    ) -> CodeTable:
        """Return a table built from ``(code, description)`` pairs."""
        return cls(name, version, source, tuple(Code(value, text) for value, text in pairs))

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and value in self._index

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def code(self, value: str) -> Code:
        """Return the code with this value, or raise :class:`UnknownCodeError`."""
        try:
            return self._index[value]
        except KeyError:
            raise UnknownCodeError(self.name, self.version, value) from None

    def describe(self, value: str) -> str:
        """Return the description of a code, or raise :class:`UnknownCodeError`."""
        return self.code(value).description

    def values(self) -> frozenset[str]:
        """Return the set of code values in this table."""
        return frozenset(self._index)

    def overlay(self, additions: Iterable[Code], source: str) -> CodeTable:
        """Return a copy with ``additions`` added, or replacing the descriptions of equal values.

        Codes keep their order; new ones follow in the order given. No code is ever removed.
        """
        changes: dict[str, Code] = {}
        for code in additions:
            if code.value in changes:
                raise ValueError(f"overlay {source!r} lists code {code.value!r} twice")
            changes[code.value] = code
        kept = tuple(changes.pop(code.value, code) for code in self.codes)
        return attrs.evolve(
            self, source=f"{self.source}; overlay: {source}", codes=kept + tuple(changes.values())
        )


def _index_tables(registry: CodeTables) -> Mapping[str, CodeTable]:
    index: dict[str, CodeTable] = {}
    for table in registry.tables:
        if table.name in index:
            raise ValueError(f"two code tables are named {table.name!r}")
        index[table.name] = table
    return types.MappingProxyType(index)


@attrs.frozen
class CodeTables:
    """An immutable registry of code tables by name; ``with_table`` returns a new registry."""

    tables: tuple[CodeTable, ...] = attrs.field(
        default=(),
        validator=attrs.validators.deep_iterable(
            attrs.validators.instance_of(CodeTable), attrs.validators.instance_of(tuple)
        ),
    )
    _by_name: Mapping[str, CodeTable] = attrs.field(
        init=False,
        eq=False,
        repr=False,
        default=attrs.Factory(_index_tables, takes_self=True),
    )

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._by_name

    def __iter__(self) -> Iterator[CodeTable]:
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)

    def get(self, name: str) -> CodeTable:
        """Return the table with this name, or raise :class:`UnknownCodeTableError`."""
        try:
            return self._by_name[name]
        except KeyError:
            raise UnknownCodeTableError(name, self._by_name) from None

    def names(self) -> tuple[str, ...]:
        """Return the names of the tables, in registry order."""
        return tuple(self._by_name)

    def with_table(self, table: CodeTable) -> CodeTables:
        """Return a registry with ``table`` added, or overlaid on the table of the same name."""
        current = self._by_name.get(table.name)
        if current is None:
            return CodeTables((*self.tables, table))
        merged = current.overlay(table.codes, table.source)
        return CodeTables(tuple(merged if t is current else t for t in self.tables))

    def check(self, name: str, value: str, field: str) -> None:
        """Raise :class:`UnknownCodeError` (naming ``field``) if ``value`` is not in ``name``."""
        table = self.get(name)
        if value not in table:
            raise UnknownCodeError(table.name, table.version, value, field)
