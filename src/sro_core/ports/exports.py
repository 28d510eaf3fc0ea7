"""The export contract: formats that stream records to a file, and the registry plugins fill.

There are four kinds of exporter, by what they take: flat rows (:class:`RowExporter`), whole
incidents (:class:`IncidentExporter`), a school year's CRDC counts (:class:`CrdcExporter`) and
the program report (:class:`ReportExporter`). Each has a typed ``write(records, out,
context)``; the :class:`ExportContext` carries the actor, audience, program, clock, options and
the NIBRS submission ledger.

Redaction is not an exporter's job: the program reads records for an audience and hands the
exporter what that audience may see, already redacted and with small counts already
suppressed. An exporter only says which audiences it may serve and writes what it is given.
"""

from __future__ import annotations

import abc
import datetime as dt
import enum
import inspect
import types
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import IO, Any, ClassVar, Protocol

import attrs

from sro_core.domain import (
    Actor,
    Audience,
    Incident,
    ProgramCalendar,
    RuleViolation,
    School,
    SchoolYear,
)
from sro_core.errors import UnknownExporter as UnknownExporter
from sro_core.ports.claims import Attribution, RegistrationError
from sro_core.ports.program import ProgramContext, ProgramSettingsView
from sro_core.ports.program_report import ProgramReport
from sro_core.ports.queries import CrdcStudentCount
from sro_core.ports.seen import Seen
from sro_core.ports.storage import SubmittedReport

FORMULAS_OPTION = "formulas"
"""The export option that keeps cells a spreadsheet would run as written: ``formulas=raw``."""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""The first characters of a cell a spreadsheet would run as a formula."""


def spreadsheet_safe(value: object, options: Mapping[str, str] | None = None) -> object:
    """Return a cell a spreadsheet will show, not run: the OWASP CSV-injection rule.

    A text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed
    with ``'``, so that a spreadsheet shows it as text instead of running it as a formula.
    Other values, and every value when ``options`` holds ``formulas=raw`` (for a consumer
    that is not a spreadsheet and needs the values as they are), are returned as they are.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        if options and options.get(FORMULAS_OPTION) == "raw":
            return value
        return "'" + value
    return value


class ExportInput(enum.Enum):
    """What an exporter is handed; each kind of exporter takes one of these."""

    ROWS = "rows"
    """Flat rows, one key per column (:class:`Rows`): a :class:`RowExporter`."""
    INCIDENTS = "incidents"
    """Whole incidents, each a :class:`Seen` redacted for the audience: an
    :class:`IncidentExporter`."""
    CRDC_COUNTS = "crdc_counts"
    """A school year's per-student CRDC counts (:class:`CrdcCounts`): a :class:`CrdcExporter`."""
    REPORT = "report"
    """One :class:`~sro_core.ports.ProgramReport` of aggregates: a :class:`ReportExporter`."""


class SubmittedReports(Protocol):
    """The NIBRS submission ledger as an export reads it: as the exporting actor may read it."""

    def reports(self, ori: str | None = None) -> list[SubmittedReport]:
        """Return the reports submitted before (for one agency's ORI, or all), in order."""
        ...


class _NoSubmissions:
    """A ledger with nothing in it: the default of a context built by hand."""

    def reports(self, ori: str | None = None) -> list[SubmittedReport]:
        """Return no reports."""
        del ori
        return []


NO_SUBMISSIONS: SubmittedReports = _NoSubmissions()
"""The empty ledger: what :class:`ExportContext` holds unless the program gives its own."""


def _read_only(options: Mapping[str, str] | None) -> Mapping[str, str]:
    return types.MappingProxyType(dict(options or {}))


