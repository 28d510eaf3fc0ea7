"""How SQLite holds what the shared statements bind: ids and times as text, flags as integers.

UUIDs are kept as their canonical lowercase text and times as fixed-format UTC text
(``2025-03-09T10:00:00.000000+00:00``), so ``ORDER BY`` on the text gives the memory
reference's order; SQLite's ``lower`` folds only A to Z, as
:func:`~sro_core.ports.ascii_lower`, and ``NULL`` sorts first already.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Collection

from sro_core.ports import BadQuery
from sro_core.sql import Dialect, Keys, sorted_keys

_MIDDLE_YEAR = 5000

_FEW = 100
"""Up to this many identifiers are one parameter each; more go as one JSON array.

One parameter each lets SQLite use an index in order (one school's newest incidents); one
array has no limit on its length. Texts that may hold NUL, as categories, always go one
parameter each: ``json_each`` would cut them at the NUL.
"""


def utc_text(moment: dt.datetime) -> str:
    """Return an aware time as UTC text in the store's one fixed format, so text order is time.

    Raise BadQuery for a time without an offset (a caller's query; records are always aware).
    """
    if moment.utcoffset() is None:
        raise BadQuery(f"{moment.isoformat()}: a time must carry its time zone")
    try:
        return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")
    except OverflowError:
        # Outside the years 1 to 9999 in UTC: before, or after, any time a record can hold.
        return "" if moment.year < _MIDDLE_YEAR else "~"


def _any_of(column: str, count: int) -> str:
    return f"{column} IN ({', '.join('?' * count)})" if count else "0"


class _Identifiers(dict[object, uuid.UUID | None]):
    """Identifiers read from their text once each: a count names the same school many times."""

    def __missing__(self, text: object) -> uuid.UUID | None:
        key = None if text is None else uuid.UUID(str(text))
        self[text] = key
        return key


class SQLiteDialect(Dialect):
    """The SQLite spelling of the shared statements."""

    name = "SQLite"
    no_limit = -1
    true = "1"
    earliest = "''"
    two_measures = "(SELECT 'referral' AS measure UNION ALL SELECT 'arrest') AS m"

    def key(self, key: uuid.UUID | None) -> object:
        """Encode an identifier as its canonical text."""
        return None if key is None else str(key)

    def wire_key(self, key: uuid.UUID | None, text: str | None) -> object:  # noqa: ARG002
        """Take an identifier's text from the record's wire format: it is the canonical text."""
        return text

    def read_key(self, value: object) -> uuid.UUID:
        """Read an identifier from its text."""
        return uuid.UUID(str(value))

    def keys(self) -> Callable[[object], uuid.UUID | None]:
        """Return a reader that reads each identifier's text once (a count repeats schools)."""
        return _Identifiers().__getitem__

    time = staticmethod(utc_text)
    """Encode a time as fixed-format UTC text."""

    def read_time(self, value: object) -> dt.datetime:
        """Read a time from its text."""
        return dt.datetime.fromisoformat(str(value))

    def date(self, day: dt.date | None) -> object:
        """Encode a date as ISO text."""
        return None if day is None else day.isoformat()

    def read_date(self, value: object) -> dt.date | None:
        """Read a date from its ISO text."""
        return None if value is None else dt.date.fromisoformat(str(value))

    def read_flag(self, value: object) -> bool | None:
        """Read a nullable flag from its integer."""
        return None if value is None else bool(value)

    def one_of(
        self,
        column: str,
        values: Collection[object],
        parameters: list[object],
        kind: str = "",  # noqa: ARG002 - SQLite compares text with text, whatever the kind
    ) -> str:
        """Test a column against a JSON array of the values, read by ``json_each``."""
        parameters.append(json.dumps(list(values)))
        return f"{column} IN (SELECT value FROM json_each(?))"  # noqa: S608 - a column of ours

    def any_key(self, column: str, keys: Keys, parameters: list[object]) -> str:
        """Test a column against identifiers: one parameter each up to a hundred, else JSON."""
        texts = [str(key) for key in sorted_keys(keys)]
        if len(texts) > _FEW:
            return self.one_of(column, texts, parameters)
        parameters.extend(texts)
        return _any_of(column, len(texts))

    def any_text(self, column: str, values: Collection[str], parameters: list[object]) -> str:
        """Test a column against texts, one parameter each (``json_each`` would cut at NUL)."""
        chosen = sorted(values)
        parameters.extend(chosen)
        return _any_of(column, len(chosen))


SQLITE = SQLiteDialect()
"""The one SQLite dialect."""
