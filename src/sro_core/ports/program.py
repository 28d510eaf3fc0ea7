"""What a plugin may know of the program it runs in: the view hooks receive as ``program``.

These are protocols: the Program service satisfies them, and so may any small object a plugin
author builds in a test. Members are read-only properties, so frozen attrs classes fit.
"""

from __future__ import annotations

from typing import Protocol

from sro_core.codes import CodeTables
from sro_core.domain import ProgramCalendar


class ProgramSettingsView(Protocol):
    """The program's settings that plugins may read (the service's ProgramSettings has them)."""

    @property
    def name(self) -> str:
        """The program's name, as reports print it."""
        ...

    @property
    def time_zone(self) -> str:
        """The program's IANA time zone (default America/Los_Angeles)."""
        ...

    @property
    def agency_ori(self) -> str | None:
        """The agency's nine-character ORI, as NIBRS submissions name it; None if not set."""
        ...

    @property
    def suppression_threshold(self) -> int:
        """Aggregate counts below this are shown as suppressed (default 10)."""
        ...

    @property
    def review(self) -> str:
        """``on`` when a supervisor reviews each report (only approved ones go to NIBRS)."""
        ...


class ProgramContext(Protocol):
    """The program a hook is called for: its calendar, its code tables and its settings."""

    @property
    def calendar(self) -> ProgramCalendar:
        """Turns UTC instants into the program's local days, months and school years."""
        ...

    @property
    def code_tables(self) -> CodeTables:
        """The code tables in force, with every plugin's additions and overlays."""
        ...

    @property
    def settings(self) -> ProgramSettingsView:
        """The program's settings."""
        ...
