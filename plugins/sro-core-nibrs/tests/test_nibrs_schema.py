"""The packaged schema: the FBI's files unchanged, shipped in the wheel, used for validation."""

from __future__ import annotations

import hashlib
import urllib.parse
import zipfile
from pathlib import Path

import pytest
from nibrs_support import REPO, iepd, needs_iepd
from sro_core_nibrs import is_valid, nibrs_schema, schema_errors
from sro_core_nibrs.schema import NIBRS_XSD, SCHEMA_FOLDER

PLUGIN = REPO / "plugins" / "sro-core-nibrs"
NOTICES = {"NOTICE.txt", "LICENSE-2.0.txt", "IEPD-readme.txt"}


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file() and p.name not in NOTICES
    }


@needs_iepd
def test_the_packaged_schemas_are_the_iepds_unchanged():
    """Every file of the IEPD's base-xsd is packaged, byte for byte, in its folder."""
    folder = iepd()
    assert folder is not None
    assert _digests(SCHEMA_FOLDER) == _digests(folder / "base-xsd")


def test_the_notices_of_the_schema_files_are_packaged():
    """The Apache-2.0 notice of the schemas' authors, its text and the IEPD readme ship too."""
    assert {p.name for p in SCHEMA_FOLDER.iterdir() if p.is_file()} >= NOTICES
    notice = (SCHEMA_FOLDER / "NOTICE.txt").read_text(encoding="utf-8")
    assert "SEARCH-The National Consortium" in notice
    assert "Apache License, Version 2.0" in notice


def test_validation_uses_the_packaged_schema():
    """The schema is loaded from the package, whatever the IEPD's place."""
    url = urllib.parse.urlparse(nibrs_schema().url or "")
    assert (url.scheme, Path(url.path).resolve()) == ("file", NIBRS_XSD.resolve())


def test_a_document_that_is_not_nibrs_is_not_valid():
    """Not XML, or XML of another kind, is not valid; the errors say where."""
    assert not is_valid(b"not xml")
    assert not is_valid(b"/etc/hostname")
    [error] = schema_errors(b"<Submission/>")
    assert error.path == "/Submission"
    assert "Submission" in error.reason


def test_the_wheel_carries_the_schemas(tmp_path):
    """A built wheel holds every schema file and notice: a user's install validates."""
    wheel = pytest.importorskip("hatchling.builders.wheel")
    [built] = wheel.WheelBuilder(str(PLUGIN)).build(directory=str(tmp_path), versions=["standard"])
    with zipfile.ZipFile(built) as archive:
        names = set(archive.namelist())
    packaged = {
        f"sro_core_nibrs/xsd/{p.relative_to(SCHEMA_FOLDER).as_posix()}"
        for p in SCHEMA_FOLDER.rglob("*")
        if p.is_file()
    }
    assert packaged <= names
    assert "sro_core_nibrs/py.typed" in names
    metadata = next(n for n in names if n.endswith("entry_points.txt"))
    with zipfile.ZipFile(built) as archive:
        assert "nibrs = sro_core_nibrs.plugin" in archive.read(metadata).decode()
