"""The mutation suite: the kit's promise contracts find each realistic bug put in a backend.

``docs_backend.py`` is a storage backend written from the plugin guide alone. Each mutant
below is a copy of its source with one realistic bug (one snippet replaced); the suite loads
each copy as a module of its own and runs the kit's example-based contracts against it (the
Hypothesis properties and the machine are left out: they are the net, not the finder). Every
mutant must make the contract named in its row fail, with a message naming the promise. The
table in ``docs/plugins.md`` is this list.
"""

from __future__ import annotations

import contextlib
import re
import sys
import types
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import Phase, settings

import docs_backend
from sro_core.domain import ProgramCalendar
from sro_core.ports import Storage, StorageSettings
from sro_core.testing import StorageContract
from sro_core.testing._support import _PLAN
from sro_core.testing.promises import OutboxPromises, PromiseContracts
from sro_core.testing.sealing import SealedCountsContract

SOURCE = Path(docs_backend.__file__).read_text(encoding="utf-8")
GUIDE = Path(__file__).parent.parent / "docs" / "plugins.md"


@attrs.frozen
class Mutant:
    """One realistic bug: a snippet of the backend's source and what replaces it."""

    name: str
    loss: str
    contract: str
    old: str
    new: str


MUTANTS = (
    # --- the nine the kit used to miss ---
    Mutant(
        "numbers not checked at commit",
        "two incidents with one number",
        "test_two_open_units_never_allocate_one_number_twice",
        "        for year in self.allocated:\n            if current.counters.get(year, 0) != "
        'self.base.counters.get(year, 0):\n                raise Conflict("incident number", '
        'year, "allocated by someone else meanwhile")\n',
        "",
    ),
    Mutant(
        "previous_hash not checked on append",
        "a forked audit chain",
        "test_an_audit_entry_follows_the_head_by_its_previous_hash",
        "        if entry.previous_hash != previous:\n",
        "        if False:\n",
    ),
    Mutant(
        "a unit's audit entries before the committed ones",
        "an unverifiable chain",
        "test_a_unit_reads_its_audit_entries_after_the_committed_ones",
        "        return [e for e in self.chain() if e.sequence > after][:limit]",
        "        chain = [*self.unit.appended, *self.unit.base.audit]\n        return [e for e "
        "in chain if e.sequence > after][:limit]",
    ),
    Mutant(
        "outbox.entries() hands out the store's own list",
        "records changed behind the store",
        "test_values_a_store_returns_are_the_callers",
        "        found = [\n            e\n"
        "            for e in [*self.unit.base.events, *self.unit.events]\n",
        "        if not after and limit is None and not self.unit.events:\n"
        "            return self.unit.base.events\n"
        "        found = [\n            e\n"
        "            for e in [*self.unit.base.events, *self.unit.events]\n",
    ),
    Mutant(
        "text folded with str.lower",
        "different answers on different stores",
        "test_text_folds_only_a_to_z_and_has_no_wildcards",
        "not where.text or any(ascii_lower(where.text) in ascii_lower(t) for t in texts)",
        "not where.text or any(where.text.lower() in t.lower() for t in texts)",
    ),
    Mutant(
        "an old badge stays in the unique index",
        "a badge that can never be reused",
        "test_a_badge_given_up_is_free_again",
        "                    del book.unique[table, getattr(old, field)]\n",
        "                    pass\n",
    ),
    Mutant(
        "due() ignores next_attempt_at",
        "a hammered notifier",
        "test_due_waits_for_the_next_attempt",
        "            return delivery.next_attempt_at is not None and delivery.next_attempt_at > "
        "now\n",
        "            return False\n",
    ),
    Mutant(
        "badges checked when written, not at commit",
        "two officers with one badge",
        "test_two_open_units_never_commit_one_badge",
        "                if holder not in (None, record.id) and not moved:\n",
        "                if False:\n",
    ),
    Mutant(
        "deliveries not written to the file",
        "lost notifications",
        "test_every_kind_of_record_outlives_the_store",
        "        written.write_bytes(pickle.dumps(book))\n",
        "        written.write_bytes(pickle.dumps(attrs.evolve(book, deliveries={})))\n",
    ),
    # --- ordering, pages and keysets ---
    Mutant(
        "incidents oldest first",
        "the newest incidents on the last page",
        "test_incidents_come_newest_first_ties_by_the_higher_id",
        "        found.sort(key=lambda i: (i.occurred_start, i.id), reverse=True)\n        if "
        "page.after",
        "        found.sort(key=lambda i: (i.occurred_start, i.id))\n        if page.after",
    ),
    Mutant(
        "ties at one instant by the lower id",
        "pages that differ between stores",
        "test_incidents_come_newest_first_ties_by_the_higher_id",
        "        found.sort(key=lambda i: (i.occurred_start, i.id), reverse=True)\n",
        "        found.sort(key=lambda i: i.occurred_start, reverse=True)\n",
    ),
    Mutant(
        "inclusive keyset cursor",
        "an endless first page",
        "test_incidents_come_newest_first_ties_by_the_higher_id",
        "            found = [i for i in found if (i.occurred_start, i.id) < cut]\n",
        "            found = [i for i in found if (i.occurred_start, i.id) <= cut]\n",
    ),
    Mutant(
        "no row fetched beyond the page",
        "every list stops at its first page",
        "test_incidents_come_newest_first_ties_by_the_higher_id",
        "page_of(found[: page.size + 1], page.size,",
        "page_of(found[: page.size], page.size,",
    ),
    Mutant(
        "after() gives its key again",
        "an export that never ends",
        "test_after_pages_by_id_and_never_gives_its_key_again",
        "        return [rows[k] for k in sorted(rows) if key is None or k > key][:limit]\n",
        "        return [rows[k] for k in sorted(rows) if key is None or k >= key][:limit]\n",
    ),
    Mutant(
        "all() in insertion order",
        "exports that differ from run to run",
        "test_records_come_back_as_stored_in_id_order",
        "        return iter([rows[k] for k in sorted(rows)])\n",
        "        return iter(list(rows.values()))\n",
    ),
    # --- units of work ---
    Mutant(
        "rollback commits",
        "half a command kept",
        "test_a_failed_unit_keeps_nothing_of_any_kind",
        "    def rollback(self) -> None:\n        self.ended = True\n",
        "    def rollback(self) -> None:\n        self.commit()\n",
    ),
    Mutant(
        "update does not check the version read",
        "a lost update",
        "test_an_update_from_a_version_that_moved_on_is_a_conflict",
        "        if stored.version != record.version:\n",
        "        if False:\n",
    ),
    Mutant(
        "no version check at commit",
        "a lost update between open units",
        "test_two_open_units_never_lose_an_update",
        "            if (0 if stored is None else stored.version) != read:\n",
        "            if False:\n",
    ),
    Mutant(
        "update keeps the version",
        "every later update refused, or none",
        "test_records_come_back_as_stored_in_id_order",
        "        stored = attrs.evolve(record, version=read + 1)\n",
        "        stored = attrs.evolve(record, version=max(read, 1))\n",
    ),
    Mutant(
        "concurrent audit appends not checked at commit",
        "a forked audit chain",
        "test_two_open_units_never_fork_the_audit_chain",
        "        if self.appended and len(current.audit) != len(self.base.audit):\n",
        "        if False:\n",
    ),
    # --- numbers ---
    Mutant(
        "one counter for every year",
        "2026 numbers that start at 40",
        "test_numbers_run_from_one_and_a_failed_unit_gives_them_back",
        "        sequence = self.allocated.get(year, self.base.counters.get(year, 0)) + 1\n",
        "        sequence = max([0, *self.allocated.values(), *self.base.counters.values()]) + 1\n",
    ),
    Mutant(
        "numbers taken by a failed unit are lost",
        "gaps in the numbers",
        "test_numbers_run_from_one_and_a_failed_unit_gives_them_back",
        "        self.allocated[year] = sequence\n",
        "        self.allocated[year] = self.base.counters[year] = sequence\n",
    ),
    Mutant(
        "number counters not written to the file",
        "numbers given twice after a restart",
        "test_every_kind_of_record_outlives_the_store",
        "        written.write_bytes(pickle.dumps(book))\n",
        "        written.write_bytes(pickle.dumps(attrs.evolve(book, counters={})))\n",
    ),
    # --- outbox ---
    Mutant(
        "outbox sequences restart in each unit",
        "events delivered twice or never",
        "test_the_outbox_keeps_its_order_across_units",
        "attrs.evolve(e, sequence=start + n)",
        "attrs.evolve(e, sequence=n)",
    ),
    Mutant(
        "outbox.entries() ignores its limit",
        "a dispatcher that reads the whole outbox",
        "test_the_outbox_keeps_its_order_across_units",
        "        return found[:limit]\n",
        "        return found\n",
    ),
    Mutant(
        "due() ignores urgency",
        "a lockdown behind a backlog",
        "test_due_gives_urgent_events_first_then_the_oldest",
        "return sorted(due, key=lambda e: (not e.event.urgent, e.sequence))",
        "return sorted(due, key=lambda e: e.sequence)",
    ),
    Mutant(
        "dead letters by notifier first",
        "replays in the wrong order",
        "test_deliveries_are_replaced_and_dead_letters_come_oldest_event_first",
        "key=lambda d: (order.get(d.event_id, 0), d.notifier)",
        "key=lambda d: (d.notifier, order.get(d.event_id, 0))",
    ),
    Mutant(
        "a commit drops earlier deliveries",
        "events delivered again",
        "test_deliveries_are_replaced_and_dead_letters_come_oldest_event_first",
        "        book.deliveries = {**current.deliveries, **self.delivered}\n",
        "        book.deliveries = dict(self.delivered)\n",
    ),
    # --- text ---
    Mutant(
        "text read as a LIKE pattern",
        "searches for 100% that find 10",
        "test_text_folds_only_a_to_z_and_has_no_wildcards",
        "any(ascii_lower(where.text) in ascii_lower(t) for t in texts)",
        "any(__import__('re').search(ascii_lower(where.text).replace('%', '.*')"
        ".replace('_', '.'), ascii_lower(t)) for t in texts)",
    ),
    # --- counts ---
    Mutant(
        "months bucketed in UTC",
        "September's late incidents counted in October",
        "test_counts_are_by_local_month_over_a_half_open_period",
        "(self.calendar.local_month(i.occurred_start), school_key(i.school_id), i.category)",
        "(i.occurred_start.strftime('%Y-%m'), school_key(i.school_id), i.category)",
    ),
    Mutant(
        "period end counted",
        "the first minute of December in November's report",
        "test_counts_are_by_local_month_over_a_half_open_period",
        "            and period.start <= i.occurred_start < period.end\n",
        "            and period.start <= i.occurred_start <= period.end\n",
    ),
    Mutant(
        "drafts counted",
        "unreported incidents in the statistics",
        "test_counts_are_by_local_month_over_a_half_open_period",
        "            if i.status is not IncidentStatus.DRAFT\n            and ",
        "            if ",
    ),
    Mutant(
        "location counts not grouped by school",
        "one school's incidents reported for another",
        "test_counting_queries_give_the_reference_rows",
        "                school_key(i.school_id),\n                i.location.kind.value,",
        "                (False, None),\n                i.location.kind.value,",
    ),
    Mutant(
        "contact minutes counted, not summed",
        "officer time under-reported",
        "test_counting_queries_give_the_reference_rows",
        "                sums[group][1] += c.minutes\n",
        "                sums[group][1] += 1\n",
    ),
    Mutant(
        "activities counted as contacts",
        "the triad split wrong",
        "test_counting_queries_give_the_reference_rows",
        "                row[2] += 1\n",
        "                row[1] += 1\n",
    ),
    Mutant(
        "CRDC demographics from the oldest incident",
        "federal counts with stale demographics",
        "test_counting_queries_give_the_reference_rows",
        "if row[2] is None or newness > row[2]:",
        "if row[2] is None or newness < row[2]:",
    ),
    Mutant(
        "sealed incidents counted",
        "a sealed record told by the counts",
        "test_a_seal_takes_an_incident_out_of_the_counts_as_if_never_recorded",
        "            and (include_sealed or not i.sealed)\n",
        "",
    ),
    Mutant(
        "referrals of sealed incidents counted",
        "a sealed referral told by the referral counts",
        "test_a_seal_takes_an_incident_out_of_the_counts_as_if_never_recorded",
        "            if period.start <= r.sent_at < period.end and r.incident_id not in sealed\n",
        "            if period.start <= r.sent_at < period.end\n",
    ),
    Mutant(
        "crises.active() includes ended ones",
        "an all-clear shown as a lockdown",
        "test_lookups_find_what_the_reference_finds",
        "        found = self.where(status=CrisisStatus.ACTIVE)\n",
        "        found = list(self.all())\n",
    ),
)
"""Every mutant, with the loss a department would suffer and the contract that finds it."""


