"""Opening a Program with every installed plugin loaded, vs opening the SQLite file by hand.

Library: in a fresh interpreter, the time of ``Program.open("sqlite:///…")``: plugin discovery
(the built-ins and every installed ``sro_core`` entry point), the storage registry, the store
(schema check), the notifiers and code tables; and, beside it, the import of ``sro_core``
before it. Raw: in a fresh interpreter, ``sqlite3.connect`` and reading the schema version.
The median of several runs of each; the floor and aim are absolute (< 300 ms, < 150 ms).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import common

LIBRARY = """
import json, sys, time
began = time.perf_counter()
from sro_core.service import Program, ProgramSettings
imported, cpu = time.perf_counter(), time.process_time()
program = Program.open(sys.argv[1], ProgramSettings(time_zone="America/Los_Angeles"))
opened, cpu = time.perf_counter(), time.process_time() - cpu
plugins = [p.name for p in program.plugins.plugins()]
failures = [f"{f.name}: {f.error}" for f in program.plugins.failures()]
program.close()
print(json.dumps({"open": opened - imported, "import": imported - began, "cpu": cpu,
                  "plugins": plugins, "failures": failures}))
"""

RAW = """
import json, sqlite3, sys, time
began = time.perf_counter()
connection = sqlite3.connect(sys.argv[1])
connection.execute("SELECT max(version) FROM schema_version").fetchone()
print(json.dumps({"open": time.perf_counter() - began}))
"""


def _child(code: str, argument: str) -> dict[str, object]:
    found = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code, argument], capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(found.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    """Open the program in fresh interpreters and report the median."""
    options = common.arguments(__doc__.splitlines()[0], size=15, tiny=3)
    with tempfile.TemporaryDirectory(prefix="sro-bench-") as folder:
        path = Path(folder) / "open.db"
        url = f"sqlite:///{path}"
        first = _child(LIBRARY, url)  # makes the file and its schema
        runs = [_child(LIBRARY, url) for _ in range(options.size)]
        raws = [_child(RAW, str(path)) for _ in range(options.size)]
    opened = common.median([float(str(r["open"])) for r in runs]) * 1e3
    imported = common.median([float(str(r["import"])) for r in runs]) * 1e3
    cpu = common.median([float(str(r["cpu"])) for r in runs]) * 1e3
    raw = common.median([float(str(r["open"])) for r in raws]) * 1e3
    plugins = ", ".join(str(p) for p in first["plugins"])  # type: ignore[attr-defined]
    failures = "; ".join(str(f) for f in first["failures"])  # type: ignore[attr-defined]
    common.report(
        common.Figure(
            "opening a Program with every installed plugin (SQLite), median",
            "ms",
            opened,
            raw,
            opened / raw,
            "< 300 ms",
            "< 150 ms",
            opened < 300,
            opened < 150,
            options.size,
            f"plugins: {plugins}"
            + (f"; FAILED: {failures}" if failures else "")
            + f"; cpu time of the open: {cpu:.0f} ms"
            + f"; importing Program from sro_core.service before it: {imported:.0f} ms",
        ),
        as_json=options.json,
    )


if __name__ == "__main__":
    main()
