"""The export contract: formats that stream records to a file, and the registry plugins fill.

Redaction is not an exporter's job: the program reads records for an audience and hands the
exporter rows that audience may see, already redacted and with small counts already
suppressed. An exporter only says which audiences it may serve and writes what it is given.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import IO

from sro_core.domain import Audience, DomainError
from sro_core.ports.claims import AlreadyRegistered, Attribution, RegistrationError
from sro_core.ports.program import ProgramContext

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


class UnknownExporter(DomainError, LookupError):
    """An export format was asked for by a name that no installed plugin registered."""

    def __init__(self, name: str, known: Iterable[str] = ()) -> None:
        self.name = name
        self.known = tuple(known)
        listing = ", ".join(self.known) or "none"
        super().__init__(f"no export format {name!r} is installed (installed: {listing})")

    def __reduce__(self) -> tuple[type[UnknownExporter], tuple[str, tuple[str, ...]]]:
        return (type(self), (self.name, self.known))


class ExportInput(enum.Enum):
    """What an exporter is handed, each record a mapping with the keys named here."""

    ROWS = "rows"
    """Flat rows, one key per column (``fields``), values as the wire format writes them."""
    INCIDENTS = "incidents"
    """Whole incidents, redacted for the audience: ``{"incident": Incident}``."""
    CRDC_COUNTS = "crdc_counts"
    """A school year's per-student CRDC counts: ``{"count": CrdcStudentCount}``."""
    REPORT = "report"
    """One program report of aggregates: ``{"report": ProgramReport}``."""


class Exporter(abc.ABC):
    """An export format (CSV, JSON lines, NIBRS XML …) that writes records as they arrive.

    A subclass sets the class attributes and implements :meth:`write`.
    """

    name: str
    """The format's name, as ``sro export --format`` takes it (``csv``, ``jsonl`` …)."""
    media_type: str
    """The IANA media type of what it writes (``text/csv``, ``application/x-ndjson`` …)."""
    audiences: frozenset[Audience]
    """The audiences it may serve; the program refuses to export for any other."""
    binary: bool = False
    """Whether :meth:`write` takes a binary stream; a text stream otherwise."""
    takes: ExportInput = ExportInput.ROWS
    """What the program hands it: flat rows (the default), whole incidents, CRDC counts or a
    report."""

    @abc.abstractmethod
    def write(
        self,
        records: Iterable[Mapping[str, object]],
        out: IO[str] | IO[bytes],
        *,
        fields: Sequence[str],
        audience: Audience,
        program: ProgramContext,
        options: Mapping[str, str],
    ) -> int:
        """Write each record to ``out`` as it comes, and return how many were written.

        :param records: the rows, already redacted for ``audience``; an iterator that may be
            very long, so it is read once and never gathered into a list.
        :param out: a text stream, or a binary one when :attr:`binary` is true; the caller
            opens and closes it.
        :param fields: the columns, in order; every record has these keys.
        :param audience: the audience the rows were redacted for (one of :attr:`audiences`).
        :param program: the program exporting (its settings, calendar and code tables).
        :param options: the format's own settings, as the user gave them (``sro export
            --option period=2026-09``); a format names a bad or missing one in a DomainError.
        """


def _checked_name(candidate: object) -> str:
    """Return an exporter's name, or raise saying what about it the registry cannot take."""
    if not isinstance(candidate, Exporter):
        raise RegistrationError(f"an export format is an Exporter (got {candidate!r})")
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
    return name


class ExporterRegistry(Attribution):
    """Export formats by name; ``sro_register_exporters`` hooks fill it."""

    def __init__(self) -> None:
        self._exporters: dict[str, Exporter] = {}
        self._plugins: dict[str, str] = {}

    def register(self, exporter: Exporter, plugin: str = "") -> None:
        """Register an export format; two plugins may not claim one name.

        :param exporter: the format; its ``name``, ``media_type`` and ``audiences`` are checked.
        :param plugin: who registers it; the plugin host fills it in when it calls the hook.
        """
        name = _checked_name(exporter)
        claimant = self.claimant(plugin)
        if name in self._exporters:
            raise AlreadyRegistered("export format", name, self._plugins[name], claimant)
        self._exporters[name] = exporter
        self._plugins[name] = claimant

    def get(self, name: str) -> Exporter:
        """Return the format registered under a name, or raise :class:`UnknownExporter`."""
        try:
            return self._exporters[name]
        except KeyError:
            raise UnknownExporter(name, sorted(self._exporters)) from None

    def plugin(self, name: str) -> str:
        """Return the plugin that registered a format."""
        self.get(name)
        return self._plugins[name]

    def exporters(self, audience: Audience | None = None) -> list[Exporter]:
        """Return the registered formats by name, or only those that may serve an audience."""
        return [
            self._exporters[name]
            for name in sorted(self._exporters)
            if audience is None or audience in self._exporters[name].audiences
        ]
