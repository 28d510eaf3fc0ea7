"""The audit trail's anchors: its key, and the sealed checkpoints kept outside the store.

The key comes from a file or an environment variable the settings name, never from the
store. A checkpoint is written to a folder as one new JSON file per checkpoint (a complete
file put in place by rename, never overwritten: the folder only grows) and handed to every
``sro_audit_checkpoint`` hook. It is sealed with the audit key (HMAC-SHA256, standard
library), or signed with an Ed25519 key when one is configured (the ``signing`` extra,
``cryptography``), so that anyone with the public key can check it without the secret.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pathlib
from typing import Any

import attrs

from sro_core.domain import (
    AuditCheckpoint,
    AuditKey,
    CheckpointSeal,
    RuleViolation,
)
from sro_core.errors import AnchorError as AnchorError
from sro_core.files import written_whole
from sro_core.service.settings import ProgramSettings

ED25519 = "ed25519"
"""The name of the checkpoint seal made with an Ed25519 key."""


def audit_key(settings: ProgramSettings) -> AuditKey | None:
    """Return the audit key the settings name (its file first, then its variable), or None."""
    if settings.audit_key_file is not None:
        path = pathlib.Path(settings.audit_key_file)
        return _key(_read_key(path), f"the audit key file {path}")
    if settings.audit_key_variable is None:
        return None
    text = os.environ.get(settings.audit_key_variable)
    if not text:
        return None
    return _key(text.encode(), f"the audit key in ${settings.audit_key_variable}")


def _read_key(path: pathlib.Path) -> bytes:
    """Return a key file's bytes, without a trailing line end."""
    try:
        return path.read_bytes().rstrip(b"\r\n")
    except OSError as error:
        raise AnchorError(
            f"the audit key file {path} cannot be read ({error.strerror or error})"
        ) from None


def _key(secret: bytes, where: str) -> AuditKey:
    try:
        return AuditKey(secret)
    except RuleViolation as short:
        raise AnchorError(
            f"{where} is too short ({short.value}): an audit key holds at least 32 bytes, such "
            'as the output of `python -c "import secrets; print(secrets.token_hex(32))"`'
        ) from None


@attrs.frozen
class Ed25519Seal:
    """An Ed25519 key that signs checkpoints (private) or only checks them (public)."""

    public: bytes
    """The raw 32-byte public key."""
    private: Any = attrs.field(default=None, repr=False)
    """A ``cryptography`` Ed25519PrivateKey, or None to check only."""

    @property
    def id(self) -> str:
        """The key's name: the start of the SHA-256 of its public half."""
        return hashlib.sha256(b"sro_core ed25519\x00" + self.public).hexdigest()[:16]

    @property
    def method(self) -> str:
        """How this key seals a checkpoint."""
        return ED25519

    def seal(self, body: bytes) -> str:
        """Return the Ed25519 signature of a body, as hex."""
        if self.private is None:
            raise AnchorError(
                "checkpoints are signed with Ed25519, and only the public key is configured: "
                "set audit_signing_key_file"
            )
        signature: bytes = self.private.sign(body)
        return signature.hex()

    def check(self, body: bytes, seal: str) -> bool:
        """Return whether a seal is this key's signature of the body."""
        from cryptography.exceptions import InvalidSignature  # noqa: PLC0415 - optional extra
        from cryptography.hazmat.primitives.asymmetric.ed25519 import (  # noqa: PLC0415
            Ed25519PublicKey,
        )

        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(bytes.fromhex(seal), body)
        except (InvalidSignature, ValueError):
            return False
        return True


def _serialization() -> Any:
    try:
        from cryptography.hazmat.primitives import serialization  # noqa: PLC0415
    except ImportError:
        raise AnchorError(
            "Ed25519 checkpoints need the signing extra: pip install 'sro-core[signing]'"
        ) from None
    return serialization


def _pem(path_text: str, what: str) -> bytes:
    path = pathlib.Path(path_text)
    try:
        return path.read_bytes()
    except OSError as error:
        raise AnchorError(f"the {what} {path} cannot be read ({error.strerror or error})") from None


def ed25519_seal(settings: ProgramSettings) -> Ed25519Seal | None:
    """Return the Ed25519 key the settings name (private, else public), or None."""
    if settings.audit_signing_key_file is None and settings.audit_public_key_file is None:
        return None
    serialization = _serialization()
    from cryptography.hazmat.primitives.asymmetric import ed25519  # noqa: PLC0415

    raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
    if settings.audit_signing_key_file is not None:
        what = "Ed25519 signing key file"
        data = _pem(settings.audit_signing_key_file, what)
        try:
            private = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError) as error:
            raise AnchorError(f"the {what} is not a PEM private key ({error})") from None
        if not isinstance(private, ed25519.Ed25519PrivateKey):
            raise AnchorError(f"the {what} holds a key of another kind than Ed25519")
        return Ed25519Seal(private.public_key().public_bytes(*raw), private)
    what = "Ed25519 public key file"
    data = _pem(str(settings.audit_public_key_file), what)
    try:
        public = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as error:
        raise AnchorError(f"the {what} is not a PEM public key ({error})") from None
    if not isinstance(public, ed25519.Ed25519PublicKey):
        raise AnchorError(f"the {what} holds a key of another kind than Ed25519")
    return Ed25519Seal(public.public_bytes(*raw))


