"""The code-tables registry that ``sro_code_tables`` hooks fill: new tables and overlays.

It holds an immutable :class:`~sro_core.codes.CodeTables` and replaces it with a new one on each
change, so what the host hands out afterwards can never change under its reader.
"""

from __future__ import annotations

from collections.abc import Iterable

from sro_core.codes import Code, CodeTable, CodeTables, UnknownCodeTableError
from sro_core.ports.claims import Attribution

CORE = "sro_core"
"""The owner recorded for the tables ``sro_core`` ships."""


class CodeTablesRegistry(Attribution):
    """A mutable holder of code tables: plugins add whole tables or overlay existing ones."""

    kind = "code table"

    def __init__(self, tables: CodeTables | None = None) -> None:
        super().__init__()
        self._tables = tables if tables is not None else CodeTables()
        for name in self._tables.names():
            self.claim(name, CORE)

    def add(self, table: CodeTable, plugin: str = "") -> None:
        """Add a new table; a name already held is refused (use :meth:`overlay` to extend it)."""
        tables = self._tables.with_table(table)
        self.claim(table.name, plugin)
        self._tables = tables

    def overlay(self, name: str, codes: Iterable[Code | tuple[str, str]], source: str) -> None:
        """Add codes to a held table, or redescribe codes it has; no code is ever removed.

        ``codes`` are :class:`~sro_core.codes.Code` values or ``(value, description)`` pairs;
        ``source`` says where they come from (a state's code list, a district's policy).
        Raises :class:`~sro_core.codes.UnknownCodeTableError` for a table nobody added.
        """
        if name not in self._tables:
            raise self.unknown(name)
        current = self._tables.get(name)
        additions = tuple(code if isinstance(code, Code) else Code(*code) for code in codes)
        self._tables = self._tables.with_table(CodeTable(name, current.version, source, additions))

    def owner(self, name: str) -> str:
        """Return who added a table (``sro_core`` for the shipped ones), or raise if none did."""
        return self.plugin(name)

    def unknown(self, name: str) -> UnknownCodeTableError:
        """Return the error for a table nobody added, listing those that are."""
        return UnknownCodeTableError(name, self._tables.names())

    def tables(self) -> CodeTables:
        """Return the tables as they stand now (an immutable value)."""
        return self._tables
