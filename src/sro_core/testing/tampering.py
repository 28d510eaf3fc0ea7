"""The audit anchors tried as an attacker with write access to the database would try them.

:class:`AuditTamperingContract` is a pytest test base: a backend's test subclasses it with
``store_url`` (a new, empty store) and ``tamper`` (run SQL on the store past anything that
guards the audit table, as its owner could). Each test records a small trail through the
Program with an audit key and a checkpoint folder, takes a checkpoint, tampers, and checks
that ``verify_audit`` names what was done: a cut tail, a deleted trail, a rewrite with
recomputed hashes, a forged checkpoint, a wrong or missing key, an unreadable value.
"""

# ruff: noqa: S101 - a test kit checks with assert, as pytest's own tests do; pytest rewrites it

from __future__ import annotations

import abc
import datetime as dt
import json
import secrets
from collections.abc import Sequence
from pathlib import Path

import attrs
import pytest

from sro_core.domain import (
    Actor,
    ActorRole,
    AuditCheckpoint,
    AuditEntry,
    AuditKey,
    ChainBreak,
    Officer,
)
from sro_core.service import Program, ProgramSettings
from sro_core.service.anchors import checkpoint_document

CHIEF = Actor(id="sgt.audit", name="Sgt. Audit", role=ActorRole.SUPERVISOR)
RECORDED = 6
"""Officers registered before the checkpoint: one audit entry each."""


@attrs.frozen
class Trail:
    """A store with a recorded trail, its settings (key, folder), and its checkpoint."""

    url: str
    settings: ProgramSettings
    checkpoint: AuditCheckpoint

    @property
    def folder(self) -> Path:
        """The checkpoint folder."""
        return Path(str(self.settings.audit_checkpoints))

    def verify(self, settings: ProgramSettings | None = None) -> ChainBreak | None:
        """Open the store again and verify its trail."""
        with Program.open(self.url, settings or self.settings) as program:
            return program.verify_audit(CHIEF)

    def entries(self) -> list[AuditEntry]:
        """Read the stored entries, as an attacker reading the table would."""
        with Program.open(self.url, self.settings) as program, program.storage.unit_of_work() as u:
            return u.audit.entries()


def _settings(folder: Path, key: bytes) -> ProgramSettings:
    key_file = folder / f"audit-{secrets.token_hex(4)}.key"
    key_file.write_bytes(key)
    return ProgramSettings(
        audit_key_file=str(key_file),
        audit_key_variable=None,
        audit_checkpoints=str(folder / "checkpoints"),
        audit_checkpoint_every=0,
        audit_checkpoint_interval=dt.timedelta(0),
    )


