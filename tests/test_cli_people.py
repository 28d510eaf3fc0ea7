"""`sro people`: find, show with history, merge and undo, through the command on SQLite."""

from __future__ import annotations

import json
import uuid

import pytest

from test_cli import Sro, _report, sro, town  # noqa: F401 - the fixtures of `sro` on a store

STUDENT = str(uuid.UUID(int=0x51))
TYPO = str(uuid.UUID(int=0x52))


def _involve(sro: Sro, number: str, person_id: str, name: str) -> None:  # noqa: F811
    person = {
        "kind": "student",
        "name": name,
        "date_of_birth": "2010-03-01",
        "student_number": "S-881",
        "id": person_id,
    }
    involvement = json.dumps({"person": person, "roles": ["suspect"]})
    sro.ok("incidents", "involve", number, "--file", "-", input=involvement)


@pytest.mark.usefixtures("town")
def test_people_are_found_shown_merged_and_unmerged(sro: Sro) -> None:  # noqa: F811
    """Two spellings of one student are found together, merged with one history, then split."""
    first, second = _report(sro), _report(sro)
    _involve(sro, first, STUDENT, "Zoë Ramírez")
    _involve(sro, second, TYPO, "Zoe Ramirez")
    found = sro.json("people", "find", "zoe ramirez", "--born", "2010-03-01")["items"]
    assert {f["person"]["id"] for f in found} == {STUDENT, TYPO}
    assert all("same_name" in f["reasons"] for f in found)
    assert "Ramírez" in sro.ok("people", "find", "--student-number", "S-881")

    refused = sro("people", "merge", STUDENT, TYPO)
    assert refused.exit_code == 2
    assert "--reason" in refused.stderr
    assert f"into {STUDENT}" in sro.ok("people", "merge", STUDENT, TYPO, "--reason", "typo")
    shown = sro.json("people", "show", STUDENT)
    assert sorted(h["record"]["number"] for h in shown["history"]) == [first, second]
    assert sorted(shown["people"]) == sorted([STUDENT, TYPO])
    assert second in sro.ok("people", "show", TYPO)

    assert "no longer merged" in sro.ok("people", "unmerge", TYPO, "--reason", "twins")
    assert [h["record"]["number"] for h in sro.json("people", "show", STUDENT)["history"]] == [
        first
    ]
    trail = sro.records("audit", "show", "--limit", "1000")
    assert [e["action"] for e in trail if "merge" in e["action"]] == [
        "merge_people",
        "undo_merge",
    ]


def test_an_unknown_person_is_a_clear_error(sro: Sro) -> None:  # noqa: F811
    """Showing an id nobody holds says so and exits 1, with no traceback."""
    result = sro("people", "show", str(uuid.UUID(int=7)))
    assert result.exit_code == 1
    assert "no person" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.usefixtures("town")
def test_a_person_is_corrected_once_and_the_report_keeps_its_copy(sro: Sro) -> None:  # noqa: F811
    """`people correct` changes show and find; the report's copy stays; no detail is a refusal."""
    number = _report(sro)
    _involve(sro, number, TYPO, "Zoe Ramires")
    assert sro("people", "correct", TYPO, "--reason", "typo").exit_code == 2
    done = sro.ok(
        "people", "correct", TYPO, "--name", "Zoë Ramírez", "--clear", "born", "--reason", "typo"
    )
    assert f"corrected date_of_birth, name of person {TYPO}" in done
    shown = sro.json("people", "show", TYPO)["person"]["record"]
    assert (shown["name"], shown["date_of_birth"]) == ("Zoë Ramírez", None)
    found = sro.json("people", "find", "Zoe Ramirez")["items"]
    assert [f["person"]["id"] for f in found] == [TYPO]
    assert "Zoe Ramires" in sro.ok("incidents", "show", number, "--format", "json")
    trail = sro.records("audit", "show", "--limit", "1000")
    assert [e["detail"] for e in trail if e["action"] == "correct_person"] == [
        "date_of_birth, name: typo"
    ]
