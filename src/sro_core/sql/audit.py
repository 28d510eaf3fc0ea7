"""The audit chain and the NIBRS submission ledger of a SQL store: append-only tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sro_core.domain import AuditEntry, UnreadableEntry, read_entry, readable
from sro_core.ports import AuditLog, Conflict, SubmissionLedger, SubmittedReport, check_follows
from sro_core.sql.dialect import Dialect
from sro_core.sql.executor import Executor

_AUDIT = (
    "SELECT sequence, at, actor_id, actor_role, component, action, outcome, target, detail, "
    "previous_hash, hash, key_id FROM audit"
)
"""The entry's columns, in the order :func:`~sro_core.domain.read_entry` takes them."""


def stored_row(entry: AuditEntry, dialect: Dialect) -> tuple[object, ...]:
    """Return the row an entry is stored as, in :data:`_AUDIT`'s column order."""
    return (
        entry.sequence,
        dialect.time(entry.at),
        entry.actor_id,
        entry.actor_role.value,
        entry.component,
        entry.action,
        entry.outcome.value,
        entry.target,
        entry.detail,
        entry.previous_hash,
        entry.hash,
        entry.key_id,
    )


_APPENDED: tuple[tuple[object, ...], AuditEntry] | None = None
"""The row this process appended last, and the entry it holds."""


def _read(row: tuple[object, ...]) -> AuditEntry:
    """Return the entry a stored row holds, or raise UnreadableAudit (see ``read_entry``).

    The head a unit reads is most often the entry this process appended last: a row equal to
    the one stored for it holds that entry (an entry is read back as it was stored), which is
    not read again.
    """
    appended = _APPENDED
    if appended is not None and row == appended[0]:
        return appended[1]
    return readable(read_entry(row))


class SQLAudit(AuditLog):
    """The chain in the ``audit`` table; appends take turns on the unit's audit lock.

    ``append_next`` (and ``append``) first takes the lock
    (:meth:`~sro_core.sql.Executor.lock_audit`), then reads the head: the head it reads is the
    latest committed one, and no other writer can append until this unit ends. The program
    appends a command's entry as the last step of its unit of work, so the lock is held only
    from then to the commit, and concurrent commands queue for it instead of failing.
    """

    def __init__(self, unit: Executor) -> None:
        self.unit = unit
        self._held = False
        self._known: tuple[AuditEntry | None] | None = None

    def head(self) -> AuditEntry | None:
        """Return the newest entry, or None for an empty chain."""
        row = self.unit.execute(f"{_AUDIT} ORDER BY sequence DESC LIMIT 1").fetchone()
        found = None if row is None else _read(tuple(row))
        # read under the lock, it stays the head until this unit appends
        self._known = (found,) if self._held else None
        return found

    def _hold(self) -> None:
        if not self._held:
            self.unit.lock_audit()
            self._held = True

    def append_next(self, seal: Callable[[AuditEntry | None], AuditEntry]) -> AuditEntry:
        """Append the entry ``seal`` makes from the head, read under the audit lock."""
        self._hold()  # the head is read under the lock, never from an older snapshot
        return super().append_next(seal)

    def append(self, entry: AuditEntry) -> None:
        """Append the entry that follows the head, or raise Conflict."""
        self._hold()
        known, self._known = self._known, None
        check_follows(known[0] if known is not None else self.head(), entry)
        self._known = None
        row = stored_row(entry, self.unit.dialect)
        inserted = self.unit.execute(
            "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (sequence) DO NOTHING",
            row,
        ).rowcount
        if inserted == 0:
            raise Conflict("audit entry", entry.sequence, "appended by another writer meanwhile")
        global _APPENDED  # noqa: PLW0603 - one entry, replaced whole, shared by every unit
        _APPENDED = (row, entry)

    def entries(self, after: int = 0, limit: int | None = None) -> list[AuditEntry]:
        """Return the entries after a sequence number, oldest first."""
        return [readable(found) for found in self.scan(after, limit)]

    def scan(self, after: int = 0, limit: int | None = None) -> list[AuditEntry | UnreadableEntry]:
        """Return the entries after a sequence number, unreadable ones as what was found."""
        found = self.unit.execute(
            f"{_AUDIT} WHERE sequence > ? ORDER BY sequence LIMIT ?",
            (after, self.unit.dialect.no_limit if limit is None else limit),
        ).fetchall()
        return [read_entry(row) for row in found]


_SUBMITTED = (
    "SELECT ori, category, number, action, period, submission, document, message_id, "
    "written_at, actor, fingerprint, sequence, incident_id, arrested_on FROM nibrs_submissions"
)


class SQLSubmissions(SubmissionLedger):
    """The NIBRS submission ledger: every report written, in the order written."""

    def __init__(self, unit: Executor) -> None:
        self.unit = unit
        self.d = unit.dialect

    def record(self, reports: Sequence[SubmittedReport]) -> None:
        """Add reports to the ledger, in order."""
        self.unit.write_lock()
        d = self.d
        self.unit.executemany(
            "INSERT INTO nibrs_submissions (ori, category, number, action, period, submission, "
            "document, message_id, written_at, actor, fingerprint, sequence, incident_id, "
            "arrested_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    r.ori,
                    r.category,
                    r.number,
                    r.action,
                    r.period,
                    r.submission,
                    r.document,
                    r.message_id,
                    d.time(r.written_at),
                    r.actor,
                    r.fingerprint,
                    r.sequence,
                    d.key(r.incident_id),
                    d.date(r.arrested_on),
                )
                for r in reports
            ],
        )

    def reports(self, ori: str | None = None) -> list[SubmittedReport]:
        """Return the reports of the ledger (of one ORI), in the order written."""
        if ori is None:
            found = self.unit.execute(f"{_SUBMITTED} ORDER BY position").fetchall()
        else:
            query = f"{_SUBMITTED} WHERE ori = ? ORDER BY position"
            found = self.unit.execute(query, (ori,)).fetchall()
        return [self._report(row) for row in found]

    def _report(self, row: Sequence[Any]) -> SubmittedReport:
        d = self.d
        return SubmittedReport(
            ori=row[0],
            category=row[1],
            number=row[2],
            action=row[3],
            period=row[4],
            submission=row[5],
            document=row[6],
            message_id=row[7],
            written_at=d.read_time(row[8]),
            actor=row[9],
            fingerprint=row[10],
            sequence=row[11],
            incident_id=None if row[12] is None else d.read_key(row[12]),
            arrested_on=d.read_date(row[13]),
        )
