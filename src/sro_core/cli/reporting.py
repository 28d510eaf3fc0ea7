"""``sro export`` and ``sro report``: records in a registered format, and the program report.

Both hand the file they are given to the program, which writes it whole or not at all
(:func:`sro_core.files.written_whole`): a refused or failed run leaves an existing file as it
was, and the store's own files are never a target.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import uuid
from pathlib import Path

import attrs
import click

from sro_core.cli.app import Session, pass_session
from sro_core.cli.arguments import MONTH
from sro_core.cli.choosing import IncidentChoice, incident_filters
from sro_core.cli.output import plural
from sro_core.domain import Actor, SchoolYear
from sro_core.errors import ReportPluginMissing as ReportPluginMissing
from sro_core.files import Target, check_target, store_files, written_whole
from sro_core.policy import may
from sro_core.ports import ExportInput, IncidentFilter, Page, Period, UnknownExporter
from sro_core.serialization import unstructure
from sro_core.service import Action, Program, RecordKind

CRDC_UNREVIEWED = (
    "the CRDC counts include reports a supervisor has not approved yet: a student was referred"
    " or arrested whether or not the report of it has been approved"
)
"""What a CRDC export of a program that reviews reports says of the reports it counts."""
REPORT_FORMAT = "report-html"
"""The exporter the report plugin registers."""
REPORT_HINT = (
    "the program report needs the report plugin: pip install sro-core-report "
    "(from plugins/sro-core-report in this repository)"
)


@attrs.frozen
class Span:
    """A period a report covers, with its label and its title.

    The label names files (``2026-09``, ``2026-27``); the title heads the report
    (``September 2026``, ``school year 2026-27``).
    """

    label: str
    title: str
    period: Period


def month_span(session: Session, year: int, month: int) -> Span:
    """Return a program-local month."""
    calendar = session.settings.calendar
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return Span(
        f"{year:04d}-{month:02d}",
        f"{first:%B %Y}",
        Period(calendar.day_bounds(first)[0], calendar.day_bounds(following)[0]),
    )


def school_year_span(session: Session, year: SchoolYear) -> Span:
    """Return a school year, July to June, in the program's time zone."""
    start, end = session.settings.calendar.span(year.first_day, year.last_day)
    return Span(str(year), f"school year {year}", Period(start, end))


def chosen_span(
    session: Session,
    month: tuple[int, int] | None,
    school_year: int | None,
    *,
    latest: bool = False,
) -> Span:
    """Return the span ``--month`` or ``--school-year`` names; by default, this school year.

    With ``latest``, the default is the school year of the newest incident the actor may read
    (this school year when there is none), so a report of a past year's store is not empty.
    """
    if month is not None and school_year is not None:
        raise click.UsageError("give --month or --school-year, not both")
    if month is not None:
        return month_span(session, *month)
    if school_year is not None:
        return school_year_span(session, SchoolYear(school_year))
    return school_year_span(session, latest_school_year(session) if latest else this_year(session))


def this_year(session: Session) -> SchoolYear:
    """Return the school year of the program's today."""
    return SchoolYear.of(session.today())


def latest_school_year(session: Session) -> SchoolYear:
    """Return the school year of the newest incident the actor may read, else this one."""
    if not may(session.actor, Action.READ_RECORDS):
        return this_year(session)
    page = session.program.find_incidents(session.actor, IncidentFilter(), Page(size=1))
    if not page.items:
        return this_year(session)
    newest = session.settings.calendar.local_date(page.items[0].value.occurred_start)
    return min(SchoolYear.of(newest), this_year(session), key=lambda y: y.start_year)


period_options = (
    click.option("--month", type=MONTH, help="A month, YYYY-MM."),
    click.option(
        "--school-year",
        type=click.IntRange(1900, 9999),
        metavar="YYYY",
        help="A school year by the year it starts in (2026 is 2026-27; default: the school year "
        "of the newest incident, else this one).",
    ),
)