def _contracts() -> list[str]:
    """Return the names of the kit's example-based contracts, in the order they run."""
    return [
        name
        for home in (PromiseContracts, OutboxPromises, SealedCountsContract)
        for name, test in vars(home).items()
        if name.startswith("test_") and not hasattr(test, _PLAN)
    ]


@contextlib.contextmanager
def _backend(mutant: Mutant | None) -> Iterator[types.ModuleType]:
    """Load the backend's source, with a mutant's bug if one is given, as a module of its own."""
    source = SOURCE
    if mutant is not None:
        assert SOURCE.count(mutant.old) == 1, (
            f"{mutant.name}: its snippet is not in the source once"
        )
        source = SOURCE.replace(mutant.old, mutant.new)
    name = f"docs_backend_{uuid.uuid4().hex}"
    module = types.ModuleType(name)
    module.__file__ = docs_backend.__file__
    sys.modules[name] = module  # pickle finds the module's classes by its name
    try:
        exec(compile(source, docs_backend.__file__, "exec"), module.__dict__)  # noqa: S102 - our own source
        yield module
    finally:
        del sys.modules[name]


def _kit(module: types.ModuleType) -> Any:
    """Return the kit's contract as a class whose stores are a backend module's."""

    def make_storage(kit: StorageContract, calendar: ProgramCalendar) -> Storage:
        storage: Storage = module.DocsStorage(
            StorageSettings(f"docs://{kit.storage_dir()}/sro.book", calendar)
        )
        return storage

    return type("_Kit", (StorageContract,), {"make_storage": make_storage})


