"""Running the program: the store's schema, the plugins, the audit trail, the outbox."""

from __future__ import annotations

import click

from sro_core.cli.app import Session, pass_session, user
from sro_core.cli.arguments import as_uuid
from sro_core.cli.output import format_option, plural
from sro_core.errors import AuditBroken as AuditBroken
from sro_core.ports import shown_url
from sro_core.service import DispatchReport
from sro_core.service.anchors import checkpoint_document


@click.command("init")
@pass_session
def init(session: Session) -> None:
    """Create the store and its schema (a SQLite file's folder is made if missing).

    A store whose directory of actors is empty gets you (your user name) as its first
    supervisor, with no permission: grant the juvenile-records permission with
    `sro actors change YOU --permission juvenile_records` (audited). Every other command (but
    `sro demo`) needs a store that exists.

    Example: sro --store sqlite:////var/lib/sro/sro.db init
    """
    program = session.open(create=True)
    version = program.storage.schema_version()
    schema = f" (schema version {version})" if version is not None else ""
    session.output.line(f"store ready: {shown_url(session.store_url)}{schema}")
    first = program.register_first_supervisor(user())
    if first is not None:
        session.output.line(f"registered {first.actor_id} as the store's first supervisor")


@click.command("migrate")
@pass_session
def migrate(session: Session) -> None:
    """Bring the store's schema forward to this version of sro_core; print the version.

    Example: sro migrate
    """
    version = session.program.storage.migrate()
    if version is None:
        session.output.line(f"{shown_url(session.store_url)}: this store has no schema versions")
    else:
        session.output.line(f"{shown_url(session.store_url)}: schema version {version}")


@click.command("plugins")
@format_option
@pass_session
def plugins(session: Session) -> None:
    """List the loaded plugins (versions, hooks), those that failed, and what they register.

    Example: sro plugins --format json
    """
    host = session.plugins
    loaded, failed = host.plugins(), host.failures()
    stores = host.storage_registry().backends()
    formats = host.exporter_registry().exporters()
    notifiers = host.notifier_registry().kinds()
    if session.output.format == "json":
        session.output.json(
            {
                "items": [
                    {
                        "name": p.name,
                        "version": p.version,
                        "builtin": p.builtin,
                        "distribution": p.distribution,
                        "hooks": list(p.hooks),
                    }
                    for p in loaded
                ],
                "next": None,
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
    """Check the whole audit hash chain; exit 1 if a link is broken.

    Example: sro audit verify
    """
    broken = session.program.verify_audit(session.actor)
    if broken is not None:
        raise AuditBroken(f"the audit trail breaks at entry {broken.sequence}: {broken.reason}")
    session.output.line("the audit trail verifies")


@audit.command("show")
@click.option("--after", type=click.IntRange(min=0), default=0, help="After this sequence.")
@click.option(
    "--limit",
    type=click.IntRange(1, 10_000),
    default=50,
    show_default=True,
    help="How many entries to show.",
)
@format_option
@pass_session
def show_audit(session: Session, *, after: int, limit: int) -> None:
    """Show audit entries after a sequence number.

    Example: sro audit show --after 1200 --limit 20 --format plain
    """
    entries = session.program.audit_trail(session.actor, after, limit)
    calendar = session.settings.calendar
    following = str(entries[-1].sequence) if len(entries) == limit else None
    session.output.listing(
        ("seq", "at", "actor", "role", "action", "target", "outcome", "detail"),
        entries,
        row=lambda e: (
            e.sequence,
            calendar.local(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor_id,
            e.actor_role,
            e.action,
            e.target,
            e.outcome,
            e.detail,
        ),
        following=following,
    )


@audit.command("checkpoint")
@format_option
@pass_session
def checkpoint(session: Session) -> None:
    """Seal a checkpoint of the audit trail's head now and keep it outside the store.

    It goes to the checkpoint folder (program.audit_checkpoints) and to every plugin's
    sro_audit_checkpoint hook. It needs the audit key (SRO_AUDIT_KEY or audit_key_file), or
    an Ed25519 signing key (audit_signing_key_file).

    Example: SRO_AUDIT_KEY=... sro audit checkpoint
    """
    taken = session.program.checkpoint_audit(session.actor)
    if session.output.format == "json":
        session.output.json(checkpoint_document(taken))
        return
    folder = session.program.anchors.folder
    where = f" in {folder.path}" if folder is not None else ""
    session.output.line(
        f"checkpoint of entry {taken.sequence} sealed ({taken.method}, key {taken.key_id}){where}"
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
@format_option
@pass_session
def outbox_status(session: Session) -> None:
    """List the deliveries that were given up on (dead letters).

    Example: sro outbox status --json
    """
    dead = session.program.dead_letters(session.actor)
    if not dead and session.output.format in ("table", "plain"):
        session.output.line("no dead letters")
        return
    session.output.listing(
        ("event", "notifier", "attempts", "last error"),
        dead,
        row=lambda d: (d.event_id, d.notifier, d.attempts, d.last_error),
        title=plural(len(dead), "dead letter"),
    )


@outbox.command("dispatch")
@pass_session
def dispatch(session: Session) -> None:
    """Deliver every due event to the notifiers now.

    Example: sro outbox dispatch
    """
    session.output.line(summary(session.program.dispatch(session.actor)))


@outbox.command("replay")
@click.argument("event", metavar="EVENT-ID")
@click.option("--notifier", help="Only the deliveries to this notifier.")
@pass_session
def replay(session: Session, *, event: str, notifier: str | None) -> None:
    """Put an event's dead deliveries back in line and deliver them.

    Example: sro outbox replay EVENT-ID --notifier log
    """
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
