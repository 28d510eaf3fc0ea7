"""How the ``sro`` command shows things: tables, plain, TSV, CSV or JSON, and progress.

Results go to standard output; progress bars, stage summaries and errors go to standard error,
so ``sro export > file.csv`` and ``sro incidents find --json | jq`` stay clean. Progress bars are
drawn only when standard error is a terminal: piped or captured, the command stays quiet.

Every list command takes ``--format table|plain|tsv|csv|json`` (``--json`` is ``--format json``):

- ``table`` (the default) fits the terminal (``COLUMNS``, else the terminal, else 80 columns)
  by wrapping the free-text columns; identifiers (numbers, dates, times, badges, ids) are never
  cut or wrapped. Headings are bold on a colour terminal only (``NO_COLOR`` turns that off).
- ``plain``: the same columns, one line a row, never wrapped: for ``grep`` and ``less -S``.
- ``tsv`` and ``csv``: a heading row, then one row a record, for spreadsheets and ``cut``.
- ``json``: a list is ``{"items": [...], "next": cursor}`` (``next`` is null on the last page)
  and a record is ``{"record": {...}, "hidden": [...]}`` (the fields the actor may not see); each
  item of a list of records is a record in that same shape.

Text from records (a school's name, a narrative) may hold characters a terminal would obey:
escape sequences, carriage returns, bidi overrides. Every line and cell shown is passed
through :func:`visible`, which writes such characters as escapes (backslash, x, 1b), and table
cells are never read as rich markup.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

import click
from rich.cells import cell_len
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from sro_core.serialization import unstructure
from sro_core.service import Seen

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("table", "plain", "tsv", "csv", "json")
"""The output formats of list and show commands."""

DEFAULT_WIDTH = 80
"""The width of a table when neither ``COLUMNS`` nor a terminal says how wide."""

_GAP = "  "
_NARROWEST = 12
"""A wrapped column is never made narrower than this (or its heading)."""

IDENTIFIERS = frozenset(
    {
        "id",
        "field",
        "what",
        "number",
        "badge",
        "seq",
        "version",
        "at",
        "held",
        "sent",
        "declared",
        "ended",
        "occurred",
        "reported",
        "date",
        "day",
        "start",
        "end",
        "from",
        "to",
        "signed",
        "review due",
        "event",
        "target",
        "code",
        "status",
        "min",
        "attendance",
        "enrollment",
        "grades",
        "messages",
        "attempts",
    }
)
"""Column headings whose values a user types next, or reads as one token: never wrapped."""

Advance = Callable[[int], None]
"""Moves a progress bar on by a number of steps."""


_OBEYED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(message: str) -> str:
    """Return text with every character a terminal would obey written as an escape.

    Control characters (all but tab and newline), DEL, the C1 controls and bidi controls
    become a backslash escape (ESC is shown as backslash, x, 1b); the rest is kept.
    """
    return _OBEYED.sub(_escape, message)


def record_wire(value: object, hidden: Iterable[str] = ()) -> dict[str, object]:
    """Return a record as JSON: the record in its wire format and the fields hidden from it."""
    return {"record": unstructure(value), "hidden": sorted(hidden)}


def seen_wire(seen: Seen[Any]) -> dict[str, object]:
    """Return a redacted record as JSON: the record in its wire format and the hidden fields."""
    return record_wire(seen.value, seen.hidden)


def text(value: object) -> str:
    """Return a value as a cell shows it: enums by value, yes/no, lists joined, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, set | frozenset):
        return ", ".join(sorted(text(v) for v in value))
    if isinstance(value, list | tuple):
        return ", ".join(text(v) for v in value)
    wire = unstructure(value)
    if isinstance(wire, list):
        return ", ".join(text(v) for v in wire)
    return visible(str(wire))


def plural(count: int, noun: str, many: str | None = None) -> str:
    """Return a count with its noun: ``1 arrest``, ``2 arrests``, ``3 activities``."""
    if count == 1:
        return f"1 {noun}"
    if many is None:
        many = (
            noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"
        )
    return f"{count} {many}"


