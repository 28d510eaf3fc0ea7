"""The Program: the API department apps call, with an actor for every command and query."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import TracebackType
from typing import Self

from sro_core.domain import Actor
from sro_core.plugins import PluginHost
from sro_core.service.acting import ActingAs
from sro_core.service.arguments import check_every_argument
from sro_core.service.bundles import Bundles
from sro_core.service.core import utc_now
from sro_core.service.crises import Crises
from sro_core.service.exports import Exports
from sro_core.service.identity import Identity
from sro_core.service.people import People
from sro_core.service.referrals import Referrals
from sro_core.service.report import Reports
from sro_core.service.restrictions import Restrictions
from sro_core.service.review import Review
from sro_core.service.safekeeping import Safekeeping
from sro_core.service.settings import ProgramSettings
from sro_core.service.submissions import Submissions


class Program(
    Bundles,
    Identity,
    Referrals,
    Crises,
    Restrictions,
    Review,
    People,
    Exports,
    Reports,
    Safekeeping,
    Submissions,
):
    """An SRO program: its records in a store, its settings, its plugins.

    Open one with :meth:`open`; every command and query takes the :class:`~sro_core.domain.Actor`
    that acts, is checked against the access policy, and is audited. Commands are all or
    nothing; their events reach the enabled notifiers after commit.
    """

    @classmethod
    def open(
        cls,
        url: str,
        settings: ProgramSettings | None = None,
        *,
        plugins: PluginHost | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> Program:
        """Open the program kept in the store a URL names (``sqlite:///sro.db``, ``memory:`` …)."""
        settings = settings or ProgramSettings()
        plugins = plugins or PluginHost.load()
        storage = plugins.open_storage(url, settings.calendar)
        try:
            return cls(storage, settings, plugins, clock)
        except BaseException:
            storage.close()
            raise

    def acting_as(self, actor: Actor) -> ActingAs:
        """Return the program's commands and queries with ``actor`` given to each.

        ``with program.acting_as(sergeant) as sgt: sgt.report_incident(draft)``.
        """
        return ActingAs(self, actor)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


for _part in Program.__mro__:
    if _part.__module__.startswith("sro_core.service."):
        check_every_argument(_part)
