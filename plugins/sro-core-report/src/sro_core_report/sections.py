"""The report's sections: each figure of a ProgramReport laid out as tables and chart data.

Nothing here draws or writes HTML: :func:`contents` turns a report into plain values that
``charts`` draws and the page template prints. Suppressed counts (None) stay suppressed: a
table shows them as ``suppressed``, a total that includes one shows only what the shown counts
prove (``at least 37``: each suppressed count is at least 1), so the exact total never gives a
suppressed count away, and a chart leaves them out and says how many it left out.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

import attrs

from sro_core.domain import (
    Audience,
    ContactParty,
    ContactPurpose,
    LocationKind,
    ProgramCalendar,
    ReferralReason,
    ReferralStatus,
    TriadRole,
)
from sro_core.ports import CrdcMeasure, Period, ProgramReport
from sro_core_report.labels import duration, label, local_time, month_label
from sro_core_report.palette import PLACES, REFERRAL_STATUSES, TRIAD, Swatch, swatch

Count = int | None
"""A count as the report holds it: None when it is suppressed for the audience."""
E = TypeVar("E", bound=enum.Enum)

NOTHING = "Nothing in this period."
"""What an empty section says."""
FIGURES = frozenset({"count", "number", "suppressed"})
"""The kinds of cell that hold a figure."""
HOURS_FROM = 20 * 60
"""An officer's minutes beyond which the triad chart counts hours instead."""
TOP_CATEGORIES = 6
"""The category chart's bars stack this many categories; the rest stack as one, all others."""
ALL_OTHERS = "All other categories"
"""The label of the categories the chart stacks as one (the table lists each)."""


@attrs.frozen
class Cell:
    """A table cell: its text, its kind and a hint."""

    text: str
    kind: str = "text"
    """``text``, ``count``, ``number``, ``suppressed`` or ``state``; also its CSS class."""
    note: str = ""
    """Shown when the pointer rests on the cell (a category's code, what suppressed means)."""


@attrs.frozen
class Row:
    """A row; ``kind`` marks a ``total`` row, an ``overdue`` agreement, an ``active`` crisis."""

    cells: tuple[Cell, ...]
    kind: str = ""


@attrs.frozen
class Table:
    """A table: its caption, its column headings and its rows (the first cell heads the row)."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]

    @property
    def numeric(self) -> tuple[bool, ...]:
        """Return, for each column, whether it holds figures (aligned right, as its cells)."""
        return tuple(
            any(n < len(row.cells) and row.cells[n].kind in FIGURES for row in self.rows)
            for n in range(len(self.header))
        )


@attrs.frozen
class Series:
    """One stacked series of a bar chart: its label, a value per bar and its fill."""

    label: str
    values: tuple[float, ...]
    swatch: Swatch


@attrs.frozen
class BarChart:
    """A stacked bar chart: bars (months, officers …), the series stacked on them, the unit."""

    title: str
    bars: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str
    horizontal: bool = False

    @property
    def alt(self) -> str:
        """Return the chart's text alternative: what it shows, and where its figures are."""
        kind = "Horizontal stacked bar chart" if self.horizontal else "Stacked bar chart"
        return f"{kind}: {self.title}. The table in this section gives every figure."


@attrs.frozen
class Section:
    """A section of the report; with no tables, it has nothing for the period."""

    key: str
    title: str
    summary: str
    tables: tuple[Table, ...] = ()
    chart: BarChart | None = None
    notes: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """Return whether the period has nothing for this section."""
        return not self.tables


@attrs.frozen
class Masthead:
    """The page's header: what program, scope and period, for whom, and how it was redacted."""

    program_name: str
    title: str
    scope: str
    period: str
    generated: str
    audience: str
    suppression: str
    notes: tuple[str, ...] = ()


@attrs.frozen
class Headline:
    """A headline figure beside last year's: ``229``, ``last year 212 (+8%)``."""

    label: str
    value: str
    last_year: str


@attrs.frozen
class Contents:
    """Everything the page shows, in order."""

    masthead: Masthead
    sections: tuple[Section, ...]
    headline: tuple[Headline, ...] = ()


