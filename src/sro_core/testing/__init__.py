"""The conformance kit: Hypothesis strategies, backend contracts and the pytest plugin.

- :mod:`sro_core.testing.strategies`: a strategy for every domain type (``officers()``,
  ``incidents()``, ``audit_chains()`` …), valid by construction.
- :class:`StorageContract`: the storage contract as a pytest test base; a backend's whole test
  file is a subclass with one ``make_storage`` method. Its example-based promise tests
  (:mod:`sro_core.testing.promises`, on the records of :mod:`sro_core.testing.examples`) run
  first and name the promise a store breaks; the Hypothesis properties follow, the person
  index's among them (:mod:`sro_core.testing.person_index`: merges, undos, a person's records)
  and the sealed incidents' (:mod:`sro_core.testing.sealing`: counts through seals and unseals).
- :class:`StorageMachine`: a Hypothesis state machine that runs random command sequences
  against a backend and the memory reference side by side; :func:`machine_test` turns a
  store factory into a test case.
- :class:`SubmissionLedgerContract`: the NIBRS submission ledger's part of the contract, a
  second subclass in a backend's test file.
- :mod:`sro_core.testing.pytest_plugin`: loaded by pytest (entry point ``sro_core``); the
  Hypothesis profiles ``sro-ci`` and ``sro-dev`` and the fixtures ``sro_calendar`` and
  ``memory_storage``.

The names are imported on first use: pytest loads the plugin in every environment where
sro_core is installed, and that must work without Hypothesis, which only the kit needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

try:
    import pytest
except ImportError:  # the strategies are usable without pytest
    pass
else:
    # The kit checks with assert: have pytest rewrite its modules so failures show values.
    pytest.register_assert_rewrite(
        "sro_core.testing.contracts",
        "sro_core.testing.machine",
        "sro_core.testing.person_index",
        "sro_core.testing.sealing",
        "sro_core.testing.submissions",
    )

if TYPE_CHECKING:
    from sro_core.testing import strategies as strategies
    from sro_core.testing.contracts import StorageContract as StorageContract
    from sro_core.testing.machine import StorageMachine as StorageMachine
    from sro_core.testing.machine import machine_test as machine_test
    from sro_core.testing.submissions import (
        SubmissionLedgerContract as SubmissionLedgerContract,
    )

__all__ = [
    "StorageContract",
    "StorageMachine",
    "SubmissionLedgerContract",
    "machine_test",
    "strategies",
]

_HOMES = {
    "StorageContract": "sro_core.testing.contracts",
    "StorageMachine": "sro_core.testing.machine",
    "machine_test": "sro_core.testing.machine",
    "SubmissionLedgerContract": "sro_core.testing.submissions",
    "strategies": "sro_core.testing.strategies",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(home)
    return module if home.endswith(f".{name}") else getattr(module, name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
