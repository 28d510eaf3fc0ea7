"""The row path: a stored document is decided on and redacted exactly as its incident is.

An export reads stored documents and never builds the incidents they hold. These properties
hold it to the object path for every reader and record: :func:`decide_document` gives the
decision :func:`decide` gives on the incident, :func:`hide_document` leaves a document as
:func:`hide` leaves the incident (the same values, the same hidden paths), and an export row
made from the document is the row made, as it was before the row path, from the incident
redacted as a whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from program_support import open_program
from sro_core.domain import (
    Actor,
    ActorRole,
    Agreement,
    Clause,
    ClauseKind,
    Incident,
    Involvement,
    InvolvementRole,
    Location,
    LocationKind,
    Partner,
    PartnerKind,
    Person,
    PersonKind,
    ProgramCalendar,
    RecordClass,
    RecordRestriction,
    Sensitivity,
)
from sro_core.policy import (
    REDACTED,
    Context,
    Decision,
    Hiding,
    Mask,
    decide,
    decide_document,
    document_decider,
    hide,
    hide_document,
    hide_texts,
)
from sro_core.serialization import unstructure
from sro_core.service.exports import INCIDENT_COLUMNS, NAMED_BY, ROW_FIELDS, _column_hidden
from sro_core.testing import strategies

SHUT = {RecordRestriction.SEALED, RecordRestriction.EXPUNGED}
"""Restrictions that shut most readers out: drawn less often, so that more is read."""
SOMETIMES_HIDDEN = sorted(set(RecordClass) - {RecordClass.INCIDENT_SUMMARY}, key=str)
CALENDAR = ProgramCalendar()
"""The calendar the incident strategies date their incidents in."""


@st.composite
def named_incidents(draw: st.DrawFn) -> Incident:
    """Draw an incident with random restrictions whose narrative names some of its people."""
    incident = draw(strategies.incidents(edge_cases=True))
    names = [i.person.name for i in incident.involvements if i.person.name]
    spoken = draw(st.lists(st.sampled_from(names), max_size=3)) if names else []
    narrative = " ".join([*spoken, draw(st.sampled_from(["", "spoke with staff."]))]).strip()
    restrictions = draw(
        st.sampled_from([frozenset(), *({r} for r in RecordRestriction if r not in SHUT)]).map(
            frozenset
        )
        | st.frozensets(st.sampled_from(RecordRestriction))
    )
    return attrs.evolve(incident, narrative=narrative, restrictions=restrictions)


@st.composite
def readings(draw: st.DrawFn, incident: Incident) -> tuple[Actor, Context]:
    """Draw a reader of any role and what the policy decides by, often in the incident's scope.

    A principal may be of the incident's school; a partner's liaison may have it referred to
    them; the agreements share random classes with the partner and the school's own side, in
    force on random days around the incident's and the reading day.
    """
    reader = draw(strategies.actors())
    if (
        reader.role is ActorRole.SCHOOL_ADMINISTRATOR
        and incident.school_id
        and draw(st.integers(0, 3))
    ):
        reader = attrs.evolve(reader, schools=reader.schools | {incident.school_id})
    school = attrs.evolve(draw(strategies.schools()), id=incident.school_id or draw(st.uuids()))
    side = Partner(name=school.name, kind=PartnerKind.SCHOOL_ADMINISTRATION, id=draw(st.uuids()))
    district = Partner(name=school.district, kind=PartnerKind.DISTRICT, id=draw(st.uuids()))
    parties = [p for p in (reader.partner_id, side.id, district.id) if p is not None]
    day = CALENDAR.local_date(incident.occurred_start)
    today = day + dt.timedelta(days=draw(st.integers(0, 400)))
    party = draw(st.sampled_from(parties))
    in_force = Agreement(
        title="MOU",
        partner_ids=frozenset({party}),
        signed_on=day - dt.timedelta(days=400),
        effective_from=day - dt.timedelta(days=400),
        review_due=day + dt.timedelta(days=400),
        clauses=(
            Clause(
                ClauseKind.INFORMATION_SHARING,
                "shares",
                party,
                draw(st.frozensets(st.sampled_from(RecordClass))),
            ),
        ),
    )
    others = st.lists(
        strategies.agreements(parties, active_on=draw(st.sampled_from([day, today]))),
        max_size=2,
    )
    agreements = [in_force, *draw(others)]
    referred = {}
    if reader.partner_id is not None and draw(st.integers(0, 3)):
        referral = attrs.evolve(
            draw(strategies.referrals()), incident_id=incident.id, partner_id=reader.partner_id
        )
        referred = {incident.id: (referral,)}
    context = Context(
        today=today,
        calendar=CALENDAR,
        agreements=tuple(agreements),
        partners={side.id: side, district.id: district},
        schools={school.id: school},
        referred=referred,
    )
    return reader, context


@st.composite
def hidings(draw: st.DrawFn, incident: Incident) -> Hiding:
    """Draw any hiding of an incident: sensitivities, classes, some of its people, a mask.

    The incident's summary is never hidden (a reader who may not see it does not read the
    incident at all), so its required fields are never blanked.
    """
    people = [i.person for i in incident.involvements]
    hidden = draw(st.lists(st.sampled_from(people), unique_by=lambda p: p.id)) if people else []
    named = [("juvenile", p.name) for p in hidden if p.name is not None]
    return Hiding(
        sensitivities=draw(st.frozensets(st.sampled_from(Sensitivity))),
        classes=draw(st.frozensets(st.sampled_from(SOMETIMES_HIDDEN))),
        people=frozenset(p.id for p in hidden),
        mask=Mask.of(named),
        free_text_hidden=draw(st.booleans()),
    )


def _juveniles(incident: Incident) -> int:
    """Return how many of an incident's people are juveniles on its day."""
    day = CALENDAR.local_date(incident.occurred_start)
    return sum(i.is_juvenile(day) for i in incident.involvements)


