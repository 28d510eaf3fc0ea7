"""The options that choose incidents, written once for every command that takes them.

``sro incidents find`` and ``sro export`` choose incidents by school, start time, category,
status, officer and text. :func:`incident_filters` adds those options to a command and hands
them to it as one :class:`IncidentChoice`, which the session reads into the
:class:`~sro_core.ports.IncidentFilter` the program takes.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import click

from sro_core.cli.arguments import WHEN, Chosen, options
from sro_core.cli.codes import Coded, code_help
from sro_core.domain import IncidentStatus
from sro_core.ports import IncidentFilter

if TYPE_CHECKING:
    from collections.abc import Callable

    from sro_core.cli.app import Session

F = TypeVar("F", bound="Callable[..., Any]")


@attrs.frozen
class IncidentChoice:
    """What the incident options chose, as the user typed it."""

    school_names: tuple[str, ...] = ()
    start: dt.datetime | None = None
    before: dt.datetime | None = None
    categories: tuple[str, ...] = ()
    statuses: tuple[IncidentStatus, ...] = ()
    officer: str | None = None
    text: str | None = None

    @property
    def given(self) -> bool:
        """Whether any of the options was given."""
        return any(attrs.astuple(self, recurse=False))

    def where(self, session: Session) -> IncidentFilter:
        """Return the filter the options describe, schools and officer found by the session."""
        return IncidentFilter(
            school_ids=frozenset(session.school(s).id for s in self.school_names) or None,
            occurred_from=session.aware(self.start) if self.start else None,
            occurred_before=session.aware(self.before) if self.before else None,
            categories=frozenset(self.categories) or None,
            statuses=frozenset(self.statuses) or None,
            officer_id=session.officer(self.officer).id if self.officer else None,
            text=self.text,
        )


_NAMES = tuple(a.name for a in attrs.fields(IncidentChoice))

_OPTIONS = options(
    click.option(
        "--school",
        "school_names",
        multiple=True,
        metavar="SCHOOL",
        help="Incidents at this school (repeat).",
    ),
    click.option(
        "--from", "start", type=WHEN, help="Incidents started at or after (a date or a time)."
    ),
    click.option("--before", type=WHEN, help="Incidents started before."),
    click.option(
        "--category",
        "categories",
        multiple=True,
        type=Coded("sro.incident_category"),
        help=code_help("Incidents of this category (repeat)", "sro.incident_category", "fight"),
    ),
    click.option(
        "--status",
        "statuses",
        multiple=True,
        type=Chosen(IncidentStatus),
        help="Incidents in this status (repeat).",
    ),
    click.option("--officer", metavar="BADGE-or-ID", help="Incidents reported by this officer."),
    click.option("--text", help="Incidents whose number, narrative or category holds it."),
)


def incident_filters(command: F) -> F:
    """Add the options that choose incidents; the command takes them as ``chosen``."""

    @functools.wraps(command)
    def with_choice(*args: Any, **kwargs: Any) -> Any:
        chosen = IncidentChoice(**{name: kwargs.pop(name) for name in _NAMES})
        return command(*args, chosen=chosen, **kwargs)

    return _OPTIONS(with_choice)  # type: ignore[return-value]
