"""A SQLite store that checks itself: damage, a full disk, a read-only mount, backup and restore.

The full disk and the read-only store are real: a small tmpfs mounted for the test (root
only, as mounting needs it; the tests say so and skip elsewhere).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from program_support import CHIEF, open_program
from sro_core.cli import cli
from sro_core.domain import CommunityContact, ContactParty, ContactPurpose, Officer, TriadRole
from sro_core.ports import StorageError
from sro_core.service import Program, ProgramSettings

PAGE = 4096


def _settings(tmp_path: Path) -> ProgramSettings:
    key = tmp_path / "audit.key"
    key.write_text(secrets.token_hex(32), encoding="utf-8")
    return ProgramSettings(
        audit_key_file=str(key),
        audit_key_variable=None,
        audit_checkpoints=str(tmp_path / "checkpoints"),
    )


def _officers(program: Program, count: int, first: int = 0) -> None:
    for n in range(first, first + count):
        program.register_officer(CHIEF, Officer(badge=str(n), name=f"Officer {n} " + "x" * 180))


def _filled(path: Path, settings: ProgramSettings, count: int = 300) -> None:
    """Make a store of several pages and close it cleanly."""
    with Program.open(f"sqlite:///{path}", settings) as program:
        _officers(program, count)


def test_a_zeroed_page_is_found_by_doctor_and_reads_say_what_to_do(tmp_path: Path):
    """A page of zeros: reads that meet it say "damaged … sro doctor", and doctor names it."""
    path, settings = tmp_path / "sro.db", _settings(tmp_path)
    _filled(path, settings)
    with sqlite3.connect(path) as raw:
        size = raw.execute("PRAGMA page_size").fetchone()[0]
        [root] = raw.execute("SELECT rootpage FROM sqlite_master WHERE name = 'officers'")
    raw.close()
    data = bytearray(path.read_bytes())
    start = (root[0] - 1) * size
    data[start : start + size] = bytes(size)
    path.write_bytes(bytes(data))
    with Program.open(f"sqlite:///{path}", settings) as program:
        with pytest.raises(StorageError, match=r"damaged .*sro doctor"):
            program.officers(CHIEF)
        [integrity, _, trail, _] = program.check_store(CHIEF)
        assert integrity.name == "SQLite integrity_check"
        assert not integrity.ok
        assert trail.ok, "the audit table is intact"


def test_a_truncated_file_is_refused_with_what_to_do(tmp_path: Path):
    """A file cut in half is refused (or its reads are), saying it is damaged and what to do."""
    path, settings = tmp_path / "sro.db", _settings(tmp_path)
    _filled(path, settings)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with (  # noqa: PT012 - opening or the first full read meets the damage
        pytest.raises(StorageError, match=r"damaged .*sro doctor.*sro restore"),
        Program.open(f"sqlite:///{path}", settings) as program,
    ):
        program.officers(CHIEF)
        raise AssertionError(program.check_store(CHIEF))


def test_an_unclean_close_runs_quick_check(tmp_path: Path):
    """A WAL left beside the file (a process that did not close) makes opening run quick_check."""
    path, settings = tmp_path / "sro.db", _settings(tmp_path)
    program = Program.open(f"sqlite:///{path}", settings)
    _officers(program, 3)
    left = path.with_name("sro.db-wal")
    assert left.stat().st_size > 0, "an open store keeps its WAL"
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("sro.db", "sro.db-wal"):
        shutil.copy(tmp_path / name, copy / name)  # as a crash would leave them
    program.close()
    with Program.open(f"sqlite:///{copy / 'sro.db'}", settings) as reopened:
        assert reopened.storage.damage == []  # type: ignore[attr-defined]
        assert len(list(reopened.officers(CHIEF))) == 3


def test_damage_found_at_an_unclean_opening_is_reported(tmp_path: Path, caplog):
    """A crashed store (WAL left) with a zeroed page: quick_check at opening names the damage."""
    # the schools' page: the WAL holds no newer copy of it, so the zeroed one is what is read
    path, settings = tmp_path / "sro.db", _settings(tmp_path)
    _filled(path, settings)
    with sqlite3.connect(path) as raw:
        size = raw.execute("PRAGMA page_size").fetchone()[0]
        [root] = raw.execute("SELECT rootpage FROM sqlite_master WHERE name = 'schools'")
    raw.close()
    program = Program.open(f"sqlite:///{path}", settings)
    _officers(program, 1, first=500)  # the WAL now holds a commit
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    for name in ("sro.db", "sro.db-wal"):
        shutil.copy(tmp_path / name, crashed / name)
    program.close()
    data = bytearray((crashed / "sro.db").read_bytes())
    start = (root[0] - 1) * size
    data[start : start + size] = bytes(size)
    (crashed / "sro.db").write_bytes(bytes(data))
    with caplog.at_level("WARNING", logger="sro_core.sqlite"):
        reopened = Program.open(f"sqlite:///{crashed / 'sro.db'}", settings)
    with reopened:
        assert reopened.storage.damage  # type: ignore[attr-defined]
    assert "was not closed cleanly and is damaged" in caplog.text


def test_backup_and_restore_keep_the_trail_anchored(tmp_path: Path):
    """A backup, more work, a restore: the later work is gone, the trail verifies, and says so."""
    path, settings = tmp_path / "sro.db", _settings(tmp_path)
    copy = tmp_path / "backups" / "sro-backup.db"
    with Program.open(f"sqlite:///{path}", settings) as program:
        _officers(program, 3)
        taken = program.backup(CHIEF, str(copy))
        assert taken is not None
        _officers(program, 2, first=10)
        assert program.verify_audit(CHIEF) is None
        restored = program.restore(CHIEF, str(copy))
        assert restored.before is not None
        assert restored.after is not None
        assert restored.after.sequence == taken.sequence + 1
        assert len(list(program.officers(CHIEF))) == 3
        assert program.verify_audit(CHIEF) is None
        [entry] = program.audit_trail(CHIEF, after=taken.sequence, limit=1)
        assert entry.action == "restore_store"
        assert f"entry {restored.before.sequence}" in entry.detail


def test_sro_doctor_reports_every_check(tmp_path: Path):
    """`sro doctor` prints the store's checks and exits 0 on a healthy store."""
    config = tmp_path / "sro.toml"
    config.write_text(
        f'[program]\naudit_checkpoints = "{(tmp_path / "cp").as_posix()}"\n', encoding="utf-8"
    )
    base = ["--store", f"sqlite:///{tmp_path / 'sro.db'}", "--config", str(config)]
    runner = CliRunner()
    assert runner.invoke(cli, [*base, "init"]).exit_code == 0  # registers the first supervisor
    assert runner.invoke(cli, [*base, "officers", "add", "1", "A"]).exit_code == 0
    result = runner.invoke(cli, [*base, "doctor", "--json"])
    assert result.exit_code == 0, result.output
    checks = {c["check"]: c for c in json.loads(result.stdout)}
    assert set(checks) == {"SQLite integrity_check", "schema version", "audit trail", "outbox"}
    assert all(c["ok"] for c in checks.values())
    assert "no audit key" in checks["audit trail"]["note"]


