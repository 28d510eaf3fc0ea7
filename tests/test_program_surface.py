"""The public face of ``Program``: its methods and their signatures, kept as they were.

``tests/data/program_surface.txt`` lists every public method and property of ``Program``, and
its constructor, one a line, as ``inspect.signature`` gives it: parameter names, kinds, defaults
and annotations (as written). It was generated from the Program of ``main`` before the service
was split into desks; a change to this face is a change to the API department apps call, made
on purpose.
Regenerate it with ``python tests/test_program_surface.py > tests/data/program_surface.txt``.
"""

from __future__ import annotations

import inspect
from pathlib import Path

from sro_core.service.program import Program

SURFACE = Path(__file__).parent / "data" / "program_surface.txt"


def _parameter(parameter: inspect.Parameter) -> str:
    """Return a parameter's name, kind, annotation and default, as text."""
    annotation = parameter.annotation
    if annotation is inspect.Parameter.empty:
        annotation = "-"
    default = parameter.default
    if default is inspect.Parameter.empty:
        default = "-"
    elif callable(default):
        default = f"{default.__module__}.{default.__qualname__}"
    else:
        default = repr(default)
    return f"{parameter.name}:{parameter.kind.name}:{annotation}:{default}"


def surface() -> list[str]:
    """Return one line for each public method or property of Program (and its constructor)."""
    lines = []
    for name in sorted(dir(Program)):
        if name.startswith("_") and name != "__init__":
            continue
        member = inspect.getattr_static(Program, name)
        if isinstance(member, property):
            returns = inspect.signature(member.fget).return_annotation  # type: ignore[arg-type]
            lines.append(f"{name} property -> {returns}")
            continue
        value = getattr(Program, name)
        if not callable(value):
            continue
        kind = "classmethod" if isinstance(member, classmethod) else "method"
        signature = inspect.signature(value)
        parameters = " | ".join(_parameter(p) for p in signature.parameters.values())
        lines.append(f"{name} {kind} ({parameters}) -> {signature.return_annotation}")
    return lines


def test_the_public_methods_and_signatures_of_program_are_unchanged() -> None:
    """Program keeps every public method, with the same parameters, kinds, defaults and types."""
    expected = SURFACE.read_text(encoding="utf-8").splitlines()
    assert surface() == expected


def test_the_surface_names_every_method_a_department_app_calls() -> None:
    """The list is not empty of what matters: commands, queries and the way to open a program."""
    names = {line.split(" ", 1)[0] for line in surface()}
    assert {"open", "report_incident", "find_incidents", "acting_as", "close"} <= names
    assert len(names) > 50


if __name__ == "__main__":
    print("\n".join(surface()))  # noqa: T201 - regenerates the checked-in list
