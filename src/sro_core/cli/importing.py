"""``sro import``: incidents, contacts or activities from a JSON-lines or CSV file.

Every row is checked before any is stored: its bytes (UTF-8, a line of at most
:data:`LONGEST_LINE` bytes), its JSON (nested at most :data:`sro_core.serialization.NESTING`
deep), its shape (through :func:`sro_core.serialization.structure`, which also checks every
field's bounds) and the program's rules (the officer and school exist; an incident keeps its
calendar, code and department rules). A bad row is reported with its line number and field;
unless ``--skip-bad`` is given, one bad row means nothing is stored. Then the good rows are
stored in one unit of work. The file is read twice, as a stream: memory does not grow with it.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import decimal
import enum
import shutil
import sys
import tempfile
import types
import typing
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import attrs
import click

from sro_core.cli.app import Session, pass_session
from sro_core.cli.arguments import Chosen
from sro_core.cli.output import plural
from sro_core.domain import (
    CommunityContact,
    EducationActivity,
    Incident,
    Problem,
)
from sro_core.errors import ImportStopped as ImportStopped
from sro_core.serialization import StructureError, json_value, structure
from sro_core.service import (
    BUNDLE_KINDS,
    BUNDLE_TYPES,
    Bundle,
    ImportCheck,
    ImportLine,
    ImportRejected,
)

Record = Incident | CommunityContact | EducationActivity


class ImportKind(enum.Enum):
    """What a file imports."""

    INCIDENTS = "incidents"
    CONTACTS = "contacts"
    ACTIVITIES = "activities"
    ALL = "all"


_CLASSES: dict[ImportKind, type[Any]] = {
    ImportKind.INCIDENTS: Incident,
    ImportKind.CONTACTS: CommunityContact,
    ImportKind.ACTIVITIES: EducationActivity,
}
_TEXT_TYPES = (str, dt.date, dt.datetime, uuid.UUID, decimal.Decimal)
LONGEST_LINE = 4 * 1024 * 1024
"""The longest line an import file may have, in bytes (a record of the longest narrative fits)."""
_BOM = b"\xef\xbb\xbf"


@attrs.frozen
class Row:
    """A row of the file: its line number, its data, and what is wrong with it."""

    line: int
    data: dict[str, Any]
    problems: tuple[Problem, ...] = ()


@attrs.frozen
class Checked:
    """A row checked against the program's rules: the record, or the problems found."""

    line: int
    record: Record | None
    problems: tuple[Problem, ...]


@attrs.frozen
class Text:
    """A line of a file as text, or what keeps it from being read as UTF-8 text."""

    line: int
    text: str
    problem: Problem | None = None


def line_ranges(lines: Sequence[int]) -> str:
    """Return line numbers as short ranges: ``2-4, 7``."""
    if not lines:
        return "none"
    parts: list[str] = []
    ordered = sorted(lines)
    start = end = ordered[0]
    for line in ordered[1:]:
        if line == end + 1:
            end = line
            continue
        parts.append(f"{start}-{end}" if end > start else str(start))
        start = end = line
    parts.append(f"{start}-{end}" if end > start else str(start))
    return ", ".join(parts)