@contextlib.contextmanager
def kit_profile(name: str) -> Iterator[None]:
    """Load a Hypothesis profile while kit classes are made (they size their tests then)."""
    previous = settings._current_profile
    settings.load_profile(name)
    try:
        yield
    finally:
        settings.load_profile(previous or "default")


settings.register_profile(
    "mutants", max_examples=5, derandomize=True, deadline=None, phases=[Phase.generate]
)


def _verdicts(module: types.ModuleType) -> dict[str, str]:
    """Run every promise contract against a backend module; return each failure's message."""
    kit_class = _kit(module)
    failures: dict[str, str] = {}
    for name in _contracts():
        kit = kit_class()
        test: Callable[[], None] = getattr(kit, name)
        try:
            test()
        except pytest.skip.Exception as skipped:
            failures[name] = f"skipped: {skipped}"
        except (Exception, pytest.fail.Exception) as error:  # noqa: BLE001 - each is a verdict
            failures[name] = f"{type(error).__name__}: {error}"
    return failures


def test_the_docs_backend_keeps_every_promise() -> None:
    """The backend written from the guide passes every promise contract, none skipped."""
    with _backend(None) as module:
        assert _verdicts(module) == {}


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_the_kit_finds_the_mutant(mutant: Mutant) -> None:
    """The contract named for a mutant fails on it, with a message naming the promise."""
    with _backend(mutant) as module:
        failures = _verdicts(module)
        assert mutant.contract in failures, f"{mutant.name} passed; failures: {failures}"
        assert re.match(r"Failed: [a-z ]+: ", failures[mutant.contract]), failures[mutant.contract]


