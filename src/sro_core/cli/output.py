"""How the ``sro`` command shows things: rich tables on a terminal, JSON for scripts, progress.

Results go to standard output; progress bars, stage summaries and errors go to standard error,
so ``sro export > file.csv`` and ``sro incidents find --json | jq`` stay clean. Progress bars are
drawn only when standard error is a terminal: piped or captured, the command stays quiet.

Text from records (a school's name, a narrative) may hold characters a terminal would obey:
escape sequences, carriage returns, bidi overrides. Every line and cell shown is passed
through :func:`visible`, which writes such characters as escapes (backslash, x, 1b), and table cells
are never read as rich markup.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from sro_core.serialization import unstructure
from sro_core.service import Seen

_PIPED_WIDTH = 160
"""Width of tables written to a pipe or a file, where no terminal says how wide it is."""

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


def seen_wire(seen: Seen[Any]) -> dict[str, object]:
    """Return a redacted record as JSON: the record in its wire format and the hidden fields."""
    return {"record": unstructure(seen.value), "hidden": sorted(seen.hidden)}


def text(value: object) -> str:
    """Return a value as a table cell shows it: enums by value, None as empty."""
    if value is None:
        return ""
    wire = unstructure(value)
    if isinstance(wire, list):
        return visible(", ".join(str(v) for v in wire))
    return visible(str(wire))


class Output:
    """Writes the command's results, progress and notes."""

    def __init__(self) -> None:
        self.out = Console(highlight=False, soft_wrap=False)
        self.err = Console(stderr=True, highlight=False)
        if not self.out.is_terminal:
            self.out = Console(highlight=False, width=_PIPED_WIDTH, no_color=True)

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

    def table(
        self,
        columns: Sequence[str],
        rows: Iterable[Sequence[object]],
        *,
        title: str | None = None,
    ) -> None:
        """Write rows as a table; values are shown as the wire format writes them."""
        table = Table(*columns, title=title, title_justify="left")
        for row in rows:
            table.add_row(*(Text(text(value)) for value in row))
        self.out.print(table)

    def fields(self, pairs: Iterable[tuple[str, object]], *, title: str | None = None) -> None:
        """Write a record as two columns: field and value."""
        self.table(("field", "value"), pairs, title=title)

    @contextlib.contextmanager
    def progress(self, description: str, total: int | None = None) -> Iterator[Advance]:
        """Show a progress bar (a spinner when the total is unknown) while the block runs."""
        columns = [
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn() if total is not None else TextColumn("{task.completed}"),
            TimeElapsedColumn(),
        ]
        with Progress(
            *columns, console=self.err, transient=True, disable=not self.interactive
        ) as bar:
            task = bar.add_task(description, total=total)

            def advance(steps: int) -> None:
                bar.advance(task, steps)

            yield advance
