"""Who registered what: registrations are attributed to a plugin, and a name has one owner.

Every registry the hooks fill (storage schemes, export formats, notifier kinds, code tables)
is an :class:`Attribution`: the plugin host fills it one plugin at a time inside
:meth:`Attribution.registering_for`, so every registration is recorded under the plugin that
made it, :meth:`Attribution.plugin` says who registered a name, and a second plugin claiming a
name is refused with :class:`AlreadyRegistered`, naming both.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterator
from typing import ClassVar

from sro_core.errors import AlreadyRegistered as AlreadyRegistered
from sro_core.errors import RegistrationError as RegistrationError
from sro_core.errors import SroError


class Attribution(abc.ABC):
    """A registry's owners: which plugin registered each name, and which one is registering.

    A registry names what it holds in :attr:`kind` (``"export format"`` …), calls
    :meth:`claim` before it keeps anything, and says in :meth:`unknown` how it refuses a name
    nobody registered.
    """

    kind: ClassVar[str] = "name"
    """What the registry's names name, as messages say it."""

    def __init__(self) -> None:
        self._registering_for = ""
        self._owners: dict[str, str] = {}

    @contextlib.contextmanager
    def registering_for(self, plugin: str) -> Iterator[None]:
        """Attribute every registration made in the block to ``plugin`` (used by the host)."""
        previous = self._registering_for
        self._registering_for = plugin
        try:
            yield
        finally:
            self._registering_for = previous

    def claimant(self, plugin: str = "") -> str:
        """Return who is registering: the plugin the host is calling, else the name given."""
        return self._registering_for or plugin

    def claim(self, name: str, plugin: str = "") -> str:
        """Record a name as the claimant's and return the claimant.

        :raises AlreadyRegistered: when another registration holds the name; nothing changes.
        """
        claimant = self.claimant(plugin)
        owner = self._owners.get(name)
        if owner is not None:
            raise AlreadyRegistered(self.kind, name, owner, claimant)
        self._owners[name] = claimant
        return claimant

    def plugin(self, name: str) -> str:
        """Return the plugin that registered a name, or raise the registry's unknown-name error."""
        try:
            return self._owners[name]
        except KeyError:
            raise self.unknown(name) from None

    @abc.abstractmethod
    def unknown(self, name: str) -> SroError:
        """Return the error for a name nobody registered, listing the names that are."""
