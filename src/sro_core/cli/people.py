"""``sro people``: find people in the master person index, show one with their history, merge."""

from __future__ import annotations

import datetime as dt
import uuid

import click

from sro_core.cli.app import Session, pass_session
from sro_core.cli.arguments import DAY
from sro_core.cli.output import format_option, record_wire
from sro_core.domain import PersonRecord
from sro_core.policy import Seen
from sro_core.serialization import unstructure


@click.group()
def people() -> None:
    """Find, show (with history), correct and merge the people of the master person index."""


def _name(name: str | None, hidden: frozenset[str] | set[str], path: str = "name") -> str:
    return name or ("[redacted]" if path in hidden else "unnamed")


@people.command("find")
@click.argument("name", required=False)
@click.option("--born", type=DAY, help="The date of birth.")
@click.option("--student-number", help="The school's student number.")
@format_option
@pass_session
def find(
    session: Session, *, name: str | None, born: dt.date | None, student_number: str | None
) -> None:
    """List the people who may be the one described, strongest first, and why.

    Nothing is merged: look, then run ``sro people merge``.

    Example: sro people find "Jose Hernandez" --born 2010-04-02
    """
    found = session.program.find_people(
        session.actor, name, date_of_birth=born, student_number=student_number
    )
    session.output.listing(
        ("id", "name", "kind", "born", "student number", "score", "why"),
        found,
        row=lambda c: (
            c.record.id,
            c.record.name,
            c.record.kind,
            c.record.date_of_birth,
            c.record.student_number,
            c.score,
            ", ".join(sorted(r.value for r in c.reasons)),
        ),
        wire=lambda c: {
            "person": unstructure(c.record),
            "score": c.score,
            "reasons": sorted(r.value for r in c.reasons),
        },
        title="people who may match",
    )


@people.command("show")
@click.argument("person", type=click.UUID)
@format_option
@pass_session
def show(session: Session, *, person: uuid.UUID) -> None:
    """Show a person of the index and their history, as the actor may see them.

    Example: sro people show 6f1c2d8e-0b4a-4e55-9a51-3f0f6f3a9b10
    """
    history = session.program.person_history(session.actor, person)
    seen = history.person
    if session.output.format == "json":
        session.output.json(
            {
                "person": None if seen is None else record_wire(seen.value, seen.hidden),
                "people": sorted(str(p) for p in history.people),
                "history": [
                    {"at": unstructure(e.at), "kind": e.kind, "record": unstructure(e.record)}
                    for e in history.entries
                ],
            }
        )
        return
    if seen is None:
        session.output.note(f"person {person}: not at your schools; their records there follow")
    else:
        _fields(session, seen, len(history.people))
    session.output.table(
        ("when", "kind", "record"),
        (
            (session.local_text(e.at), e.kind, getattr(e.record, "number", None) or e.record.id)
            for e in history.entries
        ),
        title="history",
    )


def _fields(session: Session, seen: Seen[PersonRecord], gathered: int) -> None:
    value, hidden = seen.value, seen.hidden
    session.output.fields(
        [
            ("name", _name(value.name, hidden)),
            ("aliases", value.aliases),
            ("kind", value.kind),
            ("born", value.date_of_birth),
            ("student number", value.student_number),
            ("school", session.school_names().get(value.school_id) if value.school_id else None),
            ("merged into", value.merged_into),
            ("ids gathered", gathered),
            ("hidden", sorted(hidden) or None),
        ],
        title=f"person {value.id}",
    )


_REASON = click.option("--reason", required=True, help="Why, for the audit trail.")


@people.command("merge")
@click.argument("keep", type=click.UUID)
@click.argument("duplicate", type=click.UUID)
@_REASON
@pass_session
def merge(session: Session, *, keep: uuid.UUID, duplicate: uuid.UUID, reason: str) -> None:
    """Merge a duplicate record into the one to keep; every record of it follows.

    Example: sro people merge KEEP-ID DUPLICATE-ID --reason "same student number, typo in name"
    """
    done = session.program.merge_people(session.actor, keep, duplicate, reason)
    session.output.line(f"merged person {done.id} into {done.merged_into}")


@people.command("unmerge")
@click.argument("duplicate", type=click.UUID)
@_REASON
@pass_session
def unmerge(session: Session, *, duplicate: uuid.UUID, reason: str) -> None:
    """Undo a merge: the duplicate is a person of their own again, with their own records.

    Example: sro people unmerge DUPLICATE-ID --reason "twins, not one student"
    """
    done = session.program.undo_merge(session.actor, duplicate, reason)
    session.output.line(f"person {done.id} is no longer merged")


_CLEARABLE = ("name", "aliases", "born", "student-number", "grade", "phone", "email", "address")


@people.command("correct")
@click.argument("person", type=click.UUID)
@click.option("--name", help="The corrected name.")
@click.option("--alias", "aliases", multiple=True, help="An alias (repeat; replaces them all).")
@click.option("--born", type=DAY, help="The corrected date of birth.")
@click.option("--student-number", help="The corrected student number.")
@click.option("--grade", type=int, help="The corrected grade.")
@click.option("--phone", help="The corrected phone number.")
@click.option("--email", help="The corrected e-mail address.")
@click.option("--address", help="The corrected address.")
@click.option(
    "--clear",
    multiple=True,
    type=click.Choice(_CLEARABLE),
    help="A detail to remove (repeat).",
)
@_REASON
@pass_session
def correct(
    session: Session,
    /,
    *,
    person: uuid.UUID,
    aliases: tuple[str, ...],
    born: dt.date | None,
    clear: tuple[str, ...],
    reason: str,
    **given: object,
) -> None:
    """Correct a person's details once, for every read through the index (audited).

    The incidents keep the person as each report recorded them.

    Example: sro people correct 6f1c2d8e-0b4a-4e55-9a51-3f0f6f3a9b10 --name "Zoë Ramírez" \
    --reason "accents dropped at intake"
    """
    details: dict[str, object] = {k: v for k, v in given.items() if v is not None}
    if aliases:
        details["aliases"] = aliases
    if born is not None:
        details["date_of_birth"] = born
    for name in clear:
        field = {"born": "date_of_birth"}.get(name, name.replace("-", "_"))
        details[field] = () if field == "aliases" else None
    if not details:
        raise click.UsageError("give a detail to correct (--name, --born, ... or --clear)")
    done = session.program.correct_person(session.actor, person, reason=reason, **details)  # type: ignore[arg-type]
    session.output.line(f"corrected {', '.join(sorted(details))} of person {done.id}")


COMMANDS = [people]
