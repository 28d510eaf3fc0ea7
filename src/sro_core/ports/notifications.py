"""The notification contract: notifiers that deliver domain events, and the registry of kinds.

Plugins register notifier *kinds* (``smtp``, ``webhook`` …) with a factory; the program's
configuration enables notifiers by kind and options. After commit, the dispatcher hands each
outbox event to each enabled notifier, at least once, with the event id as idempotency key;
a notifier that raises is retried with backoff and, if it keeps failing, the delivery goes to
the dead-letter list.
"""

from __future__ import annotations

import abc
import types
import uuid
from collections.abc import Callable, Iterable, Mapping

import attrs

from sro_core.domain import DomainError, DomainEvent
from sro_core.ports.claims import AlreadyRegistered, Attribution, RegistrationError


class UnknownNotifier(DomainError, LookupError):
    """A notifier kind was asked for that no installed plugin registered."""

    def __init__(self, kind: str, known: Iterable[str] = ()) -> None:
        self.kind = kind
        self.known = tuple(known)
        listing = ", ".join(self.known) or "none"
        super().__init__(f"no notifier kind {kind!r} is installed (installed: {listing})")

    def __reduce__(self) -> tuple[type[UnknownNotifier], tuple[str, tuple[str, ...]]]:
        return (type(self), (self.kind, self.known))


class DeliveryFailed(DomainError):
    """A notifier could not deliver an event; ``permanent`` ones are not retried."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        self.permanent = permanent
        super().__init__(message)


class Notifier(abc.ABC):
    """Delivers domain events somewhere outside the program (mail, a webhook, a log …)."""

    kind: str
    """The kind it was created as (``smtp``, ``webhook`` …)."""

    @abc.abstractmethod
    def deliver(self, event: DomainEvent, idempotency_key: uuid.UUID) -> None:
        """Deliver one event, or raise (best :class:`DeliveryFailed`) saying why it could not.

        :param event: the event; events carry ids, numbers and codes, never names or narrative.
        :param idempotency_key: the event's id; the same event may come again after a failure
            or a crash, and the receiver uses the key to keep one copy.
        """

    def close(self) -> None:  # noqa: B027 - closing is optional: most notifiers hold nothing
        """Release connections."""


NotifierFactory = Callable[[Mapping[str, str]], Notifier]
"""Creates a notifier from its configured options; raises a DomainError naming a bad option."""


@attrs.frozen
class NotifierKind:
    """A registered notifier kind: its name, how to create one, and what it does."""

    kind: str
    factory: NotifierFactory
    description: str
    plugin: str = ""


class NotifierRegistry(Attribution):
    """Notifier kinds by name; ``sro_register_notifiers`` hooks fill it."""

    def __init__(self) -> None:
        self._kinds: dict[str, NotifierKind] = {}

    def register(
        self, kind: str, factory: NotifierFactory, description: str, plugin: str = ""
    ) -> None:
        """Register a notifier kind; two plugins may not claim one kind.

        :param kind: the name configuration enables it by (``smtp``, ``webhook`` …).
        :param factory: creates a notifier from its options (strings, from configuration).
        :param description: one line saying where it delivers, for listings.
        :param plugin: who registers it; the plugin host fills it in when it calls the hook.
        """
        if not kind.strip():
            raise RegistrationError("a notifier kind needs a name")
        if not callable(factory):
            raise RegistrationError(f"notifier kind {kind!r}: the factory is not callable")
        claimant = self.claimant(plugin)
        if kind in self._kinds:
            raise AlreadyRegistered("notifier kind", kind, self._kinds[kind].plugin, claimant)
        self._kinds[kind] = NotifierKind(kind, factory, description, claimant)

    def get(self, kind: str) -> NotifierKind:
        """Return a registered kind, or raise :class:`UnknownNotifier`."""
        try:
            return self._kinds[kind]
        except KeyError:
            raise UnknownNotifier(kind, sorted(self._kinds)) from None

    def create(self, kind: str, options: Mapping[str, str] | None = None) -> Notifier:
        """Create a notifier of a kind from its options (a read-only copy is passed on)."""
        notifier = self.get(kind).factory(types.MappingProxyType(dict(options or {})))
        if not isinstance(notifier, Notifier):
            raise RegistrationError(
                f"notifier kind {kind!r}: the factory returned {notifier!r}, not a Notifier"
            )
        return notifier

    def kinds(self) -> list[NotifierKind]:
        """Return the registered kinds, by name."""
        return [self._kinds[k] for k in sorted(self._kinds)]
