"""The storage registry: URL schemes and the factories that open them, filled by plugins."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable

import attrs

from sro_core.domain import ProgramCalendar
from sro_core.ports.claims import Attribution
from sro_core.ports.storage import Storage, StorageSettings, UnknownStore

StorageFactory = Callable[[StorageSettings], Storage]
"""Opens a store from its settings; raises StorageError with a clear message when it cannot."""


@attrs.frozen
class StorageBackend:
    """A registered backend: its URL scheme, how to open it, and what it can do."""

    scheme: str
    factory: StorageFactory
    description: str
    plugin: str = ""


_SECRET = re.compile(r"pass|secret|token|key|credential", re.IGNORECASE)
"""Query parameters whose value is masked: password, sslpassword, passfile, sslkey, token …"""
MASK = "***"


def shown_url(url: str) -> str:
    """Return a storage URL as messages may show it: every secret in it masked.

    The password of the user info (``user:***@host``) and the value of every password-like
    query parameter (``password``, ``sslpassword``, ``passfile``, ``sslkey``, ``token`` …) are
    replaced by ``***``; the rest is kept, so the user still sees which store is meant.
    """
    scheme, netloc, path, query, fragment = urllib.parse.urlsplit(url)
    user_info, at, host = netloc.rpartition("@")
    masked = at and ":" in user_info
    if masked:
        netloc = f"{user_info.split(':', 1)[0]}:{MASK}@{host}"
    pairs = []
    for pair in query.split("&") if query else ():
        name, equals, _value = pair.partition("=")
        secret = _SECRET.search(urllib.parse.unquote_plus(name))
        masked = masked or bool(equals and secret)
        pairs.append(f"{name}={MASK}" if equals and secret else pair)
    if not masked:
        return url  # as typed: rebuilt, sqlite:////abs/path.db would lose two slashes
    return urllib.parse.urlunsplit((scheme, netloc, path, "&".join(pairs), fragment))


def url_scheme(url: str) -> str:
    """Return the scheme of a storage URL (``memory``, ``sqlite``, ``postgresql`` …)."""
    scheme = urllib.parse.urlsplit(url).scheme
    if not scheme:
        raise UnknownStore(
            f"store {shown_url(url)!r}: a storage URL starts with its scheme, as sqlite:///"
        )
    return scheme.split("+", 1)[0].lower()


class StorageRegistry(Attribution):
    """Storage backends by URL scheme; ``sro_register_storage`` hooks fill it."""

    kind = "storage scheme"

    def __init__(self) -> None:
        super().__init__()
        self._backends: dict[str, StorageBackend] = {}

    def register(
        self,
        scheme: str,
        factory: StorageFactory,
        description: str,
        plugin: str = "",
    ) -> None:
        """Register a backend for a scheme; two plugins may not claim the same one.

        :param scheme: the URL scheme it opens (``sqlite``, ``postgresql`` …), in any case.
        :param factory: opens a store from its settings.
        :param description: one line saying what the backend is, for listings.
        :param plugin: who registers it; the plugin host fills it in when it calls the hook.
        :raises AlreadyRegistered: when another plugin registered the scheme first.
        """
        scheme = scheme.lower()
        claimant = self.claim(scheme, plugin)
        self._backends[scheme] = StorageBackend(scheme, factory, description, claimant)

    def backends(self) -> list[StorageBackend]:
        """Return the registered backends, by scheme."""
        return [self._backends[s] for s in sorted(self._backends)]

    def open(self, url: str, calendar: ProgramCalendar | None = None) -> Storage:
        """Open the store a URL names, with the backend registered for its scheme."""
        scheme = url_scheme(url)
        backend = self._backends.get(scheme)
        if backend is None:
            raise self.unknown(scheme, url)
        return backend.factory(StorageSettings(url, calendar or ProgramCalendar()))

    def unknown(self, name: str, url: str | None = None) -> UnknownStore:
        """Return the error for a scheme nobody registered, listing those that are."""
        known = ", ".join(sorted(self._backends)) or "none"
        store = f"store {shown_url(url)!r}: " if url is not None else ""
        return UnknownStore(f"{store}no installed plugin handles {name}: URLs (installed: {known})")
