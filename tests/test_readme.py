"""The README's promises: its Python example runs, and it starts with the two commands."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_example_runs(tmp_path: Path) -> None:
    """The ten-line example in the README runs as written, in an empty folder."""
    text = README.read_text(encoding="utf-8")
    example = re.search(r"## A taste\n\n```python\n(.*?)```", text, re.DOTALL)
    assert example is not None
    script = tmp_path / "taste.py"
    script.write_text(example.group(1), encoding="utf-8")
    subprocess.run([sys.executable, str(script)], cwd=tmp_path, check=True, timeout=120)
    assert (tmp_path / "sro.db").exists()


def test_the_readme_starts_with_the_two_commands() -> None:
    """The first code block is the main job's command and the test command, both make targets."""
    text = README.read_text(encoding="utf-8")
    first = re.search(r"```sh\n(.*?)```", text, re.DOTALL)
    assert first is not None
    commands = [line.split("#")[0].strip() for line in first.group(1).splitlines()]
    assert [c for c in commands if c] == ["make demo", "make test"]
    makefile = (README.parent / "Makefile").read_text(encoding="utf-8")
    assert "\ndemo:" in makefile
    assert "\ntest:" in makefile
    assert "make test" in (README.parent / ".ci" / "run").read_text(encoding="utf-8")
