"""The ``sro`` command's configuration file: the program's settings, the store, the actor.

The file is TOML, read with the standard library's ``tomllib``; every key is optional::

    store = "sqlite:////var/lib/sro/sro.db"     # as --store / SRO_STORE

    [program]
    name = "Chowchilla PD School Resource Officer Program"
    time_zone = "America/Los_Angeles"
    agency_ori = "CA0200200"
    suppression_threshold = 10
    dispatch_after_commit = true
    max_delivery_attempts = 5
    retry_backoff_seconds = 30
    delivery_timeout_seconds = 10               # a notifier's own: timeout_seconds
    claim_batch = 10
    retention_days = 30                         # delivered events kept before pruning
    review = "off"                              # "on": supervisors review reports
    audit_key_file = "/etc/sro/audit.key"       # else the variable named below
    audit_key_variable = "SRO_AUDIT_KEY"
    audit_retired_key_files = ["/etc/sro/audit-2025.key"]  # keys used before: verify only
    audit_checkpoints = "/mnt/evidence/sro"     # default: a folder in the user data folder
    audit_checkpoint_every = 1000               # entries; 0: never by count
    audit_checkpoint_minutes = 60               # 0: never by time
    audit_signing_key_file = "/etc/sro/ed25519.pem"  # optional: Ed25519-signed checkpoints
    audit_public_key_file = "/etc/sro/ed25519.pub"   # optional: verify them without the secret

    [[program.notifiers]]                       # none listed: the log notifier
    kind = "log"
    timeout_seconds = 2                         # this notifier's delivery timeout
    level = "INFO"                              # every other key is an option, as text

    [program.notifiers.routes.principal]        # e-mail, webhook, amqp: who gets what
    to = "principal@school.example"
    audience = "school_administration"
    events = "CrisisDeclared, CrisisResolved"

    [actor]                                     # as --as ACTOR-ID
    id = "principal.hs"                         # an actor of the store's directory

The file's tables are attrs classes (:class:`ConfigFile`, :class:`ProgramTable`,
:class:`ActorTable`) structured by the one converter (:mod:`sro_core.serialization`), which
refuses a key that is no setting, so a misspelt setting is never silently ignored, and a value
of the wrong kind. Each error names the file, the key and the value.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import platformdirs

from sro_core.domain import RuleViolation
from sro_core.errors import ConfigurationError as ConfigurationError
from sro_core.errors import SroError
from sro_core.serialization import UNKNOWN_FIELD, StructureError, structure
from sro_core.service import NotifierSetting, ProgramSettings

APP_NAME = "sro-core"
"""The folder name ``platformdirs`` gives the command's data and configuration."""

_DIRECTORY_KEYS = frozenset({"role", "name", "schools", "partner", "permissions"})


def _positive(_instance: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and value <= 0:
        unit = "days" if attribute.name.endswith("_days") else "seconds"
        raise RuleViolation(attribute.name, value, f"a positive number of {unit}")


def _not_negative(_instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value < 0:
        raise RuleViolation(attribute.name, value, "0 (never) or more minutes")


def _seconds(value: float) -> dt.timedelta:
    return dt.timedelta(seconds=value)


def _days(value: float) -> dt.timedelta:
    return dt.timedelta(days=value)


def _minutes(value: int) -> dt.timedelta:
    return dt.timedelta(minutes=value)


def _notifiers(entries: tuple[Any, ...]) -> tuple[NotifierSetting, ...]:
    """Return the notifiers of ``[[program.notifiers]]`` tables; options are kept as text."""
    notifiers = []
    for n, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise RuleViolation(f"notifiers[{n}]", entry, "a [[program.notifiers]] table")
        kind = entry.get("kind")
        if not isinstance(kind, str):
            raise RuleViolation(f"notifiers[{n}].kind", kind, "each notifier names its kind")
        timeout = entry.get("timeout_seconds")
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0
        ):
            raise RuleViolation(
                f"notifiers[{n}].timeout_seconds", timeout, "a positive number of seconds"
            )
        options = tuple(
            sorted(
                (key, value if isinstance(value, str) else str(value).lower())
                for key, value in _flat(entry)
                if key not in {"kind", "timeout_seconds"}
            )
        )
        notifiers.append(
            NotifierSetting(kind, options, None if timeout is None else _seconds(timeout))
        )
    return tuple(notifiers)


def _flat(table: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, object]]:
    """Yield a table's keys and values; a nested table's keys are dotted (``routes.a.to``)."""
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _setting(name: str, read: Callable[[Any], object], **field: Any) -> Any:
    """Return a table field that sets the program setting ``name`` to ``read(value)``."""
    return attrs.field(default=None, metadata={"setting": (name, read)}, **field)


