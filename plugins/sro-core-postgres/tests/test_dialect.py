"""The PostgreSQL dialect of the shared SQL: placeholders, error texts, case folding."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st
from sro_core_postgres.dialect import POSTGRES
from sro_core_postgres.store import _statement

from sro_core.sql import tables


@given(st.text(st.characters(codec=None, exclude_categories=())))
def test_an_error_text_of_any_characters_reads_back_as_it_was(text: str):
    """A notifier's error, NUL and lone surrogates included, survives its bytea column."""
    stored = POSTGRES.error_text(text)
    assert isinstance(stored, bytes)
    assert POSTGRES.read_error_text(stored) == text


def test_shared_statements_reach_psycopg_with_its_placeholders():
    """A shared statement's ? marks become %s; the store's own %s statements pass unchanged."""
    assert _statement(tables.OFFICERS.get_sql) == b"SELECT document FROM officers WHERE id = %s"
    own = "SELECT pg_advisory_xact_lock(%s)"
    assert _statement(own) == own.encode()


def test_text_search_folds_a_to_z_only():
    """The search folds exactly the 26 ASCII capitals, as ascii_lower does, with one mark."""
    test = POSTGRES.contains("narrative")
    assert test.count("?") == 1
    assert f"'{string.ascii_uppercase}', '{string.ascii_lowercase}'" in test
