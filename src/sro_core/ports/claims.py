"""Who registered what: registrations are attributed to a plugin, and a name has one owner.

The plugin host fills each registry one plugin at a time inside
:meth:`Attribution.registering_for`, so every registration is recorded under the plugin that
made it, and two plugins claiming one name are both named in the error.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sro_core.domain import DomainError


class RegistrationError(DomainError, ValueError):
    """A plugin registered something a registry cannot take; the message says what and why."""


class AlreadyRegistered(RegistrationError):
    """Two plugins claimed one name (a URL scheme, an export format, a notifier kind …)."""

    def __init__(self, kind: str, name: str, owner: str, claimant: str) -> None:
        self.kind = kind
        self.name = name
        self.owner = owner
        self.claimant = claimant
        super().__init__(
            f"{kind} {name!r} is claimed by two plugins: {_plugin(owner)} registered it first,"
            f" then {_plugin(claimant)} registered it again"
        )

    def __reduce__(self) -> tuple[type[AlreadyRegistered], tuple[str, str, str, str]]:
        return (type(self), (self.kind, self.name, self.owner, self.claimant))


def _plugin(name: str) -> str:
    return f"plugin {name!r}" if name else "an unnamed plugin"


class Attribution:
    """Remembers which plugin a registry is being filled for, while the host calls its hook."""

    _registering_for: str = ""

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