def _choose_format(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """Set the run's output format from ``--format`` or ``--json``."""
    if value in (None, False) or ctx.resilient_parsing:
        return
    output = getattr(ctx.find_root().obj, "output", None)
    if isinstance(output, Output):
        output.format = "json" if param.name == "as_json" else str(value)


def format_option(command: F) -> F:
    """Give a list or show command ``--format`` and its alias ``--json``."""
    command = click.option(
        "--json",
        "as_json",
        is_flag=True,
        expose_value=False,
        callback=_choose_format,
        help="The same as --format json.",
    )(command)
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(FORMATS),
        expose_value=False,
        callback=_choose_format,
        help="table (fits the terminal), plain (a line a row), tsv, csv, or json "
        '({"items": [...], "next": cursor}; a record is {"record": …, "hidden": [...]}).',
        show_default="table",
    )(command)


def _width() -> int:
    """Return the width tables fit: ``COLUMNS``, else the terminal's, else 80."""
    return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns or DEFAULT_WIDTH


def _colour() -> bool:
    """Return whether standard output may be styled: a terminal, and no ``NO_COLOR``."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def fitted_widths(
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int,
    gap: int = 2,
    *,
    break_words: bool = True,
) -> list[int]:
    """Return column widths that fit a width by narrowing the widest free-text columns.

    ``gap`` is the space between columns. Columns are narrowed first down to their longest
    word (so codes stay whole), then, only if that is not enough and ``break_words`` allows,
    down to a dozen characters, breaking words.

    Identifier columns (:data:`IDENTIFIERS`) keep their full width, so the table may stay wider
    than ``width`` when they alone do not fit: an identifier is never cut.
    """
    widths = [cell_len(h) for h in headings]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], cell_len(cell))
    words = [cell_len(h) for h in headings]
    for row in rows:
        for i, cell in enumerate(row):
            words[i] = max([words[i], *(cell_len(word) for word in cell.split())])
    whole_words = [
        w if h in IDENTIFIERS else min(w, longest)
        for h, w, longest in zip(headings, widths, words, strict=True)
    ]
    broken_words = [
        w if h in IDENTIFIERS else min(w, max(_NARROWEST, cell_len(h)))
        for h, w in zip(headings, widths, strict=True)
    ]
    excess = sum(widths) + gap * (len(widths) - 1) - width
    for floors in (whole_words, broken_words) if break_words else (whole_words,):
        while excess > 0:
            narrowable = [
                (w, i) for i, (w, f) in enumerate(zip(widths, floors, strict=True)) if w > f
            ]
            if not narrowable:
                break
            widths[max(narrowable)[1]] -= 1
            excess -= 1
    return widths


class _CodeWrapper(textwrap.TextWrapper):
    """Wraps at spaces, and inside a word too long for its column after a code's separators.

    ``drugs.possession``, ``nibrs/2019/nibrs-codes.xsd#Type`` or ``school_discipline`` break
    after ``.``, ``/``, ``#``, ``_`` or ``:`` (a dot only before a letter, so ``2019.1`` stays
    whole) before any word is cut between two letters.
    """

    wordsep_re = re.compile(r"(\s+|\S*?(?:[/#_:]|\.(?=[^\W\d]))(?=\w))")


def wrapped(cell: str, width: int) -> list[str]:
    """Return a cell's lines in a column of ``width``: its own lines, each wrapped to fit."""
    lines: list[str] = []
    wrapper = _CodeWrapper(width, break_on_hyphens=True)
    for part in cell.splitlines() or [""]:
        if cell_len(part) <= width:
            lines.append(part)
        else:
            lines.extend(wrapper.wrap(part) or [""])
    return lines


def _pad(cell: str, width: int) -> str:
    return cell + " " * max(width - cell_len(cell), 0)


