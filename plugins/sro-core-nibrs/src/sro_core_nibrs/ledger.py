"""The submission ledger: what was sent to NIBRS, so later reports add, replace or delete.

The storage contract has no table for it, so the ledger is a JSON-lines file, one line per
report written, appended only after the submission holding it has been written. Replaying the
lines gives what the FBI holds: a delete removes what it names. One process writes a ledger at
a time (a department's monthly submission); the file is never rewritten, only appended to.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from sro_core.domain import DomainError

LEDGER_NAME = "nibrs-submissions.jsonl"
"""The ledger's file name when it is kept next to the submission."""


class LedgerError(DomainError):
    """The ledger file cannot be read: a line is not a ledger entry."""


@attrs.frozen
class LedgerEntry:
    """One report written: which, how, when, and a fingerprint of what it said.

    ``number`` is the incident number (Group A), the arrest transaction number (Group B) or the
    period (zero report); ``sequence`` the arrestee sequence of a Group B report.
    """

    ori: str
    category: str
    number: str
    action: str
    period: str
    message_id: str
    document: str
    written_at: str
    fingerprint: str = ""
    sequence: int | None = None
    incident_id: str | None = None
    arrested_on: str | None = None

    @property
    def key(self) -> tuple[str, str, str, int | None]:
        """Return what identifies the report at the FBI: agency, category, number, sequence."""
        return (self.ori, self.category, self.number, self.sequence)


class SubmissionLedger:
    """The ledger of one agency's NIBRS submissions, kept in a JSON-lines file.

    ``SubmissionLedger(None)`` keeps the ledger in memory only, for tests and previews.
    """

    def __init__(self, path: Path | str | None) -> None:
        self.path = Path(path) if path is not None else None
        self._memory: list[LedgerEntry] = []

    def __repr__(self) -> str:
        return f"SubmissionLedger({str(self.path) if self.path else None!r})"

    def entries(self) -> list[LedgerEntry]:
        """Return every entry, oldest first."""
        if self.path is None:
            return list(self._memory)
        if not self.path.exists():
            return []
        entries = []
        with self.path.open(encoding="utf-8") as lines:
            for n, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    entries.append(LedgerEntry(**json.loads(line)))
                except (ValueError, TypeError) as error:
                    raise LedgerError(f"{self.path}:{n}: not a ledger entry ({error})") from None
        return entries

    def held(self) -> dict[tuple[str, str, str, int | None], LedgerEntry]:
        """Return the reports the FBI holds, by key: every entry replayed, deletes removing."""
        state: dict[tuple[str, str, str, int | None], LedgerEntry] = {}
        for entry in self.entries():
            if entry.action != "D":
                state[entry.key] = entry
                continue
            for key in [k for k in state if k[:3] == entry.key[:3]]:
                if entry.sequence is None or key[3] == entry.sequence:
                    del state[key]
        return state

    def periods(self, ori: str) -> set[str]:
        """Return the periods this agency sent anything for."""
        return {e.period for e in self.entries() if e.ori == ori}

    def record(self, entries: Sequence[LedgerEntry]) -> None:
        """Append entries, after the submission they describe has been written."""
        if self.path is None:
            self._memory.extend(entries)
            return
        text = "".join(json.dumps(attrs.asdict(e), sort_keys=True) + "\n" for e in entries)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())


def now_text(now: dt.datetime) -> str:
    """Return a time as the ledger writes it (ISO 8601, UTC)."""
    return now.astimezone(dt.UTC).isoformat(timespec="seconds")


def by_incident(held: Iterable[LedgerEntry], number: str, ori: str) -> list[LedgerEntry]:
    """Return the reports held for one incident or arrest transaction number."""
    return [e for e in held if e.ori == ori and e.number == number and e.category != "ZERO REPORT"]
