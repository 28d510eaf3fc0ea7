"""``sro nibrs``: the records clerk's monthly NIBRS work, check then export.

Added to the ``sro`` command through the ``sro_cli_commands`` hook. Both commands act as the
run's actor and read the incidents as that actor may see them.
"""

from __future__ import annotations

import collections
import re
from pathlib import Path

import click

from sro_core.cli import EXIT_REFUSED, Session
from sro_core_nibrs.monthly import build_month, check_month, submission_file, write_month
from sro_core_nibrs.reports import ReportAction

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_ACTIONS = {
    ReportAction.INCIDENT: "new",
    ReportAction.ADD: "new",
    ReportAction.REPLACE: "replaced",
    ReportAction.DELETE: "deleted",
}


def _month(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    if not MONTH.fullmatch(value):
        raise click.BadParameter(f"{value!r} is not a month: give YYYY-MM, as 2026-03")
    return value


def _session() -> Session:
    return click.get_current_context().find_object(Session) or _no_session()


def _no_session() -> Session:
    raise click.UsageError("sro nibrs runs inside the sro command")


month_option = click.option(
    "--month",
    required=True,
    callback=_month,
    metavar="YYYY-MM",
    help="The reporting month, program-local (2026-03).",
)


@click.group("nibrs")
def nibrs() -> None:
    """NIBRS (FBI IEPD 2019.1): check a month's incidents, then export its submission."""


@nibrs.command("check")
@month_option
def check(month: str) -> None:
    """List what breaks the FBI rules in a month's incidents, one line per problem.

    Each line reads ``<incident number> <segment> <data element>: <what the rule says>
    (rule NNN)``, the rule's number being the FBI's error number. Exits 1 when any is found.
    """
    session = _session()
    result = check_month(session.program, session.actor, month)
    for finding in result.findings:
        session.output.line(finding.line())
    for problem in result.hidden:
        session.output.line(f"{problem.field}: {problem.rule}")
    broken = len({f.number for f in result.findings})
    session.output.note(
        f"{month}: {result.checked} incidents checked, {broken} break a rule"
        f" ({len(result.findings)} problems), {len(result.hidden)} facts hidden from you"
    )
    if result.findings or result.hidden:
        raise click.exceptions.Exit(EXIT_REFUSED)


@nibrs.command("export")
@month_option
@click.option(
    "--to",
    "folder",
    required=True,
    type=click.Path(file_okay=False, dir_okay=True, writable=True, path_type=Path),
    help="The folder the submission (<ORI>-<month>.zip) is written to.",
)
@click.option(
    "--allow-empty",
    is_flag=True,
    help="With nothing to report, submit the month's zero report instead of stopping.",
)
def export(month: str, folder: Path, *, allow_empty: bool) -> None:
    """Write a month's submission and record what was sent in the program's store.

    Says how many incidents went in (new, replaced, deleted), which were left out and why,
    and which the FBI already holds. A month with nothing to send stops with exit status 1,
    unless --allow-empty (a zero report when the month has never been sent).
    """
    session = _session()
    program, actor = session.program, session.actor
    folder.mkdir(parents=True, exist_ok=True)
    ori = program.settings.agency_ori or ""
    path = submission_file(folder, ori, month)
    built = build_month(program, actor, month, name=path.name, allow_empty=allow_empty)
    result, out = built.result, session.output
    for problem in result.problems:
        out.line(f"left out: {problem.field}: {problem.rule}")
    for warning in result.warnings:
        out.note(f"check: {warning.field}: {warning.rule}")
    already = built.already_submitted
    left_out = len({p.field.split()[0] for p in result.problems})
    if not result.documents:
        reason = "nothing to report" if not built.month else "nothing new to send"
        if result.problems:
            reason = "every incident was left out"
        out.note(
            f"{month}: {reason}: {len(built.month)} incidents in the month,"
            f" {len(already)} already submitted, {left_out} left out; no file written"
            + ("" if allow_empty else " (--allow-empty submits a zero report)")
        )
        raise click.exceptions.Exit(EXIT_REFUSED)
    write_month(program, actor, built, path)
    counts = collections.Counter(_ACTIONS.get(d.action, d.action.value) for d in result.documents)
    zero = any(d.number == month for d in result.documents)
    out.line(
        f"{path}: {len(result.exported)} incidents in the submission"
        f" ({', '.join(f'{n} {what}' for what, n in sorted(counts.items()))})"
        + (", a zero report" if zero else "")
    )
    out.line(
        f"left out: {left_out}; already submitted, unchanged: {len(already)};"
        f" not NIBRS offenses: {len(result.not_reported)}; sent again from earlier months:"
        f" {len(built.earlier)}"
    )
