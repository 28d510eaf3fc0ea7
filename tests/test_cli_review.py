"""`sro review`: the queue, submit, return, approve and a report's history, through the command."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sro_core.cli.app import user
from sro_core.cli.review import age_text
from test_cli import Sro, _report, sro, town  # noqa: F401 - the fixtures of `sro` on a store


@pytest.fixture
def reviewing(sro: Sro) -> Sro:  # noqa: F811 - the fixture imported above
    """Return `sro` on a program that reviews reports, with the officer registered as an SRO."""
    sro.config.write_text('[program]\nname = "Test"\nreview = "on"\n', encoding="utf-8")
    sro.ok("actors", "add", "ofc.reyes", "--role", "sro")
    return sro


@pytest.mark.usefixtures("town")
def test_a_report_goes_through_review_on_the_command_line(reviewing: Sro) -> None:
    """Submitted as the officer, returned with a comment, resubmitted and approved; all listed."""
    sro = reviewing  # noqa: F811 - this test runs `sro` on the reviewing program
    number = _report(sro)
    assert sro.json("review")["items"] == []
    assert "submitted incident" in sro.ok("--as", "ofc.reyes", "review", "submit", number)
    [waiting] = sro.json("review")["items"]
    assert waiting["number"] == number
    assert waiting["age_seconds"] >= 0
    assert number in sro.ok("review")
    missing = sro("review", "return", number)
    assert missing.exit_code != 0
    assert "--comment" in missing.stderr
    sro.ok("review", "return", number, "--comment", "Say who broke up the fight.")
    assert sro.json("review")["items"] == []
    sro.ok("--as", "ofc.reyes", "review", "submit", number, "--comment", "Added.")
    refused = sro("--as", "ofc.reyes", "review", "approve", number)
    assert refused.exit_code == 1
    assert "may not" in refused.stderr
    assert "approved incident" in sro.ok("review", "approve", number)
    steps = sro.json("review", "history", number)["items"]
    assert [(s["state"], s["actor_id"], s["note"]) for s in steps] == [
        ("submitted", "ofc.reyes", ""),
        ("returned", user(), "Say who broke up the fight."),
        ("submitted", "ofc.reyes", "Added."),
        ("approved", user(), ""),
    ]
    assert "Say who broke up the fight." in sro.ok("review", "history", number)
    trail = sro.records("audit", "show", "--limit", "1000")
    assert [e["action"] for e in trail if e["action"].endswith("_report")] == [
        "submit_report",
        "return_report",
        "submit_report",
        "approve_report",
        "approve_report",
    ]


@pytest.mark.usefixtures("town")
def test_review_is_refused_where_the_program_does_not_review(sro: Sro) -> None:  # noqa: F811
    """Without `review = "on"`, submitting says the program does not review, and changes nothing."""
    number = _report(sro)
    refused = sro("review", "submit", number)
    assert refused.exit_code == 1
    assert "does not review" in refused.stderr
    assert sro.json("review", "history", number)["items"] == []
    queue = sro("review")
    assert queue.exit_code == 0
    assert 'this program does not review reports: put review = "on"' in queue.stderr


@pytest.mark.usefixtures("town")
def test_a_crdc_export_says_it_counts_reports_not_yet_approved(
    sro: Sro,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A reviewing program's CRDC export says it counts unapproved reports; another says nothing."""
    _report(sro)
    plain = sro("export", "--format", "crdc-arrs", "--output", str(tmp_path / "plain.csv"))
    assert plain.exit_code == 0, plain.stderr
    assert "approved" not in plain.stderr
    sro.config.write_text('[program]\nname = "Test"\nreview = "on"\n', encoding="utf-8")
    counted = sro("export", "--format", "crdc-arrs", "--output", str(tmp_path / "counted.csv"))
    assert counted.exit_code == 0, counted.stderr
    assert "include reports a supervisor has not approved yet" in counted.stderr
    written = (tmp_path / "counted.csv").read_text(encoding="utf-8")
    assert written == (tmp_path / "plain.csv").read_text(encoding="utf-8")


def test_age_is_written_in_days_hours_and_minutes() -> None:
    """The queue's age reads as a person would say it."""
    assert age_text(dt.timedelta(minutes=40, seconds=5)) == "40 min"
    assert age_text(dt.timedelta(hours=5, minutes=3)) == "5 h 3 min"
    assert age_text(dt.timedelta(days=2, hours=5, minutes=3)) == "2 d 5 h"
