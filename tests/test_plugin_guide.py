"""The plugin guide, followed to the letter: its example plugin is built from the page and run.

The ``# src/sro_relay/__init__.py`` blocks of ``docs/plugins.md`` are written into a package,
installed under the guide's entry point in a folder on ``sys.path``, loaded by the plugin host
and used by a program: the notifier POSTs to a real HTTP server on 127.0.0.1, the export format
writes a file. The kit's profiles are checked against the guide's table of what they run.
"""

from __future__ import annotations

import inspect
import io
import json
import re
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner

from program_support import CHIEF
from sro_core import PluginHost, Program, ProgramSettings
from sro_core.cli import cli
from sro_core.domain import AuditOutcome, Officer, ProgramCalendar, RuleViolation, SchoolYear
from sro_core.plugins import ONLY_VARIABLE, STRICT_VARIABLE, PluginLoadError, SroPluginWarning
from sro_core.ports import Period, RowExporter, Storage
from sro_core.service import NotifierSetting
from sro_core.service.exports import MONTHLY_COLUMNS, RecordKind
from sro_core.testing import StorageContract, StorageMachine
from test_mutants import kit_profile

GUIDE = Path(__file__).parent.parent / "docs" / "plugins.md"
MODULE = "# src/sro_relay/__init__.py"
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def guide_source() -> str:
    """Return the example plugin's module: every guide block that starts with its path."""
    blocks = [b for b in BLOCK.findall(GUIDE.read_text(encoding="utf-8")) if b.startswith(MODULE)]
    return "\n\n".join(blocks)


class Receiver(BaseHTTPRequestHandler):
    """Keep every POST: its path, headers and JSON body."""

    received: ClassVar[list[tuple[str, dict[str, str], Any]]] = []

    def do_POST(self) -> None:
        """Take a delivery and answer 204."""
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, dict(self.headers), json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        """Keep the test's output quiet."""


@pytest.fixture
def receiver() -> Iterator[str]:
    """Serve on 127.0.0.1 and give the URL the relay posts to."""
    Receiver.received.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sro"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def install(site: Path, source: str) -> None:
    """Install a package ``sro_relay`` with the guide's entry point ``relay`` into a folder."""
    package = site / "sro_relay"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(source, encoding="utf-8")
    info = site / "sro_relay-1.0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: sro-relay\nVersion: 1.0.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text("[sro_core]\nrelay = sro_relay\n", encoding="utf-8")


@pytest.fixture
def guide_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Make a folder on sys.path for the guide's package, and forget the package after."""
    monkeypatch.delenv(ONLY_VARIABLE, raising=False)
    monkeypatch.delenv(STRICT_VARIABLE, raising=False)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    sys.modules.pop("sro_relay", None)


def test_the_guides_plugin_loads_delivers_and_exports(guide_site: Path, receiver: str) -> None:
    """The guide's plugin, installed as written, delivers each event and writes an export."""
    install(guide_site, guide_source())
    host = PluginHost.load(only={"relay"}, strict=True)
    assert "relay" in [info.name for info in host.plugins()]
    notifier = NotifierSetting("relay", (("url", receiver), ("timeout", "3")))
    program = Program.open("memory:", ProgramSettings(notifiers=(notifier,)), plugins=host)
    officer = program.register_officer(CHIEF, Officer("1042", "Dana Ortiz"))
    [(path, headers, body)] = Receiver.received
    assert path == "/sro"
    assert (body["kind"], body["audience"]) == ("OfficerRegistered", "department")
    assert body["event"]["officer_id"] == str(officer.id)
    assert headers["Idempotency-Key"] == body["event_id"]
    out = io.StringIO()
    year = SchoolYear.of(program.today())
    start, end = program.calendar.span(year.first_day, year.last_day)
    written = program.export(
        CHIEF, "tsv", out, kind=RecordKind.MONTHLY_COUNTS, period=Period(start, end)
    )
    assert written == 0
    assert out.getvalue() == "\t".join(MONTHLY_COLUMNS) + "\n"


