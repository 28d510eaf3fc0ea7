"""The policy decision point: what one reader may see of one record, on one day.

:func:`decide` takes the reader, the record and a :class:`Context` (the reading day, the
agreements, partners and schools, the reader's partner's referrals, and look-ups of the people
and incidents a record points to) and returns a :class:`Decision`: whether the record may be
read at all, and which fields, people and free text are hidden from this reader. Every output of
the program asks it; no other code decides access.

The tables below are the policy; ``docs/privacy.md`` shows them, and a test keeps the two equal.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple, TypeVar

import attrs

from sro_core.domain import (
    Actor,
    ActorRole,
    Agreement,
    Audience,
    CommunityContact,
    ContactParty,
    CrisisEvent,
    CrisisRole,
    DomainEvent,
    EducationActivity,
    Incident,
    InvolvementRole,
    Partner,
    PartnerKind,
    Permission,
    Person,
    PersonKind,
    PersonRecord,
    ProgramCalendar,
    RecordClass,
    RecordRestriction,
    Referral,
    ReferralReason,
    School,
    Sensitivity,
    SharingRefused,
    age_in_years,
    counts_as_juvenile,
    is_juvenile,
)
from sro_core.policy.masking import Mask
from sro_core.policy.redaction import Hiding, hide, replaced
from sro_core.ports.seen import Seen
from sro_core.serialization import unstructure

T = TypeVar("T")

Record = Incident | CommunityContact | EducationActivity | CrisisEvent | Referral | PersonRecord
"""The kinds of record the policy decides on."""

_C = RecordClass
_S = Sensitivity
_EVERY_CLASS = frozenset(RecordClass)

AUDIENCE_BASELINE: Mapping[Audience, frozenset[RecordClass]] = {
    Audience.DEPARTMENT: _EVERY_CLASS,
    Audience.SCHOOL_ADMINISTRATION: frozenset(
        {_C.INCIDENT_SUMMARY, _C.CONTACT_LOG, _C.CRISIS_MESSAGES}
    ),
    Audience.PARTNER: frozenset(),
    Audience.AGGREGATE: frozenset(),
}
"""The record classes each audience sees without an agreement (juvenile identity aside)."""

AUDIENCE_NEVER: Mapping[Audience, frozenset[Sensitivity]] = {
    Audience.DEPARTMENT: frozenset(),
    Audience.SCHOOL_ADMINISTRATION: frozenset({_S.NARRATIVE, _S.CONTACT_DETAILS, _S.DEMOGRAPHICS}),
    Audience.PARTNER: frozenset({_S.CONTACT_DETAILS, _S.DEMOGRAPHICS}),
    Audience.AGGREGATE: frozenset(Sensitivity),
}
"""The sensitivities each audience never sees, whatever an agreement shares."""

SENSITIVITY_CLASS: Mapping[Sensitivity, RecordClass] = {
    _S.NARRATIVE: _C.INCIDENT_NARRATIVE,
    _S.EDUCATION_RECORD: _C.EDUCATION_RECORD,
}
"""A sensitivity hidden from a partner unless its agreement shares the matching class."""

RESTRICTIONS: Mapping[RecordRestriction, str] = {
    RecordRestriction.SEALED: (
        "read and counted only by the department, with the sealed-records permission"
    ),
    RecordRestriction.EXPUNGED: "a tombstone read only by the department; counted as before",
    RecordRestriction.SEXUAL_OFFENSE_VICTIM: (
        "the victims' identities are hidden outside the department, at any age"
    ),
    RecordRestriction.CONFIDENTIAL_SOURCE: (
        "the narrative and the reporting party's identity are department only"
    ),
    RecordRestriction.ONGOING_INVESTIGATION: (
        "not read by school administrators; partners it is referred to still read it"
    ),
}
"""What each restriction does to an incident's audience."""

REFERRAL_NEEDS: Mapping[ReferralReason, frozenset[RecordClass]] = {
    ReferralReason.TASK_FORCE_INVESTIGATION: frozenset({_C.INCIDENT_SUMMARY}),
    ReferralReason.PROSECUTION: frozenset({_C.INCIDENT_SUMMARY}),
    ReferralReason.DIVERSION: frozenset({_C.INCIDENT_SUMMARY, _C.JUVENILE_IDENTITY}),
    ReferralReason.BEHAVIORAL_HEALTH: frozenset({_C.INCIDENT_SUMMARY, _C.JUVENILE_IDENTITY}),
    ReferralReason.SOCIAL_SERVICES: frozenset({_C.INCIDENT_SUMMARY, _C.JUVENILE_IDENTITY}),
    ReferralReason.PROBATION: frozenset({_C.INCIDENT_SUMMARY, _C.JUVENILE_IDENTITY}),
}
"""The classes a referral needs shared, by reason; juvenile identity only if a juvenile is in it."""

