"""The audit trail's anchors: keyed hashes, sealed checkpoints, and reading that never crashes."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from program_support import CHIEF, open_program
from sro_core.builtin import BUILTIN_PLUGINS
from sro_core.cli import cli
from sro_core.domain import (
    AUDIT_COLUMNS,
    AuditCheckpoint,
    AuditEntry,
    AuditKey,
    Officer,
    UnreadableEntry,
    read_entry,
    verify_chain,
)
from sro_core.hookspecs import hookimpl
from sro_core.plugins import PluginHost
from sro_core.service import Program, ProgramSettings
from sro_core.service.anchors import AnchorError, checkpoint_document, checkpoint_from
from sro_core.testing import strategies

KEY = AuditKey(b"k" * 32)
OTHER = AuditKey(b"o" * 32)


def _keyed(chain: list[AuditEntry], key: AuditKey | None = KEY) -> list[AuditEntry]:
    """Reseal a drawn chain entry by entry with a key."""
    sealed: list[AuditEntry] = []
    for e in chain:
        sealed.append(
            AuditEntry.sealed(
                sealed[-1] if sealed else None,
                at=e.at,
                actor_id=e.actor_id,
                actor_role=e.actor_role,
                component=e.component,
                action=e.action,
                outcome=e.outcome,
                target=e.target,
                detail=e.detail,
                key=key,
            )
        )
    return sealed


@settings(max_examples=100)  # each example seals a chain: 100 cover the rules
@given(strategies.audit_chains(min_size=1, max_size=6))
def test_a_keyed_chain_verifies_only_with_its_key(chain):
    """A keyed chain verifies with its key, and names the key when checked with another."""
    keyed = _keyed(chain)
    assert verify_chain(keyed, KEY) is None
    broken = verify_chain(keyed, OTHER)
    assert broken is not None
    assert broken.sequence == 1
    assert KEY.id in broken.reason


@settings(max_examples=100)  # each example seals a chain: 100 cover the rules
@given(
    strategies.audit_chains(min_size=1, max_size=6),
    st.data(),
    st.sampled_from(["actor_id", "component", "action", "detail", "target"]),
)
def test_any_altered_field_of_a_keyed_entry_breaks_there(chain, data, field):
    """Changing one field of any keyed entry is "altered" at that entry."""
    keyed = _keyed(chain)
    n = data.draw(st.integers(0, len(keyed) - 1))
    altered = attrs.evolve(keyed[n], **{field: f"{getattr(keyed[n], field)}x"})
    broken = verify_chain([*keyed[:n], altered, *keyed[n + 1 :]], KEY)
    assert broken is not None
    assert (broken.sequence, broken.reason) == (n + 1, "its contents were altered")


@settings(max_examples=100)  # each example seals a chain: 100 cover the rules
@given(strategies.audit_chains(min_size=2, max_size=6), st.data())
def test_unkeyed_entries_may_only_come_before_keyed_ones(chain, data):
    """A store from before keys verifies as it goes on keyed; a plain hash after a key breaks."""
    cut = data.draw(st.integers(1, len(chain) - 1))
    plain = _keyed(chain[:cut], None)
    mixed = plain + _keyed(chain, KEY)[cut:]
    mixed[cut] = AuditEntry.sealed(
        plain[-1], **_fields(mixed[cut]), key=KEY
    )  # the first keyed entry follows the last plain one
    mixed = mixed[: cut + 1]
    assert verify_chain(mixed, KEY) is None
    downgraded = [*mixed, AuditEntry.sealed(mixed[-1], **_fields(mixed[-1]))]
    broken = verify_chain(downgraded, KEY)
    assert broken is not None
    assert broken.sequence == cut + 2
    assert "plain hash after keyed entries" in broken.reason


def _fields(entry: AuditEntry) -> dict[str, object]:
    names = ("at", "actor_id", "actor_role", "component", "action", "outcome", "target", "detail")
    return {name: getattr(entry, name) for name in names}


_ANY = st.none() | st.integers() | st.floats() | st.text(max_size=12) | st.binary(max_size=4)


@settings(max_examples=100)  # each example seals a chain: 100 cover the rules
@given(strategies.audit_entries(), st.sampled_from(AUDIT_COLUMNS[1:]), _ANY)
def test_reading_a_stored_entry_never_raises(entry, field, value):
    """Any value in any column reads as the entry or as an UnreadableEntry naming that column."""
    row = [
        entry.sequence,
        entry.at.isoformat(),
        entry.actor_id,
        entry.actor_role.value,
        entry.component,
        entry.action,
        entry.outcome.value,
        entry.target,
        entry.detail,
        entry.previous_hash,
        entry.hash,
        entry.key_id,
    ]
    assert read_entry(row) == entry
    row[AUDIT_COLUMNS.index(field)] = value
    found = read_entry(row)
    if isinstance(found, UnreadableEntry):
        assert (found.sequence, found.field, found.value) == (entry.sequence, field, value)
        assert verify_chain([found]).field == field  # type: ignore[union-attr]
    else:
        assert getattr(found, field) is not None or field == "target"


@settings(max_examples=100)  # each example seals a chain: 100 cover the rules
@given(strategies.audit_entries(), st.sampled_from([KEY, OTHER]))
def test_a_checkpoint_round_trips_through_its_document(entry, key):
    """A checkpoint written as JSON reads back equal, and its seal still verifies."""
    checkpoint = AuditCheckpoint.of(entry, entry.at, key)
    document = json.loads(json.dumps(checkpoint_document(checkpoint)))
    back = checkpoint_from(document, "test")
    assert back == checkpoint
    assert key.check(back.body(), back.seal)


def test_a_short_or_missing_key_is_refused_saying_what_to_do(tmp_path: Path):
    """An audit key under 32 bytes, or a key file that cannot be read, stops the program opening."""
    short = tmp_path / "short.key"
    short.write_text("too short\n", encoding="utf-8")
    with pytest.raises(AnchorError, match=r"too short .* at least 32 bytes"):
        Program.open("memory:", ProgramSettings(audit_key_file=str(short)))
    with pytest.raises(AnchorError, match="cannot be read"):
        Program.open("memory:", ProgramSettings(audit_key_file=str(tmp_path / "absent.key")))


def test_without_a_key_the_chain_is_plain_and_a_checkpoint_is_refused(tmp_path: Path):
    """No key: entries keep a plain SHA-256, and taking a checkpoint says which key to set."""
    program, _ = open_program(audit_key_variable=None, audit_checkpoints=str(tmp_path))
    with program:
        program.register_officer(CHIEF, Officer(badge="1", name="A"))
        with pytest.raises(AnchorError, match="SRO_AUDIT_KEY"):
            program.checkpoint_audit(CHIEF)
        assert program.verify_audit(CHIEF) is None
        assert {e.key_id for e in program.audit_trail(CHIEF)} == {""}
    assert list(tmp_path.iterdir()) == []


class Keeper:
    """A plugin that keeps every checkpoint it is given, as a log service would."""

    def __init__(self) -> None:
        self.kept: list[AuditCheckpoint] = []

    @hookimpl
    def sro_audit_checkpoint(self, checkpoint: AuditCheckpoint) -> None:
        """Keep the checkpoint."""
        self.kept.append(checkpoint)


def test_checkpoints_are_taken_every_n_entries_and_given_to_the_hook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """With every=3 a checkpoint follows the first entry, then every third; plugins get each."""
    monkeypatch.setenv("SRO_AUDIT_KEY", secrets.token_hex(32))
    keeper = Keeper()
    host = PluginHost.load(builtins=(*BUILTIN_PLUGINS, keeper), entry_points=False)
    chosen = ProgramSettings(
        audit_checkpoints=str(tmp_path),
        audit_checkpoint_every=3,
        audit_checkpoint_interval=dt.timedelta(0),
    )
    with Program.open("memory:", chosen, plugins=host) as program:
        for n in range(7):
            program.register_officer(CHIEF, Officer(badge=str(n), name=f"Officer {n}"))
        assert [c.sequence for c in keeper.kept] == [1, 4, 7]
        assert len(list(tmp_path.glob("*.json"))) == 3
        assert program.anchors.folder is not None
        assert program.anchors.folder.latest() == keeper.kept[-1]
        assert program.verify_audit(CHIEF) is None


def test_ed25519_checkpoints_verify_with_the_public_key_alone(tmp_path: Path):
    """A checkpoint signed with Ed25519 verifies with only the public key configured."""
    serialization = pytest.importorskip("cryptography.hazmat.primitives.serialization")
    ed25519 = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ed25519")
    private = ed25519.Ed25519PrivateKey.generate()
    signing, public = tmp_path / "signing.pem", tmp_path / "public.pem"
    signing.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public.write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    url = f"sqlite:///{tmp_path / 'sro.db'}"
    base = ProgramSettings(audit_key_variable=None, audit_checkpoints=str(tmp_path / "cp"))
    with Program.open(url, attrs.evolve(base, audit_signing_key_file=str(signing))) as program:
        program.register_officer(CHIEF, Officer(badge="1", name="A"))
        taken = program.checkpoint_audit(CHIEF)
    assert taken.method == "ed25519"
    with Program.open(url, attrs.evolve(base, audit_public_key_file=str(public))) as program:
        assert program.verify_audit(CHIEF) is None
    forged = attrs.evolve(taken, head_hash="0" * 64)
    (tmp_path / "cp" / "99999999T999999999999Z-forged.json").write_text(
        json.dumps(checkpoint_document(forged)), encoding="utf-8"
    )
    with Program.open(url, attrs.evolve(base, audit_public_key_file=str(public))) as program:
        broken = program.verify_audit(CHIEF)
    assert broken is not None
    assert "is forged" in broken.reason


def test_sro_audit_checkpoint_writes_a_sealed_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`sro audit checkpoint` seals the head with the key from SRO_AUDIT_KEY into the folder."""
    monkeypatch.setenv("SRO_AUDIT_KEY", secrets.token_hex(32))
    config = tmp_path / "sro.toml"
    folder = tmp_path / "evidence"
    config.write_text(
        f'[program]\naudit_checkpoints = "{folder.as_posix()}"\naudit_checkpoint_every = 0\n'
        "audit_checkpoint_minutes = 0\n",
        encoding="utf-8",
    )
    base = ["--store", f"sqlite:///{tmp_path / 'sro.db'}", "--config", str(config)]
    runner = CliRunner()
    assert runner.invoke(cli, [*base, "init"]).exit_code == 0  # registers the first supervisor
    made = runner.invoke(cli, [*base, "officers", "add", "4127", "Dana Reyes"])
    assert made.exit_code == 0, made.output
    taken = runner.invoke(cli, [*base, "audit", "checkpoint", "--json"])
    assert taken.exit_code == 0, taken.output
    document = json.loads(taken.stdout)
    assert document["sequence"] == 3  # init, officers add, the checkpoint's own entry
    assert document["method"] == "hmac-sha256"
    first, written = sorted(folder.glob("*.json"))  # the first command is anchored at once
    assert json.loads(first.read_text(encoding="utf-8"))["sequence"] < document["sequence"]
    assert json.loads(written.read_text(encoding="utf-8")) == document
    verified = runner.invoke(cli, [*base, "audit", "verify"])
    assert verified.exit_code == 0, verified.output