def test_the_guides_write_takes_exactly_the_exporters_parameters(guide_site: Path) -> None:
    """The export format's ``write`` in the guide has the signature the program calls."""
    install(guide_site, guide_source())
    module = __import__("sro_relay")
    assert issubclass(module.TabSeparated, RowExporter)
    guide = inspect.signature(module.TabSeparated.write).parameters
    port = inspect.signature(RowExporter.write).parameters
    assert [(p.name, p.kind) for p in guide.values()] == [(p.name, p.kind) for p in port.values()]


def test_the_guides_plugin_with_a_misspelt_hook_is_skipped_unless_strict(
    guide_site: Path,
) -> None:
    """A misspelt hook in the guide's plugin is reported and the plugin skipped; strict stops."""
    install(guide_site, guide_source().replace("sro_register_exporters", "sro_register_exporter"))
    with pytest.warns(SroPluginWarning, match=r"'relay' was skipped.*sro_register_exporter\b"):
        host = PluginHost.load(only={"relay"}, strict=False)
    assert [f.name for f in host.failures()] == ["relay"]
    assert "relay" not in [info.name for info in host.plugins()]
    with pytest.raises(PluginLoadError, match="sro_register_exporter"):
        PluginHost.load(only={"relay"}, strict=True)


def test_a_monthly_counts_export_without_its_period_is_refused_and_audited() -> None:
    """Without period= a monthly-counts export is a RuleViolation naming period, audited."""
    program = Program.open("memory:", ProgramSettings())
    with pytest.raises(RuleViolation, match="period") as refused:
        program.export(CHIEF, "csv", io.StringIO(), kind=RecordKind.MONTHLY_COUNTS)
    assert refused.value.field == "period"
    last = [e for e in program.audit_trail(CHIEF) if e.action == "export"][-1]
    assert (last.action, last.outcome) == ("export", AuditOutcome.ERROR)
    assert "period" in last.detail


def _budgets(profile: str) -> tuple[set[int], tuple[int, int]]:
    """Return the examples each contract property runs, and the machine's runs and steps."""
    with kit_profile(profile):

        class Kit(StorageContract):
            def make_storage(self, calendar: ProgramCalendar) -> Storage:
                raise NotImplementedError

        class Machine(StorageMachine):
            pass

    examples = {
        test._hypothesis_internal_use_settings.max_examples
        for name in dir(Kit)
        if name.startswith("test_")
        and hasattr(test := getattr(Kit, name), "_hypothesis_internal_use_settings")
    }
    machine = Machine.TestCase.settings
    return examples, (machine.max_examples, machine.stateful_step_count)


def test_the_guide_says_exactly_what_each_kit_profile_runs() -> None:
    """The guide's table of the sro-ci and sro-dev profiles is what the kit runs under them."""
    ci, (ci_runs, ci_steps) = _budgets("sro-ci")
    dev, (dev_runs, dev_steps) = _budgets("sro-dev")
    listed = ", ".join(str(n) for n in sorted(ci)[:-1])
    guide = GUIDE.read_text(encoding="utf-8")
    assert f"| each property | its share of 200 examples: {listed} or {max(ci)} |" in guide
    assert dev == {5}
    assert f"| 5 examples |\n| the machine | {ci_runs} sequences of up to {ci_steps} steps" in guide
    assert f"| {dev_runs} sequences of up to {dev_steps} steps |" in guide


def test_sro_runs_with_a_misspelt_plugin_and_says_which_was_skipped(
    guide_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sro plugins` exits 0 with a misspelt plugin installed, naming it on standard error."""
    install(guide_site, guide_source().replace("sro_register_exporters", "sro_register_exporter"))
    monkeypatch.setenv(ONLY_VARIABLE, "relay")
    mixing = "mix_stderr" in inspect.signature(CliRunner.__init__).parameters
    runner = CliRunner(mix_stderr=False) if mixing else CliRunner()  # type: ignore[call-arg]
    store = f"sqlite:///{tmp_path / 'sro.db'}"
    result = runner.invoke(cli, ["--store", store, "plugins"])
    assert result.exit_code == 0, result.output
    assert "plugin 'relay' was skipped" in result.stderr
    assert "sro_register_exporter" in result.stderr