@attrs.frozen
class ExportContext:
    """What an exporter knows of the export it writes, besides the records.

    The program builds one per export; a test may build one by hand.
    """

    actor: Actor
    """Who exports: the records were read and redacted for them (their :attr:`audience`)."""
    program: ProgramContext
    """The program exporting: its settings, calendar and code tables."""
    now: dt.datetime
    """When the export reads, on the program's clock: what a format stamps its documents with."""
    options: Mapping[str, str] = attrs.field(factory=dict, converter=_read_only)
    """The format's own settings as the user gave them (``sro export --option period=2026-09``);
    a format names a bad or missing one in a DomainError."""
    ledger: SubmittedReports = NO_SUBMISSIONS
    """The NIBRS submissions recorded before, read as the actor (an export only reads it;
    ``sro nibrs export`` records what it sends)."""

    @property
    def audience(self) -> Audience:
        """The audience the records were redacted for (one of the format's audiences)."""
        return self.actor.audience

    @property
    def settings(self) -> ProgramSettingsView:
        """The program's settings (its name, ORI, suppression threshold …)."""
        return self.program.settings

    @property
    def calendar(self) -> ProgramCalendar:
        """The program's calendar: local days, months and school years."""
        return self.program.calendar


def _columns(columns: Iterable[str]) -> tuple[str, ...]:
    return tuple(columns)


def _schools(schools: Iterable[School]) -> tuple[School, ...]:
    return tuple(schools)


class FlatRow(Mapping[str, object]):
    """One flat row held as its cells in its columns' order, read as a mapping of column to cell.

    The program hands rows this way; a format may read ``cells`` at once where the row's
    ``columns`` are the ones it writes, and any row by its columns as a mapping.
    """

    __slots__ = ("_at", "cells", "columns")

    def __init__(
        self, columns: tuple[str, ...], at: Mapping[str, int], cells: Sequence[object]
    ) -> None:
        """Hold ``cells`` for ``columns``; ``at`` is each column's place (shared by the rows)."""
        self.columns = columns
        self._at = at
        self.cells = cells

    @classmethod
    def maker(cls, columns: Sequence[str]) -> Callable[[Sequence[object]], FlatRow]:
        """Return a function that makes the rows of some columns from their cells."""
        names = tuple(columns)
        at = {name: n for n, name in enumerate(names)}

        def make(cells: Sequence[object]) -> FlatRow:
            return cls(names, at, cells)

        return make

    def __getitem__(self, column: str) -> object:
        return self.cells[self._at[column]]

    def get(self, column: str, default: object = None) -> object:
        """Return a column's cell, or ``default`` for a column the row does not have."""
        at = self._at.get(column)
        return default if at is None else self.cells[at]

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)

    def __repr__(self) -> str:
        return f"FlatRow({dict(zip(self.columns, self.cells, strict=True))!r})"


def cells_of(row: Mapping[str, object], columns: tuple[str, ...]) -> Sequence[object]:
    """Return a row's cells for some columns in order (at once for a :class:`FlatRow` of them)."""
    if type(row) is FlatRow and (row.columns is columns or row.columns == columns):
        return row.cells
    return [row.get(c) for c in columns]


@attrs.frozen
class Rows:
    """The flat rows of a row export: the columns in order, then each row as it comes.

    Every row has a key for each column. The rows may be very many: iterate once, never
    gather them into a list.
    """

    columns: tuple[str, ...] = attrs.field(converter=_columns)
    records: Iterable[Mapping[str, object]]

    def __iter__(self) -> Iterator[Mapping[str, object]]:
        """Yield each row as the program reads it."""
        return iter(self.records)


@attrs.frozen
class CrdcCounts:
    """A school year's per-student CRDC counts, with every school the audience may see.

    ``schools`` lets a format write a row for each school served even with nothing counted;
    ``counts`` is one record per student and measure, for the format to aggregate (and, for
    the aggregate audience, to suppress).
    """

    school_year: SchoolYear
    schools: tuple[School, ...] = attrs.field(converter=_schools)
    counts: Iterable[CrdcStudentCount]

    def __iter__(self) -> Iterator[CrdcStudentCount]:
        """Yield each per-student count as the program reads it."""
        return iter(self.counts)