@attrs.frozen
class ProgramTable:
    """The ``[program]`` table: the program's settings as the file names them; None: not set.

    A key sets the :class:`~sro_core.service.ProgramSettings` field of its name, but those
    that name their unit (``retry_backoff_seconds`` sets ``retry_backoff``). ``notifiers`` are
    ``[[program.notifiers]]`` tables: a ``kind``, an optional ``timeout_seconds``, and options
    (every other key, as text; a nested table's keys dotted).
    """

    name: str | None = None
    time_zone: str | None = None
    agency_ori: str | None = None
    suppression_threshold: int | None = None
    dispatch_after_commit: bool | None = None
    max_delivery_attempts: int | None = None
    retry_backoff_seconds: float | None = _setting("retry_backoff", _seconds, validator=_positive)
    delivery_timeout_seconds: float | None = _setting(
        "delivery_timeout", _seconds, validator=_positive
    )
    claim_batch: int | None = None
    retention_days: float | None = _setting("retention", _days, validator=_positive)
    review: str | None = None
    notifiers: tuple[Any, ...] | None = _setting("notifiers", _notifiers)
    audit_key_file: str | None = None
    audit_key_variable: str | None = None
    audit_retired_key_files: tuple[str, ...] | None = None
    audit_checkpoints: str | None = None
    audit_signing_key_file: str | None = None
    audit_public_key_file: str | None = None
    audit_checkpoint_every: int | None = None
    audit_checkpoint_minutes: int | None = _setting(
        "audit_checkpoint_interval", _minutes, validator=_not_negative
    )

    def settings(self) -> ProgramSettings:
        """Return the program's settings: what the table sets, and the defaults for the rest."""
        given: dict[str, Any] = {}
        for field in attrs.fields(ProgramTable):
            value = getattr(self, field.name)
            if value is not None:
                name, read = field.metadata.get("setting", (field.name, None))
                given[name] = value if read is None else read(value)
        return ProgramSettings(**given)


@attrs.frozen
class ActorTable:
    """The ``[actor]`` table: whom the command acts as (as ``--as``)."""

    id: str | None = None


@attrs.frozen
class ConfigFile:
    """The configuration file as written: the store, the ``[program]`` and ``[actor]`` tables."""

    store: str | None = None
    program: ProgramTable = ProgramTable()
    actor: ActorTable = ActorTable()


ActorSetting = ActorTable
"""Whom the command acts as: an actor id of the store's directory (as ``--as``)."""


@attrs.frozen
class Configuration:
    """What the configuration file says: the store, the program's settings, the actor."""

    settings: ProgramSettings = attrs.field(factory=ProgramSettings)
    store: str | None = None
    actor: ActorSetting = attrs.field(factory=ActorSetting)
    path: Path | None = None


def default_config_path() -> Path:
    """Return where the configuration file is looked for when ``--config`` is not given."""
    return platformdirs.user_config_path(APP_NAME) / "sro.toml"


def default_store_url() -> str:
    """Return the URL of the default store: a SQLite file in the user's data folder."""
    path = (platformdirs.user_data_path(APP_NAME) / "sro.db").absolute()
    # sqlite:/// then the path: four slashes for a POSIX path, sqlite:///C:/… on Windows
    return f"sqlite:///{path.as_posix()}"


def default_checkpoint_folder(store_url: str) -> Path:
    """Return where a store's audit checkpoints go when the configuration names no folder.

    A folder of its own per store, in the user's data folder, named by a digest of the
    store's URL (its password left out); a department keeps them apart from the store by
    naming ``audit_checkpoints``.
    """
    parts = urllib.parse.urlsplit(store_url)
    if parts.password is not None:
        host = parts.hostname or ""
        user = f"{parts.username}@" if parts.username else ""
        parts = parts._replace(netloc=f"{user}{host}" + (f":{parts.port}" if parts.port else ""))
    digest = hashlib.sha256(parts.geturl().encode()).hexdigest()[:16]
    return platformdirs.user_data_path(APP_NAME) / "audit-checkpoints" / digest


def load_configuration(path: Path | None) -> Configuration:
    """Read the configuration file named, or the default one if it exists, or use the defaults."""
    if path is None:
        candidate = default_config_path()
        if not candidate.is_file():
            return Configuration()
        path = candidate
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise ConfigurationError(f"config {path}: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigurationError(f"config {path}: not valid TOML: {error}") from None
    return _configuration(data, path)


def _configuration(data: dict[str, Any], path: Path) -> Configuration:
    for table in ("program", "actor"):
        if not isinstance(data.get(table, {}), dict):
            raise ConfigurationError(
                f"config {path}: {table}: a [{table}] table (got {data[table]!r})"
            )
    kept = sorted(set(data.get("actor", {})) & _DIRECTORY_KEYS)
    if kept:
        raise ConfigurationError(
            f"config {path}: actor.{kept[0]}: an actor's role, scope and permissions are kept"
            " in the store's directory (sro actors add / change); give only actor.id here"
        )
    try:
        written = structure(data, ConfigFile)
        settings = written.program.settings()
    except StructureError as error:
        listing = "; ".join(
            f"{problem.field}: {_rule(problem.rule)} (got {_given(data, problem.field)!r})"
            for problem in error.problems
        )
        raise ConfigurationError(f"config {path}: {listing}") from None
    except SroError as error:
        raise ConfigurationError(f"config {path}: program.{error}") from None
    return Configuration(settings, written.store, written.actor, path)


def _rule(rule: str) -> str:
    return "not a setting the command knows" if rule == UNKNOWN_FIELD else rule


def _given(data: Mapping[str, Any], field: str) -> object:
    """Return the value the file holds at a problem's path (``program.notifiers[0].kind``)."""
    value: object = data
    for part in field.replace("[", ".[").split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.startswith("[") and part[1:-1].isdigit():
            value = value[int(part[1:-1])]
    return value
