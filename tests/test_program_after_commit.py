"""A command's events are delivered once it commits, from the command itself, not the outbox."""

from __future__ import annotations

import datetime as dt

import pytest

from program_support import CHIEF, open_program
from sro_core.domain import Officer
from sro_core.ports import DeliveryStatus, OutboxEntry


def test_a_command_delivers_its_events_without_reading_the_outbox(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With dispatch after commit, the command's own events are delivered and recorded."""

    def no_scan(*_: object) -> list[OutboxEntry]:
        raise AssertionError("the outbox was scanned after the command")

    program, recorder = open_program(name="after-commit")
    with program.storage.unit_of_work() as unit:
        monkeypatch.setattr(type(unit.outbox), "due", no_scan)
    program.register_officer(CHIEF, Officer(badge="7", name="Ofc. Diaz"))
    (event,) = recorder.delivered
    with program.storage.unit_of_work() as unit:
        (delivery,) = unit.outbox.deliveries(event.event_id)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)


def test_a_delivery_that_failed_after_commit_is_retried_by_dispatch() -> None:
    """A failed delivery after commit waits in the outbox and the next dispatch delivers it."""
    program, recorder = open_program(name="retried", retry_backoff=dt.timedelta(0))
    recorder.fail_rate = 1.0
    program.register_officer(CHIEF, Officer(badge="8", name="Ofc. Tran"))
    assert recorder.delivered == []
    (event_id,) = recorder.attempts
    with program.storage.unit_of_work() as unit:
        (delivery,) = unit.outbox.deliveries(event_id)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    recorder.fail_rate = 0.0
    assert program.dispatch(CHIEF).delivered == 1
    assert [e.event_id for e in recorder.delivered] == [event_id]