# --- a real small disk -----------------------------------------------------------------------


@contextlib.contextmanager
def _tmpfs(where: Path, size: str) -> Iterator[Path]:
    """Mount a tmpfs of a size at a folder, or skip saying why it cannot be."""
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    where.mkdir()
    mounted = subprocess.run(
        ["/bin/mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["/bin/umount", "-l", str(where)], check=False)


def _remount(where: Path, mode: str) -> None:
    subprocess.run(["/bin/mount", "-o", f"remount,{mode}", str(where)], check=True)


def test_a_full_disk_says_so_and_loses_nothing(tmp_path: Path):
    """An import that fills the disk says the disk is full; what was stored before is intact."""
    with _tmpfs(tmp_path / "small", "600k") as disk:
        program, _ = open_program(f"sqlite:///{disk / 'sro.db'}", audit_key_variable=None)
        with program:
            officer = program.register_officer(CHIEF, Officer(badge="1", name="A"))
            big = [
                CommunityContact(
                    officer_id=officer.id,
                    at=program.clock(),
                    party=ContactParty.PARENT_GUARDIAN,
                    purpose=ContactPurpose.ADVICE,
                    triad_role=TriadRole.INFORMAL_COUNSELOR_MENTOR,
                    minutes=5,
                    summary="y" * 2000,
                )
                for _ in range(600)
            ]
            with pytest.raises(StorageError, match="the disk is full"):
                program.import_records(CHIEF, big)
            assert [o.id for o in program.officers(CHIEF)] == [officer.id]
            assert program.contacts(CHIEF) == [] or not list(program.contacts(CHIEF))
        shutil.rmtree(disk, ignore_errors=True)


def test_a_read_only_mount_can_be_read_and_refuses_changes_saying_why(tmp_path: Path):
    """On a read-only mount the store opens, its records read, and a change says "read only"."""
    with _tmpfs(tmp_path / "ro", "4m") as disk:
        settings = attrs.evolve(_settings(tmp_path), audit_checkpoints=str(tmp_path / "cp"))
        _filled(disk / "sro.db", settings, count=5)
        _remount(disk, "ro")
        try:
            with Program.open(f"sqlite:///{disk / 'sro.db'}", settings) as program:
                assert len(list(program.officers(CHIEF))) == 5
                with pytest.raises(StorageError, match="is read only"):
                    _officers(program, 1, first=99)
                assert program.verify_audit(CHIEF) is None
        finally:
            _remount(disk, "rw")


def test_sro_backup_and_restore_from_the_command_line(tmp_path: Path):
    """`sro backup` writes a copy; `sro restore --yes` puts it back; the trail still verifies."""
    config = tmp_path / "sro.toml"
    config.write_text(
        f'[program]\naudit_checkpoints = "{(tmp_path / "cp").as_posix()}"\n', encoding="utf-8"
    )
    base = ["--store", f"sqlite:///{tmp_path / 'sro.db'}", "--config", str(config)]
    copy = tmp_path / "sro-backup.db"
    runner = CliRunner()
    assert runner.invoke(cli, [*base, "init"]).exit_code == 0  # registers the first supervisor
    assert runner.invoke(cli, [*base, "officers", "add", "1", "A"]).exit_code == 0
    made = runner.invoke(cli, [*base, "backup", str(copy)])
    assert made.exit_code == 0, made.output
    assert "its audit trail ends at entry 3" in made.stdout  # init, officers add, backup
    assert runner.invoke(cli, [*base, "officers", "add", "2", "B"]).exit_code == 0
    put_back = runner.invoke(cli, [*base, "restore", str(copy), "--yes"])
    assert put_back.exit_code == 0, put_back.output
    listed = runner.invoke(cli, [*base, "officers", "list", "--json"])
    assert [o["record"]["badge"] for o in json.loads(listed.stdout)["items"]] == ["1"]
    assert runner.invoke(cli, [*base, "audit", "verify"]).exit_code == 0