CRISIS_AUTHOR: Mapping[ActorRole, CrisisRole] = {
    ActorRole.SRO: CrisisRole.SRO,
    ActorRole.SUPERVISOR: CrisisRole.POLICE_COMMAND,
    ActorRole.SYSTEM: CrisisRole.POLICE_COMMAND,
    ActorRole.SCHOOL_ADMINISTRATOR: CrisisRole.SCHOOL_ADMIN,
}
"""The one role a crisis message is posted as, by its author's role (the others post none)."""

SCHOOL_SIDE = frozenset({PartnerKind.SCHOOL_ADMINISTRATION, PartnerKind.DISTRICT})


def _nobody(_key: uuid.UUID) -> None:
    return None


@attrs.frozen
class Context:
    """What a decision needs besides the reader and the record, read once per query."""

    today: dt.date
    """The program-local reading day."""
    calendar: ProgramCalendar
    agreements: tuple[Agreement, ...] = ()
    partners: Mapping[uuid.UUID, Partner] = attrs.field(factory=dict)
    schools: Mapping[uuid.UUID, School] = attrs.field(factory=dict)
    referred: Mapping[uuid.UUID, tuple[Referral, ...]] = attrs.field(factory=dict)
    """The reader's own partner's referrals, by incident (empty for other readers)."""
    person: Callable[[uuid.UUID], Person | None] = _nobody
    incident: Callable[[uuid.UUID], Incident | None] = _nobody


@attrs.frozen
class Decision:
    """Whether one reader may read one record, and what of it is hidden."""

    readable: bool
    reason: str = ""
    hiding: Hiding = attrs.field(factory=Hiding)
    identities: bool = True
    """Whether involved juveniles' identities are shown."""
    hidden_messages: frozenset[uuid.UUID] = frozenset()
    agreements: frozenset[uuid.UUID] = frozenset()
    """The agreements under which the record leaves the department (a disclosure)."""
    shows_juveniles: bool = False
    """Whether the reader sees a juvenile's identity in it (such a read is audited)."""
    juveniles: int = 0
    """How many of the people involved in an incident are juveniles on its day (whoever reads)."""

    def seen(self, record: T) -> Seen[T]:
        """Return the record as this decision lets the reader see it."""
        if not self.readable:
            raise ValueError("an unreadable record has no view")
        if isinstance(record, CrisisEvent) and self.hidden_messages:
            kept = tuple(m for m in record.messages if m.id not in self.hidden_messages)
            seen = hide(replaced(record, {"messages": kept}), self.hiding)
            return Seen(seen.value, seen.hidden | {"messages"})
        return hide(record, self.hiding)


DENIED = Decision(readable=False, reason="not found")


def department(reader: Actor) -> bool:
    """Return whether the reader is the department's (SRO, supervisor, clerk, system)."""
    return reader.audience is Audience.DEPARTMENT


def decided_alone(reader: Actor, record: object) -> bool:
    """Return whether the decision on a record for a reader needs only the context's calendar.

    The department sees every record class, whatever an agreement shares, and every incident
    in its scope: its decision on an incident reads no agreement, partner, school or referral
    (nor the reading day). The program decides it without reading them from the store.
    """
    return type(record) is Incident and department(reader)


def reads_records(reader: Actor) -> bool:
    """Return whether the reader reads any record at all (analysts read aggregates only)."""
    return reader.audience is not Audience.AGGREGATE


def reads_logs(reader: Actor) -> bool:
    """Return whether the reader reads contact logs, activities and crises."""
    return reader.audience in (Audience.DEPARTMENT, Audience.SCHOOL_ADMINISTRATION)


def suppresses(reader: Actor) -> bool:
    """Return whether small counts are suppressed for the reader (analysts and the public)."""
    return reader.audience is Audience.AGGREGATE