def test_a_store_from_before_keys_verifies_and_goes_on_keyed(tmp_path: Path):
    """Plain entries written with no key stay as they are; keyed ones follow and all verify."""
    url = f"sqlite:///{tmp_path / 'sro.db'}"
    plain = ProgramSettings(audit_key_variable=None, audit_checkpoints=str(tmp_path / "cp"))
    with Program.open(url, plain) as program:
        program.register_officer(CHIEF, Officer(badge="1", name="A"))
    key = tmp_path / "audit.key"
    key.write_text(secrets.token_hex(32), encoding="utf-8")
    with Program.open(url, attrs.evolve(plain, audit_key_file=str(key))) as program:
        program.register_officer(CHIEF, Officer(badge="2", name="B"))
        assert program.verify_audit(CHIEF) is None
        kinds = [bool(e.key_id) for e in program.audit_trail(CHIEF)]
    assert kinds[0] is False
    assert kinds[-1] is True


@settings(max_examples=100)
@given(
    strategies.audit_checkpoints(),
    st.sampled_from(["sequence", "head_hash", "at", "key_id", "method", "seal"]),
    st.none() | st.booleans() | st.lists(st.integers(), max_size=1),
)
def test_a_bad_checkpoint_document_is_refused_naming_its_field(checkpoint, field, value):
    """A checkpoint file with a field missing or of the wrong type is refused naming the field."""
    document = checkpoint_document(checkpoint)
    document[field] = value
    with pytest.raises(AnchorError, match=f"{field} is missing or not"):
        checkpoint_from(document, "the checkpoint file")


def test_a_rotated_key_verifies_with_the_old_one_retired(tmp_path: Path):
    """After a key change the old entries verify with the old key retired, and not without it."""
    url = f"sqlite:///{tmp_path / 'sro.db'}"
    old, new = tmp_path / "old.key", tmp_path / "new.key"
    old.write_text(secrets.token_hex(32), encoding="utf-8")
    new.write_text(secrets.token_hex(32), encoding="utf-8")
    base = ProgramSettings(audit_key_variable=None, audit_checkpoints=str(tmp_path / "cp"))
    with Program.open(url, attrs.evolve(base, audit_key_file=str(old))) as program:
        program.register_officer(CHIEF, Officer(badge="1", name="A"))
    rotated = attrs.evolve(base, audit_key_file=str(new), audit_retired_key_files=(str(old),))
    with Program.open(url, rotated) as program:
        program.register_officer(CHIEF, Officer(badge="2", name="B"))
        assert program.verify_audit(CHIEF) is None
    with Program.open(url, attrs.evolve(base, audit_key_file=str(new))) as program:
        broken = program.verify_audit(CHIEF)
    assert broken is not None
    assert "nor a retired one" in broken.reason or "not a key this program holds" in broken.reason
