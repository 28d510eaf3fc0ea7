"""Routes read from a notifier's options, and the one payload function every notifier uses."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sro_core.domain import Audience, DomainEvent
from sro_core.ports import Route, routes_from
from sro_core.serialization import AnyEvent, structure, unstructure
from sro_core.service import event_kinds, payload_for
from sro_core.testing import strategies

_NAMES = st.text(st.sampled_from("abcdefghij-_0123"), min_size=1, max_size=8).filter(
    lambda n: n != "default"
)
_RECIPIENTS = st.lists(
    st.text(st.sampled_from("abcxyz@.:/0123"), min_size=1, max_size=12), min_size=1, max_size=3
)
_ROUTES = st.lists(
    st.builds(
        Route,
        name=_NAMES,
        recipients=_RECIPIENTS.map(tuple),
        audience=st.sampled_from(Audience),
        events=st.frozensets(st.sampled_from(sorted(event_kinds())), max_size=4),
    ),
    max_size=4,
    unique_by=lambda r: r.name,
)


def _options(route: Route) -> dict[str, str]:
    prefix = f"routes.{route.name}."
    return {
        f"{prefix}to": ", ".join(route.recipients),
        f"{prefix}audience": route.audience.value,
        f"{prefix}events": " ".join(sorted(route.events)),
    }


@settings(max_examples=100)
@given(_ROUTES)
def test_routes_written_as_options_read_back_the_same(routes: list[Route]) -> None:
    """Any routes, written as a notifier's dotted options, are read back as they were."""
    options: dict[str, str] = {}
    for route in routes:
        options.update(_options(route))
    assert routes_from(options, event_kinds()) == tuple(sorted(routes, key=lambda r: r.name))


@settings(max_examples=100)
@given(strategies.domain_events(), _ROUTES)
def test_a_route_takes_an_event_when_it_names_its_kind_or_none(
    event: DomainEvent, routes: list[Route]
) -> None:
    """A route with no event kinds takes every event; otherwise only the kinds it names."""
    for route in routes:
        assert route.takes(event) == (not route.events or type(event).__name__ in route.events)


def test_the_plain_options_make_the_default_route() -> None:
    """``to``, ``audience`` and ``events`` without a prefix are the route named default."""
    options = {"to": "a@x, b@x", "audience": "partner", "events": "CrisisDeclared"}
    assert routes_from(options, event_kinds()) == (
        Route("default", ("a@x", "b@x"), Audience.PARTNER, frozenset({"CrisisDeclared"})),
    )


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"routes.a.to": ""}, "routes.a.to"),
        ({"routes.a.to": "x", "routes.a.audience": "press"}, "routes.a.audience"),
        ({"routes.a.to": "x", "routes.a.events": "Nonsense"}, "Nonsense"),
        ({"routes.a.cc": "x"}, "routes.a.cc"),
    ],
)
def test_a_bad_route_is_refused_naming_the_option(options: dict[str, str], named: str) -> None:
    """A route without recipients, or with an unknown audience, kind or part, names it."""
    with pytest.raises(ValueError, match=named):
        routes_from(options, event_kinds())


@settings(max_examples=200)
@given(strategies.domain_events(), st.sampled_from(Audience))
def test_a_payload_is_json_and_gives_back_the_event_for_every_audience(
    event: DomainEvent, audience: Audience
) -> None:
    """The payload is JSON; what it shows is the event's own, and it names what it leaves out."""
    payload = json.loads(json.dumps(payload_for(event, audience)))
    full = json.loads(json.dumps(unstructure(event)))
    assert payload["kind"] == type(event).__name__
    assert payload["event_id"] == str(event.event_id)
    assert payload["audience"] == audience.value
    assert payload["event"] == {key: full[key] for key in payload["event"]}
    assert payload["hidden"] == sorted(set(full) - set(payload["event"]))
    if not payload["hidden"]:
        assert structure(payload["event"], AnyEvent) == event
