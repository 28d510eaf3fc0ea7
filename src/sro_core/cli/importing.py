"""``sro import``: incidents, contacts or activities from a JSON-lines or CSV file.

Every row is checked before any is stored: its shape (through
:func:`sro_core.serialization.structure`) and the program's rules (the officer and school
exist; an incident keeps its calendar, code and department rules). A bad row is reported with
its line number and field; unless ``--skip-bad`` is given, one bad row means nothing is stored.
Then the good rows are stored one command each, so an import of N rows is N units of work.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import enum
import io
import json
import sys
import types
import typing
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import click

from sro_core.cli.app import Session, pass_session
from sro_core.cli.arguments import Chosen
from sro_core.cli.output import plural
from sro_core.domain import (
    CommunityContact,
    DomainError,
    EducationActivity,
    Incident,
    Problem,
)
from sro_core.serialization import StructureError, structure
from sro_core.service import BUNDLE_KINDS, BUNDLE_TYPES, Bundle

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


class ImportStopped(DomainError):
    """Storing stopped partway: the message says which rows were stored and which were not."""


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


def json_lines(text: str) -> Iterator[Row]:
    """Yield the rows of a JSON-lines text: one JSON object a line; blank lines are skipped."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            yield Row(number, {}, (Problem("$", None, f"not JSON: {error.msg}"),))
            continue
        if not isinstance(data, dict):
            yield Row(number, {}, (Problem("$", None, "a row is a JSON object"),))
            continue
        yield Row(number, data)


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
        return json.loads(text)
    except json.JSONDecodeError:
        raise ValueError("a list or record is written as JSON in its cell") from None


def csv_rows(text: str, cls: type[Any]) -> Iterator[Row]:
    """Yield the rows of a CSV text whose header names fields (dotted for nested ones).

    An empty cell leaves its field at its default; a cell of a list or nested record holds it
    as JSON (``offenses``: ``[{"ucr_code": "13B"}]``).
    """
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = {name: _column_type(cls, name) for name in reader.fieldnames or () if name}
    for cells in reader:
        data: dict[str, Any] = {}
        problems: list[Problem] = []
        for name, value in cells.items():
            if name is None:
                problems.append(Problem("$", value, "more cells than columns"))
                continue
            if value is None or value == "":
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
            target[leaf] = converted
        yield Row(reader.line_num, data, tuple(problems))


def _problem_line(line: int, problem: Problem) -> str:
    got = "" if problem.value is None else f" (got {problem.value!r})"
    return f"line {line}: {problem.field}: {problem.rule}{got}"


def _read(file: str) -> str:
    if file == "-":
        return sys.stdin.read()
    return Path(file).read_text(encoding="utf-8")


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

    JSON lines: one record a line in the wire format of sro_core.serialization.
    CSV: a header of field names (dotted for nested fields: location.kind); an empty cell
    leaves a field at its default; a list or a nested record is written as JSON in its cell.
    Incidents are drafts: the program numbers them.

    Every row is checked first, as its own command would check it: a bad row is reported with
    its line number and field, and then nothing is stored unless --skip-bad is given (then the
    good rows are). The rows are stored together in one unit of work: a fault while storing
    (a lost connection, a full disk) stores none of them. A row whose id is already stored is
    skipped, so give every row its "id" and running the same import again is safe.

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
    text = _read(file)
    rows = list(csv_rows(text, cls) if fmt == "csv" else json_lines(text))
    problems: dict[int, tuple[Problem, ...]] = {}
    records: dict[int, Record] = {}
    with session.output.progress(f"reading {kind.value}", len(rows)) as advance:
        for row in rows:
            checked = _structured(row, cls)
            if checked.problems:
                problems[row.line] = checked.problems
            else:
                records[row.line] = typing.cast("Record", checked.record)
            advance(1)
    program, actor = session.program, session.actor
    lines = list(records)
    checked_all = program.import_records(actor, list(records.values()), check_only=True)
    recognised = set(checked_all.skipped)
    already = [line for line, record in records.items() if record.id in recognised]
    problems.update({lines[n]: found for n, found in checked_all.problems.items()})
    for line in sorted(problems):
        for problem in problems[line]:
            session.output.note(_problem_line(line, problem))
    if problems and not skip_bad:
        raise ImportStopped(
            f"{len(problems)} of {len(rows)} rows are bad (lines {line_ranges(sorted(problems))});"
            " nothing was stored (--skip-bad stores the good rows)"
        )
    good = [records[line] for line in lines if line not in problems and line not in already]
    with session.output.progress(f"storing {kind.value}", len(good)) as advance:
        stored = program.import_records(actor, good).stored
        advance(len(good))
    parts = [f"imported {len(stored)} {kind.value} from {file}"]
    if already:
        parts.append(f"{len(already)} already stored (lines {line_ranges(already)})")
    if problems:
        parts.append(f"{len(problems)} bad rows skipped (lines {line_ranges(sorted(problems))})")
    session.output.line("; ".join(parts))


def restore_bundle(session: Session, file: str) -> None:
    """Read a bundle of JSON lines, report every bad line, then restore it whole (or nothing)."""
    rows = list(json_lines(_read(file)))
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
        result = session.program.restore(session.actor, Bundle.of(records))
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