def discloses(reader: Actor) -> bool:
    """Return whether a read by the reader is a disclosure outside the department (99.32)."""
    return reader.audience in (Audience.SCHOOL_ADMINISTRATION, Audience.PARTNER)


def serves(reader: Actor, audiences: Iterable[Audience]) -> bool:
    """Return whether an output meant for some audiences (an export format) may go to a reader."""
    return reader.audience in set(audiences)


def restricts(reader: Actor) -> bool:
    """Return whether the reader may seal, unseal and expunge records (and read sealed ones)."""
    return department(reader) and reader.may(Permission.SEALED_RECORDS)


def counts_sealed(reader: Actor) -> bool:
    """Return whether sealed incidents count in the reader's aggregates.

    Only a reader who may read sealed records counts them: for everyone else a sealed incident
    is as if it had not been recorded, in every count as in every read. Each aggregate query is
    asked with this answer (``include_sealed``); a store's default leaves sealed incidents out.
    """
    return restricts(reader)


def school_scope(reader: Actor) -> frozenset[uuid.UUID] | None:
    """Return the schools the reader is limited to, or None for the whole program."""
    if reader.audience is Audience.SCHOOL_ADMINISTRATION:
        return reader.schools
    return None


def partner_scope(reader: Actor) -> uuid.UUID | None:
    """Return the partner the reader reads for, or None."""
    return reader.partner_id if reader.audience is Audience.PARTNER else None


def crisis_author(reader: Actor) -> CrisisRole:
    """Return the role an author's crisis messages are posted as (:data:`CRISIS_AUTHOR`)."""
    return CRISIS_AUTHOR[reader.role]


def _school_parties(school: School | None, partners: Mapping[uuid.UUID, Partner]) -> set[uuid.UUID]:
    """Return the school-side partners of a school: its own administration, and its district.

    A partner of kind ``school_administration`` named as the school, or of kind ``district``
    named as the school's district (names compared ignoring case), speaks for it.
    """
    if school is None:
        return set()
    names = {
        PartnerKind.SCHOOL_ADMINISTRATION: school.name.casefold(),
        PartnerKind.DISTRICT: school.district.casefold(),
    }
    return {
        p.id
        for p in partners.values()
        if p.kind in SCHOOL_SIDE and names[p.kind] == p.name.casefold()
    }


def shared_with(
    agreements: Iterable[Agreement], parties: set[uuid.UUID], days: Iterable[dt.date]
) -> tuple[frozenset[RecordClass], frozenset[uuid.UUID]]:
    """Return the classes agreements active on every one of ``days`` share with the parties."""
    days = tuple(days)
    classes: set[RecordClass] = set()
    used: set[uuid.UUID] = set()
    for agreement in agreements:
        if not all(agreement.active_on(day) for day in days):
            continue
        for clause in agreement.clauses:
            if clause.partner_id in parties and clause.shares:
                classes |= clause.shares
                used.add(agreement.id)
    return frozenset(classes), frozenset(used)


def _audience_shares(
    reader: Actor, school: School | None, context: Context, day: dt.date
) -> tuple[frozenset[RecordClass], frozenset[uuid.UUID]]:
    """Return what the agreements governing a record share with the reader, and which they are."""
    if reader.audience is Audience.DEPARTMENT:
        return _EVERY_CLASS, frozenset()
    if reader.audience is Audience.SCHOOL_ADMINISTRATION:
        parties = _school_parties(school, context.partners)
    elif reader.partner_id is not None:
        parties = {reader.partner_id}
    else:
        return frozenset(), frozenset()
    return shared_with(context.agreements, parties, (day, context.today))


@functools.lru_cache(maxsize=1024)
def _hidden_kinds(
    audience: Audience, shared: frozenset[RecordClass], extra: frozenset[Sensitivity]
) -> tuple[frozenset[Sensitivity], frozenset[RecordClass]]:
    """Return the sensitivities and the record classes hidden from an audience, given the shares."""
    visible = AUDIENCE_BASELINE[audience] | shared
    classes = _EVERY_CLASS - visible - {_C.JUVENILE_IDENTITY}
    sensitivities = set(AUDIENCE_NEVER[audience]) | extra
    if audience is Audience.PARTNER:
        sensitivities |= {s for s, c in SENSITIVITY_CLASS.items() if c not in visible}
    return frozenset(sensitivities), classes


