"""What differs between two SQL databases in the statements both stores send: the dialect.

Statements in :mod:`sro_core.sql` are written once, with ``?`` placeholders; a store whose
driver takes another style translates them as it sends them (:meth:`Dialect.statement`). The
values a statement binds and the values a row reads back go through the dialect: identifiers,
times, dates, booleans and error texts are held differently (text in SQLite; ``uuid``,
``timestamptz`` and ``bytea`` in PostgreSQL). A handful of SQL fragments differ too: folding
case, testing a value against a list, where ``NULL`` sorts, casting a sum back to an integer,
locking rows, and a constant relation of two rows.

This base class is the PostgreSQL-like default (the driver binds Python values as they are);
a store subclasses it and overrides what its database does otherwise, as
:class:`sro_core.builtin.sqlite.dialect.SQLiteDialect` does.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Collection

from sro_core.ports import BadQuery

Keys = frozenset[uuid.UUID] | frozenset[uuid.UUID | None]
"""A set of identifiers a query is asked about (``None`` stands for "no school")."""


class Dialect:
    """How one database spells what the shared statements need; one instance per store kind.

    The encoders (``key``, ``time``…) turn a Python value into what a statement binds; the
    readers (``read_key``…) turn a column's value back. Fragments are SQL text with no input
    in it.
    """

    name = "SQL"
    """The database's name, for messages."""
    paramstyle = "qmark"
    """The driver's placeholder style: ``qmark`` (``?``) or ``format`` (``%s``)."""
    no_limit: object = None
    """The ``LIMIT`` parameter that means no limit."""
    true = "true"
    """A condition that always holds."""
    nulls_first = ""
    """Appended to an ascending ``ORDER BY`` term so that ``NULL`` sorts first ("" if it does)."""
    integer = ""
    """Appended to a ``sum`` to read it back as an integer ("" if it is one already)."""
    earliest = "'-infinity'"
    """A time column's literal that is before every time."""
    row_locks = False
    """Whether rows are locked with ``FOR UPDATE`` (else writers queue on a database lock)."""
    two_measures = "(VALUES ('referral'), ('arrest')) AS m (measure)"
    """A relation ``m`` with one column ``measure`` of two rows, 'referral' and 'arrest'."""

    def statement(self, sql: str) -> str:
        """Return a shared statement in the driver's placeholder style.

        Shared statements hold no ``?`` but their placeholders, and no ``%``.
        """
        if self.paramstyle == "qmark":
            return sql
        return sql.replace("?", "%s")

    def key(self, key: uuid.UUID | None) -> object:
        """Encode an identifier (or ``None``) as the store holds it."""
        return key

    def wire_key(self, key: uuid.UUID | None, text: str | None) -> object:  # noqa: ARG002
        """Encode an identifier of a record, given its wire text too (the same id, as text).

        A store that holds ids as their canonical text returns ``text``: no conversion.
        """
        return key

    def read_key(self, value: object) -> uuid.UUID:
        """Read an identifier back."""
        return value  # type: ignore[return-value]

    def keys(self) -> Callable[[object], uuid.UUID | None]:
        """Return a reader of nullable identifiers for the rows of one result."""
        return self.read_key

    def time(self, moment: dt.datetime) -> object:
        """Encode an aware time; raise BadQuery for a naive one (a caller's query)."""
        if moment.utcoffset() is None:
            raise BadQuery(f"{moment.isoformat()}: a time must carry its time zone")
        return moment

    def read_time(self, value: object) -> dt.datetime:
        """Read a time back (aware)."""
        return value  # type: ignore[return-value]

    def date(self, day: dt.date | None) -> object:
        """Encode a calendar date (or ``None``)."""
        return day

    def read_date(self, value: object) -> dt.date | None:
        """Read a calendar date (or ``None``) back."""
        return value  # type: ignore[return-value]

    def read_flag(self, value: object) -> bool | None:
        """Read a nullable boolean back."""
        return value  # type: ignore[return-value]

    def error_text(self, text: str | None) -> object:
        """Encode a notifier's error message, which may hold any character, NUL included."""
        return text

    def read_error_text(self, value: object) -> str | None:
        """Read a notifier's error message back."""
        return value  # type: ignore[return-value]

    def contains(self, text: str) -> str:
        """Return SQL that holds when a text expression, A to Z lowered, holds the bound text."""
        return f"instr(lower({text}), ?)"

    def one_of(
        self, column: str, values: Collection[object], parameters: list[object], kind: str = ""
    ) -> str:
        """Return SQL that holds when a column's value is one of ``values``; bind them.

        ``kind`` is the values' SQL type (``uuid``, ``text``), where the database wants it.
        """
        parameters.append(list(values))
        return f"{column} = ANY(?::{kind}[])" if kind else f"{column} = ANY(?)"

    def any_key(self, column: str, keys: Keys, parameters: list[object]) -> str:
        """Return SQL testing a column against a set of identifiers (``None`` left out)."""
        return self.one_of(column, [self.key(k) for k in sorted_keys(keys)], parameters, "uuid")

    def any_text(self, column: str, values: Collection[str], parameters: list[object]) -> str:
        """Return SQL testing a text column against a set of texts."""
        return self.one_of(column, sorted(values), parameters, "text")


def sorted_keys(keys: Keys) -> list[uuid.UUID]:
    """Return the identifiers of a set in order, without ``None``."""
    return sorted(key for key in keys if key is not None)
