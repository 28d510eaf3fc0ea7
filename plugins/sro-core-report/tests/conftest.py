"""Fixtures of the report plugin's tests: a program with a term's work, and its pages."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The tests import their helpers (report_support) by name, whichever import mode pytest runs
# in: under --import-mode=importlib no test folder is put on sys.path for them.
sys.path.insert(0, str(Path(__file__).parent))

from report_support import CHIEF, SEPTEMBER, Town, render, seeded_town


@pytest.fixture(scope="session")
def town() -> Town:
    """Return the town with its term's work; tests only read it (reports are read-only)."""
    return seeded_town()


@pytest.fixture(scope="session")
def department_page(town: Town) -> bytes:
    """Return the September report as the department's supervisor gets it."""
    return render(town, CHIEF, SEPTEMBER, label="September 2026")