def _hiding(
    reader: Actor,
    shared: frozenset[RecordClass],
    people: Iterable[tuple[str, uuid.UUID, str | None]],
    *,
    extra: frozenset[Sensitivity] = frozenset(),
) -> Hiding:
    """Return what to hide for an audience, given what is shared and the people to keep hidden."""
    sensitivities, classes = _hidden_kinds(reader.audience, shared, extra)
    return _hiding_of(sensitivities, classes, people)


def _hiding_of(
    sensitivities: frozenset[Sensitivity],
    classes: frozenset[RecordClass],
    people: Iterable[tuple[str, uuid.UUID, str | None]],
) -> Hiding:
    """Return what to hide: the kinds hidden, and the people (label, id, name) to keep hidden."""
    hidden_people = list(people)
    named = [(label, name) for label, _, name in hidden_people if name is not None]
    return Hiding(
        sensitivities=sensitivities,
        classes=classes,
        people=frozenset(key for _, key, _ in hidden_people),
        mask=Mask.of(named),
        free_text_hidden=len(named) < len(hidden_people),
    )


def _identities(reader: Actor, shared: frozenset[RecordClass]) -> bool:
    if reader.audience is Audience.DEPARTMENT:
        return reader.may(Permission.JUVENILE_RECORDS)
    return _C.JUVENILE_IDENTITY in shared


class _Party(NamedTuple):
    """One person involved in an incident, as the decision on the incident reads them."""

    person_id: uuid.UUID | str
    """The person's id; as its document writes it, read as an id only when it is needed."""
    name: str | None
    victim: bool
    reporting_party: bool
    juvenile: bool
    """Whether they count as a juvenile on the incident's program-local day."""


class _Facts(NamedTuple):
    """What the decision on an incident reads of it: from the record, or from its document."""

    id: uuid.UUID | str
    school_id: uuid.UUID | str | None
    restrictions: frozenset[RecordRestriction]
    day: dt.date
    """The incident's program-local day."""
    parties: tuple[_Party, ...]


def _key(value: uuid.UUID | str) -> uuid.UUID:
    """Return an id given as a record holds it or as its document writes it."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def _facts(incident: Incident, calendar: ProgramCalendar) -> _Facts:
    day = calendar.local_date(incident.occurred_start)
    parties = tuple(
        _Party(
            i.person.id,
            i.person.name,
            InvolvementRole.VICTIM in i.roles,
            InvolvementRole.REPORTING_PARTY in i.roles,
            i.is_juvenile(day),
        )
        for i in incident.involvements
    )
    return _Facts(incident.id, incident.school_id, incident.restrictions, day, parties)


_RESTRICTIONS = {restriction.value: restriction for restriction in RecordRestriction}
_KINDS = {kind.value: kind for kind in PersonKind}
_VICTIM, _REPORTING_PARTY = InvolvementRole.VICTIM.value, InvolvementRole.REPORTING_PARTY.value


def _document_juvenile(involvement: Mapping[str, Any], day: dt.date) -> bool:
    """Return whether the person of an involvement in its wire format is a juvenile on a day."""
    person = involvement["person"]
    born, estimate = person["date_of_birth"], involvement["estimated_age"]
    if born is not None:
        age: int | None = age_in_years(dt.date.fromisoformat(born), day)
    else:
        age = None if estimate is None else estimate["low"]
    return counts_as_juvenile(age, _KINDS[person["kind"]])


def _document_party(involvement: Mapping[str, Any], day: dt.date) -> _Party:
    """Return an involvement given in its wire format as the decision reads it."""
    person, roles = involvement["person"], involvement["roles"]
    return _Party(
        person["id"],
        person["name"],
        _VICTIM in roles,
        _REPORTING_PARTY in roles,
        _document_juvenile(involvement, day),
    )


def _document_facts(document: Mapping[str, Any], calendar: ProgramCalendar) -> _Facts:
    """Return what the decision reads of an incident given in its wire format."""
    day = calendar.local_date(dt.datetime.fromisoformat(document["occurred_start"]))
    restrictions = document["restrictions"]
    return _Facts(
        document["id"],
        document["school_id"],
        frozenset(_RESTRICTIONS[r] for r in restrictions) if restrictions else frozenset(),
        day,
        tuple(_document_party(i, day) for i in document["involvements"]),
    )


def _protected(party: _Party, incident: _Facts, identities: bool, inside: bool) -> str | None:
    """Return the label a person's identity is hidden under in an incident, or None if shown."""
    restricted = incident.restrictions
    if restricted and not inside:
        if RecordRestriction.SEXUAL_OFFENSE_VICTIM in restricted and party.victim:
            return "victim"
        if RecordRestriction.CONFIDENTIAL_SOURCE in restricted and party.reporting_party:
            return "source"
    if not identities and party.juvenile:
        return "juvenile"
    return None


