"""Every error ``sro_core`` raises on purpose, under one root: :class:`SroError`.

Catch ``SroError`` to catch them all; each message says what is wrong in the user's terms. An
error that is also a standard kind of error derives from it too (``ValueError`` for a bad value,
``LookupError`` for an unknown name, ``PermissionError`` for a refusal), so code that catches
those keeps working. The tree::

    SroError                        (DomainError is its older name, kept)
    ├── RuleViolation               ValueError: a value or change breaks a rule of the domain
    │   ├── IllegalTransition       a status change its table does not allow
    │   └── SharingRefused          no active agreement lets the record go to the partner
    ├── StructureError              ValueError: input that does not make a domain value
    ├── RecordRejected              ValueError: a record breaks rules gathered as problems
    ├── ImportRejected              ValueError: records of an import break rules
    ├── UnknownCodeError            ValueError: a value not in its code table
    ├── UnknownCodeTableError       LookupError: no code table of that name
    ├── BadQuery                    ValueError: a query that cannot be answered
    ├── AccessDenied                PermissionError: the policy refused an actor (audited)
    ├── NotIdentified               no registered, active actor answers to an identity
    ├── StorageError                storage could not do what was asked
    │   ├── UnknownStore            ValueError: no plugin handles the storage URL's scheme
    │   ├── SchemaTooNew            the database was written by a newer sro_core
    │   ├── NotFound                LookupError: no record of that kind has that id
    │   └── Conflict                a write lost a race or broke a uniqueness rule
    ├── UnreadableAudit             a stored audit entry cannot be read back
    ├── AnchorError                 an audit key, signing key or checkpoint cannot be used
    ├── RegistrationError           ValueError: a plugin registered something unusable
    │   └── AlreadyRegistered       two plugins claimed one name
    ├── PluginLoadError             a plugin could not be loaded or does not fit the hooks
    ├── UnknownExporter             LookupError: no export format of that name
    ├── UnknownNotifier             LookupError: no notifier kind of that name
    ├── DeliveryFailed              a notifier could not deliver an event
    │   └── DeliveryTimedOut        it did not answer in time (retried later)
    ├── OutputRefused               an output file was refused before anything was written
    └── the ``sro`` command's own:
        ├── ConfigurationError      the configuration file cannot be read or used
        ├── StoreMissing            the store a command names does not exist
        ├── StoreNotEmpty           the demo builds its school year in an empty store only
        ├── StoreUnwell             ``sro doctor`` found something wrong with the store
        ├── AuditBroken             the audit trail does not verify
        ├── ImportStopped           storing stopped partway through an import
        └── ReportPluginMissing     the report plugin is not installed

Two are defined beside the values they carry, and imported from there: :class:`AccessDenied`
(it holds the refused ``Actor``) from ``sro_core.policy``, and :class:`UnreadableAudit` (it
holds the ``UnreadableEntry``) from ``sro_core.domain``; this module sits below both and
imports nothing of ``sro_core``. Every other one is defined here, and the module that raises it
re-exports it under its old import path; ``sro_core`` exports the root.
Warnings are not errors: :class:`~sro_core.plugins.SroPluginWarning` says a plugin was skipped.

An error pickles whole (its fields, and so its message), so that one raised in a worker
process reaches its parent intact. :class:`Problem` is a broken rule reported rather than
raised: department rules return them, and :class:`RecordRejected` lists them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "AlreadyRegistered",
    "AnchorError",
    "AuditBroken",
    "BadQuery",
    "ConfigurationError",
    "Conflict",
    "DeliveryFailed",
    "DeliveryTimedOut",
    "DomainError",
    "IllegalTransition",
    "ImportRejected",
    "ImportStopped",
    "NotFound",
    "NotIdentified",
    "OutputRefused",
    "PluginLoadError",
    "Problem",
    "RecordRejected",
    "RegistrationError",
    "ReportPluginMissing",
    "RuleViolation",
    "SchemaTooNew",
    "SharingRefused",
    "SroError",
    "StorageError",
    "StoreMissing",
    "StoreNotEmpty",
    "StoreUnwell",
    "StructureError",
    "UnknownCodeError",
    "UnknownCodeTableError",
    "UnknownExporter",
    "UnknownNotifier",
    "UnknownStore",
]


class SroError(Exception):
    """Base of every error ``sro_core`` raises on purpose."""


DomainError = SroError
"""The root's older name: ``except DomainError`` catches every ``SroError``."""


# The domain's rules


class RuleViolation(SroError, ValueError):
    """A value or a change breaks a rule of the SRO program's domain.

    ``field`` names what is wrong (a dotted path where it helps), ``value`` is what was given,
    and ``rule`` says which rule it breaks, in the program's words.
    """

    def __init__(self, field: str, value: Any, rule: str) -> None:
        self.field = field
        self.value = value
        self.rule = rule
        super().__init__(f"{field}: {rule} (got {value!r})")

    def __reduce__(self) -> tuple[type[RuleViolation], tuple[str, Any, str]]:
        return (type(self), (self.field, self.value, self.rule))


