"""The error tree: one root, documented atop sro_core.errors; every error pickles whole."""

from __future__ import annotations

import datetime as dt
import importlib
import pickle
import pkgutil
import re
import uuid

import pytest

import sro_core
from sro_core import errors
from sro_core.domain import Actor, ActorRole, IncidentStatus, UnreadableAudit, UnreadableEntry
from sro_core.errors import Problem, SroError
from sro_core.policy import AccessDenied


def _modules() -> list[str]:
    """Return every module of sro_core, but the one that runs the command when imported."""
    found = pkgutil.walk_packages(sro_core.__path__, prefix="sro_core.")
    return ["sro_core", *sorted(m.name for m in found if m.name != "sro_core.__main__")]


def _public_exceptions() -> set[type[BaseException]]:
    """Return every exception class a module of sro_core defines under a public name."""
    found: set[type[BaseException]] = set()
    for name in _modules():
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            if (
                isinstance(value, type)
                and issubclass(value, BaseException)
                and value.__module__.startswith("sro_core")
                and not attribute.startswith("_")
                and not value.__name__.startswith("_")
            ):
                found.add(value)
    return found


def _documented_tree() -> dict[str, str]:
    """Return each class the tree in sro_core.errors' docstring names, with its parent there."""
    assert errors.__doc__ is not None
    tree = errors.__doc__.split("The tree::", 1)[1].split("\n\n", 2)[1]
    parents: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for line in tree.splitlines():
        match = re.match(r"\s*(?:[│ ]*[├└]── )?(\S+)", line)
        assert match is not None, line
        depth = match.start(1)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        word = match.group(1)
        # a heading such as "the ``sro`` command's own:" groups classes under its own parent
        name = word if word.isidentifier() and word[0].isupper() else stack[-1][1]
        if name == word and stack:
            parents[name] = stack[-1][1]
        stack.append((depth, name))
    return parents


def test_every_public_exception_derives_from_the_root():
    """No module of sro_core defines a public exception outside SroError (warnings aside)."""
    outside = sorted(
        f"{error.__module__}.{error.__name__}"
        for error in _public_exceptions()
        if not issubclass(error, SroError | Warning)
    )
    assert outside == []


def test_every_public_exception_is_in_the_documented_tree():
    """The docstring's tree names every error, and nothing that is not one."""
    documented = set(_documented_tree())
    defined = {e.__name__ for e in _public_exceptions() if not issubclass(e, Warning)}
    assert defined - {"SroError"} == documented
    assert set(errors.__all__) - {"DomainError", "Problem", "SroError"} <= documented


def test_the_documented_tree_says_what_each_error_derives_from():
    """Each error's parent in the docstring's tree is its nearest SroError base."""
    by_name = {e.__name__: e for e in _public_exceptions()}
    wrong = {
        name: parent
        for name, parent in _documented_tree().items()
        if next(b for b in by_name[name].__mro__[1:] if issubclass(b, SroError)).__name__ != parent
    }
    assert wrong == {}


def test_the_old_root_name_is_the_root():
    """DomainError, the root's older name, catches every SroError (code that catches it works)."""
    assert errors.DomainError is SroError
    assert sro_core.SroError is SroError
    assert sro_core.DomainError is SroError


@pytest.mark.parametrize(
    ("old", "name"),
    [
        ("sro_core.domain", "RuleViolation"),
        ("sro_core.domain.errors", "IllegalTransition"),
        ("sro_core.domain.partners", "SharingRefused"),
        ("sro_core.codes", "UnknownCodeError"),
        ("sro_core.codes", "UnknownCodeTableError"),
        ("sro_core.serialization", "StructureError"),
        ("sro_core.ports", "NotFound"),
        ("sro_core.ports.storage", "Conflict"),
        ("sro_core.ports", "AlreadyRegistered"),
        ("sro_core.ports", "DeliveryFailed"),
        ("sro_core.ports.queries", "BadQuery"),
        ("sro_core.plugins", "PluginLoadError"),
        ("sro_core.files", "OutputRefused"),
        ("sro_core.service", "RecordRejected"),
        ("sro_core.service", "ImportRejected"),
        ("sro_core.service", "NotIdentified"),
        ("sro_core.service.anchors", "AnchorError"),
        ("sro_core.cli.configuration", "ConfigurationError"),
        ("sro_core.cli.app", "StoreMissing"),
    ],
)
def test_an_error_keeps_its_old_import_path(old, name):
    """An error moved to sro_core.errors is the same class under the path code used before."""
    assert getattr(importlib.import_module(old), name) is getattr(errors, name)


ACTOR = Actor(id="ofc.reyes", name="Dana Reyes", role=ActorRole.SRO)
PROBLEMS = [Problem("narrative", "", "must not be blank")]


def _examples() -> list[BaseException]:
    """Return one instance of every error, built as the code that raises it builds it."""
    key = uuid.UUID(int=7)
    made: list[BaseException] = [
        AccessDenied(ACTOR, "record incidents", "an analyst reads aggregates only"),
        UnreadableAudit(UnreadableEntry(3, "at", "yesterday", "is not a time")),
        errors.RuleViolation("grade", 14, "a grade is from K to 12"),
        errors.IllegalTransition("incident", IncidentStatus.DRAFT, IncidentStatus.REOPENED),
        errors.SharingRefused("partner", key, "no active agreement shares arrests"),
        errors.StructureError("Incident", PROBLEMS),
        errors.RecordRejected("incident", PROBLEMS),
        errors.ImportRejected({3: tuple(PROBLEMS)}),
        errors.UnknownCodeError("nibrs.offense", "2019.1", "99Z", "offenses[0].ucr_code"),
        errors.UnknownCodeTableError("dept.beats", ["sro.incident_category"]),
        errors.UnknownExporter("xml", ["csv"]),
        errors.UnknownNotifier("smtp", ["log"]),
        errors.NotFound("incident", key),
        errors.Conflict("officer", key, "badge 4127 is taken"),
        errors.AlreadyRegistered("export format", "csv", "one", "two"),
        errors.PluginLoadError("broken", "ImportError: no module named nothing"),
        errors.DeliveryFailed("503 from the receiver", retry_after=dt.timedelta(seconds=30)),
        errors.DeliveryFailed("the receiver is gone", permanent=True),
    ]
    carrying_fields = {type(error) for error in made}
    for name in errors.__all__:
        kind = getattr(errors, name)
        if isinstance(kind, type) and issubclass(kind, SroError) and kind not in carrying_fields:
            made.append(kind(f"a {name} says why"))
    return made


@pytest.mark.parametrize("error", _examples(), ids=lambda e: type(e).__name__)
def test_every_error_pickles_whole(error):
    """An error sent from a worker process arrives with its type, message and fields."""
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object, just pickled
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert vars(copy) == vars(error)


def test_the_examples_cover_every_error():
    """Every error of the tree has an example above, so a new one cannot skip the pickle test."""
    covered = {type(error) for error in _examples()}
    assert {e for e in _public_exceptions() if issubclass(e, SroError)} <= covered
