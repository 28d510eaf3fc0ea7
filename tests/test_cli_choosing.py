"""The options that choose incidents: one set, the same in every command that takes them."""

from __future__ import annotations

import attrs
import click
from hypothesis import given
from hypothesis import strategies as st

from sro_core.cli import cli
from sro_core.cli.choosing import IncidentChoice
from sro_core.domain import IncidentStatus

FILTERS = ("school_names", "start", "before", "categories", "statuses", "officer", "text")


def _options(*path: str) -> dict[str, tuple[tuple[str, ...], str | None]]:
    """Return a command's incident options by name: their flags and help."""
    context = click.Context(cli)
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        found = command.get_command(context, name)
        assert found is not None
        command = found
    return {
        p.name: (tuple(p.opts), getattr(p, "help", None))
        for p in command.params
        if p.name in FILTERS
    }


def test_find_and_export_take_the_same_incident_options() -> None:
    """`incidents find` and `export` offer every incident option, spelled and told alike."""
    found = _options("incidents", "find")
    assert set(found) == set(FILTERS)
    assert found == _options("export")


@given(
    st.builds(
        IncidentChoice,
        school_names=st.lists(st.text(min_size=1), max_size=2).map(tuple),
        categories=st.lists(st.text(min_size=1), max_size=2).map(tuple),
        statuses=st.lists(st.sampled_from(IncidentStatus), max_size=2).map(tuple),
        officer=st.none() | st.text(min_size=1),
        text=st.none() | st.text(min_size=1),
    )
)
def test_a_choice_is_given_when_any_option_is(chosen: IncidentChoice) -> None:
    """A command refuses filters where they do not apply only when one was given."""
    given_any = any(v not in (None, ()) for v in attrs.astuple(chosen, recurse=False))
    assert chosen.given is given_any
