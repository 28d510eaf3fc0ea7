"""A SQLite store's audit trail tried by an attacker with write access to the file."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from sro_core.testing.tampering import AuditTamperingContract, Trail


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

    def test_an_unreadable_time_is_a_break_naming_it(self, trail: Trail) -> None:
        """A time SQLite holds as text that is no time is a break at its entry naming ``at``."""
        self.tamper(trail.url, "UPDATE audit SET at = 'yesterday' WHERE sequence = 2")
        broken = trail.verify()
        assert broken is not None
        assert (broken.sequence, broken.field) == (2, "at")