class IllegalTransition(RuleViolation):
    """An incident, referral or crisis was asked to move to a status its table does not allow."""

    def __init__(self, kind: str, current: Any, requested: Any) -> None:
        self.kind = kind
        self.current = current
        self.requested = requested
        super().__init__(
            "status",
            requested,
            f"{kind} status cannot move from {current.value} to {requested.value}",
        )

    def __reduce__(self) -> tuple[type[IllegalTransition], tuple[str, Any, Any]]:
        return (type(self), (self.kind, self.current, self.requested))


class SharingRefused(RuleViolation):
    """A record was to go to a partner that no active agreement allows it to go to."""


class Problem:
    """A rule a record breaks, reported rather than raised (by code checks and department rules).

    ``field`` is the path of the offending field, ``value`` what it holds, ``rule`` the rule.
    """

    __slots__ = ("field", "rule", "value")

    def __init__(self, field: str, value: Any, rule: str) -> None:
        self.field = field
        self.value = value
        self.rule = rule

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return (self.field, self.value, self.rule) == (other.field, other.value, other.rule)

    def __hash__(self) -> int:
        return hash((self.field, repr(self.value), self.rule))

    def __repr__(self) -> str:
        return f"Problem({self.field!r}, {self.value!r}, {self.rule!r})"

    def __str__(self) -> str:
        return f"{self.field}: {self.rule} (got {self.value!r})"

    def __reduce__(self) -> tuple[type[Problem], tuple[str, Any, str]]:
        return (type(self), (self.field, self.value, self.rule))

    def violation(self) -> RuleViolation:
        """Return the problem as an exception, for a command that must refuse it."""
        return RuleViolation(self.field, self.value, self.rule)


class StructureError(SroError, ValueError):
    """Input that does not make a valid domain value; ``problems`` names each bad field."""

    def __init__(self, type_name: str, problems: list[Problem]) -> None:
        self.type_name = type_name
        self.problems = problems
        listing = "; ".join(f"{p.field}: {p.rule}" for p in problems)
        super().__init__(f"not a valid {type_name}: {listing}")

    def __reduce__(self) -> tuple[type[StructureError], tuple[str, list[Problem]]]:
        return (type(self), (self.type_name, self.problems))


class RecordRejected(SroError, ValueError):
    """A record breaks rules that were gathered rather than raised: every problem is listed."""

    def __init__(self, what: str, problems: Sequence[Problem]) -> None:
        self.what = what
        self.problems = tuple(problems)
        listing = "; ".join(str(p) for p in self.problems)
        super().__init__(f"{what} refused: {listing}")

    def __reduce__(self) -> tuple[type[RecordRejected], tuple[str, tuple[Problem, ...]]]:
        return (type(self), (self.what, self.problems))


class ImportRejected(SroError, ValueError):
    """Records of an import break rules: every problem, by position; nothing was stored."""

    def __init__(self, problems: Mapping[int, tuple[Problem, ...]]) -> None:
        self.problems = dict(problems)
        positions = ", ".join(str(n) for n in sorted(self.problems))
        super().__init__(f"{len(self.problems)} records break rules (at {positions})")

    def __reduce__(self) -> tuple[type[ImportRejected], tuple[dict[int, tuple[Problem, ...]]]]:
        return (type(self), (self.problems,))


# Codes and queries


class UnknownCodeError(SroError, ValueError):
    """A value is not one of the codes of the code table it must come from.

    ``table`` is the table's name, ``version`` its version, ``value`` the rejected value and
    ``field`` (when known) the path of the field that held it, e.g. ``offenses[0].ucr_code``.
    """

    def __init__(self, table: str, version: str, value: str, field: str | None = None) -> None:
        self.table = table
        self.version = version
        self.value = value
        self.field = field
        kind = table.rsplit(".", 1)[-1].replace("_", " ")
        message = f"{kind} code {value!r} is not in code table {table!r} {version}"
        super().__init__(f"{field}: {message}" if field else message)

    def __reduce__(self) -> tuple[type[UnknownCodeError], tuple[str, str, str, str | None]]:
        return (type(self), (self.table, self.version, self.value, self.field))


class UnknownCodeTableError(SroError, LookupError):
    """A code table was asked for by a name that the registry does not hold."""

    def __init__(self, name: str, known: Iterable[str] = ()) -> None:
        self.name = name
        self.known = tuple(known)
        listing = ", ".join(self.known) if self.known else "none"
        super().__init__(f"no code table named {name!r} (known tables: {listing})")

    def __reduce__(self) -> tuple[type[UnknownCodeTableError], tuple[str, tuple[str, ...]]]:
        return (type(self), (self.name, self.known))