def write_report(
    session: Session,
    program: Program,
    actor: Actor,
    span: Span,
    *,
    school_id: uuid.UUID | None = None,
    output: Path | None = None,
    format_name: str = REPORT_FORMAT,
) -> Path:
    """Write the program report of a span to a file; return its path.

    :raises ReportPluginMissing: when the report plugin is not installed.
    """
    target = output or Path(f"sro-report-{span.label}.html")
    try:
        with session.output.progress("writing the program report"):
            program.report(
                actor,
                target,
                period=span.period,
                label=span.title,
                school_id=school_id,
                format_name=format_name,
            )
    except UnknownExporter as missing:
        if missing.name == REPORT_FORMAT:
            raise ReportPluginMissing(REPORT_HINT) from missing
        raise
    return target


@click.command("report")
@period_options[0]
@period_options[1]
@click.option("--school", metavar="SCHOOL", help="One school's report (default: every school).")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file (default: sro-report-<period>.html here).",
)
@click.option(
    "--format",
    "format_name",
    default=REPORT_FORMAT,
    show_default=True,
    help="A report format (see `sro plugins`).",
)
@pass_session
def report(
    session: Session,
    *,
    month: tuple[int, int] | None,
    school_year: int | None,
    school: str | None,
    output: Path | None,
    format_name: str,
) -> None:
    """Write the program report (charts and tables of the period) and print its path.

    Without --month or --school-year, the report covers the school year of the newest
    incident (this school year if there is none), so a past year's store is reported as it is.
    --format report-pdf prints the same page to PDF (it needs headless Chromium).

    Example: sro report --school-year 2025 --format report-pdf --output report.pdf
    """
    if output is not None:
        check_target(output, store_files(session.store_url))  # before the store is opened
    span = chosen_span(session, month, school_year, latest=True)
    school_id = session.school(school).id if school else None
    path = write_report(
        session,
        session.program,
        session.actor,
        span,
        school_id=school_id,
        output=output,
        format_name=format_name,
    )
    session.output.line(str(path))


ALL = "all"
"""The --kind of an export of the whole program: a bundle that `sro import all` reads."""

_ROW_NOUNS = {
    RecordKind.INCIDENTS: "incident",
    RecordKind.CONTACTS: "contact",
    RecordKind.ACTIVITIES: "activity",
    RecordKind.MONTHLY_COUNTS: "monthly count",
}


@click.command("export")
@click.option(
    "--format",
    "format_name",
    default="csv",
    show_default=True,
    help="A registered export format (see `sro plugins`).",
)
@click.option(
    "--kind",
    type=click.Choice([*(k.value for k in RecordKind), ALL]),
    default="incidents",
    show_default=True,
    help="What a format of flat rows (csv, jsonl) writes; all: the whole program as one "
    "JSON-lines bundle (directory and records) that `sro import all` reads back.",
)
@incident_filters
@click.option("--month", type=MONTH, help="The month of monthly counts, YYYY-MM.")
@click.option(
    "--school-year",
    type=click.IntRange(1900, 9999),
    metavar="YYYY",
    help="The school year of monthly counts (default: this one) or of a CRDC format (default: "
    "the school year of the newest incident).",
)
@click.option(
    "--option",
    "options",
    multiple=True,
    metavar="KEY=VALUE",
    help="A setting of the format itself, such as period=2026-09 or against=ledger (repeat).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="The file (default: standard output).",
)
@pass_session
def export(
    session: Session,
    *,
    format_name: str,
    kind: str,
    chosen: IncidentChoice,
    month: tuple[int, int] | None,
    school_year: int | None,
    options: tuple[str, ...],
    output: Path | None,
) -> None:
    """Export records, redacted for the actor's audience, in a registered format.

    A format of flat rows writes --kind; a format of whole incidents (nibrs-xml) writes the
    incidents the filters choose; a CRDC format writes --school-year's counts. Monthly counts
    cover --month or --school-year (default: this school year). A report format (report-html)
    writes the program report of --month or --school-year, as `sro report` does. Every export
    is audited.

    Example: sro export --format jsonl --kind contacts --output contacts.jsonl
    """
    if kind == ALL:
        if chosen.given or format_name not in ("csv", "jsonl"):
            raise click.UsageError("--kind all writes the whole program as JSON lines: no filters")
        write_bundle(session, output)
        return None
    return _export(
        session,
        format_name=format_name,
        kind=RecordKind(kind),
        chosen=chosen,
        month=month,
        school_year=school_year,
        options=options,
        output=output,
    )