def _restricted(reader: Actor, incident: _Facts) -> str | None:
    """Return why a restriction keeps the reader from an incident, or None."""
    restricted = incident.restrictions
    if not restricted:
        return None
    if RecordRestriction.SEALED in restricted and not restricts(reader):
        return "sealed"
    if RecordRestriction.EXPUNGED in restricted and not department(reader):
        return "expunged"
    if (
        RecordRestriction.ONGOING_INVESTIGATION in restricted
        and reader.audience is Audience.SCHOOL_ADMINISTRATION
    ):
        return "under investigation"
    return None


def _incident_in_scope(reader: Actor, incident: _Facts, context: Context) -> bool:
    audience = reader.audience
    if audience is Audience.DEPARTMENT:
        return True
    if audience is Audience.SCHOOL_ADMINISTRATION:
        return incident.school_id is not None and _key(incident.school_id) in reader.schools
    if audience is Audience.PARTNER:
        return bool(context.referred.get(_key(incident.id)))
    return False


def _decide_incident(reader: Actor, incident: Incident, context: Context) -> Decision:
    return _decide_facts(reader, _facts(incident, context.calendar), context)


def decide_document(reader: Actor, document: Mapping[str, Any], context: Context) -> Decision:
    """Return what one reader may see of an incident given in its wire format (its document).

    The same decision as :func:`decide` on the incident the document holds, made without
    building the incident: the export's row path asks it for every stored document it reads.
    """
    return _decide_facts(reader, _document_facts(document, context.calendar), context)


def document_decider(reader: Actor, context: Context) -> Callable[[Mapping[str, Any]], Decision]:
    """Return :func:`decide_document` for one reader, deciding once what no incident changes.

    For a department reader the shares, the kinds hidden and whether juveniles' identities
    show are the same for every incident: each incident without restrictions is decided from
    its day and its people's ages alone, and the names and ids of its people are read only when
    their identities are hidden. Any other reader, or an incident with restrictions, is decided
    by :func:`decide_document`. The decisions are equal to its decisions.
    """
    if not department(reader):
        return functools.partial(decide_document, reader, context=context)
    identities = _identities(reader, _EVERY_CLASS)
    sensitivities, classes = _hidden_kinds(reader.audience, _EVERY_CLASS, _NOTHING)
    nothing_more = Hiding(sensitivities=sensitivities, classes=classes)
    local_date, parse = context.calendar.local_date, dt.datetime.fromisoformat
    juvenile = _document_juvenile

    def decided(document: Mapping[str, Any]) -> Decision:
        if document["restrictions"]:
            return decide_document(reader, document, context)
        day = local_date(parse(document["occurred_start"]))
        involvements = document["involvements"]
        young = [i for i in involvements if juvenile(i, day)]
        if identities or not young:
            hiding = nothing_more
        else:
            people = [i["person"] for i in young]
            hidden = [("juvenile", _key(p["id"]), p["name"]) for p in people]
            hiding = _hiding_of(sensitivities, classes, hidden)
        return Decision(
            readable=True,
            hiding=hiding,
            identities=identities,
            shows_juveniles=identities and bool(young),
            juveniles=len(young),
        )

    return decided


def _decide_facts(reader: Actor, incident: _Facts, context: Context) -> Decision:
    if not _incident_in_scope(reader, incident, context):
        return DENIED
    if (why := _restricted(reader, incident)) is not None:
        return attrs.evolve(DENIED, reason=why)
    day = incident.day
    school_id = incident.school_id
    school = context.schools.get(_key(school_id)) if school_id and context.schools else None
    shared, used = _audience_shares(reader, school, context, day)
    if _C.INCIDENT_SUMMARY not in AUDIENCE_BASELINE[reader.audience] | shared:
        return attrs.evolve(DENIED, reason="no agreement in force shares it")
    identities = _identities(reader, shared)
    inside = department(reader)
    hidden: list[tuple[str, uuid.UUID, str | None]] = []
    for party in incident.parties:
        label = _protected(party, incident, identities, inside)
        if label is not None:
            hidden.append((label, _key(party.person_id), party.name))
    extra = _NOTHING if inside else _confidential(incident.restrictions)
    hiding = _hiding(reader, shared, hidden, extra=extra)
    shows = identities and any(
        p.juvenile and _key(p.person_id) not in hiding.people for p in incident.parties
    )
    return Decision(
        readable=True,
        hiding=hiding,
        identities=identities,
        agreements=used,
        shows_juveniles=shows,
        juveniles=sum(p.juvenile for p in incident.parties),
    )