@attrs.frozen
class Anchors:
    """What a program anchors its trail with: its key, its seals and its checkpoint folder."""

    key: AuditKey | None
    signer: Ed25519Seal | None
    folder: CheckpointFolder | None
    retired: tuple[AuditKey, ...] = ()

    @classmethod
    def from_settings(cls, settings: ProgramSettings) -> Anchors:
        """Read the keys and the folder the settings name; raise AnchorError if one is bad."""
        folder = settings.audit_checkpoints
        retired = tuple(
            _key(_read_key(pathlib.Path(name)), f"the retired audit key file {name}")
            for name in settings.audit_retired_key_files
        )
        return cls(
            audit_key(settings),
            ed25519_seal(settings),
            None if folder is None else CheckpointFolder(pathlib.Path(folder)),
            retired,
        )

    @property
    def sealer(self) -> CheckpointSeal | None:
        """The seal new checkpoints get: Ed25519 when configured, else the audit key."""
        if self.signer is not None and self.signer.private is not None:
            return self.signer
        return self.key

    @property
    def seals(self) -> list[CheckpointSeal]:
        """Every seal a checkpoint may be checked with."""
        return [s for s in (self.key, self.signer, *self.retired) if s is not None]


def checkpoint_document(checkpoint: AuditCheckpoint) -> dict[str, Any]:
    """Return a checkpoint as the JSON object its file holds (and a log service may keep)."""
    return {
        "sequence": checkpoint.sequence,
        "head_hash": checkpoint.head_hash,
        "at": checkpoint.at.isoformat(),
        "key_id": checkpoint.key_id,
        "method": checkpoint.method,
        "seal": checkpoint.seal,
    }


def checkpoint_from(document: object, where: str) -> AuditCheckpoint:
    """Read a checkpoint from its JSON object, or raise AnchorError naming the bad field."""
    if not isinstance(document, dict):
        raise AnchorError(f"{where} is not a checkpoint (a JSON object)")
    kinds = {"sequence": int, "head_hash": str, "at": str, "key_id": str, "method": str}
    kinds["seal"] = str
    for field, kind in kinds.items():
        value = document.get(field)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise AnchorError(f"{where}: {field} is missing or not {kind.__name__} ({value!r})")
    try:
        at = dt.datetime.fromisoformat(document["at"])
        return AuditCheckpoint(
            sequence=document["sequence"],
            head_hash=document["head_hash"],
            at=at,
            key_id=document["key_id"],
            method=document["method"],
            seal=document["seal"],
        )
    except (ValueError, RuleViolation) as error:
        raise AnchorError(f"{where}: at {document['at']!r} is not a time ({error})") from None


@attrs.frozen
class CheckpointFolder:
    """A folder of checkpoint files, one per checkpoint, named so that names sort by time.

    The latest checkpoint is the one taken last: after a restore from a backup it anchors the
    restored trail, whose head is below the checkpoints taken before the restore.

    A file is written whole under a temporary name and renamed into place; an existing file
    is never replaced. Keep the folder apart from the store (another disk, another host's
    mount, a write-once bucket synchronised from it).
    """

    path: pathlib.Path

    def write(self, checkpoint: AuditCheckpoint) -> pathlib.Path:
        """Write a checkpoint as a new file; return its path."""
        stamp = checkpoint.at.strftime("%Y%m%dT%H%M%S%fZ")
        target = self.path / f"{stamp}-{checkpoint.sequence:012d}-{checkpoint.key_id}.json"
        text = json.dumps(checkpoint_document(checkpoint), indent=2) + "\n"
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            if target.exists():
                return target
            with written_whole(target) as stream:
                stream.write(text)
        except OSError as error:
            raise AnchorError(
                f"the audit checkpoint cannot be written to {self.path} "
                f"({error.strerror or error}): check the folder and the disk"
            ) from None
        return target

    def latest(self) -> AuditCheckpoint | None:
        """Return the checkpoint taken last, or None."""
        try:
            names = sorted(p for p in self.path.glob("*.json") if not p.name.startswith("."))
        except OSError as error:
            raise AnchorError(
                f"the audit checkpoints in {self.path} cannot be read ({error.strerror or error})"
            ) from None
        if not names:
            return None
        last = names[-1]
        try:
            document = json.loads(last.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise AnchorError(f"the audit checkpoint {last} cannot be read ({error})") from None
        return checkpoint_from(document, f"the audit checkpoint {last}")
