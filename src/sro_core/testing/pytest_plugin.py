"""The kit's pytest plugin, loaded by pytest through the ``pytest11`` entry point ``sro_core``.

It registers two Hypothesis profiles for backend authors, without loading either (a project's
own ``conftest.py`` chooses): ``sro-ci`` (derandomized, 200 examples, 25 state-machine steps)
and ``sro-dev`` (20 examples, 10 steps); neither has a deadline, as storage does I/O. Each
contract property runs its share of ``max_examples`` (5 to 40 under ``sro-ci``), the machine a
tenth of it (20 sequences under ``sro-ci``); ``docs/plugins.md`` has the table. Load one
with ``settings.load_profile("sro-ci")`` or ``pytest --hypothesis-profile=sro-ci``. It also
gives the fixtures ``sro_calendar`` and ``memory_storage``.

pytest loads this module wherever sro_core is installed, also where Hypothesis is not (it
comes with the ``testing`` extra): the profiles are then left out, and nothing breaks.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sro_core.builtin.memory import MemoryStorage
from sro_core.domain import DEFAULT_TIME_ZONE, ProgramCalendar
from sro_core.ports import StorageSettings

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # pragma: no cover - the kit's other parts need Hypothesis, this one not
    pass
else:
    settings.register_profile(
        "sro-ci",
        max_examples=200,
        stateful_step_count=25,
        derandomize=True,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.register_profile(
        "sro-dev",
        max_examples=20,
        stateful_step_count=10,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


@pytest.fixture
def sro_calendar() -> ProgramCalendar:
    """Return the program calendar the kit tests with: America/Los_Angeles."""
    return ProgramCalendar(DEFAULT_TIME_ZONE)


@pytest.fixture
def memory_storage(sro_calendar: ProgramCalendar) -> Iterator[MemoryStorage]:
    """Return an empty memory store (the reference backend) with ``sro_calendar``."""
    with MemoryStorage(StorageSettings("memory:", sro_calendar)) as storage:
        yield storage
