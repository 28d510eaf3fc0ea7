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
    audit_key_file = "/etc/sro/audit.key"       # else $SRO_AUDIT_KEY (audit_key_variable)
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

An unknown key is an error, so a misspelt setting is never silently ignored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import platformdirs

from sro_core.domain import DomainError
from sro_core.errors import ConfigurationError as ConfigurationError
from sro_core.service import NotifierSetting, ProgramSettings

APP_NAME = "sro-core"
"""The folder name ``platformdirs`` gives the command's data and configuration."""

_TOP = frozenset({"store", "program", "actor"})
_PROGRAM = frozenset(
    {
        "name",
        "time_zone",
        "agency_ori",
        "suppression_threshold",
        "dispatch_after_commit",
        "max_delivery_attempts",
        "retry_backoff_seconds",
        "delivery_timeout_seconds",
        "claim_batch",
        "retention_days",
        "review",
        "notifiers",
        "audit_key_file",
        "audit_key_variable",
        "audit_retired_key_files",
        "audit_checkpoints",
        "audit_signing_key_file",
        "audit_public_key_file",
        "audit_checkpoint_every",
        "audit_checkpoint_minutes",
    }
)
_ACTOR = frozenset({"id"})
_DIRECTORY_KEYS = frozenset({"role", "name", "schools", "partner", "permissions"})


@attrs.frozen
class ActorSetting:
    """Whom the command acts as: an actor id of the store's directory (as ``--as``)."""

    id: str | None = None


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
    _known(data, _TOP, "", path)
    store = data.get("store")
    if store is not None and not isinstance(store, str):
        raise ConfigurationError(f"config {path}: store: a storage URL is text")
    program = _table(data, "program", path)
    actor = _table(data, "actor", path)
    return Configuration(_settings(program, path), store, _actor(actor, path), path)


def _table(data: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigurationError(f"config {path}: [{key}] is a table")
    return value


def _known(data: dict[str, Any], keys: frozenset[str], prefix: str, path: Path) -> None:
    for key in sorted(set(data) - keys):
        raise ConfigurationError(f"config {path}: {prefix}{key}: not a setting the command knows")


def _typed(data: dict[str, Any], key: str, kind: type, path: Path, prefix: str) -> Any:
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigurationError(f"config {path}: {prefix}{key}: must be {kind.__name__}")
    return value


def _settings(program: dict[str, Any], path: Path) -> ProgramSettings:
    _known(program, _PROGRAM, "program.", path)
    kinds: dict[str, type] = {
        "name": str,
        "time_zone": str,
        "agency_ori": str,
        "suppression_threshold": int,
        "dispatch_after_commit": bool,
        "max_delivery_attempts": int,
        "claim_batch": int,
        "review": str,
        "audit_key_file": str,
        "audit_key_variable": str,
        "audit_checkpoints": str,
        "audit_signing_key_file": str,
        "audit_public_key_file": str,
        "audit_checkpoint_every": int,
    }
    values = {
        key: _typed(program, key, kind, path, "program.")
        for key, kind in kinds.items()
        if key in program
    }
    times = {
        "retry_backoff_seconds": ("retry_backoff", 1),
        "delivery_timeout_seconds": ("delivery_timeout", 1),
        "retention_days": ("retention", 86400),
    }
    for key, (setting, unit) in times.items():
        if key in program:
            values[setting] = _time(program[key], unit, f"config {path}: program.{key}")
    if "audit_checkpoint_minutes" in program:
        minutes = _typed(program, "audit_checkpoint_minutes", int, path, "program.")
        if minutes < 0:
            raise ConfigurationError(
                f"config {path}: program.audit_checkpoint_minutes: 0 (never) or more minutes"
            )
        values["audit_checkpoint_interval"] = dt.timedelta(minutes=minutes)
    if "audit_retired_key_files" in program:
        files = program["audit_retired_key_files"]
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            raise ConfigurationError(
                f"config {path}: program.audit_retired_key_files: a list of file names"
            )
        values["audit_retired_key_files"] = tuple(files)
    if "notifiers" in program:
        values["notifiers"] = _notifiers(program["notifiers"], path)
    try:
        return ProgramSettings(**values)
    except DomainError as error:
        raise ConfigurationError(f"config {path}: program.{error}") from None


def _notifiers(entries: object, path: Path) -> tuple[NotifierSetting, ...]:
    if not isinstance(entries, list):
        raise ConfigurationError(f"config {path}: program.notifiers: a list of [[tables]]")
    notifiers = []
    for n, entry in enumerate(entries):
        where = f"config {path}: program.notifiers[{n}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("kind"), str):
            raise ConfigurationError(f"{where}: a table with a kind")
        options = tuple(
            sorted(
                (key, value if isinstance(value, str) else str(value).lower())
                for key, value in _flat(entry)
                if key not in {"kind", "timeout_seconds"}
            )
        )
        timeout = None
        if "timeout_seconds" in entry:
            timeout = _time(entry["timeout_seconds"], 1, f"{where}.timeout_seconds")
        notifiers.append(NotifierSetting(entry["kind"], options, timeout))
    return tuple(notifiers)


def _flat(table: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, object]]:
    """Yield a table's keys and values; a nested table's keys are dotted (``routes.a.to``)."""
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _time(value: object, unit: int, where: str) -> dt.timedelta:
    """Return a positive number of seconds (``unit`` 1) or days (86400) as a time."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        name = "seconds" if unit == 1 else "days"
        raise ConfigurationError(f"{where}: a positive number of {name}")
    return dt.timedelta(seconds=value * unit)


def _actor(actor: dict[str, Any], path: Path) -> ActorSetting:
    kept = sorted(set(actor) & _DIRECTORY_KEYS)
    if kept:
        raise ConfigurationError(
            f"config {path}: actor.{kept[0]}: an actor's role, scope and permissions are kept"
            " in the store's directory (sro actors add / change); give only actor.id here"
        )
    _known(actor, _ACTOR, "actor.", path)
    return ActorSetting(id=_typed(actor, "id", str, path, "actor.") if "id" in actor else None)