def write_bundle(session: Session, output: Path | None) -> None:
    """Write the program's bundle as JSON lines to a file or standard output."""
    bundle = session.program.bundle(session.actor)
    lines = (
        json.dumps({"kind": kind, "record": unstructure(record)}, ensure_ascii=False) + "\n"
        for kind, record in bundle.records()
    )
    count = 0
    if output is None or str(output) == "-":
        for line in lines:
            sys.stdout.write(line)
            count += 1
        sys.stdout.flush()
        session.output.note(f"exported {plural(count, 'record')} as a bundle")
        return
    with written_whole(output, protected=store_files(session.store_url)) as out:
        for line in lines:
            out.write(line)
            count += 1
    session.output.line(f"exported {plural(count, 'record')} as a bundle to {output}")


def _export(
    session: Session,
    *,
    format_name: str,
    kind: RecordKind,
    chosen: IncidentChoice,
    month: tuple[int, int] | None,
    school_year: int | None,
    options: tuple[str, ...],
    output: Path | None,
) -> None:
    if chosen.given and kind is not RecordKind.INCIDENTS:
        raise click.UsageError("the filters choose incidents: use them with --kind incidents")
    where = chosen.where(session) if kind is RecordKind.INCIDENTS else None
    period = None
    if kind is RecordKind.MONTHLY_COUNTS:
        period = chosen_span(session, month, school_year).period
    elif month is not None:
        raise click.UsageError("--month chooses the period of --kind monthly_counts")
    settings: dict[str, str] = {}
    for option in options:
        key, equals, value = option.partition("=")
        if not equals or not key.strip():
            raise click.BadParameter(f"{option!r} is not KEY=VALUE", param_hint="--option")
        settings[key.strip()] = value
    protected = store_files(session.store_url)
    if output is not None and str(output) != "-":
        check_target(output, protected)  # before the store is opened
    program, actor = session.program, session.actor
    exporter = program.plugins.exporter_registry().get(format_name)
    if exporter.takes is ExportInput.REPORT:
        if chosen.given or kind is not RecordKind.INCIDENTS:
            raise click.UsageError(f"{format_name} writes the program report: give no filters")
        path = write_report(
            session,
            program,
            actor,
            chosen_span(session, month, school_year),
            output=output,
            format_name=format_name,
        )
        session.output.line(str(path))
        return
    year = SchoolYear(school_year) if school_year is not None else None
    if exporter.takes is ExportInput.CRDC_COUNTS:
        year = _crdc_year(session, program, year)
    noun = {
        ExportInput.INCIDENTS: "incident",
        ExportInput.CRDC_COUNTS: "school row",
    }.get(exporter.takes, _ROW_NOUNS[kind])

    def write(to: Target) -> int:
        with session.output.progress(f"exporting {kind.value}"):
            return program.export(
                actor,
                format_name,
                to,
                kind=kind,
                where=where,
                period=period,
                school_year=year,
                options=settings,
            )

    if output is None or str(output) == "-":
        rows = write(sys.stdout)
        session.output.note(f"exported {plural(rows, noun)} as {format_name}")
        return
    rows = write(output)  # written whole: a failed export leaves the file as it was
    session.output.line(f"exported {plural(rows, noun)} as {format_name} to {output}")


def _crdc_year(session: Session, program: Program, year: SchoolYear | None) -> SchoolYear:
    """Return the school year a CRDC export counts, and say what it counts (unreviewed too)."""
    if year is None:
        year = latest_school_year(session)
        session.output.note(f"CRDC counts of school year {year} (--school-year chooses another)")
    if program.settings.review == "on":
        session.output.note(CRDC_UNREVIEWED)
    return year


COMMANDS: tuple[click.Command, ...] = (export, report)
"""The export and report commands, as ``sro`` adds them."""
