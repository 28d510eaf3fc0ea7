"""Masking involved juveniles' names in free text: ``[juvenile 1]``, stable within a record.

A name is matched as a whole word, ignoring case and accents (``José`` matches ``jose``), as the
full name and as each of its parts (given, middle and family names, and each half of a
hyphenated name), so ``Ramírez's`` is masked as ``[juvenile 1]'s``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

import attrs


@functools.lru_cache(maxsize=4096)
def _fold(char: str) -> str:
    """Return a character without accents, case-folded (possibly several characters)."""
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _folded(text: str) -> tuple[str, list[int]]:
    """Return the folded text and, for each of its characters, the index it came from."""
    if text.isascii():  # no accents, and case-folding ASCII keeps one character per character
        return text.lower(), list(range(len(text)))
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _fold(char)
        out.append(folded)
        origin.extend([index] * len(folded))
    return "".join(out), origin


@functools.lru_cache(maxsize=4096)
def name_variants(name: str) -> frozenset[str]:
    """Return the folded forms a name may be written in: whole, and each part of two letters up."""
    whole = " ".join(_folded(name)[0].split())
    parts = {p for p in re.split(r"[\s\-]+", whole) if len(p) >= 2}
    return frozenset({whole, *parts} - {""})


def _word(char: str) -> bool:
    r"""Return whether a character is a word character (what ``\w`` matches in a regex)."""
    return char.isalnum() or char == "_"


def _found(folded: str, names: tuple[tuple[str, str], ...]) -> list[tuple[int, int, str]]:
    r"""Return where the variants stand as whole words in folded text, and their tokens.

    The same matches, in the same order, as ``re.finditer`` with the pattern
    ``(?<!\w)(variant|…)(?!\w)`` over the variants in their order (longest first), without
    compiling a pattern for each record's names: at each place the first variant in order
    that stands there as a whole word, then the search goes on after it.
    """
    places: list[tuple[int, int, int, str]] = []
    size = len(folded)
    for order, (variant, token) in enumerate(names):
        width = len(variant)
        at = folded.find(variant)
        while at >= 0:
            end = at + width
            if (at == 0 or not _word(folded[at - 1])) and (end == size or not _word(folded[end])):
                places.append((at, order, end, token))
            at = folded.find(variant, at + 1)
    found: list[tuple[int, int, str]] = []
    after = 0
    for at, _, end, token in sorted(places):
        if at >= after:
            found.append((at, end, token))
            after = end
    return found


def _longest_first(pair: tuple[str, str]) -> tuple[int, str]:
    return -len(pair[0]), pair[0]


@attrs.frozen
class Mask:
    """The people whose names to mask in a record's free text, each with its token.

    The variants of the names are worked out the first time a text holds one of them: most
    texts name nobody, and a decision makes a mask for every record it hides people in.
    """

    people: tuple[tuple[str, str], ...] = ()
    """(token, name) pairs, in the record's order."""
    _names: tuple[tuple[str, str], ...] | None = attrs.field(default=None, eq=False, repr=False)

    @classmethod
    def of(cls, people: Sequence[tuple[str, str]]) -> Mask:
        """Return the mask of people given as (label, name): the n-th of a label is ``[label n]``.

        Numbering follows the order given (the record's order), so it is stable within a record.
        """
        numbers: dict[str, int] = {}
        tokens: list[tuple[str, str]] = []
        for label, name in people:
            number = numbers[label] = numbers.get(label, 0) + 1
            tokens.append((f"[{label} {number}]", name))
        return cls(tuple(tokens))

    @property
    def names(self) -> tuple[tuple[str, str], ...]:
        """Return the (folded variant, token) pairs, longest variant first (made once)."""
        if self._names is None:
            pairs: dict[str, str] = {}
            for token, name in self.people:
                for variant in name_variants(name):
                    pairs.setdefault(variant, token)
            object.__setattr__(self, "_names", tuple(sorted(pairs.items(), key=_longest_first)))
        return self._names  # type: ignore[return-value]

    def __bool__(self) -> bool:
        return bool(self.people) and bool(self.names)

    def apply(self, text: str) -> str:
        """Return the text with every variant of every name replaced by its token."""
        if not self.people or not text:
            return text
        seen = text.lower() if text.isascii() else _folded(text)[0]
        if not any(v in seen for _, name in self.people for v in name_variants(name)):
            return text  # no name stands in it, even as part of a word: nothing to find
        folded, origin = _folded(text)
        out: list[str] = []
        last = 0
        for at, after, token in _found(folded, self.names):
            start = origin[at]
            end = origin[after - 1] + 1
            if start < last:
                continue
            out.append(text[last:start])
            out.append(token)
            last = end
        out.append(text[last:])
        return "".join(out)
