"""How PostgreSQL spells the shared statements of :mod:`sro_core.sql`.

psycopg binds Python values as they are (``UUID``, aware ``datetime``, ``date``, ``bool``), so
most of the base dialect holds. Ids are ``uuid`` (ordered as Python orders ``UUID``), compared
texts are ``COLLATE "C"`` (code point order, as Python), and schools with no id sort first, as
the reference puts None first. Text search folds case with ``translate`` over A to Z only:
``lower`` would fold other letters too under most collations, which the reference does not.
A delivery's error is ``bytea`` (UTF-8, lone surrogates kept): PostgreSQL text cannot hold NUL.
"""

from __future__ import annotations

import string

from sro_core.sql import Dialect

_FOLD = f"'{string.ascii_uppercase}', '{string.ascii_lowercase}'"
"""``translate`` arguments that lower A to Z and keep every other character."""


class PostgresDialect(Dialect):
    """The PostgreSQL spelling of the shared statements."""

    name = "PostgreSQL"
    paramstyle = "format"
    nulls_first = " NULLS FIRST"
    integer = "::int"
    row_locks = True
    two_measures = """(VALUES ('referral' COLLATE "C"), ('arrest')) AS m (measure)"""

    def contains(self, text: str) -> str:
        """Fold A to Z with ``translate`` and find the bound text with ``strpos``."""
        return f"strpos(translate({text}, {_FOLD}), ?) > 0"

    def error_text(self, text: str | None) -> object:
        """Encode an error message as UTF-8 bytes, lone surrogates kept as they were."""
        return None if text is None else text.encode("utf-8", "surrogatepass")

    def read_error_text(self, value: object) -> str | None:
        """Read an error message back from its bytes."""
        return None if value is None else bytes(value).decode("utf-8", "surrogatepass")  # type: ignore[call-overload]


POSTGRES = PostgresDialect()
"""The one PostgreSQL dialect."""