def contents(report: ProgramReport, calendar: ProgramCalendar) -> Contents:
    """Lay out a report: its header and its eight sections, with times in local time."""
    months = period_months(report.period, calendar, (f.month for f in report.monthly))
    counts = _Counts(report.suppression_threshold)
    return Contents(
        _masthead(report, calendar),
        (
            _incidents(report, months, counts),
            _places(report, months, counts),
            _triad(report),
            _contacts(report, counts),
            _referrals(report, counts),
            _crdc(report, calendar, counts),
            _crises(report, calendar),
            _agreements(report, calendar),
        ),
        tuple(
            _headline(figure.label, figure.count, figure.last_year) for figure in report.headline
        ),
    )


def _headline(name: str, count: Count, before: Count) -> Headline:
    """Return a headline figure with last year's beside it, and the change if both are shown."""
    value = "suppressed" if count is None else f"{count:,}"
    if before is None:
        return Headline(name, value, "last year: suppressed")
    change = ""
    if count is not None and before:
        change = f" ({(count - before) / before:+.0%})"
    return Headline(name, value, f"last year: {before:,}{change}")


def period_months(
    period: Period, calendar: ProgramCalendar, seen: Iterable[str] = ()
) -> tuple[str, ...]:
    """Return every local month (``YYYY-MM``) the period touches, and any other month seen."""
    first = calendar.local(period.start)
    last = calendar.local(period.end - dt.timedelta(microseconds=1))
    months = set(seen)
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.add(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(sorted(months))


def add(first: Count, second: Count) -> Count:
    """Return the sum of two counts; suppressed if either is."""
    return None if first is None or second is None else first + second


def total(counts: Iterable[Count]) -> Count:
    """Return the sum of counts; suppressed if any is."""
    result: Count = 0
    for count in counts:
        result = add(result, count)
    return result


@attrs.frozen
class _Counts:
    """Cells for counts that may be suppressed, under the program's threshold."""

    threshold: int

    def cell(self, count: Count) -> Cell:
        if count is None:
            hint = f"suppressed: under {self.threshold}, or one that would give such a count away"
            return Cell("suppressed", "suppressed", hint)
        return Cell(f"{count:,}", "count")

    def total_cell(self, counts: Iterable[Count]) -> Cell:
        """Return a total's cell; with suppressed counts in it, the least it can be."""
        values = list(counts)
        hidden = sum(value is None for value in values)
        if not hidden:
            return self.cell(total(values))
        least = sum(value or 0 for value in values) + hidden
        note = f"includes {hidden} suppressed (each 1 to {self.threshold - 1}): at least {least:,}"
        return Cell(f"at least {least:,}", "suppressed", note)

    def left_out(self, suppressed: int) -> tuple[str, ...]:
        """Return the note on suppressed figures a chart leaves out, if it left any out."""
        if not suppressed:
            return ()
        if suppressed == 1:
            return ("1 suppressed figure is left out of the chart.",)
        return (f"{suppressed} suppressed figures are left out of the chart.",)


def _number(value: int) -> Cell:
    return Cell(f"{value:,}", "number")


def _ordered(members: Iterable[E], kind: type[E]) -> list[E]:
    """Return the members present, in the enum's own order."""
    present = set(members)
    return [member for member in kind if member in present]


def _masthead(report: ProgramReport, calendar: ProgramCalendar) -> Masthead:
    first = calendar.local_date(report.period.start)
    last = calendar.local_date(report.period.end - dt.timedelta(microseconds=1))
    threshold = report.suppression_threshold
    if report.audience is Audience.AGGREGATE:
        suppression = (
            f"Suppression threshold {threshold}: counts from 1 to {threshold - 1} are shown as"
            ' "suppressed", and so are the totals that include them and as many other counts'
            " as it takes for none of them to be worked out from what is shown."
        )
    else:
        suppression = (
            f"Suppression threshold {threshold}: applies to analysts and the public; this"
            " audience sees every count."
        )
    return Masthead(
        program_name=report.program_name,
        title=f"Program report: {report.period_label}",
        scope=report.scope,
        period=f"{first.isoformat()} to {last.isoformat()}, {calendar.time_zone} time",
        generated=local_time(calendar.local(report.generated_at)),
        audience=label(report.audience),
        suppression=suppression,
        notes=report.notes,
    )


@attrs.frozen
class _Line:
    """One row of a month-by-month table: its label, its fill in the chart, its counts."""

    label: str
    swatch: Swatch
    counts: Mapping[str, Count]
    note: str = ""


def _top_lines(lines: Sequence[_Line], months: Sequence[str]) -> list[_Line]:
    """Return the largest lines and one line of all others summed (suppressed ones stay out)."""
    if len(lines) <= TOP_CATEGORIES + 1:
        return list(lines)

    def size(line: _Line) -> int:
        return sum(line.counts.get(m, 0) or 0 for m in months)

    ranked = sorted(lines, key=size, reverse=True)
    kept, rest = ranked[:TOP_CATEGORIES], ranked[TOP_CATEGORIES:]
    others: dict[str, Count] = {m: sum(line.counts.get(m, 0) or 0 for line in rest) for m in months}
    order = {id(line): n for n, line in enumerate(lines)}
    kept.sort(key=lambda line: order[id(line)])
    return [*kept, _Line(ALL_OTHERS, swatch(len(kept)), others, note="the other categories")]


def _by_month(
    shell: Section,
    heading: str,
    lines: Sequence[_Line],
    months: Sequence[str],
    counts: _Counts,
    *,
    top: bool = False,
) -> Section:
    """Return a section of counts by month: a table with totals and a stacked bar chart."""
    if not lines:
        return shell
    key, title, summary = shell.key, shell.title, shell.summary
    many = len(months) > 1
    header = (heading, *(month_label(m) for m in months), *(["Total"] if many else []))
    rows = []
    for line in lines:
        values = [line.counts.get(m, 0) for m in months]
        extra = [counts.total_cell(values)] if many else []
        cells = (Cell(line.label, note=line.note), *map(counts.cell, values), *extra)
        rows.append(Row(cells))
    by_month = [[line.counts.get(m, 0) for line in lines] for m in months]
    sums = [counts.total_cell(column) for column in by_month]
    extra = [counts.total_cell(c for column in by_month for c in column)] if many else []
    rows.append(Row((Cell("All"), *sums, *extra), "total"))
    table = Table(f"{title}, by month", header, tuple(rows))
    drawn = _top_lines(lines, months) if top else lines
    if many:
        chart, notes = _stacked_by_month(title, drawn, months, counts)
    else:
        chart, notes = _one_month(title, drawn, months[0], counts)
    if len(drawn) < len(lines):
        stacked = (
            f"The chart stacks the {TOP_CATEGORIES} largest categories and all others as one;"
            " the table lists every category."
        )
        notes = (stacked, *notes)
    return Section(key, title, summary, (table,), chart, notes)


def _stacked_by_month(
    title: str, lines: Sequence[_Line], months: Sequence[str], counts: _Counts
) -> tuple[BarChart | None, tuple[str, ...]]:
    """Return a bar per month, each line's count stacked on it in the line's fill."""
    series = []
    left_out = 0
    for line in lines:
        values = [line.counts.get(m, 0) for m in months]
        left_out += sum(value is None for value in values)
        if any(values):
            series.append(Series(line.label, tuple(float(v or 0) for v in values), line.swatch))
    bars = tuple(month_label(m, two_lines=True) for m in months)
    return _chart_or_note(BarChart(title, bars, (), "incidents"), series, left_out, counts)


def _one_month(
    title: str, lines: Sequence[_Line], month: str, counts: _Counts
) -> tuple[BarChart | None, tuple[str, ...]]:
    """Return a bar per line for a single month: one stacked bar would say little."""
    shown = [(line.label, line.counts.get(month, 0)) for line in lines]
    kept = [(name, value) for name, value in shown if value is not None]
    series = []
    if any(value for _, value in kept):
        values = tuple(float(value or 0) for _, value in kept)
        series.append(Series(month_label(month), values, swatch(0)))
    bars = tuple(name for name, _ in kept)
    shape = BarChart(f"{title}, {month_label(month)}", bars, (), "incidents", horizontal=True)
    return _chart_or_note(shape, series, len(shown) - len(kept), counts)


def _chart_or_note(
    shape: BarChart, series: Sequence[Series], left_out: int, counts: _Counts
) -> tuple[BarChart | None, tuple[str, ...]]:
    """Return the chart with its series and the notes on what it leaves out, or why it is none."""
    if not series:
        return None, ("Every figure here is suppressed, so there is no chart.",)
    return attrs.evolve(shape, series=tuple(series)), counts.left_out(left_out)


def _incidents(report: ProgramReport, months: Sequence[str], counts: _Counts) -> Section:
    described = dict(report.categories)
    order = {code: n for n, code in enumerate(described)}
    cells: dict[str, dict[str, Count]] = {}
    for figure in report.monthly:
        by_month = cells.setdefault(figure.category, {})
        by_month[figure.month] = add(by_month.get(figure.month, 0), figure.count)
    codes = sorted(cells, key=lambda code: (order.get(code, len(order)), code))
    lines = [
        _Line(described.get(code, code), swatch(n), cells[code], note=f"code {code}")
        for n, code in enumerate(codes)
    ]
    shell = Section(
        "incidents",
        "Incidents by month and category",
        "Incidents reported, by the program-local month they occurred in and their category.",
    )
    return _by_month(shell, "Category", lines, months, counts, top=True)


def _places(report: ProgramReport, months: Sequence[str], counts: _Counts) -> Section:
    cells: dict[LocationKind, dict[str, Count]] = {}
    for figure in report.locations:
        by_month = cells.setdefault(figure.location_kind, {})
        by_month[figure.month] = add(by_month.get(figure.month, 0), figure.count)
    kinds = list(PLACES) + sorted(set(cells) - set(PLACES), key=lambda k: str(k.value))
    lines = (
        [
            _Line(label(kind), PLACES.get(kind, swatch(n)), cells.get(kind, {}))
            for n, kind in enumerate(kinds)
        ]
        if cells
        else []
    )
    shell = Section(
        "places",
        "On campus and in the community",
        "Incidents by where they happened: on campus, next to a school, in the community or"
        " online, by month.",
    )
    return _by_month(shell, "Where", lines, months, counts)


def _triad(report: ProgramReport) -> Section:
    key, title = "triad", "How officers' time splits across the triad"
    summary = (
        "Minutes each officer logged in community contacts and education activities, by role"
        " of the NASRO triad: law enforcement, informal counselor / mentor, educator."
    )
    sums: dict[tuple[str, TriadRole], list[int]] = {}
    for figure in report.triad:
        row = sums.setdefault((figure.officer, figure.triad_role), [0, 0, 0])
        row[0] += figure.contacts
        row[1] += figure.activities
        row[2] += figure.minutes
    if not sums:
        return Section(key, title, summary)
    officers = sorted({officer for officer, _ in sums})
    roles = list(TRIAD) + sorted({r for _, r in sums} - set(TRIAD), key=lambda r: str(r.value))
    minutes = {
        officer: sum(sums.get((officer, r), [0, 0, 0])[2] for r in roles) for officer in officers
    }
    rows = []
    for officer in officers:
        for role in roles:
            if (officer, role) not in sums:
                continue
            contacts, activities, spent = sums[officer, role]
            share = f"{spent / minutes[officer]:.0%}" if minutes[officer] else "-"
            cells = (Cell(officer), Cell(label(role)), _number(contacts), _number(activities))
            rows.append(Row((*cells, _number(spent), Cell(share, "number"))))
    header = ("Officer", "Role", "Contacts", "Activities", "Minutes", "Share of the officer's time")
    table = Table("Contacts, activities and minutes per officer and role", header, tuple(rows))
    # A school year runs to thousands of minutes: the chart counts hours once they read better.
    unit, per = ("hours", 60.0) if max(minutes.values()) > HOURS_FROM else ("minutes", 1.0)
    series = [
        Series(
            label(role),
            tuple(sums.get((o, role), [0, 0, 0])[2] / per for o in officers),
            TRIAD.get(role, swatch(n)),
        )
        for n, role in enumerate(roles)
        if any(sums.get((o, role), [0, 0, 0])[2] for o in officers)
    ]
    chart = (
        BarChart(
            f"Time per officer by triad role, in {unit}",
            tuple(officers),
            tuple(series),
            unit,
            horizontal=True,
        )
        if series
        else None
    )
    return Section(key, title, summary, (table,), chart)


def _contacts(report: ProgramReport, counts: _Counts) -> Section:
    key, title = "contacts", "Community contacts: who and why"
    summary = (
        "The daily contact log: who came to the SRO (or whom the SRO approached) and what"
        " about, with the minutes spent. Minutes of a suppressed count are suppressed too."
    )
    if not report.contacts:
        return Section(key, title, summary)
    parties = _ordered((f.party for f in report.contacts), ContactParty)
    purposes = _ordered((f.purpose for f in report.contacts), ContactPurpose)
    place = {(f.party, f.purpose): f for f in report.contacts}
    rows = []
    for party in parties:
        for purpose in purposes:
            figure = place.get((party, purpose))
            if figure is None:
                continue
            spent = None if figure.count is None else figure.minutes
            cells = (Cell(label(party)), Cell(label(purpose)), counts.cell(figure.count))
            rows.append(Row((*cells, counts.cell(spent))))
    all_counts = total(f.count for f in report.contacts)
    all_minutes = total(None if f.count is None else f.minutes for f in report.contacts)
    rows.append(
        Row(
            (Cell("All contacts"), Cell(""), counts.cell(all_counts), counts.cell(all_minutes)),
            "total",
        )
    )
    table = Table("Contacts by who and why", ("Who", "Why", "Contacts", "Minutes"), tuple(rows))
    left_out = sum(f.count is None for f in report.contacts)
    series = []
    for n, purpose in enumerate(purposes):
        values = [place[p, purpose].count if (p, purpose) in place else 0 for p in parties]
        if any(values):
            series.append(Series(label(purpose), tuple(float(v or 0) for v in values), swatch(n)))
    shape = BarChart(
        "Contacts by who came, stacked by why",
        tuple(map(label, parties)),
        (),
        "contacts",
        horizontal=True,
    )
    chart, notes = _chart_or_note(shape, series, left_out, counts)
    return Section(key, title, summary, (table,), chart, notes)


def _referrals(report: ProgramReport, counts: _Counts) -> Section:
    key, title = "referrals", "Referrals to partners"
    summary = (
        "Incidents referred to partners (task forces, diversion, behavioral health …), by"
        " partner, reason and where each referral stands."
    )
    if not report.referrals:
        return Section(key, title, summary)
    reasons = {r: n for n, r in enumerate(ReferralReason)}
    statuses = _ordered((f.status for f in report.referrals), ReferralStatus)
    figures = sorted(
        report.referrals,
        key=lambda f: (f.partner, reasons.get(f.reason, len(reasons)), statuses.index(f.status)),
    )
    rows = [
        Row((Cell(f.partner), Cell(label(f.reason)), Cell(label(f.status)), counts.cell(f.count)))
        for f in figures
    ]
    every = counts.cell(total(f.count for f in figures))
    rows.append(Row((Cell("All referrals"), Cell(""), Cell(""), every), "total"))
    header = ("Partner", "Reason", "Status", "Referrals")
    table = Table("Referrals by partner, reason and status", header, tuple(rows))
    partners = sorted({f.partner for f in figures})
    segments: dict[tuple[str, enum.Enum], Count] = {}
    for f in figures:
        segments[f.partner, f.status] = add(segments.get((f.partner, f.status), 0), f.count)
    series = []
    for n, status in enumerate(statuses):
        values = [segments.get((p, status), 0) for p in partners]
        if any(values):
            fill = REFERRAL_STATUSES.get(status, swatch(n))
            series.append(Series(label(status), tuple(float(v or 0) for v in values), fill))
    left_out = sum(value is None for value in segments.values())
    shape = BarChart(
        "Referrals per partner by status", tuple(partners), (), "referrals", horizontal=True
    )
    chart, notes = _chart_or_note(shape, series, left_out, counts)
    return Section(key, title, summary, (table,), chart, notes)


def _crdc(report: ProgramReport, calendar: ProgramCalendar, counts: _Counts) -> Section:
    first = calendar.school_year(report.period.start)
    last = calendar.school_year(report.period.end - dt.timedelta(microseconds=1))
    years = str(first) if first == last else f"{first} to {last}"
    key, title = "crdc", "CRDC referrals to law enforcement and school-related arrests"
    summary = (
        "Totals per school as the Civil Rights Data Collection counts them, for the whole"
        f" school year {years} (the CRDC counts by school year, not by month). Only schools"
        " with a referral or an arrest are listed."
    )
    if not report.crdc:
        return Section(key, title, summary)
    measures = {m: n for n, m in enumerate(CrdcMeasure)}
    figures = sorted(report.crdc, key=lambda f: (f.school, measures.get(f.measure, len(measures))))
    rows = [
        Row(
            (
                Cell(f.school),
                Cell(label(f.measure)),
                *map(
                    counts.cell,
                    (f.instances, f.students, f.students_with_idea, f.students_with_504),
                ),
            )
        )
        for f in figures
    ]
    header = (
        "School",
        "Measure",
        "Instances",
        "Students",
        "Students with disabilities (IDEA)",
        "Students with Section 504 plans",
    )
    return Section(key, title, summary, (Table(f"CRDC totals, {years}", header, tuple(rows)),))


def _crises(report: ProgramReport, calendar: ProgramCalendar) -> Section:
    key, title = "crises", "Crisis timeline"
    summary = (
        f"Crises declared in the period, in order, with times in the program's local time"
        f" ({calendar.time_zone})."
    )
    if not report.crises:
        return Section(key, title, summary)
    rows = []
    for crisis in report.crises:
        declared = calendar.local(crisis.declared_at)
        if crisis.ended_at is None:
            ended, lasted, kind = Cell("still active"), Cell("-"), "active"
        else:
            end = calendar.local(crisis.ended_at)
            ended, lasted, kind = Cell(local_time(end)), Cell(duration(declared, end)), ""
        cells = (Cell(local_time(declared)), Cell(crisis.school), Cell(label(crisis.kind)))
        rows.append(
            Row((*cells, ended, lasted, Cell(label(crisis.status)), _number(crisis.messages)), kind)
        )
    header = ("Declared", "School", "Kind", "Ended", "Lasted", "Status", "Messages")
    return Section(key, title, summary, (Table("Crises of the period", header, tuple(rows)),))


def _agreements(report: ProgramReport, calendar: ProgramCalendar) -> Section:
    key, title = "agreements", "Agreements due for review"
    today = calendar.local_date(report.generated_at)
    summary = (
        "Agreements (MOUs) whose review falls due by the end of the period; overdue means the"
        f" review date had passed on {today.isoformat()}, when this report was made."
    )
    if not report.agreements_due:
        return Section(key, title, summary)
    rows = [
        Row(
            (
                Cell(a.title),
                Cell(a.review_due.isoformat()),
                Cell("Overdue" if a.overdue else "Due", "state"),
            ),
            "overdue" if a.overdue else "",
        )
        for a in report.agreements_due
    ]
    header = ("Agreement", "Review due", "State")
    table = Table("Agreements due for review", header, tuple(rows))
    overdue = sum(a.overdue for a in report.agreements_due)
    notes = (f"{overdue} of {len(rows)} overdue.",) if overdue else ()
    return Section(key, title, summary, (table,), None, notes)