_NOTHING: frozenset[Sensitivity] = frozenset()


def _confidential(restrictions: frozenset[RecordRestriction]) -> frozenset[Sensitivity]:
    if restrictions and RecordRestriction.CONFIDENTIAL_SOURCE in restrictions:
        return frozenset({_S.NARRATIVE})
    return _NOTHING


def _decide_contact(reader: Actor, contact: CommunityContact, context: Context) -> Decision:
    if not reads_logs(reader):
        return DENIED
    if reader.audience is Audience.SCHOOL_ADMINISTRATION and not (
        contact.school_related and contact.school_id in reader.schools
    ):
        return DENIED
    day = context.calendar.local_date(contact.at)
    school = context.schools.get(contact.school_id) if contact.school_id else None
    shared, used = _audience_shares(reader, school, context, day)
    identities = _identities(reader, shared)
    hidden: list[tuple[str, uuid.UUID, str | None]] = []
    if not identities and contact.summary:
        person = context.person(contact.person_id) if contact.person_id else None
        if person is not None and is_juvenile(person, day):
            hidden.append(("juvenile", person.id, person.name))
        elif person is None and contact.party is ContactParty.STUDENT:
            # A student no recorded person names: no name to mask, so the summary is hidden.
            hidden.append(("juvenile", uuid.uuid4(), None))
    hiding = _hiding(reader, shared, hidden)
    return Decision(readable=True, hiding=hiding, identities=identities, agreements=used)


def _decide_activity(reader: Actor, activity: EducationActivity, context: Context) -> Decision:
    if not reads_logs(reader):
        return DENIED
    scope = school_scope(reader)
    if scope is not None and activity.school_id not in scope:
        return DENIED
    day = context.calendar.local_date(activity.held_at)
    school = context.schools.get(activity.school_id) if activity.school_id else None
    shared, used = _audience_shares(reader, school, context, day)
    return Decision(readable=True, hiding=_hiding(reader, shared, ()), agreements=used)


def _juveniles_of(
    incident_id: uuid.UUID | None, context: Context, identities: bool
) -> list[tuple[str, uuid.UUID, str | None]]:
    incident = context.incident(incident_id) if incident_id else None
    if incident is None or identities:
        return []
    day = context.calendar.local_date(incident.occurred_start)
    return [
        ("juvenile", i.person.id, i.person.name)
        for i in incident.involvements
        if i.is_juvenile(day)
    ]


def _decide_crisis(reader: Actor, crisis: CrisisEvent, context: Context) -> Decision:
    if not reads_logs(reader):
        return DENIED
    scope = school_scope(reader)
    if scope is not None and crisis.school_id not in scope:
        return DENIED
    day = context.calendar.local_date(crisis.declared_at)
    shared, used = _audience_shares(reader, context.schools.get(crisis.school_id), context, day)
    identities = _identities(reader, shared)
    hidden_messages: frozenset[uuid.UUID] = frozenset()
    if scope is not None:
        mine = {CrisisRole.SCHOOL_ADMIN}
        if _C.CRISIS_MESSAGES in shared:
            mine |= {CrisisRole.STAFF, CrisisRole.PARENTS}
        hidden_messages = frozenset(
            m.id
            for m in crisis.messages
            if m.author_role is not CrisisRole.SCHOOL_ADMIN and not (m.audience & mine)
        )
    hiding = _hiding(reader, shared, _juveniles_of(crisis.incident_id, context, identities))
    return Decision(
        readable=True,
        hiding=attrs.evolve(hiding, classes=hiding.classes - {_C.CRISIS_MESSAGES}),
        identities=identities,
        hidden_messages=hidden_messages,
        agreements=used,
    )


