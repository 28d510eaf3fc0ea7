"""``sro demo``: build a realistic school year in a store, then write its program report."""

from __future__ import annotations

import time
from pathlib import Path

import attrs
import click

from sro_core.builtin.sqlite.database import Address
from sro_core.cli.app import Session, pass_session, user
from sro_core.cli.output import plural
from sro_core.cli.reporting import ReportPluginMissing, school_year_span, write_report
from sro_core.demo import DEFAULT_SEED, DEFAULT_YEAR, StoryClock, Tally, build_school_year
from sro_core.demo.town import PROGRAM_NAME, SERGEANT
from sro_core.domain import ActorEntry, ActorRole, SchoolYear
from sro_core.errors import StoreNotEmpty as StoreNotEmpty
from sro_core.ports import shown_url
from sro_core.service import NotifierSetting, ProgramSettings

DEMO_NOTIFIERS = (NotifierSetting("log", (("level", "DEBUG"),)),)
"""The demo's only notifier: log lines at DEBUG, quiet unless ``--debug`` shows the log."""


@click.command("demo")
@click.option(
    "--seed",
    type=int,
    default=DEFAULT_SEED,
    show_default=True,
    help="The seed of the story: another seed, another year.",
)
@click.option(
    "--scale",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Multiply the volume of contacts, activities and incidents (0.1 is a tenth).",
)
@click.option(
    "--school-year",
    type=click.IntRange(1900, 9998),
    default=DEFAULT_YEAR.start_year,
    show_default=True,
    metavar="YYYY",
    help="The school year, by the year it starts in.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The report file (default: sro-report-<school year>.html here).",
)
@click.option(
    "--reset",
    is_flag=True,
    help="Delete the SQLite store's file first, if it holds records (asks, unless --yes).",
)
@click.option("--yes", is_flag=True, help="Do not ask before --reset deletes the store.")
@pass_session
def demo(
    session: Session,
    *,
    seed: int,
    scale: float,
    school_year: int,
    output: Path | None,
    reset: bool,
    yes: bool,
) -> None:
    """Build a realistic school year of a small city's SRO program, then its report.

    A high school, a middle school and three elementary schools; four SROs with long-term
    assignments and a relief officer; the district, the narcotics (MADNET) and gang (MADGET)
    task forces and county behavioral health as partners under agreements; thousands of
    community contacts and education activities; hundreds of incidents, from parking
    complaints to juvenile arrests, with the seasons of a school year; referrals and their
    outcomes; a lockdown drill and a real lockdown. The sergeant reviews every report: most
    are approved, a few returned with a comment and corrected, and the year's last report
    still waits for review at its end.

    Everything goes through the Program's commands, with the program's clock set to the
    story's times, into the store (--store, else the default SQLite file), which must be
    empty. The configuration's program settings are used (its name too, if one is set),
    but the program reviews reports (review = "on"), and events go only to the log notifier,
    at DEBUG, and are dispatched once at the end.
    The same --seed, --scale and --school-year always build the same records.
    The store's URL and then the path of the program report of the year are the last two
    lines printed; without the report plugin the data is still built, the command says how
    to install the plugin, and it exits 0. A second run needs --reset (or another --store).

    Example: sro --store sqlite:///build/demo.db demo --reset --yes --output build/report.html
    """
    if reset:
        _reset(session, assume_yes=yes)
    year = SchoolYear(school_year)
    clock = StoryClock()
    settings = attrs.evolve(
        session.settings, notifiers=DEMO_NOTIFIERS, dispatch_after_commit=False, review="on"
    )
    if settings.name == ProgramSettings().name:
        settings = attrs.evolve(settings, name=PROGRAM_NAME)
    program = session.open(settings=settings, clock=clock, create=True)
    if program.schools(SERGEANT) or program.officers(SERGEANT):
        raise StoreNotEmpty(
            f"{shown_url(session.store_url)} already holds records: the demo needs an empty store "
            "(start again with --reset, or give another --store)"
        )
    output_ = session.output
    started = time.perf_counter()
    days = (year.last_day - year.first_day).days + 1
    with output_.progress(f"school year {year}", days) as advance:

        def month_done(month: str, added: Tally) -> None:
            output_.stage(
                f"{month}: {plural(added.contacts, 'contact')}, "
                f"{plural(added.activities, 'activity')}, "
                f"{plural(added.incidents, 'incident')} ({added.escalated} escalated), "
                f"{plural(added.referrals, 'referral')}, {plural(added.arrests, 'arrest')}"
            )

        summary = build_school_year(
            program,
            clock,
            seed=seed,
            scale=scale,
            year=year,
            on_day=lambda _day: advance(1),
            on_month=month_done,
        )
    tally = summary.tally
    output_.stage(
        f"built {year} in {time.perf_counter() - started:.1f} s: {summary.schools} schools, "
        f"{summary.officers} officers, {summary.partners} partners, {summary.agreements} "
        f"agreements; {tally.contacts} contacts, {tally.activities} activities, "
        f"{plural(tally.incidents, 'incident')} ({tally.escalated} escalated, "
        f"{plural(tally.arrests, 'arrest')}, {plural(tally.closed, 'closing')}, "
        f"{tally.reopened} reopened), {plural(tally.referrals, 'referral')}, "
        f"{plural(tally.crises, 'crisis', 'crises')} with "
        f"{plural(tally.crisis_messages, 'message')}; "
        f"{summary.events_delivered} events delivered; store: {shown_url(session.store_url)}"
    )
    review = summary.review
    output_.stage(
        f"review: {plural(review.submitted, 'submission')}, {review.approved} approved, "
        f"{review.returned} returned with a comment, {len(summary.waiting)} waiting at the "
        "year's end"
    )
    if session.settings.review != "on":
        output_.note(
            "the demo's program reviews reports: put review = \"on\" in the configuration's "
            "[program] table to work its queue with sro review (and to send only approved "
            "reports to NIBRS)"
        )
    first = program.register_first_supervisor(user())
    if first is not None:
        program.register_actor(
            first.actor(), ActorEntry("analyst", "Demo analyst", ActorRole.ANALYST)
        )
        output_.note(f"registered {user()} as the store's first supervisor, and an analyst")
    try:
        path = write_report(
            session,
            program,
            SERGEANT,
            school_year_span(session, year),
            output=output or Path(f"sro-report-{year}.html"),
        )
    except ReportPluginMissing as missing:
        output_.line(f"store: {shown_url(session.store_url)}")
        output_.note(str(missing))
        return
    output_.line(f"store: {shown_url(session.store_url)}")
    output_.line(str(path.absolute()))


def _reset(session: Session, *, assume_yes: bool) -> None:
    """Delete the SQLite store's file (and its journal files), after asking unless told not to."""
    url = session.store_url
    if not url.startswith("sqlite:"):
        raise click.UsageError("--reset deletes a SQLite store's file only: clear others yourself")
    address = Address.from_url(url)
    if address.in_memory:
        return
    files = [Path(address.path + suffix) for suffix in ("", "-wal", "-shm", "-journal")]
    if not files[0].exists():
        return
    if not assume_yes:
        click.confirm(f"delete every record in {address.path}?", abort=True, err=True)
    for file in files:
        file.unlink(missing_ok=True)


COMMANDS: tuple[click.Command, ...] = (demo,)
"""The demo command, as ``sro`` adds it."""
