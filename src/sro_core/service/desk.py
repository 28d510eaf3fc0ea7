"""How a desk declares its commands and queries: ``@command(Action…)`` and ``@query(Action…)``.

A desk is one area of the program's work (the directory, incidents, the community log …): a
class that holds the :class:`~sro_core.service.core.Kernel` and inherits from nothing. Each of
its commands and queries is declared with the action the policy checks it under::

    @command(Action.RECORD_INCIDENTS)
    def report_incident(self, call: Call, draft: Incident) -> Incident:
        return call.run(str(draft.id), lambda unit, now: ...)

The declared method is called with the actor in place of ``call`` (``desk.report_incident(
actor, draft)``). Before its body runs, every argument is checked against its annotation (a
wrong one is refused with a RuleViolation naming it, and audited), and the body is given a
:class:`Call`: the actor, the action, and the name the audit trail records, which is the
function's own name unless ``audited_as`` says otherwise.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Concatenate, NamedTuple, ParamSpec, Protocol, TypeVar

from sro_core.domain import Actor
from sro_core.service.arguments import ArgumentCheck
from sro_core.service.policy import Action

if TYPE_CHECKING:
    from sro_core.ports import UnitOfWork
    from sro_core.service.core import Kernel, Work

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


class Desk(Protocol):
    """What a desk holds: the kernel its commands and queries run through."""

    @property
    def kernel(self) -> Kernel:
        """The unit of work, policy decision, audit and outbox every call goes through."""
        ...


D = TypeVar("D", bound=Desk)


class Declaration(NamedTuple):
    """What a desk method was declared as: a command or a query, its action, its audit name."""

    kind: str
    action: Action | None
    name: str


class Call:
    """One command or query under way: who asks, under which action, audited by which name."""

    __slots__ = ("action", "actor", "declared", "kernel", "name")

    def __init__(self, kernel: Kernel, actor: Actor, declared: Declaration) -> None:
        self.kernel = kernel
        self.actor = actor
        self.declared = declared
        self.name = declared.name
        self.action = declared.action

    def run(
        self,
        target: str | None,
        work: Work[T],
        *,
        action: Action | None = None,
        detail: str = "",
        dispatch_now: bool = True,
    ) -> T:
        """Run the command's work in one unit of work, checked and audited (see Kernel.command).

        A query runs no command's work: it is declared with ``@command`` if it changes the store.
        """
        if self.declared.kind != "command":
            raise TypeError(f"{self.name} is declared a query: a query changes nothing")
        return self.kernel.command(
            self.actor,
            self._action(action),
            self.name,
            target,
            work,
            detail=detail,
            dispatch_now=dispatch_now,
        )

    def read(
        self,
        target: str | None,
        work: Callable[[UnitOfWork], T],
        *,
        action: Action | None = None,
    ) -> T:
        """Run the query's work in a unit of work, checked; a refusal is audited."""
        return self.kernel.read(self.actor, self._action(action), self.name, target, work)

    def allow(self, target: str | None = None, *, action: Action | None = None) -> None:
        """Check the actor's role may take the action; a refusal is audited and raised."""
        self.kernel.allow(self.actor, self._action(action), self.name, target)

    def renamed(self, name: str) -> Call:
        """Return the same call audited under another name (a dry run, a part of an export)."""
        return Call(self.kernel, self.actor, self.declared._replace(name=name))

    def _action(self, action: Action | None) -> Action:
        chosen = action or self.action
        if chosen is None:
            raise TypeError(f"{self.name} declares no action: name the one it runs under")
        return chosen


Body = Callable[Concatenate[D, Call, P], R]
Declared = Callable[Concatenate[D, Actor, P], R]


def command(
    action: Action | None = None, *, audited_as: str | None = None
) -> Callable[[Body[D, P, R]], Declared[D, P, R]]:
    """Declare a command: a change run in one unit of work, all or nothing, and audited.

    ``action`` is what the policy checks the actor's role against; a command whose action
    depends on its arguments (an import, by kind of record) names none here and gives it to
    :meth:`Call.run`.
    """

    def declare(body: Body[D, P, R]) -> Declared[D, P, R]:
        return _declare(action, audited_as, "command", body)

    return declare


def query(
    action: Action | None = None, *, audited_as: str | None = None
) -> Callable[[Body[D, P, R]], Declared[D, P, R]]:
    """Declare a query: a read whose every record the policy decides for the reader."""

    def declare(body: Body[D, P, R]) -> Declared[D, P, R]:
        return _declare(action, audited_as, "query", body)

    return declare


def _declare(
    action: Action | None, audited_as: str | None, kind: str, body: Body[D, P, R]
) -> Declared[D, P, R]:
    """Return the desk method that checks its arguments, then runs the body with its Call."""
    declaration = Declaration(kind, action, audited_as or body.__name__)
    signature = inspect.signature(body)
    desk, _call, *rest = signature.parameters.values()
    actor = inspect.Parameter("actor", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation="Actor")
    public = signature.replace(parameters=[desk, actor, *rest])
    check = ArgumentCheck(body, public, declaration.name)

    @functools.wraps(body)
    def declared(self: D, /, *args: Any, **kwargs: Any) -> R:
        kernel = self.kernel
        bound = check(kernel, self, *args, **kwargs)
        call = Call(kernel, bound.arguments["actor"], declaration)
        return body(self, call, *bound.args[2:], **bound.kwargs)

    declared.__signature__ = public  # type: ignore[attr-defined]
    declared.declared = declaration  # type: ignore[attr-defined]
    return declared
