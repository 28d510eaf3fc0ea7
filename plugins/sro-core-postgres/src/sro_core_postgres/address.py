"""Where a PostgreSQL store lives, read from its URL, and how driver errors are told to users.

``postgresql://user@host:port/database`` (or ``postgres://``, or with a ``+driver`` suffix):
the path is the database. Options of ours in the query: ``schema=NAME`` keeps the store's
tables in that schema (made if missing; default ``public``); ``timeout=<seconds>`` is how long
a unit of work waits for a connection of the pool or for a row another one has locked
(default 30); ``pool_size=<n>`` is the most connections the store opens at once (default 10).
Every other option goes to libpq as it is (``sslmode``, ``application_name``, ``password`` …);
``connect_timeout`` is 10 seconds unless given, so an unreachable server is reported quickly.
"""

from __future__ import annotations

import math
import re
import urllib.parse

import attrs
import psycopg
from psycopg import conninfo

from sro_core.ports import StorageError, shown_url

DEFAULT_TIMEOUT = 30.0
"""Seconds a unit of work waits for a pooled connection or a locked row."""

DEFAULT_CONNECT_TIMEOUT = "10"
"""Seconds libpq tries to reach the server before giving up, unless the URL says otherwise."""

DEFAULT_POOL_SIZE = 10
"""The most connections one store keeps open at once."""

DEFAULT_SCHEMA = "public"

_SCHEMES = ("postgresql", "postgres")
_OURS = ("schema", "timeout", "pool_size")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


@attrs.frozen
class Address:
    """A PostgreSQL store: the libpq connection string, its schema, timeout and pool size."""

    conninfo: str = attrs.field(repr=False)
    schema: str
    timeout: float
    pool_size: int
    shown: str
    """The URL as messages show it: without its password."""

    @classmethod
    def from_url(cls, url: str) -> Address:
        """Read a ``postgresql:`` URL, or raise StorageError saying what is wrong with it."""
        parts = urllib.parse.urlsplit(url)
        scheme = parts.scheme.split("+", 1)[0].lower()
        if scheme not in _SCHEMES:
            raise StorageError(f"store {_hidden(url)!r}: a PostgreSQL URL starts postgresql://")
        options = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        ours = {name: value for name, value in options if name in _OURS}
        theirs = [(name, value) for name, value in options if name not in _OURS]
        if not any(name == "connect_timeout" for name, _ in theirs):
            theirs.append(("connect_timeout", DEFAULT_CONNECT_TIMEOUT))
        shown = _hidden(url)
        schema = ours.get("schema", DEFAULT_SCHEMA)
        if not _IDENTIFIER.fullmatch(schema):
            raise StorageError(
                f"store {shown!r}: schema is a name of letters, digits and _ (got {schema!r})"
            )
        plain = urllib.parse.urlunsplit(
            ("postgresql", parts.netloc, parts.path, urllib.parse.urlencode(theirs), "")
        )
        try:
            info = conninfo.make_conninfo(plain)
        except psycopg.ProgrammingError as error:
            raise StorageError(f"store {shown!r}: {_first_line(error)}") from error
        return cls(
            info,
            schema,
            _number(shown, "timeout", ours.get("timeout"), DEFAULT_TIMEOUT),
            int(_number(shown, "pool_size", ours.get("pool_size"), DEFAULT_POOL_SIZE, whole=True)),
            shown,
        )

    def describe(self) -> str:
        """Return the store as messages name it."""
        return f"PostgreSQL store {self.shown}"


def _number(
    shown: str, name: str, text: str | None, default: float, *, whole: bool = False
) -> float:
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    good = math.isfinite(value) and value > 0 and (not whole or value.is_integer())
    if not good:
        kind = "a whole number above 0" if whole else "a number of seconds above 0"
        raise StorageError(f"store {shown!r}: {name} is {kind} (got {text!r})")
    return value


def _hidden(url: str) -> str:
    """Return a URL with its password and password-like parameters replaced by ``***``."""
    return shown_url(url)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _state(error: BaseException) -> str:
    """Return an error's SQLSTATE, read from libpq's message where a refused connection has none."""
    state: str = getattr(error, "sqlstate", None) or ""
    text = str(error)
    if not state and isinstance(error, psycopg.OperationalError):
        if "password authentication failed" in text or (
            "role" in text and "does not exist" in text
        ):
            state = "28000"
        elif "database" in text and "does not exist" in text:
            state = "3D000"
        else:
            state = "08000"
    return state


def failure(address: Address, error: BaseException) -> StorageError:
    """Return the StorageError that explains a driver error to the user."""
    where = address.describe()
    detail = _first_line(error)
    state = _state(error)
    if state == "55P03":  # lock_not_available: lock_timeout ran out
        message = (
            f"{where}: a record stayed locked by another unit of work for more than "
            f"{address.timeout:g} s ({detail}); try again, or raise ?timeout= in the storage URL"
        )
    elif state.startswith("28"):
        message = f"{where}: the server refused the credentials ({detail})"
    elif state == "3D000":
        message = f"{where}: {detail}; create it first (createdb)"
    elif state == "42501":
        message = f"{where}: the server's user may not do this ({detail})"
    elif isinstance(error, psycopg.DataError) and ("NUL" in detail or "0x00" in detail):
        message = f"{where}: PostgreSQL text cannot hold the NUL character ({detail})"
    elif state == "53100":  # disk_full
        message = (
            f"{where}: the server's disk is full ({detail}); nothing of this command was "
            "stored: free space on the server, then run it again"
        )
    elif state == "25006":  # read_only_sql_transaction
        message = (
            f"{where} is read only ({detail}: a standby, or default_transaction_read_only): its "
            "records can be read, but a change needs the primary server"
        )
    elif state in ("XX001", "XX002"):  # data_corrupted, index_corrupted
        message = (
            f"{where} is damaged ({detail}): run `sro doctor` to see what is wrong, and restore "
            "the schema from a backup (pg_dump)"
        )
    elif state.startswith(("08", "57P")):
        message = f"{where} cannot be reached: {detail}"
    else:
        message = f"{where}: {detail}"
    return StorageError(message)