def test_there_are_at_least_thirty_distinct_mutants() -> None:
    """The suite holds at least 30 mutants, each named once and each a different edit."""
    assert len(MUTANTS) >= 30
    assert len({m.name for m in MUTANTS}) == len(MUTANTS)
    assert len({(m.old, m.new) for m in MUTANTS}) == len(MUTANTS)


def test_the_guide_lists_every_mutant_and_its_contract() -> None:
    """docs/plugins.md's table of mutants is this suite's list, row for row."""
    rows = [
        [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        for line in GUIDE.read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and line.count("|") == 4 and "`test_" in line
    ]
    assert rows == [[m.name, m.loss, m.contract] for m in MUTANTS]


def test_the_after_property_ends_on_a_store_that_gives_its_key_again() -> None:
    """The kit's property over after() fails, naming the promise, instead of paging forever."""
    mutant = next(m for m in MUTANTS if m.name == "after() gives its key again")
    with _backend(mutant) as module:
        with kit_profile("mutants"):
            kit = _kit(module)()
        with pytest.raises((pytest.fail.Exception, AssertionError, BaseExceptionGroup)) as caught:
            kit.test_after_pages_through_every_record_in_id_order()
    failures = getattr(caught.value, "exceptions", (caught.value,))
    assert all(str(f).startswith("after: ") for f in failures), failures
