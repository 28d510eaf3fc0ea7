"""Bulk reading: many documents read as each is read alone, with the collector paused meanwhile."""

from __future__ import annotations

import gc

import pytest
from hypothesis import given, settings

from sro_core.domain import Incident
from sro_core.serialization import (
    StructureError,
    collection_paused,
    structure_document,
    structure_documents,
    unstructure,
)
from sro_core.testing import strategies


@settings(max_examples=100)  # each example reads two whole incidents
@given(strategies.incidents())
def test_reading_many_is_reading_each(incident: Incident) -> None:
    """structure_documents gives each document's value and document, as structure_document."""
    documents = [unstructure(incident), {**unstructure(incident), "narrative": "Changed."}]
    assert structure_documents(documents, Incident) == [
        structure_document(d, Incident) for d in documents
    ]


@pytest.mark.parametrize("running", [True, False])
def test_the_collector_is_paused_then_left_as_it_was(running: bool) -> None:
    """The collector is off inside, and afterwards as the application had it, even on error."""
    was = gc.isenabled()
    try:
        (gc.enable if running else gc.disable)()
        with collection_paused():
            assert not gc.isenabled()
            with collection_paused():
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert gc.isenabled() is running
        with pytest.raises(StructureError), collection_paused():
            structure_documents([{"narrative": 3}], Incident)
        assert gc.isenabled() is running
    finally:
        (gc.enable if was else gc.disable)()