class Exporter(abc.ABC):
    """An export format (CSV, JSON lines, NIBRS XML …): what every kind of exporter declares.

    Subclass the kind that matches what the format takes: :class:`RowExporter`,
    :class:`IncidentExporter`, :class:`CrdcExporter` or :class:`ReportExporter`. Each has a
    typed ``write(records, out, context)``; a direct subclass of this class is refused.
    """

    name: str
    """The format's name, as ``sro export --format`` takes it (``csv``, ``jsonl`` …)."""
    media_type: str
    """The IANA media type of what it writes (``text/csv``, ``application/x-ndjson`` …)."""
    audiences: frozenset[Audience]
    """The audiences it may serve; the program refuses to export for any other."""
    binary: bool = False
    """Whether ``write`` takes a binary stream; a text stream otherwise."""
    known_options: ClassVar[Mapping[str, str]] = types.MappingProxyType({})
    """The options the format takes (``sro export --option name=value``), each with what it
    does; the program refuses an export that gives any other (:func:`check_options`)."""
    takes: ClassVar[ExportInput]
    """What the program hands it; set by each kind."""


class RowExporter(Exporter):
    """A format that writes flat rows: incidents, contacts, activities or monthly counts."""

    takes = ExportInput.ROWS

    @abc.abstractmethod
    def write(self, records: Rows, out: IO[Any], context: ExportContext) -> int:
        """Write each row to ``out`` as it comes, and return how many were written.

        :param records: the columns (``records.columns``), then the rows, already redacted
            for ``context.audience``; read once, never gathered into a list.
        :param out: a text stream, or a binary one when :attr:`binary` is true; the caller
            opens and closes it.
        :param context: the export's actor, audience, program, clock and options.
        """


class IncidentExporter(Exporter):
    """A format that writes whole incidents (NIBRS XML): each as the audience may see it."""

    takes = ExportInput.INCIDENTS

    @abc.abstractmethod
    def write(self, records: Iterable[Seen[Incident]], out: IO[Any], context: ExportContext) -> int:
        """Write each incident as it comes, and return how many were written.

        :param records: each incident redacted for ``context.audience``, with the paths of the
            fields that were hidden (``seen.hidden``), so a format can tell hidden from empty.
        :param out: a text stream, or a binary one when :attr:`binary` is true.
        :param context: the export's actor, audience, program, clock, options and ledger.
        """


class CrdcExporter(Exporter):
    """A format that aggregates a school year's per-student CRDC counts."""

    takes = ExportInput.CRDC_COUNTS

    @abc.abstractmethod
    def write(self, records: CrdcCounts, out: IO[Any], context: ExportContext) -> int:
        """Write the year's table and return how many rows (schools) were written.

        :param records: the schools the audience may see, then each per-student count;
            small counts are the format's to suppress for the aggregate audience.
        :param out: a text stream, or a binary one when :attr:`binary` is true.
        :param context: the export's actor, audience, program, clock and options.
        """


class ReportExporter(Exporter):
    """A format that draws the program report: one report of aggregates per file."""

    takes = ExportInput.REPORT

    @abc.abstractmethod
    def write(self, records: ProgramReport, out: IO[Any], context: ExportContext) -> int:
        """Write the report and return how many reports were written (1).

        :param records: the report, read for ``context.audience`` (small counts suppressed).
        :param out: a text stream, or a binary one when :attr:`binary` is true.
        :param context: the export's actor, audience, program, clock and options.
        """


def check_options(exporter: Exporter, options: Mapping[str, str]) -> None:
    """Refuse the options a format does not take, naming them and the ones it takes.

    A mistyped option (``formula=raw`` for ``formulas=raw``) would otherwise be ignored, and
    the file written as the user did not ask.
    """
    unknown = {name: value for name, value in options.items() if name not in exporter.known_options}
    if unknown:
        takes = ", ".join(sorted(exporter.known_options)) or "none"
        rule = f"the {exporter.name} format takes no such option (it takes: {takes})"
        raise RuleViolation("options", unknown, rule)


KINDS: tuple[type[Exporter], ...] = (RowExporter, IncidentExporter, CrdcExporter, ReportExporter)
"""The kinds of exporter, one per :class:`ExportInput`."""

