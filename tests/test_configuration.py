"""The `sro` configuration file: structured by the converter, every refusal naming what is wrong."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sro_core.cli import configuration
from sro_core.cli.configuration import ConfigurationError, ProgramTable, load_configuration
from sro_core.service import NotifierSetting, ProgramSettings

CLI_DOCS = Path(__file__).parent.parent / "docs" / "cli.md"


def _load(folder: Path, text: str) -> configuration.Configuration:
    path = folder / "sro.toml"
    path.write_text(text, encoding="utf-8")
    return load_configuration(path)


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("[program]\nsupression_threshold = 3\n", "program.supression_threshold", "3"),
        ('[program]\nsuppression_threshold = "3"\n', "program.suppression_threshold", "'3'"),
        ("[program]\nsuppression_threshold = true\n", "program.suppression_threshold", "True"),
        ("[program]\nsuppression_threshold = 0\n", "program.suppression_threshold", "0"),
        ("[program]\nretry_backoff_seconds = 0\n", "program.retry_backoff_seconds", "0"),
        ('[program]\nretention_days = "30"\n', "program.retention_days", "'30'"),
        ("[program]\naudit_checkpoint_minutes = -1\n", "program.audit_checkpoint_minutes", "-1"),
        ('[program]\naudit_retired_key_files = ["a", 3]\n', "audit_retired_key_files[1]", "3"),
        ('[program]\nagency_ori = "CA02"\n', "program.agency_ori", "'CA02'"),
        ('[program]\nreview = "maybe"\n', "program.review", "'maybe'"),
        ("[[program.notifiers]]\nlevel = 1\n", "program.notifiers[0].kind", "None"),
        (
            '[[program.notifiers]]\nkind = "log"\ntimeout_seconds = -2\n',
            "program.notifiers[0].timeout_seconds",
            "-2",
        ),
        ("[program]\nnotifiers = [1]\n", "program.notifiers[0]", "1"),
        ("program = 3\n", "program", "3"),
        ("store = 5\n", "store", "5"),
        ('stor = "memory:"\n', "stor", "'memory:'"),
        ("[actor]\nid = 5\n", "actor.id", "5"),
        ('[actor]\nidd = "ofc.reyes"\n', "actor.idd", "'ofc.reyes'"),
    ],
)
def test_a_bad_setting_is_named_with_its_value_and_the_file(tmp_path, text, key, value):
    """A refusal names the file, the key (its dotted path) and the value the file holds."""
    with pytest.raises(ConfigurationError) as refused:
        _load(tmp_path, text)
    message = str(refused.value)
    assert message.startswith(f"config {tmp_path / 'sro.toml'}: ")
    assert re.search(rf"{re.escape(key)}: [^;]*\(got {re.escape(value)}\)", message), message


def test_every_bad_setting_of_a_file_is_named_at_once(tmp_path):
    """Two bad values are both named, so a user fixes the file in one go."""
    with pytest.raises(ConfigurationError) as refused:
        _load(tmp_path, '[program]\nname = 3\nclaim_batch = "ten"\n')
    assert "program.name: not a text (got 3)" in str(refused.value)
    assert "program.claim_batch: not a whole number (got 'ten')" in str(refused.value)


def test_an_actors_role_is_sent_to_the_stores_directory(tmp_path):
    """A role in [actor] is refused with where it is kept instead: the store's directory."""
    with pytest.raises(ConfigurationError, match=r"actor\.role: .* store's directory"):
        _load(tmp_path, '[actor]\nrole = "supervisor"\n')


def test_bad_toml_and_a_missing_file_are_named(tmp_path):
    """A file that is not TOML, or cannot be read, is named with the reason."""
    with pytest.raises(ConfigurationError, match="not valid TOML"):
        _load(tmp_path, "[program\n")
    with pytest.raises(ConfigurationError, match=re.escape(str(tmp_path / "none.toml"))):
        load_configuration(tmp_path / "none.toml")


def test_notifiers_keep_their_options_as_text(tmp_path):
    """A notifier's other keys, nested ones dotted, are its options, as text."""
    loaded = _load(
        tmp_path,
        '[[program.notifiers]]\nkind = "smtp"\ntimeout_seconds = 2.5\nport = 25\ntls = true\n'
        '[program.notifiers.routes.principal]\nto = "principal@school.example"\n',
    )
    assert loaded.settings.notifiers == (
        NotifierSetting(
            "smtp",
            (("port", "25"), ("routes.principal.to", "principal@school.example"), ("tls", "true")),
            dt.timedelta(seconds=2.5),
        ),
    )


SCALARS = {
    "name": st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=20),
    "suppression_threshold": st.integers(1, 1000),
    "dispatch_after_commit": st.booleans(),
    "max_delivery_attempts": st.integers(1, 50),
    "claim_batch": st.integers(1, 100),
    "review": st.sampled_from(["on", "off"]),
    "audit_checkpoint_every": st.integers(0, 10_000),
    "retry_backoff_seconds": st.integers(1, 3600) | st.floats(0.5, 3600),
    "retention_days": st.integers(1, 365),
    "audit_checkpoint_minutes": st.integers(0, 600),
}
RENAMED = {
    "retry_backoff_seconds": ("retry_backoff", lambda v: dt.timedelta(seconds=v)),
    "retention_days": ("retention", lambda v: dt.timedelta(days=v)),
    "audit_checkpoint_minutes": ("audit_checkpoint_interval", lambda v: dt.timedelta(minutes=v)),
}


def _toml(value: object) -> str:
    # a JSON string (control characters escaped), number or boolean is the same TOML value
    return json.dumps(value, ensure_ascii=False)


@given(st.fixed_dictionaries({}, optional=SCALARS))
def test_what_a_file_sets_is_what_the_program_gets(tmp_path_factory, chosen):
    """Any set of valid settings gives ProgramSettings with exactly those, defaults elsewhere."""
    folder = tmp_path_factory.mktemp("config")
    text = "[program]\n" + "".join(f"{key} = {_toml(value)}\n" for key, value in chosen.items())
    settings = _load(folder, text).settings
    expected = {
        RENAMED[key][0] if key in RENAMED else key: (
            RENAMED[key][1](value) if key in RENAMED else value
        )
        for key, value in chosen.items()
    }
    assert settings == ProgramSettings(**expected)


def _example(source: str) -> str:
    """Return the example file of the module's docstring or of docs/cli.md."""
    if source == "module":
        block = (configuration.__doc__ or "").split("::\n\n", 1)[1].split("\n\nThe file's", 1)[0]
        return "\n".join(line.removeprefix("    ") for line in block.splitlines())
    return CLI_DOCS.read_text(encoding="utf-8").split("```toml\n", 1)[1].split("```")[0]


def test_the_module_documents_every_program_setting():
    """The docstring's example shows every key of [program], and no key that is none."""
    section = _example("module").split("[program]\n", 1)[1].split("\n[", 1)[0]
    documented = set(re.findall(r"^(\w+) = ", section, re.MULTILINE))
    assert documented == {field.name for field in attrs.fields(ProgramTable)} - {"notifiers"}


@pytest.mark.parametrize("source", ["module", "docs"])
def test_the_documented_examples_load(tmp_path, source):
    """The example file in the module's docstring and in docs/cli.md is a valid configuration."""
    loaded = _load(tmp_path, _example(source))
    assert loaded.store == "sqlite:////var/lib/sro/sro.db"
    assert loaded.settings.name == "Chowchilla PD School Resource Officer Program"
    assert loaded.settings.agency_ori == "CA0200200"
