"""Files the library writes: whole or not at all, and never over the store itself.

Every file the library writes (an export, the program report, a NIBRS archive) goes through
:func:`written_whole`: the content is written to a temporary file beside the target and renamed
over it only when it is complete, so a refused or failed write leaves an existing file as it
was, and a reader never sees half a file. :func:`store_files` names the files of a store, which
no output may replace.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, TypeAlias

from sro_core.domain import RuleViolation
from sro_core.errors import OutputRefused as OutputRefused

__all__ = [
    "OutputRefused",
    "Target",
    "check_target",
    "opened",
    "store_files",
    "written_whole",
]

Target: TypeAlias = str | os.PathLike[str] | IO[str] | IO[bytes]
"""Where an output goes: a file's path (written whole), or an open text or binary stream."""

STORE_COMPANIONS = ("", "-wal", "-shm", "-journal")
"""What SQLite keeps beside a database file: its write-ahead log, shared memory and journal."""


def store_files(url: str) -> tuple[Path, ...]:
    """Return the files a store keeps on this machine (none for a server or in-memory store)."""
    if not url.startswith("sqlite:"):
        return ()
    from sro_core.builtin.sqlite.database import Address  # noqa: PLC0415 - only for sqlite URLs

    address = Address.from_url(url)
    if address.in_memory:
        return ()
    return tuple(Path(address.path + suffix) for suffix in STORE_COMPANIONS)


def _same_file(target: Path, protected: Path) -> bool:
    try:
        if target.resolve() == protected.resolve():
            return True
        return target.exists() and protected.exists() and target.samefile(protected)
    except OSError:
        return False


def check_target(target: Path, protected: Iterable[Path] = ()) -> None:
    """Refuse a target that is one of the protected files, or not a regular file's place.

    :raises OutputRefused: naming the target and the reason.
    """
    for path in protected:
        if _same_file(target, path):
            raise OutputRefused(f"{target}: this is the store's own file; choose another output")
    if target.exists() and not target.is_file():
        raise OutputRefused(f"{target}: not a regular file; choose another output")


def written_whole(
    target: Path | str, *, binary: bool = False, protected: Iterable[Path] = ()
) -> contextlib.AbstractContextManager[IO[Any]]:
    """Open a temporary file beside ``target``; rename it over the target when the block ends.

    If the block raises, the temporary file is removed and the target is left as it was. Text
    is written as UTF-8 with the newlines given. A new file is readable by its owner only (it
    may hold records about juveniles); a replaced one keeps its permissions.

    :raises OutputRefused: before anything is opened, if the target is a protected file (the
        store's own, see :func:`store_files`) or is not a regular file.
    """
    path = Path(target)
    check_target(path, protected)
    return _replacing(path, binary=binary)


@contextlib.contextmanager
def _replacing(target: Path, *, binary: bool) -> Iterator[IO[Any]]:
    folder = target.parent if str(target.parent) else Path()
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    os.close(descriptor)
    temporary = Path(name)
    try:
        # opened by name, so that ``handle.name`` says where it is (the NIBRS ledger goes beside)
        handle: IO[Any] = (
            temporary.open("wb") if binary else temporary.open("w", encoding="utf-8", newline="")
        )
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            temporary.chmod(stat.S_IMODE(target.stat().st_mode))
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def opened(
    target: Target, *, binary: bool, protected: Iterable[Path] = (), writer: str = "this format"
) -> contextlib.AbstractContextManager[IO[Any]]:
    """Open an output for a writer of bytes (``binary``) or of text, whatever it was given as.

    A path is written whole (:func:`written_whole`). A stream is written to as it is, and left
    open: a binary stream given to a writer of text is wrapped (UTF-8, newlines as written),
    and a text stream given to a writer of bytes is written through its ``buffer`` (as
    ``sys.stdout`` has one).

    :param writer: what writes, as an error names it (``the nibrs-xml format``).
    :raises RuleViolation: naming ``to``, for what is neither a path nor a stream.
    :raises TypeError: for a text stream without a buffer given to a writer of bytes.
    :raises OutputRefused: for a path :func:`written_whole` refuses.
    """
    if isinstance(target, str | os.PathLike):
        return written_whole(os.fspath(target), binary=binary, protected=protected)
    if not callable(getattr(target, "write", None)):
        shown = type(target).__name__
        raise RuleViolation("to", shown, "a file's path or an open text or binary stream")
    return _adapted(target, binary=binary, writer=writer)


def _holds_bytes(stream: object) -> bool | None:
    """Return whether a stream takes bytes, or None when its type does not say."""
    if isinstance(stream, io.TextIOBase):
        return False
    if isinstance(stream, io.RawIOBase | io.BufferedIOBase):
        return True
    mode = getattr(stream, "mode", None)
    return ("b" in mode) if isinstance(mode, str) else None


@contextlib.contextmanager
def _adapted(stream: IO[Any], *, binary: bool, writer: str) -> Iterator[IO[Any]]:
    holds_bytes = _holds_bytes(stream)
    if holds_bytes is None or holds_bytes == binary:
        yield stream
        stream.flush()
    elif binary:
        buffer = getattr(stream, "buffer", None)
        if buffer is None:
            kind = type(stream).__name__
            message = f"to: {writer} writes bytes: give a path or a binary stream (got {kind})"
            raise TypeError(message)
        stream.flush()
        yield buffer
        buffer.flush()
    else:
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)
        try:
            yield text
            text.flush()
        finally:
            text.detach()