_PORTING = (
    "subclass the kind for what it takes (RowExporter for flat rows, IncidentExporter,"
    " CrdcExporter or ReportExporter) and write write(self, records, out, context):"
    " fields are records.columns; audience, program and options are context.audience,"
    " context.program and context.options"
)


def _kind_problem(name: str, candidate: Exporter) -> str | None:
    """Return what keeps an exporter from being one of the typed kinds, or None."""
    shown = f"export format {name!r} ({type(candidate).__module__}.{type(candidate).__qualname__})"
    if not isinstance(candidate, KINDS):
        return f"{shown} subclasses Exporter with the old untyped write: {_PORTING}"
    kind = next(k for k in KINDS if isinstance(candidate, k))
    if candidate.takes is not kind.takes:
        claimed = getattr(candidate.takes, "value", candidate.takes)
        return f"{shown} is a {kind.__name__}: it takes {kind.takes.value}, not {claimed}"
    write: object = getattr(candidate, "write", None)  # each kind declares its own
    if not callable(write):
        return f"{shown} has no write(records, out, context)"
    try:
        parameters = list(inspect.signature(write).parameters.values())
    except (TypeError, ValueError):  # a builtin or C callable: nothing to inspect
        return None
    positional = [p for p in parameters if p.kind in _POSITIONAL]
    required = [p.name for p in parameters if p.kind is _KEYWORD and p.default is p.empty]
    if len(positional) != len(_TYPED_WRITE) or required:
        got = ", ".join(str(p) for p in parameters)
        return f"{shown}: write({got}) is the old signature; {_PORTING}"
    return None


_TYPED_WRITE = ("records", "out", "context")
_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
_KEYWORD = inspect.Parameter.KEYWORD_ONLY


def _checked_name(candidate: object) -> str:
    """Return an exporter's name, or raise saying what about it the registry cannot take."""
    if not isinstance(candidate, Exporter):
        kinds = ", ".join(k.__name__ for k in KINDS)
        raise RegistrationError(f"an export format is one of {kinds} (got {candidate!r})")
    name: object = getattr(candidate, "name", None)
    if not isinstance(name, str) or not name.strip():
        raise RegistrationError(f"export format {candidate!r} has no name")
    if not getattr(candidate, "media_type", ""):
        raise RegistrationError(f"export format {name!r} has no media type")
    audiences: object = getattr(candidate, "audiences", None)
    if not isinstance(audiences, frozenset) or not audiences:
        raise RegistrationError(f"export format {name!r} names no audience it may serve")
    if not all(isinstance(audience, Audience) for audience in audiences):
        raise RegistrationError(f"export format {name!r}: its audiences are Audience values")
    problem = _kind_problem(name, candidate)
    if problem is not None:
        raise RegistrationError(problem)
    return name


class ExporterRegistry(Attribution):
    """Export formats by name; ``sro_register_exporters`` hooks fill it."""

    kind = "export format"

    def __init__(self) -> None:
        super().__init__()
        self._exporters: dict[str, Exporter] = {}

    def register(self, exporter: Exporter, plugin: str = "") -> None:
        """Register an export format; two plugins may not claim one name.

        :param exporter: the format; its ``name``, ``media_type`` and ``audiences`` are checked.
        :param plugin: who registers it; the plugin host fills it in when it calls the hook.
        """
        name = _checked_name(exporter)
        self.claim(name, plugin)
        self._exporters[name] = exporter

    def get(self, name: str) -> Exporter:
        """Return the format registered under a name, or raise :class:`UnknownExporter`."""
        try:
            return self._exporters[name]
        except KeyError:
            raise self.unknown(name) from None

    def unknown(self, name: str) -> UnknownExporter:
        """Return the error for a format nobody registered, listing those that are."""
        return UnknownExporter(name, sorted(self._exporters))

    def exporters(self, audience: Audience | None = None) -> list[Exporter]:
        """Return the registered formats by name, or only those that may serve an audience."""
        return [
            self._exporters[name]
            for name in sorted(self._exporters)
            if audience is None or audience in self._exporters[name].audiences
        ]
