"""`sro outbox run` and `sro outbox prune`, run as an operator runs them: in a process."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from program_support import CHIEF
from sro_core import PluginHost
from sro_core.domain import Officer
from sro_core.service import Program, ProgramSettings

SRC = Path(__file__).parent.parent / "src"


def _env(tmp_path: Path) -> dict[str, str]:
    """Return an environment with the test's store and configuration, nothing of the user's."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
        "SRO_CONFIG": str(tmp_path / "sro.toml"),
        "SRO_STORE": f"sqlite:///{(tmp_path / 'sro.db').as_posix()}",
        "SRO_PLUGINS": "",
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    env.pop("SRO_ACTOR", None)
    return env


def _sro(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sro_core", *args],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        check=False,
        timeout=60,
    )


@pytest.fixture
def waiting(tmp_path: Path) -> Path:
    """Return a folder whose store holds two officers' events, not yet delivered."""
    (tmp_path / "sro.toml").write_text(
        "[program]\ndispatch_after_commit = false\n", encoding="utf-8"
    )
    initialised = _sro(tmp_path, "init")  # the command's user becomes the first supervisor
    assert initialised.returncode == 0, initialised.stderr
    url = f"sqlite:///{(tmp_path / 'sro.db').as_posix()}"
    settings = ProgramSettings(dispatch_after_commit=False)
    with contextlib.closing(Program.open(url, settings, plugins=PluginHost.load())) as program:
        for badge in ("4127", "4128"):
            program.register_officer(CHIEF, Officer(badge=badge, name="Dana Reyes"))
    return tmp_path


def test_one_round_delivers_what_waits_and_says_so(waiting: Path) -> None:
    """`--once` makes one round: a progress line, then the totals."""
    done = _sro(waiting, "outbox", "run", "--once")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "delivered 2, to retry 0, dead 0" in lines[0]
    assert lines[-1] == "stopped: delivered 2, to retry 0, dead 0, stale 0, timed out 0, pruned 0"
    assert "delivered 0" in _sro(waiting, "outbox", "dispatch").stdout


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_the_worker_stops_gracefully_on_sigterm_and_sigint(waiting: Path, stop: int) -> None:
    """The worker delivers, keeps polling, and on SIGTERM/SIGINT prints its totals and exits 0."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "sro_core", "outbox", "run", "--poll", "0.05"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(waiting),
    )
    try:
        assert worker.stdout is not None
        first = worker.stdout.readline()  # the first busy round
        assert "delivered 2" in first
        time.sleep(0.2)  # a few idle polls
        worker.send_signal(stop)
        out, err = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == 0, err
    assert out.splitlines()[-1].startswith("stopped: delivered 2, to retry 0")


def test_prune_removes_delivered_events_past_the_retention(waiting: Path) -> None:
    """`sro outbox prune` removes delivered events older than asked, and only those."""
    assert _sro(waiting, "outbox", "dispatch").returncode == 0
    kept = _sro(waiting, "outbox", "prune")
    assert kept.stdout.strip() == "pruned 0 delivered events", kept.stderr
    time.sleep(0.01)
    gone = _sro(waiting, "outbox", "prune", "--older-than-days", "0")
    assert gone.stdout.strip() == "pruned 2 delivered events", gone.stderr