def _object_row(
    program: Any, incident: Incident, hiding: Hiding, names: Mapping[str, str]
) -> dict[str, object]:
    """Return an incident's export row as the object path made it: hide the whole incident."""
    view = hide(incident, hiding)
    row = program._exports._document_row(unstructure(view.value), names, _juveniles(incident))
    hidden = {c for c in INCIDENT_COLUMNS if _column_hidden(NAMED_BY.get(c, c), view.hidden)}
    return {c: REDACTED if c in hidden else v for c, v in row.items()}


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_document_is_decided_as_its_incident_is(data: st.DataObject) -> None:
    """decide_document, and the decider made once per reader, give the decision decide gives."""
    incident = data.draw(named_incidents())
    reader, context = data.draw(readings(incident))
    decision = decide(reader, incident, context)
    assert decide_document(reader, unstructure(incident), context) == decision
    assert document_decider(reader, context)(unstructure(incident)) == decision
    if decision.readable:
        assert decision.juveniles == _juveniles(incident)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_document_is_hidden_as_its_incident_is(data: st.DataObject) -> None:
    """hide_document leaves a whole document as hide leaves the incident, with the same paths."""
    incident = data.draw(named_incidents())
    hiding = data.draw(hidings(incident))
    seen = hide(incident, hiding)
    document = unstructure(incident)
    shown = hide_document(Incident, document, hiding)
    assert shown.value == unstructure(seen.value)
    assert shown.hidden == seen.hidden
    assert document == unstructure(incident)  # the stored document is not changed


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_an_export_row_from_the_document_is_the_row_from_the_incident(
    data: st.DataObject,
) -> None:
    """For every reader and record, the row path writes the row the object path wrote."""
    program, _ = open_program()
    incident = data.draw(named_incidents())
    names = {str(incident.reporting_officer_id): "B-17"}
    if incident.school_id is not None:
        names[str(incident.school_id)] = "Lincoln High"
    reader, context = data.draw(readings(incident))
    decision = decide(reader, incident, context)
    if not decision.readable or data.draw(st.booleans()):  # any hiding, as well as decided ones
        hiding = data.draw(hidings(incident))
        decision = Decision(readable=True, hiding=hiding, juveniles=_juveniles(incident))
    row = program._exports._seen_row(unstructure(incident), decision, names)
    assert row == _object_row(program, incident, decision.hiding, names)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_where_only_free_text_changes_it_changes_as_in_the_hidden_document(
    data: st.DataObject,
) -> None:
    """hide_texts gives up where a hiding changes more than free text, and else agrees exactly.

    Its texts and hidden paths are those hide_document gives, and every other field read is
    the document's own, so the row made from the document with those texts is the hidden row.
    """
    incident = data.draw(named_incidents())
    hiding = data.draw(hidings(incident))
    if data.draw(st.booleans()):  # often only people and the mask, as a department reader's
        hiding = attrs.evolve(hiding, sensitivities=frozenset(), classes=frozenset())
    document = unstructure(incident)
    shown = hide_document(Incident, document, hiding, ROW_FIELDS)
    texts = hide_texts(Incident, document, hiding, ROW_FIELDS)
    if texts is None:
        assert hiding.sensitivities or hiding.classes  # people and a mask alone change text only
        return
    assert shown.hidden == texts.hidden
    expected = dict(hide_document(Incident, document, Hiding(), ROW_FIELDS).value)
    expected.update(texts.value)
    assert shown.value == expected


