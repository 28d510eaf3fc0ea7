"""``sro codes``: the code tables and their codes, and the options that take a code.

Options that take a code (``--category``, ``--offense``, ``--nibrs-location`` …) check it
against the program's code tables while the command line is read: a typo is a usage mistake
that names the nearest code and the ``sro codes`` command that lists them all.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

import click

from sro_core.cli.app import plugin_host
from sro_core.cli.arguments import ParamBase
from sro_core.cli.output import format_option
from sro_core.codes import CodeTable, CodeTables, UnknownCodeTableError


def nearest(value: str, choices: Iterable[str]) -> str | None:
    """Return the choice nearest a mistyped value (case aside), or None if none is near."""
    known = list(choices)
    folded = {c.casefold(): c for c in known}
    found = difflib.get_close_matches(value.casefold(), list(folded), n=1, cutoff=0.6)
    return folded[found[0]] if found else None


def _tables(ctx: click.Context | None) -> CodeTables:
    context = ctx or click.get_current_context()
    return plugin_host(context).code_tables()


class Coded(ParamBase):
    """A code of one code table (``sro codes TABLE`` lists them), checked as it is typed."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.name = table

    def get_metavar(
        self,
        param: click.Parameter,  # noqa: ARG002 - click's signature
        ctx: click.Context | None = None,  # noqa: ARG002 - click's signature
    ) -> str:
        """Show that a code of the table is wanted."""
        return "CODE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        """Return the code, or fail naming the nearest one and where to find them all."""
        text = str(value)
        table = _tables(ctx).get(self.table)
        if text not in table:
            near = nearest(text, table.values())
            hint = f"did you mean {near!r}? " if near else ""
            self.fail(
                f"{text!r} is not a {self.table} code; {hint}(`sro codes {self.table}` lists them)",
                param,
                ctx,
            )
        return text


def code_help(what: str, table: str, examples: str) -> str:
    """Return the help of an option taking a code: what it is, examples, where the list is."""
    return f"{what}: a {table} code such as {examples} (`sro codes {table}` lists them)."


@click.command("codes")
@click.argument("table", required=False)
@format_option
@click.pass_context
def codes(ctx: click.Context, table: str | None) -> None:
    """List the code tables, or the codes of one table with their labels.

    The program's own tables (sro.*) and the FBI's NIBRS tables (nibrs.*), with any a plugin
    adds. A code typed in an option or a file must be one of its table's codes.

    Examples: sro codes; sro codes sro.incident_category; sro codes nibrs.offense --format tsv
    """
    tables = _tables(ctx)
    output = ctx.find_root().obj.output
    if table is None:
        output.listing(
            ("table", "version", "codes", "source"),
            list(tables),
            row=lambda t: (t.name, t.version, len(t), t.source),
            wire=lambda t: {"name": t.name, "version": t.version, "source": t.source},
        )
        return
    try:
        chosen: CodeTable = tables.get(table)
    except UnknownCodeTableError:
        near = nearest(table, tables.names())
        hint = f": did you mean {near!r}?" if near else ""
        raise click.BadParameter(
            f"no code table {table!r}{hint} (`sro codes` lists them)", param_hint="TABLE"
        ) from None
    output.listing(
        ("code", "label"),
        list(chosen),
        row=lambda c: (c.value, c.description),
        wire=lambda c: {"code": c.value, "label": c.description},
        title=f"{chosen.name} {chosen.version}",
    )


COMMANDS: tuple[click.Command, ...] = (codes,)
"""The codes command, as ``sro`` adds it."""
