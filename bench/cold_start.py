"""Cold start: ``sro --help`` and ``import sro_core.service``, whole process, vs click and rich.

Library: the cpu time (user + system, from ``wait4``) of a fresh process running ``sro --help``
(the console script beside this interpreter, else ``python -m sro_core``), and of one running
``python -c "import sro_core.service"`` (and, for the notes, one importing ``Program`` from
it). Raw: the cpu time of ``python -c "import click,
rich.console"``, what any click and rich command line pays before it does anything. The runs of
the three are interleaved, so that a busy machine weighs on each alike; the median of each.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import common

BASELINE = "import click, rich.console"


def _sro() -> list[str]:
    script = Path(sys.executable).with_name("sro")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sro_core"]


def cpu_seconds(command: list[str]) -> float:
    """Return the cpu time a command's process took (user and system)."""
    child = subprocess.Popen(  # noqa: S603 - our own interpreter and scripts
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        error = child.stderr.read().decode() if child.stderr else ""
        raise SystemExit(f"cold_start: {' '.join(command)} failed: {error.strip()}")
    if child.stderr:
        child.stderr.close()
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    """Measure the three processes and report the two figures."""
    options = common.arguments(__doc__.splitlines()[0], size=15, tiny=3)
    commands = {
        "raw": [sys.executable, "-c", BASELINE],
        "help": [*_sro(), "--help"],
        "service": [sys.executable, "-c", "import sro_core.service"],
        "program": [sys.executable, "-c", "from sro_core.service import Program"],
    }
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():  # warm the file cache
        cpu_seconds(command)
    for _ in range(options.size):
        for name, command in commands.items():
            samples[name].append(cpu_seconds(command))
    raw, help_, service = (common.median(samples[n]) * 1e3 for n in ("raw", "help", "service"))
    spread = {n: f"{min(s) * 1e3:.0f}-{max(s) * 1e3:.0f} ms" for n, s in samples.items()}
    common.report(
        common.Figure(
            "`sro --help`, whole process, cpu, vs python -c 'import click, rich.console'",
            "ms",
            help_,
            raw,
            help_ / raw,
            "<= 3x",
            "<= 2x",
            help_ / raw <= 3,
            help_ / raw <= 2,
            options.size,
            f"runs: sro --help {spread['help']}, click and rich {spread['raw']}",
        ),
        as_json=options.json,
    )
    common.report(
        common.Figure(
            "`import sro_core.service`, whole process, cpu, vs the same click and rich import",
            "ms",
            service,
            raw,
            service / raw,
            "<= 220 ms",
            "<= 80 ms",
            service <= 220,
            service <= 80,
            options.size,
            f"runs: {spread['service']}; a bare interpreter is part of both; the names are "
            f"imported when used: `from sro_core.service import Program` "
            f"{common.median(samples['program']) * 1e3:.0f} ms ({spread['program']})",
        ),
        as_json=options.json,
    )


if __name__ == "__main__":
    main()