def test_a_juvenile_named_in_the_narrative_is_masked_by_the_short_cut() -> None:
    """The short cut masks a hidden person's name in the narrative; not taken for the person."""
    person = Person(PersonKind.STUDENT, name="Ana Ruiz")
    incident = Incident(
        reporting_officer_id=person.id,
        occurred_start=dt.datetime(2024, 3, 1, 17, tzinfo=dt.UTC),
        reported_at=dt.datetime(2024, 3, 1, 18, tzinfo=dt.UTC),
        location=Location(LocationKind.COMMUNITY, "13"),
        category="disturbance",
        narrative="Ana Ruiz left; ana stayed; Anabel too.",
        involvements=(Involvement(person, frozenset({InvolvementRole.WITNESS})),),
    )
    hiding = Hiding(people=frozenset({person.id}), mask=Mask.of([("juvenile", "Ana Ruiz")]))
    texts = hide_texts(Incident, unstructure(incident), hiding, ROW_FIELDS)
    assert texts is not None
    assert texts.value == {"narrative": "[juvenile 1] left; [juvenile 1] stayed; Anabel too."}
    assert texts.hidden == frozenset()
    assert hide_texts(Incident, unstructure(incident), hiding) is None  # the person is read
    blanking = attrs.evolve(hiding, free_text_hidden=True)
    blanked = hide_texts(Incident, unstructure(incident), blanking, ROW_FIELDS)
    assert blanked is not None
    assert blanked.hidden == {"narrative"}


@settings(max_examples=50, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_hidden_document_holds_only_the_fields_read(data: st.DataObject) -> None:
    """The row path gets the fields its paths name and nothing else: no person, no demographics."""
    incident = data.draw(named_incidents())
    hiding = data.draw(hidings(incident))
    shown = hide_document(Incident, unstructure(incident), hiding, ROW_FIELDS).value
    assert set(shown) == {p.split(".")[0] for p in ROW_FIELDS}
    for involvement in shown["involvements"]:
        assert set(involvement) == {"roles", "arrest"}
    for offense in shown["offenses"]:
        assert set(offense) == {"ucr_code"}


@attrs.frozen
class _Envelope:
    """A record whose field types do not say a person is inside: hide must look anyway."""

    inside: Any
    note: str = ""


def test_a_record_in_a_field_of_any_type_is_still_hidden() -> None:
    """The shortcut past records with nothing to hide is not taken where a type says too little."""
    person = Person(PersonKind.STUDENT, name="Ana Ruiz")
    hiding = Hiding(people=frozenset({person.id}))
    seen = hide(_Envelope(inside=(person,)), hiding)
    assert seen.value.inside[0].name is None
    assert seen.hidden == {"inside[0].name"}