class BadQuery(SroError, ValueError):
    """A query was asked with parameters that cannot be answered (a bad cursor, a page size)."""


# Who acts


class NotIdentified(SroError):
    """No registered, active actor answers to the identity given: the message says why."""


# Storage


class StorageError(SroError):
    """Storage could not do what was asked; the message says why in the user's terms."""


class UnknownStore(StorageError, ValueError):
    """A storage URL whose scheme no installed plugin registered."""


class SchemaTooNew(StorageError):
    """The database was written by a newer version of the code than this one."""


class NotFound(StorageError, LookupError):
    """No record of a kind has the identifier asked for."""

    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"no {kind} {key}")

    def __reduce__(self) -> tuple[type[NotFound], tuple[str, object]]:
        return (type(self), (self.kind, self.key))


class Conflict(StorageError):
    """A write lost a race or broke a uniqueness rule; nothing of its unit of work is kept."""

    def __init__(self, kind: str, key: object, reason: str) -> None:
        self.kind = kind
        self.key = key
        self.reason = reason
        super().__init__(f"{kind} {key}: {reason}")

    def __reduce__(self) -> tuple[type[Conflict], tuple[str, object, str]]:
        return (type(self), (self.kind, self.key, self.reason))


class AnchorError(SroError):
    """The audit key, a signing key or a checkpoint cannot be read or written; says what to do."""


# Plugins and what they register


class RegistrationError(SroError, ValueError):
    """A plugin registered something a registry cannot take; the message says what and why."""


def _plugin(name: str) -> str:
    return f"plugin {name!r}" if name else "an unnamed plugin"


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


class PluginLoadError(SroError):
    """A plugin could not be loaded or does not fit the hooks; the message names it and why."""

    def __init__(self, plugin: str, reason: str) -> None:
        self.plugin = plugin
        self.reason = reason
        super().__init__(f"plugin {plugin!r}: {reason}")

    def __reduce__(self) -> tuple[type[PluginLoadError], tuple[str, str]]:
        return (type(self), (self.plugin, self.reason))


class UnknownExporter(SroError, LookupError):
    """An export format was asked for by a name that no installed plugin registered."""

    def __init__(self, name: str, known: Iterable[str] = ()) -> None:
        self.name = name
        self.known = tuple(known)
        listing = ", ".join(self.known) or "none"
        super().__init__(f"no export format {name!r} is installed (installed: {listing})")

    def __reduce__(self) -> tuple[type[UnknownExporter], tuple[str, tuple[str, ...]]]:
        return (type(self), (self.name, self.known))


class UnknownNotifier(SroError, LookupError):
    """A notifier kind was asked for that no installed plugin registered."""

    def __init__(self, kind: str, known: Iterable[str] = ()) -> None:
        self.kind = kind
        self.known = tuple(known)
        listing = ", ".join(self.known) or "none"
        super().__init__(f"no notifier kind {kind!r} is installed (installed: {listing})")

    def __reduce__(self) -> tuple[type[UnknownNotifier], tuple[str, tuple[str, ...]]]:
        return (type(self), (self.kind, self.known))


class DeliveryFailed(SroError):
    """A notifier could not deliver an event; ``permanent`` ones are not retried.

    ``retry_after``: the receiver asked not to be tried again before then (HTTP
    ``Retry-After``); the next attempt waits at least that long.
    """

    def __init__(
        self, message: str, *, permanent: bool = False, retry_after: dt.timedelta | None = None
    ) -> None:
        self.permanent = permanent
        self.retry_after = retry_after
        super().__init__(message)

    def __reduce__(
        self,
    ) -> tuple[Any, tuple[type[DeliveryFailed], str, bool, dt.timedelta | None]]:
        return (_delivery_failed, (type(self), str(self), self.permanent, self.retry_after))


class DeliveryTimedOut(DeliveryFailed):
    """A notifier did not answer within its deadline; it was abandoned and will be retried."""


def _delivery_failed(
    kind: type[DeliveryFailed], message: str, permanent: bool, retry_after: dt.timedelta | None
) -> DeliveryFailed:
    """Rebuild a pickled DeliveryFailed (its flags are keyword-only)."""
    return kind(message, permanent=permanent, retry_after=retry_after)


# Files


class OutputRefused(SroError):
    """An output file was refused before anything was written: the message says why."""


# The sro command's own


class ConfigurationError(SroError):
    """The configuration file cannot be read, or holds a key or value the command cannot use."""


class StoreMissing(SroError):
    """The store a command names does not exist (``sro init`` creates one)."""


class StoreNotEmpty(SroError):
    """The demo builds its school year in an empty store only."""


class StoreUnwell(SroError):
    """``sro doctor`` found something wrong with the store."""


class AuditBroken(SroError):
    """The audit trail does not verify."""


class ImportStopped(SroError):
    """Storing stopped partway: the message says which rows were stored and which were not."""


class ReportPluginMissing(SroError):
    """The report plugin is not installed."""
