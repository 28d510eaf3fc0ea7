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
from sro_core.domain import (
    CommunityContact,
    DomainError,
    EducationActivity,
    Incident,
    IncidentStatus,
    Problem,
    RuleViolation,
    check_incident,
    code_problems,
)
from sro_core.ports import Conflict
from sro_core.serialization import StructureError, structure
from sro_core.service import Program

Record = Incident | CommunityContact | EducationActivity


class ImportKind(enum.Enum):
    """What a file imports."""

    INCIDENTS = "incidents"
    CONTACTS = "contacts"
    ACTIVITIES = "activities"


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


@attrs.define
class Rules:
    """What every row is checked against: the directory and the program's incident rules."""

    program: Program
    officers: frozenset[uuid.UUID]
    schools: frozenset[uuid.UUID]
    seen: dict[uuid.UUID, int] = attrs.field(factory=dict)

    def check(self, row: Row, cls: type[Any]) -> Checked:
        """Check one row: its shape, then the rules of its kind."""
        if row.problems:
            return Checked(row.line, None, row.problems)
        try:
            record = structure(row.data, cls)
        except StructureError as error:
            return Checked(row.line, None, tuple(error.problems))
        problems = self._directory(record)
        if isinstance(record, Incident):
            problems += self._incident(record)
        elif isinstance(record, CommunityContact) and record.incident_id is not None:
            problems.append(
                Problem("incident_id", record.incident_id, "escalate a logged contact instead")
            )
        first = self.seen.setdefault(record.id, row.line)
        if first != row.line:
            problems.append(Problem("id", record.id, f"the same id is on line {first}"))
        return Checked(row.line, None if problems else record, tuple(problems))

    def _directory(self, record: Record) -> list[Problem]:
        problems = []
        officer = record.reporting_officer_id if isinstance(record, Incident) else record.officer_id
        field = "reporting_officer_id" if isinstance(record, Incident) else "officer_id"
        if officer not in self.officers:
            problems.append(Problem(field, officer, "no officer has this id"))
        if record.school_id is not None and record.school_id not in self.schools:
            problems.append(Problem("school_id", record.school_id, "no school has this id"))
        return problems

    def _incident(self, incident: Incident) -> list[Problem]:
        problems = []
        if incident.status is not IncidentStatus.DRAFT or incident.number is not None:
            problems.append(
                Problem("status", incident.status.value, "an imported incident is a draft")
            )
        if incident.escalated_from is not None:
            problems.append(
                Problem("escalated_from", incident.escalated_from, "escalate the contact instead")
            )
        try:
            check_incident(incident, self.program.calendar)
        except RuleViolation as violation:
            problems.append(Problem(violation.field, violation.value, violation.rule))
        problems += code_problems(incident, self.program.code_tables)
        problems += self.program.plugins.validate_incident(incident, self.program)
        return problems


def _store(session: Session, record: Record) -> None:
    program, actor = session.program, session.actor
    if isinstance(record, Incident):
        program.report_incident(actor, record)
    elif isinstance(record, CommunityContact):
        program.log_contact(actor, record)
    else:
        program.record_activity(actor, record)


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

    Every row is checked first: a bad row is reported with its line number and field, and
    then nothing is stored unless --skip-bad is given (then the good rows are).

    Each row is stored as one command (its own unit of work, audited). If storing stops
    partway (a lost connection, a full disk), the command says which lines were stored and
    which were not; run the same import again: a row whose id is already stored is skipped,
    so give every row its "id" to make re-running safe.
    """
    cls = _CLASSES[kind]
    fmt = file_format or ("csv" if file.lower().endswith(".csv") else "jsonl")
    text = _read(file)
    rows = list(csv_rows(text, cls) if fmt == "csv" else json_lines(text))
    program, actor = session.program, session.actor
    rules = Rules(
        program,
        frozenset(o.id for o in program.officers(actor)),
        frozenset(s.id for s in program.schools(actor)),
    )
    checked: list[Checked] = []
    with session.output.progress(f"checking {kind.value}", len(rows)) as advance:
        for row in rows:
            checked.append(rules.check(row, cls))
            advance(1)
    bad = [c for c in checked if c.problems]
    for refused in bad:
        for problem in refused.problems:
            session.output.note(_problem_line(refused.line, problem))
    if bad and not skip_bad:
        raise ImportStopped(
            f"{len(bad)} of {len(rows)} rows are bad (lines {line_ranges([c.line for c in bad])});"
            " nothing was stored (--skip-bad stores the good rows)"
        )
    good = [c for c in checked if c.record is not None]
    stored, already = _store_all(session, kind, good)
    parts = [f"imported {len(stored)} {kind.value} from {file}"]
    if already:
        parts.append(f"{len(already)} already stored (lines {line_ranges(already)})")
    if bad:
        parts.append(f"{len(bad)} bad rows skipped (lines {line_ranges([c.line for c in bad])})")
    session.output.line("; ".join(parts))


def _store_all(
    session: Session, kind: ImportKind, good: list[Checked]
) -> tuple[list[int], list[int]]:
    """Store each good row; return the lines stored and those already stored before."""
    stored: list[int] = []
    already: list[int] = []
    with session.output.progress(f"storing {kind.value}", len(good)) as advance:
        for n, row in enumerate(good):
            record = typing.cast("Record", row.record)
            try:
                _store(session, record)
            except Conflict as conflict:
                if conflict.key != record.id:
                    _stopped(session, good, n, conflict, stored=stored, already=already)
                already.append(row.line)
            except BaseException as error:  # noqa: BLE001 - reported, then raised again
                _stopped(session, good, n, error, stored=stored, already=already)
            else:
                stored.append(row.line)
            advance(1)
    return stored, already


def _stopped(
    session: Session,
    good: list[Checked],
    failed: int,
    error: BaseException,
    *,
    stored: list[int],
    already: list[int],
) -> typing.NoReturn:
    """Say which rows were stored and which were not, then raise (a DomainError as one)."""
    not_stored = [c.line for c in good[failed:]]
    summary = (
        f"storing stopped at line {good[failed].line}: {error}; stored: lines "
        f"{line_ranges(stored)}; already stored: lines {line_ranges(already)}; not stored: "
        f"lines {line_ranges(not_stored)}; run the same import again to store the rest"
    )
    if isinstance(error, DomainError):
        raise ImportStopped(summary) from error
    session.output.note(summary)
    raise error


COMMANDS: tuple[click.Command, ...] = (import_records,)
"""The import command, as ``sro`` adds it."""