class Output:
    """Writes the command's results, progress and notes."""

    def __init__(self) -> None:
        self.err = Console(stderr=True, highlight=False)
        self.format = "table"
        self._tables = 0

    @property
    def interactive(self) -> bool:
        """Whether progress and stage summaries are shown (standard error is a terminal)."""
        return self.err.is_terminal

    def json(self, data: object) -> None:
        """Write data as indented JSON."""
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))

    def line(self, message: str) -> None:
        """Write one line of result."""
        click.echo(visible(message))

    def note(self, message: str) -> None:
        """Write a line for the person at the terminal (standard error), e.g. what was skipped."""
        click.echo(visible(message), err=True)

    def stage(self, message: str) -> None:
        """Write a stage summary on a terminal; say nothing when piped."""
        if self.interactive:
            self.err.print(visible(message), markup=False)

    def listing(
        self,
        columns: Sequence[str],
        records: Iterable[T],
        *,
        row: Callable[[T], Sequence[object]],
        wire: Callable[[T], object] = record_wire,
        following: str | None = None,
        title: str | None = None,
    ) -> None:
        """Write a list of records in the chosen format; ``following`` is the next page's cursor."""
        found = list(records)
        if self.format == "json":
            self.json({"items": [wire(r) for r in found], "next": following})
            return
        self.table(columns, (row(r) for r in found), title=title)
        if following:
            self.note(f"more: --after {following}")

    def record(
        self,
        value: object,
        pairs: Iterable[tuple[str, object]],
        *,
        hidden: Iterable[str] = (),
        title: str | None = None,
    ) -> None:
        """Write one record: as JSON its wire format and hidden fields, else field and value."""
        if self.format == "json":
            self.json(record_wire(value, hidden))
            return
        self.table(("field", "value"), pairs, title=title)

    def table(
        self,
        columns: Sequence[str],
        rows: Iterable[Sequence[object]],
        *,
        title: str | None = None,
    ) -> None:
        """Write rows in the chosen format (JSON writes them as objects by column)."""
        cells = [[text(value) for value in row] for row in rows]
        if self.format == "json":
            self.json({"items": [dict(zip(columns, r, strict=True)) for r in cells], "next": None})
        elif self.format in ("csv", "tsv"):
            buffer = io.StringIO()
            if self.format == "csv":
                writer = csv.writer(buffer, lineterminator="\n")
                writer.writerow(columns)
                writer.writerows(cells)
            else:
                for line in (columns, *cells):
                    flat = (" ".join(c.replace("\t", " ").splitlines()) for c in line)
                    buffer.write("\t".join(flat) + "\n")
            click.echo(buffer.getvalue(), nl=False)
        else:
            self._aligned(columns, cells, title, wrap=self.format == "table")

    def _aligned(
        self, columns: Sequence[str], cells: list[list[str]], title: str | None, *, wrap: bool
    ) -> None:
        flat = [[" ".join(c.splitlines()) for c in r] for r in cells]
        width = _width() if wrap else sys.maxsize
        # whole words with two spaces between columns, else with one, else break words; when
        # the identifiers alone are too wide, nothing fits, and words are not broken for nothing
        tries = [
            (gap, fitted_widths(columns, flat, width, len(gap), break_words=broken))
            for gap, broken in ((_GAP, False), (" ", False), (" ", True))
        ]
        fits = [(g, w) for g, w in tries if sum(w) + len(g) * (len(w) - 1) <= width]
        gap, widths = fits[0] if fits else tries[1]
        colour = _colour()
        if self._tables:
            click.echo("")
        self._tables += 1
        if title and wrap:
            shown = visible(title)
            click.echo(click.style(shown, bold=True) if colour else shown)
        heading = gap.join(_pad(h, w) for h, w in zip(columns, widths, strict=True)).rstrip()
        click.echo(click.style(heading, bold=True) if colour else heading)
        if wrap:
            click.echo(gap.join("─" * w for w in widths))
        for r in flat:
            parts = [wrapped(c, w) for c, w in zip(r, widths, strict=True)]
            for n in range(max(len(p) for p in parts) if parts else 0):
                line = gap.join(
                    _pad(p[n] if n < len(p) else "", w) for p, w in zip(parts, widths, strict=True)
                )
                click.echo(line.rstrip())

    def fields(self, pairs: Iterable[tuple[str, object]], *, title: str | None = None) -> None:
        """Write a record as two columns: field and value."""
        self.table(("field", "value"), pairs, title=title)

    @contextlib.contextmanager
    def progress(self, description: str, total: int | None = None) -> Iterator[Advance]:
        """Show a progress bar while the block runs (a spinner and the time when no total)."""
        columns: list[ProgressColumn] = [SpinnerColumn(), TextColumn("{task.description}")]
        if total is not None:
            columns += [BarColumn(), MofNCompleteColumn()]
        columns.append(TimeElapsedColumn())
        with Progress(
            *columns, console=self.err, transient=True, disable=not self.interactive
        ) as bar:
            task = bar.add_task(description, total=total)

            def advance(steps: int) -> None:
                bar.advance(task, steps)

            yield advance