class AuditTamperingContract(abc.ABC):
    """The tampering cases a keyed, checkpointed trail must detect and name."""

    placeholder = "?"
    """The SQL parameter marker of the backend (``?`` or ``%s``)."""

    @abc.abstractmethod
    def store_url(self, folder: Path) -> str:
        """Return the URL of a new, empty store (a file may go in ``folder``)."""

    @abc.abstractmethod
    def tamper(self, url: str, statement: str, parameters: Sequence[object] = ()) -> None:
        """Run one SQL statement on the store as its owner could, past any trigger."""

    def _sql(self, statement: str) -> str:
        return statement.replace("?", self.placeholder)

    @pytest.fixture
    def trail(self, tmp_path: Path) -> Trail:
        """Record a trail of officers with an audit key, then checkpoint it."""
        url = self.store_url(tmp_path)
        settings = _settings(tmp_path, secrets.token_hex(32).encode())
        with Program.open(url, settings) as program:
            for n in range(RECORDED):
                program.register_officer(CHIEF, Officer(badge=f"10{n}", name=f"Officer {n}"))
            checkpoint = program.checkpoint_audit(CHIEF)
        return Trail(url, settings, checkpoint)

    def test_an_untouched_trail_verifies_against_its_checkpoint(self, trail: Trail) -> None:
        """A trail nobody touched verifies, and the checkpoint saw its every entry."""
        assert trail.checkpoint.sequence == RECORDED + 1
        assert trail.verify() is None

    def test_a_cut_tail_is_named(self, trail: Trail) -> None:
        """Deleting the last entries breaks at the first missing one, named as the tail."""
        self.tamper(trail.url, self._sql("DELETE FROM audit WHERE sequence > ?"), (RECORDED - 3,))
        broken = trail.verify()
        assert broken is not None
        assert broken.sequence == RECORDED - 2
        assert "missing (the tail)" in broken.reason

    def test_a_deleted_trail_is_named(self, trail: Trail) -> None:
        """Deleting every entry is "every entry is missing", not a trail that verifies."""
        self.tamper(trail.url, "DELETE FROM audit")
        broken = trail.verify()
        assert broken is not None
        assert broken.sequence == 1
        assert broken.reason.startswith("every entry is missing")

    def _rewrite(self, trail: Trail, entries: list[AuditEntry], start: int) -> None:
        """Alter entry ``start`` and reseal it and every later one with a plain hash."""
        previous = entries[start - 2] if start > 1 else None
        for entry in entries[start - 1 :]:
            detail = "nothing happened" if entry.sequence == start else entry.detail
            forged = AuditEntry.sealed(
                previous,
                at=entry.at,
                actor_id=entry.actor_id,
                actor_role=entry.actor_role,
                component=entry.component,
                action=entry.action,
                outcome=entry.outcome,
                target=entry.target,
                detail=detail,
            )
            self.tamper(
                trail.url,
                self._sql(
                    "UPDATE audit SET detail = ?, previous_hash = ?, hash = ?, key_id = ? "
                    "WHERE sequence = ?"
                ),
                (forged.detail, forged.previous_hash, forged.hash, forged.key_id, entry.sequence),
            )
            previous = forged

    def test_a_rewrite_with_recomputed_hashes_is_named(self, trail: Trail) -> None:
        """Editing an entry and recomputing every hash after it, without the key, breaks there."""
        self._rewrite(trail, trail.entries(), 3)
        broken = trail.verify()
        assert broken is not None
        assert broken.sequence == 3
        assert "rewritten by someone without the key" in broken.reason

    def test_a_whole_rewrite_is_caught_by_the_checkpoint(self, trail: Trail) -> None:
        """Rewriting every entry from the first with plain hashes differs from the checkpoint."""
        self._rewrite(trail, trail.entries(), 1)
        broken = trail.verify()
        assert broken is not None
        assert broken.sequence == trail.checkpoint.sequence
        assert "differs from the checkpoint" in broken.reason

    def test_a_forged_checkpoint_is_named(self, trail: Trail) -> None:
        """A checkpoint whose head was changed after sealing is named forged."""
        forged = attrs.evolve(trail.checkpoint, head_hash="f" * 64)
        name = trail.folder / "99999999T999999999999Z-forged.json"  # the latest by its name
        name.write_text(json.dumps(checkpoint_document(forged)), encoding="utf-8")
        broken = trail.verify()
        assert broken is not None
        assert "is forged" in broken.reason

    def test_a_checkpoint_of_an_unknown_key_is_named(self, trail: Trail) -> None:
        """A checkpoint sealed with a key the program does not hold is named by its key."""
        stranger = AuditKey(secrets.token_hex(32).encode())
        forged = AuditCheckpoint.of(None, trail.checkpoint.at, stranger)
        forged = attrs.evolve(forged, sequence=99)
        name = trail.folder / "99999999T999999999999Z-stranger.json"
        name.write_text(json.dumps(checkpoint_document(forged)), encoding="utf-8")
        broken = trail.verify()
        assert broken is not None
        assert stranger.id in broken.reason
        assert "not a key this program holds" in broken.reason

    def test_a_wrong_key_is_named(self, trail: Trail, tmp_path: Path) -> None:
        """Verifying with another key names the key the entries were made with."""
        other = _settings(tmp_path, secrets.token_hex(32).encode())
        other = attrs.evolve(other, audit_checkpoints=trail.settings.audit_checkpoints)
        broken = trail.verify(other)
        assert broken is not None
        assert trail.checkpoint.key_id in broken.reason

    def test_no_key_is_named(self, trail: Trail) -> None:
        """Verifying a keyed trail with no key configured says a key is needed."""
        keyless = attrs.evolve(trail.settings, audit_key_file=None)
        broken = trail.verify(keyless)
        assert broken is not None
        assert "not a key this program holds" in broken.reason

    @pytest.mark.parametrize("field", ["actor_role", "outcome"])
    def test_an_unreadable_value_is_a_break_naming_its_field(
        self, trail: Trail, field: str
    ) -> None:
        """An undecodable value is a break at its entry naming the field, never a crash."""
        statement = f"UPDATE audit SET {field} = 'root' WHERE sequence = ?"  # noqa: S608 - own names
        self.tamper(trail.url, self._sql(statement), (4,))
        broken = trail.verify()
        assert broken is not None
        assert (broken.sequence, broken.field) == (4, field)
        assert "'root'" in broken.reason