def text_lines(stream: IO[bytes]) -> Iterator[Text]:
    """Yield the lines of a byte stream as text: a line that is not UTF-8, or too long, is named.

    A byte-order mark at the start is skipped. Memory holds one line at a time.
    """
    number = 0
    while raw := stream.readline(LONGEST_LINE + 1):
        number += 1
        if len(raw) > LONGEST_LINE:
            while raw and not raw.endswith(b"\n"):  # the rest of the line
                raw = stream.readline(LONGEST_LINE)
            yield Text(number, "", Problem("$", None, f"longer than {LONGEST_LINE} bytes"))
            continue
        if number == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM) :]
        try:
            yield Text(number, raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            rule = f"not UTF-8 text (byte {error.start + 1} of the line); save the file as UTF-8"
            yield Text(number, "", Problem("$", f"0x{raw[error.start]:02x}", rule))


def json_lines(stream: IO[bytes]) -> Iterator[Row]:
    """Yield the rows of a JSON-lines stream: one JSON object a line; blank lines are skipped."""
    for line in text_lines(stream):
        if line.problem is not None:
            yield Row(line.line, {}, (line.problem,))
            continue
        if not line.text.strip():
            continue
        try:
            data = json_value(line.text)
        except ValueError as error:
            yield Row(line.line, {}, (Problem("$", None, str(error)),))
            continue
        if not isinstance(data, dict):
            yield Row(line.line, {}, (Problem("$", None, "a row is a JSON object"),))
            continue
        yield Row(line.line, data)


def _unwrapped(hint: Any) -> Any:
    """Return the type an optional hint holds (``X | None`` is ``X``)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        kinds = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if len(kinds) == 1:
            return kinds[0]
    return hint


def _column_type(cls: type[Any], path: str) -> Any:
    """Return the type of the field a dotted column names, or None if there is no such field."""
    current: Any = cls
    for part in path.split("."):
        if not attrs.has(current):
            return None
        hints = typing.get_type_hints(current)
        if part not in hints:
            return None
        current = _unwrapped(hints[part])
    return current


def _cell(text: str, kind: Any) -> Any:
    """Return a CSV cell as the wire format holds a value of a type; raise ValueError if not."""
    if kind is bool:
        answer = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
        if text.strip().lower() not in answer:
            raise ValueError("not true or false")
        return answer[text.strip().lower()]
    if kind is int:
        try:
            return int(text)
        except ValueError:
            raise ValueError("not a whole number") from None
    if kind in _TEXT_TYPES or (isinstance(kind, type) and issubclass(kind, enum.Enum)):
        return text
    try:
        return json_value(text)
    except ValueError as error:
        raise ValueError(f"a list or record is written as JSON in its cell ({error})") from None


def csv_rows(stream: IO[bytes], cls: type[Any]) -> Iterator[Row]:
    """Yield the rows of a CSV stream whose header names fields (dotted for nested ones).

    An empty cell leaves its field at its default; a cell of a list or nested record holds it
    as JSON (``offenses``: ``[{"ucr_code": "13B"}]``). A quote left open, or a line that is not
    UTF-8, makes its row bad; nothing after an open quote can be read.
    """
    unreadable: dict[int, Problem] = {}

    def texts() -> Iterator[str]:
        for line in text_lines(stream):
            if line.problem is not None:
                unreadable[line.line] = line.problem
                yield "\n"
            else:
                yield line.text

    reader = csv.reader(texts(), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        yield Row(reader.line_num, {}, (Problem("$", None, f"not CSV: {error}"),))
        return
    names = list(header or ())
    columns = {name: _column_type(cls, name) for name in names if name}
    first = reader.line_num + 1
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as error:
            yield Row(first, {}, (Problem("$", None, f"not CSV: {error}"),))
            return
        if cells is None:
            return
        spanned = [unreadable.pop(n) for n in range(first, reader.line_num + 1) if n in unreadable]
        if spanned:
            yield Row(first, {}, tuple(spanned))
        elif any(cells):
            yield _csv_row(first, names, cells, columns)
        first = reader.line_num + 1


def _csv_row(line: int, names: list[str], cells: list[str], columns: dict[str, Any]) -> Row:
    data: dict[str, Any] = {}
    problems: list[Problem] = []
    if len(cells) > len(names):
        problems.append(Problem("$", cells[len(names) :], "more cells than columns"))
    for name, value in zip(names, cells, strict=False):
        if value == "":
            continue
        kind = columns.get(name)
        if kind is None:
            problems.append(Problem(name, value, "not a field of this record"))
            continue
        try:
            converted = _cell(value, kind)
        except ValueError as error:
            problems.append(Problem(name, value, str(error)))
            continue
        target = data
        *parents, leaf = name.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
            if not isinstance(target, dict):
                problems.append(Problem(name, value, f"{parent} is given twice"))
                break
        else:
            target[leaf] = converted
    return Row(line, data, tuple(problems))


def _problem_line(line: int, problem: Problem) -> str:
    """Name the line, the field (none for a problem of the whole line), the rule and the value."""
    got = "" if problem.value is None else f" (got {problem.value!r})"
    field = "" if problem.field == "$" else f"{problem.field}: "
    return f"line {line}: {field}{problem.rule}{got}"


@contextlib.contextmanager
def _opened(file: str) -> Iterator[IO[bytes]]:
    """Open the file to read as bytes; standard input is kept in a temporary file (read twice)."""
    if file != "-":
        with Path(file).open("rb") as stream:
            yield stream
        return
    with tempfile.TemporaryFile() as spool:
        shutil.copyfileobj(sys.stdin.buffer, spool)
        yield spool


@click.command("import")
@click.argument("kind", type=Chosen(ImportKind))
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["jsonl", "csv"]),
    help="The file's format (default: csv for a .csv file, else JSON lines).",
)
@click.option("--skip-bad", is_flag=True, help="Store the good rows even if some are bad.")
@pass_session
def import_records(
    session: Session, *, kind: ImportKind, file: str, file_format: str | None, skip_bad: bool
) -> None:
    """Import incidents, contacts or activities from FILE (- reads standard input).

    JSON lines: one record a line in the wire format of sro_core.serialization, in UTF-8.
    CSV: a header of field names (dotted for nested fields: location.kind); an empty cell
    leaves a field at its default; a list or a nested record is written as JSON in its cell.
    Incidents are drafts: the program numbers them.

    Every row is checked first, as its own command would check it: a bad row is reported with
    its line number and field, and then nothing is stored unless --skip-bad is given (then the
    good rows are; if no row is good the command fails). The rows are stored together in one
    unit of work: a fault while storing (a lost connection, a full disk) stores none of them.
    A row whose id is already stored is skipped, so give every row its "id" and running the
    same import again is safe. The file is read as a stream, so its size does not matter.
    The events of the import (ContactLogged …) stay in the outbox for the next dispatch
    (sro outbox dispatch, or a worker): the command does not wait for notifications.

    KIND all reads the bundle `sro export --kind all` writes (a line a record: {"kind": …,
    "record": …}): the directory and the records, whole, as they were stored, incidents with
    their numbers; records already stored are skipped, so it restores into an empty store or
    tops up one that holds some of them.

    Example: sro import contacts contacts.jsonl
    """
    if kind is ImportKind.ALL:
        restore_bundle(session, file)
        return
    cls = _CLASSES[kind]
    fmt = file_format or ("csv" if file.lower().endswith(".csv") else "jsonl")
    program, actor, output = session.program, session.actor, session.output
    with _opened(file) as stream:
        size = stream.seek(0, 2)

        def lines() -> Iterator[ImportLine]:
            stream.seek(0)
            rows = csv_rows(stream, cls) if fmt == "csv" else json_lines(stream)
            for row in rows:
                checked = _structured(row, cls)
                yield ImportLine(row.line, checked.record, checked.problems)

        def shown(line: int, problems: tuple[Problem, ...]) -> None:
            for problem in problems:
                output.note(_problem_line(line, problem))

        with output.progress(f"checking {kind.value}", size) as advance:
            check = program.check_lines(actor, cls, lines, shown, _bytes_read(stream, advance))
        try:
            _refuse(check, skip_bad)
        except ImportStopped as stopped:
            # refused here, before the program was asked to store: audited all the same
            program.audit_refusal(
                actor, "import_records", f"{check.lines} {kind.value}", str(stopped)
            )
            raise
        try:
            with output.progress(f"storing {kind.value}", size) as advance:
                stored = program.store_lines(actor, cls, lines, check, _bytes_read(stream, advance))
        except ImportRejected as rejected:
            for line, problems in sorted(rejected.problems.items()):
                shown(line, problems)
            raise ImportStopped(
                f"line {min(rejected.problems)} is bad; nothing was stored"
            ) from rejected
    parts = [f"imported {stored} {kind.value} from {file}"]
    if check.already:
        parts.append(f"{len(check.already)} already stored (lines {check.already})")
    if check.bad:
        parts.append(f"{len(check.bad)} bad rows skipped (lines {check.bad})")
    if stored:
        parts.append("their events wait in the outbox for the next dispatch (sro outbox dispatch)")
    output.line("; ".join(parts))


def _bytes_read(stream: IO[bytes], advance: Any) -> Any:
    """Return a progress callback that moves the bar to where the stream is read up to."""
    done = [0]

    def moved(_line: int) -> None:
        position = stream.tell()
        if position > done[0]:
            advance(position - done[0])
            done[0] = position

    return moved


def _refuse(check: ImportCheck, skip_bad: bool) -> None:
    """Stop an import that has bad rows (without --skip-bad) or nothing good to store."""
    if check.bad and not skip_bad:
        raise ImportStopped(
            f"{len(check.bad)} of {check.lines} rows are bad (lines {check.bad});"
            " nothing was stored (--skip-bad stores the good rows)"
        )
    if check.bad and len(check.bad) == check.lines:
        raise ImportStopped(f"all {check.lines} rows are bad; nothing was stored")


def restore_bundle(session: Session, file: str) -> None:
    """Read a bundle of JSON lines, report every bad line, then restore it whole (or nothing)."""
    with _opened(file) as stream:
        rows = list(json_lines(stream))
    problems: dict[int, tuple[Problem, ...]] = {}
    records: list[tuple[str, Any]] = []
    for row in rows:
        kind, data = str(row.data.get("kind")), row.data.get("record")
        if row.problems:
            problems[row.line] = row.problems
        elif kind not in BUNDLE_TYPES or not isinstance(data, dict):
            known = ", ".join(BUNDLE_KINDS)
            problems[row.line] = (Problem("kind", kind, f"a bundle line is a record of {known}"),)
        else:
            try:
                records.append((kind, structure(data, BUNDLE_TYPES[kind])))
            except StructureError as error:
                problems[row.line] = tuple(error.problems)
    for line in sorted(problems):
        for problem in problems[line]:
            session.output.note(_problem_line(line, problem))
    if problems:
        raise ImportStopped(
            f"{len(problems)} of {len(rows)} lines are bad (lines {line_ranges(sorted(problems))});"
            " nothing was restored"
        )
    with session.output.progress("restoring the bundle"):
        result = session.program.restore_bundle(session.actor, Bundle.of(records))
    stored = ", ".join(f"{kind} {n}" for kind, n in result.stored.items() if n)
    skipped = sum(result.skipped.values())
    session.output.line(
        f"imported {plural(sum(result.stored.values()), 'record')} from {file}"
        f" ({stored or 'none new'}); {skipped} already stored"
    )


def _structured(row: Row, cls: type[Any]) -> Checked:
    """Return a row's record, or the problems that keep it from being one."""
    if row.problems:
        return Checked(row.line, None, row.problems)
    try:
        return Checked(row.line, structure(row.data, cls), ())
    except StructureError as error:
        return Checked(row.line, None, tuple(error.problems))


COMMANDS: tuple[click.Command, ...] = (import_records,)
"""The import command, as ``sro`` adds it."""
