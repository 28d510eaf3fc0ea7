"""``sro review``: the supervisor's queue; submit, approve and return reports; a report's review."""

from __future__ import annotations

import datetime as dt

import click

from sro_core.cli.app import Session, pass_session
from sro_core.cli.incidents import reported
from sro_core.cli.output import format_option
from sro_core.serialization import unstructure


def age_text(age: dt.timedelta) -> str:
    """Return how long a report has waited, in days and hours (``2 d 5 h``, ``40 min``)."""
    hours, seconds = divmod(max(int(age.total_seconds()), 0), 3600)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {seconds // 60} min"
    return f"{seconds // 60} min"


@click.group("review", invoke_without_command=True)
@format_option
@click.pass_context
def review(context: click.Context) -> None:
    """Review of reports: without a subcommand, the reports waiting, oldest first, with age.

    Example: sro review --format csv
    """
    if context.invoked_subcommand is not None:
        return
    session = context.find_object(Session)
    if session is None:  # pragma: no cover - the group always runs inside ``sro``
        raise click.UsageError("sro review runs as a subcommand of sro")
    if session.settings.review != "on":
        session.output.note(
            'this program does not review reports: put review = "on" in the configuration\'s '
            "[program] table to list the reports waiting"
        )
    session.output.listing(
        ("number", "category", "waiting since", "age"),
        session.program.review_queue(session.actor),
        row=lambda w: (
            w.incident.number,
            w.incident.category,
            session.local_text(w.since),
            age_text(w.age),
        ),
        wire=lambda w: {
            "number": w.incident.number,
            "id": str(w.incident.id),
            "category": w.incident.category,
            "since": unstructure(w.since),
            "age_seconds": int(w.age.total_seconds()),
        },
        title="reports waiting for review",
    )


_COMMENT = click.option("--comment", default="", help="What the reviewer or the officer says.")


@review.command("submit")
@click.argument("incident", metavar="NUMBER-or-ID")
@_COMMENT
@pass_session
def submit(session: Session, *, incident: str, comment: str) -> None:
    """Submit a report for review (again, once a returned one is corrected).

    Example: sro --as ofc.reyes review submit 2025-000042 --comment "Witness named."
    """
    done = session.program.submit_report(session.actor, session.incident_id(incident), comment)
    reported(session, done, "submitted")


@review.command("approve")
@click.argument("incident", metavar="NUMBER-or-ID")
@_COMMENT
@pass_session
def approve(session: Session, *, incident: str, comment: str) -> None:
    """Approve a submitted report (a supervisor's; not one they submitted themselves).

    Example: sro review approve 2025-000042
    """
    done = session.program.approve_report(session.actor, session.incident_id(incident), comment)
    reported(session, done, "approved")


@review.command("return")
@click.argument("incident", metavar="NUMBER-or-ID")
@click.option("--comment", required=True, help="What the officer is to correct.")
@pass_session
def return_(session: Session, *, incident: str, comment: str) -> None:
    """Return a submitted report to its officer with comments.

    Example: sro review return 2025-000042 --comment "Name the witness in the narrative."
    """
    done = session.program.return_report(session.actor, session.incident_id(incident), comment)
    reported(session, done, "returned")


@review.command("history")
@click.argument("incident", metavar="NUMBER-or-ID")
@format_option
@pass_session
def history(session: Session, *, incident: str) -> None:
    """Show every step of a report's review: when, who, to what, and the comment.

    Example: sro review history 2025-000042 --format json
    """
    seen = session.incident(incident).value
    session.output.listing(
        ("when", "who", "review", "comment"),
        seen.reviews,
        row=lambda s: (session.local_text(s.at), s.actor_id, s.state.value, s.note),
        wire=unstructure,
        title=f"review of {seen.number} ({seen.review.value})",
    )


COMMANDS = [review]
