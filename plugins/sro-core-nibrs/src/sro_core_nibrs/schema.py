"""The FBI's NIBRS XML schema, packaged with the plugin, and validation against it.

The IEPD 2019.1 ``base-xsd`` folder is copied unchanged into ``xsd/`` (see ``xsd/NOTICE.txt``),
so validation never depends on where this repository or the IEPD lies. The schema is loaded
once per process (about 0.7 s) and reused; it only reads files from its own folder.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    import xmlschema

SCHEMA_FOLDER = Path(__file__).parent / "xsd"
"""The packaged copy of the IEPD's ``base-xsd`` folder."""
NIBRS_XSD = SCHEMA_FOLDER / "nibrs" / "2019" / "nibrs.xsd"
"""The schema every NIBRS submission document validates against."""


@attrs.frozen
class SchemaError:
    """One way a document breaks the schema: where (an XPath), and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@functools.cache
def nibrs_schema() -> xmlschema.XMLSchema:
    """Return the NIBRS 2019.1 schema, loaded from the package once."""
    import xmlschema  # noqa: PLC0415 - imported on first use: opening a program stays fast

    return xmlschema.XMLSchema(str(NIBRS_XSD), allow="local", defuse="always")


class UnreadableDocument(ValueError):
    """A document is not well-formed XML, or asks for what is refused (entities, files)."""


def parse(document: bytes) -> xmlschema.XMLResource:
    """Parse a document without fetching anything it points to.

    Entities and DTDs are refused (``defuse``) and no schema location or other URL it names is
    read. Raises :class:`UnreadableDocument` saying why (with the line and column when it is
    not well-formed).
    """
    import xmlschema  # noqa: PLC0415 - imported on first use: opening a program stays fast

    try:
        # From a stream: given bytes, xmlschema would take text that does not look like XML
        # for the path or URL of a document to fetch.
        return xmlschema.XMLResource(io.BytesIO(document), defuse="always", allow="none")
    except SyntaxError as error:
        raise UnreadableDocument(f"not well-formed XML: {error}") from None
    except xmlschema.XMLResourceError as error:
        raise UnreadableDocument(f"refused: {error}") from None


def schema_errors(document: bytes | xmlschema.XMLResource) -> list[SchemaError]:
    """Return every way a document breaks the NIBRS schema; empty when valid.

    Raises :class:`UnreadableDocument` when it cannot be read at all.
    """
    resource = parse(document) if isinstance(document, bytes) else document
    return [
        SchemaError(error.path or "/", error.reason or str(error))
        for error in nibrs_schema().iter_errors(resource)
    ]


def is_valid(document: bytes) -> bool:
    """Return whether a document is well-formed and valid against the NIBRS schema."""
    try:
        return not schema_errors(document)
    except UnreadableDocument:
        return False