def _decide_referral(reader: Actor, referral: Referral, context: Context) -> Decision:
    incident = context.incident(referral.incident_id)
    if incident is None or not reads_records(reader):
        return DENIED
    if reader.audience is Audience.PARTNER and referral.partner_id != reader.partner_id:
        return DENIED
    return _decide_incident(reader, incident, context)


def _decide_person(reader: Actor, record: PersonRecord, context: Context) -> Decision:
    """Decide on an index record: the department reads all; a school administrator, their own.

    A juvenile's identity (name, aliases, date of birth, student number) is shown as in an
    incident: to the department with the juvenile-records permission, to a school administrator
    where their district's agreement shares juvenile identity.
    """
    scope = school_scope(reader)
    if not reads_logs(reader) or (scope is not None and record.school_id not in scope):
        return DENIED
    school = context.schools.get(record.school_id) if record.school_id else None
    shared, used = _audience_shares(reader, school, context, context.today)
    identities = _identities(reader, shared)
    juvenile = record.is_juvenile(context.today)
    hidden = frozenset({_S.JUVENILE_IDENTITY}) if juvenile and not identities else frozenset()
    return Decision(
        readable=True,
        hiding=_hiding(reader, shared, (), extra=hidden),
        identities=identities,
        agreements=used,
        shows_juveniles=juvenile and identities,
    )


DECIDERS: Mapping[type[Any], Callable[[Actor, Any, Context], Decision]] = {
    Incident: _decide_incident,
    CommunityContact: _decide_contact,
    EducationActivity: _decide_activity,
    CrisisEvent: _decide_crisis,
    Referral: _decide_referral,
    PersonRecord: _decide_person,
}


def decide(reader: Actor, record: Record, context: Context) -> Decision:
    """Return what one reader may see of one record on the context's day.

    The agreements that count are those of the record's own school and its district (for a
    school administrator) or of the reader's own partner (for a partner liaison), in force both
    on the record's program-local day and on the reading day.
    """
    return DECIDERS[type(record)](reader, record, context)


def seen(reader: Actor, record: T, context: Context) -> Seen[T] | None:
    """Return the record as the reader may see it, or None if the reader may not read it."""
    decision = decide(reader, record, context)  # type: ignore[arg-type]
    return decision.seen(record) if decision.readable else None


def check_referral(
    incident: Incident,
    partner_id: uuid.UUID,
    reason: ReferralReason,
    context: Context,
) -> Agreement:
    """Return the agreement a referral goes under, or raise SharingRefused naming what is missing.

    The agreement must have the partner as a party, be in force on the incident's program-local
    day and on the referral day, and share with the partner every class the referral needs
    (:data:`REFERRAL_NEEDS`; juvenile identity only when a juvenile is involved).
    """
    day = context.calendar.local_date(incident.occurred_start)
    needs = set(REFERRAL_NEEDS[reason])
    if not any(i.is_juvenile(day) for i in incident.involvements):
        needs.discard(_C.JUVENILE_IDENTITY)
    best: set[RecordClass] = set()
    for agreement in context.agreements:
        if not (agreement.covers(partner_id, day) and agreement.covers(partner_id, context.today)):
            continue
        shares = {
            c
            for clause in agreement.clauses
            if clause.partner_id == partner_id
            for c in clause.shares
        }
        if needs <= shares:
            return agreement
        best = max(best, shares & needs, key=len)
    missing = ", ".join(sorted(c.value for c in needs - best))
    raise SharingRefused(
        "partner_id",
        partner_id,
        f"a {reason.value} referral needs {missing} shared with this partner by an agreement in "
        f"force on {day} (the incident's day) and {context.today} (today)",
    )


def event_payload(
    event: DomainEvent, audience: Audience, shared: frozenset[RecordClass] = frozenset()
) -> dict[str, Any]:
    """Return an event's wire form as an audience may receive it in a notification.

    Fields whose record class the audience does not see (without ``shared``, what an agreement
    shares with the recipients) are left out, and so are fields of a sensitivity it never sees.
    """
    visible = AUDIENCE_BASELINE[audience] | shared
    hiding = Hiding(sensitivities=AUDIENCE_NEVER[audience], classes=_EVERY_CLASS - visible)
    view = hide(event, hiding)
    payload: dict[str, Any] = unstructure(view.value)
    for path in view.hidden:
        payload.pop(path, None)
    return payload
