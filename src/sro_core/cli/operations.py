"""Running the program: the store's schema, the plugins, the audit trail, the outbox."""

from __future__ import annotations

import click

from sro_core.cli.app import Session, pass_session, user
from sro_core.cli.arguments import as_uuid, json_option
from sro_core.domain import DomainError
from sro_core.ports import shown_url
from sro_core.serialization import unstructure
from sro_core.service import DispatchReport


class AuditBroken(DomainError):
    """The audit trail does not verify."""


@click.command("init")
@pass_session
def init(session: Session) -> None:
    """Create the store and its schema (a SQLite file's folder is made if missing).

    A store whose directory of actors is empty gets you (your user name) as its first
    supervisor, with no permission: grant the juvenile-records permission with
    `sro actors change YOU --permission juvenile_records` (audited).
    """
    program = session.program
    version = program.storage.schema_version()
    schema = f" (schema version {version})" if version is not None else ""
    session.output.line(f"store ready: {shown_url(session.store_url)}{schema}")
    first = program.register_first_supervisor(user())
    if first is not None:
        session.output.line(f"registered {first.actor_id} as the store's first supervisor")


@click.command("migrate")
@pass_session
def migrate(session: Session) -> None:
    """Bring the store's schema forward to this version of sro_core; print the version."""
    version = session.program.storage.migrate()
    if version is None:
        session.output.line(f"{shown_url(session.store_url)}: this store has no schema versions")
    else:
        session.output.line(f"{shown_url(session.store_url)}: schema version {version}")


@click.command("plugins")
@json_option
@pass_session
def plugins(session: Session, *, as_json: bool) -> None:
    """List the loaded plugins (versions, hooks), those that failed, and what they register."""
    host = session.plugins
    loaded, failed = host.plugins(), host.failures()
    stores = host.storage_registry().backends()
    formats = host.exporter_registry().exporters()
    notifiers = host.notifier_registry().kinds()
    if as_json:
        session.output.json(
            {
                "plugins": [
                    {
                        "name": p.name,
                        "version": p.version,
                        "builtin": p.builtin,
                        "distribution": p.distribution,
                        "hooks": list(p.hooks),
                    }
                    for p in loaded
                ],
                "failures": [{"name": f.name, "error": f.error} for f in failed],
                "storage": [{"scheme": s.scheme, "plugin": s.plugin} for s in stores],
                "exporters": [{"name": e.name, "media_type": e.media_type} for e in formats],
                "notifiers": [{"kind": n.kind, "plugin": n.plugin} for n in notifiers],
            }
        )
        return
    output = session.output
    output.table(
        ("plugin", "version", "built in", "hooks"),
        ((p.name, p.version, "yes" if p.builtin else "no", list(p.hooks)) for p in loaded),
        title="loaded plugins",
    )
    if failed:
        output.table(("plugin", "error"), ((f.name, f.error) for f in failed), title="skipped")
    output.table(
        ("kind", "name", "from plugin"),
        [
            *(("storage", f"{s.scheme}:", s.plugin) for s in stores),
            *(("export", e.name, host.exporter_registry().plugin(e.name)) for e in formats),
            *(("notifier", n.kind, n.plugin) for n in notifiers),
        ],
        title="registered",
    )


@click.group()
def audit() -> None:
    """Verify the audit trail's hash chain and read its entries."""


@audit.command("verify")
@pass_session
def verify_audit(session: Session) -> None:
    """Check the whole audit hash chain; exit 1 if a link is broken."""
    broken = session.program.verify_audit(session.actor)
    if broken is not None:
        raise AuditBroken(f"the audit trail breaks at entry {broken.sequence}: {broken.reason}")
    session.output.line("the audit trail verifies")


@audit.command("show")
@click.option("--after", type=click.IntRange(min=0), default=0, help="After this sequence.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@json_option
@pass_session
def show_audit(session: Session, *, after: int, limit: int, as_json: bool) -> None:
    """Show audit entries after a sequence number."""
    entries = session.program.audit_trail(session.actor, after, limit)
    if as_json:
        session.output.json([unstructure(e) for e in entries])
        return
    calendar = session.settings.calendar
    session.output.table(
        ("seq", "at", "actor", "role", "action", "target", "outcome", "detail"),
        (
            (
                e.sequence,
                calendar.local(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_id,
                e.actor_role,
                e.action,
                e.target,
                e.outcome,
                e.detail,
            )
            for e in entries
        ),
    )


def summary(report: DispatchReport) -> str:
    """Return a dispatch round's (or a worker run's) counts in one line."""
    return (
        f"delivered {report.delivered}, to retry {report.retrying}, dead {report.dead}, "
        f"stale {report.stale}, timed out {report.timed_out}"
    )


@click.group()
def outbox() -> None:
    """Operate the outbox of events for the notifiers: dead letters, dispatch, replay, run."""


@outbox.command("status")
@json_option
@pass_session
def outbox_status(session: Session, *, as_json: bool) -> None:
    """List the deliveries that were given up on (dead letters)."""
    dead = session.program.dead_letters(session.actor)
    if as_json:
        session.output.json([unstructure(d) for d in dead])
        return
    if not dead:
        session.output.line("no dead letters")
        return
    session.output.table(
        ("event", "notifier", "attempts", "last error"),
        ((d.event_id, d.notifier, d.attempts, d.last_error) for d in dead),
        title=f"{len(dead)} dead letters",
    )


@outbox.command("dispatch")
@pass_session
def dispatch(session: Session) -> None:
    """Deliver every due event to the notifiers now."""
    session.output.line(summary(session.program.dispatch(session.actor)))


@outbox.command("replay")
@click.argument("event", metavar="EVENT-ID")
@click.option("--notifier", help="Only the deliveries to this notifier.")
@pass_session
def replay(session: Session, *, event: str, notifier: str | None) -> None:
    """Put an event's dead deliveries back in line and deliver them."""
    key = as_uuid(event)
    if key is None:
        raise click.BadParameter(f"{event!r} is not an event id")
    count = session.program.replay(session.actor, key, notifier)
    session.output.line(f"replayed {count} dead deliveries of {key}")


COMMANDS: tuple[click.Command, ...] = (init, migrate, plugins, audit, outbox)
"""The operator's commands, as ``sro`` adds them."""

# `sro outbox run` and `sro outbox prune` live in a module of their own, which adds them to the
# `outbox` group above when it is imported; it imports this module, hence the import at the end.
from sro_core.cli import outbox_worker as _outbox_worker  # noqa: E402, F401
