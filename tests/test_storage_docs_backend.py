"""The backend written from the plugin guide alone keeps the whole storage contract.

Its classes are made under a small derandomized profile (5 examples a property, 5 machine
runs of 10 steps): the point is that the guide suffices, shown at a small cost in CI; the
mutation suite (``test_mutants.py``) is what checks the kit itself.
"""

from __future__ import annotations

from hypothesis import settings

from docs_backend import DocsStorage
from sro_core.domain import ProgramCalendar
from sro_core.ports import StorageSettings
from sro_core.testing import StorageContract, StorageMachine
from test_mutants import kit_profile


def _docs(contract: StorageContract | StorageMachine, calendar: ProgramCalendar) -> DocsStorage:
    return DocsStorage(StorageSettings(f"docs://{contract.storage_dir()}/sro.book", calendar))


settings.register_profile(
    "docs-backend", max_examples=20, stateful_step_count=10, derandomize=True, deadline=None
)

with kit_profile("docs-backend"):

    class TestDocsBackend(StorageContract):
        """The guide's backend passes the promises, the properties and the machine."""

        def make_storage(self, calendar: ProgramCalendar) -> DocsStorage:
            """Open a store in a file of its own."""
            return _docs(self, calendar)

    class DocsMachine(StorageMachine):
        """The machine run against the guide's backend and the memory reference."""

        def make_storage(self, calendar: ProgramCalendar) -> DocsStorage:
            """Open a store in a file of its own."""
            return _docs(self, calendar)

    TestDocsMachine = DocsMachine.TestCase
