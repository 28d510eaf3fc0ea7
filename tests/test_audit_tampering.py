"""A SQLite store's audit trail tried by an attacker with write access to the file."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from sro_core.testing.tampering import AuditTamperingContract


class TestSQLiteTampering(AuditTamperingContract):
    """A SQLite file's keyed, checkpointed trail names every tampering."""

    def store_url(self, folder: Path) -> str:
        """Return a new file in the test's folder."""
        return f"sqlite:///{folder / 'sro.db'}"

    def tamper(self, url: str, statement: str, parameters: Sequence[object] = ()) -> None:
        """Run the statement with the driver, as anyone who can write the file could."""
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            with connection:
                connection.execute(statement, parameters)
        finally:
            connection.close()
