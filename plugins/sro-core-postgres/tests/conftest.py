"""The PostgreSQL tests: a live server, skipped (or failed) when none answers.

Tests skip with the reason when no server answers at ``SRO_TEST_POSTGRES_URL``; with
``SRO_REQUIRE_SERVICES=1`` (CI) a missing server fails them instead. The Hypothesis profile is
the repository's: ``ci`` when ``CI`` is set, ``dev`` otherwise, or ``HYPOTHESIS_PROFILE``.
Under ``--import-mode=importlib`` (the repository's setting) pytest puts no test folder on
``sys.path``, so this folder is put there for the helpers (``pg_support``, ``pg_writers``),
which the child processes of the concurrency test import too.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

HERE = str(Path(__file__).parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from pg_support import SCHEMAS, server_problem  # noqa: E402 - needs the folder on sys.path

settings.register_profile("ci", max_examples=300, derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


@pytest.fixture(scope="session", autouse=True)
def postgres_server() -> Iterator[None]:
    """Skip every test here when no server answers (fail with SRO_REQUIRE_SERVICES=1)."""
    problem = server_problem()
    if problem is not None:
        if os.environ.get("SRO_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{problem} (SRO_REQUIRE_SERVICES=1)", pytrace=False)
        pytest.skip(problem)
    try:
        yield
    finally:
        SCHEMAS.drop_all()
