"""Keeping the store safe: the store's own checks, backups and restores."""

from __future__ import annotations

import click

from sro_core.cli.app import Session, pass_session
from sro_core.cli.output import format_option
from sro_core.errors import StoreUnwell as StoreUnwell


@click.command("doctor")
@format_option
@pass_session
def doctor(session: Session) -> None:
    """Check the store: its own integrity check, schema, audit trail and checkpoint, outbox.

    SQLite runs PRAGMA integrity_check over the whole file; PostgreSQL runs amcheck on the
    store's indexes where the extension is installed. Exit 1 if a check finds a problem.

    Example: sro doctor --format json
    """
    checks = session.program.check_store(session.actor)
    if session.output.format == "json":
        session.output.json(
            [
                {"check": c.name, "ok": c.ok, "problems": list(c.problems), "note": c.note}
                for c in checks
            ]
        )
    else:
        session.output.table(
            ("check", "result", "note"),
            ((c.name, "ok" if c.ok else "; ".join(c.problems), c.note) for c in checks),
            title=f"store {session.store_url}",
        )
    failed = [c.name for c in checks if not c.ok]
    if failed:
        raise StoreUnwell(
            f"{', '.join(failed)}: see above; restore the store from a backup (`sro restore`) "
            "if it is damaged"
        )


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@pass_session
def backup(session: Session, *, path: str) -> None:
    """Write a consistent copy of the store to PATH (replaced only by a complete copy).

    SQLite copies with its online backup API while the program keeps working. For
    PostgreSQL use the server's tools (pg_dump --schema=NAME; see the audit documentation).
    The backup's own entry ends its audit trail, and is checkpointed when a key can seal it.

    Example: sro backup /var/backups/sro-2026-06-30.db
    """
    entry = session.program.backup(session.actor, path)
    at = "" if entry is None else f" (its audit trail ends at entry {entry.sequence})"
    session.output.line(f"backed up {session.store_url} to {path}{at}")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, exists=True))
@click.option("--yes", is_flag=True, help="Replace the store without asking.")
@pass_session
def restore(session: Session, *, path: str, yes: bool) -> None:
    """Replace the store's content with the backup at PATH, all at once.

    What was recorded after the backup was taken is lost: the restore's audit entry names
    the trail it replaced, and a new checkpoint anchors the restored one.

    Example: sro restore /var/backups/sro-2026-06-30.db
    """
    if not yes:
        click.confirm(f"replace everything in {session.store_url} with {path}?", abort=True)
    restored = session.program.restore(session.actor, path)
    before = (
        "an unreadable trail" if restored.before is None else f"entry {restored.before.sequence}"
    )
    after = (
        "" if restored.after is None else f"; the trail now ends at entry {restored.after.sequence}"
    )
    session.output.line(
        f"restored {path} over {session.store_url} (its trail was at {before}){after}"
    )


COMMANDS: tuple[click.Command, ...] = (doctor, backup, restore)
"""The commands ``sro`` adds from here."""
