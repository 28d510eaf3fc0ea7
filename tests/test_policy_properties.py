"""Properties of the policy's rules: masking free text, and complementary suppression."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from sro_core.policy import Mask, name_variants, suppressed
from sro_core.policy.masking import _folded

LETTERS = st.sampled_from("abcdefghijklmnopqrstuvwxyzéèñüøÁÉÍÓÚçß")
WORDS = st.text(LETTERS, min_size=2, max_size=8)
NAMES = st.lists(WORDS, min_size=1, max_size=3).map(" ".join)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@settings(max_examples=200)
@given(st.lists(NAMES, min_size=1, max_size=3), st.data())
def test_no_part_of_a_masked_name_is_left_in_the_text(
    names: list[str], data: st.DataObject
) -> None:
    """Each name, whole or in parts, in any case, with or without accents, is masked."""
    mask = Mask.of([("juvenile", n) for n in names])
    pieces = []
    for name in names:
        part = data.draw(st.sampled_from(sorted(name_variants(name))))
        spelled = data.draw(st.sampled_from([part, part.upper(), _plain(part), part.title()]))
        pieces.append(spelled + data.draw(st.sampled_from(["", "'s", "'", "."])))
    masked = mask.apply(" and ".join(pieces) + " met.")
    words = {w.strip(".'s") for w in _plain(masked).split()}
    for name in names:
        assert not (name_variants(name) & {_plain(w) for w in words}), masked
    assert masked.count("[juvenile") == len(pieces)


@settings(max_examples=300)
@given(
    st.dictionaries(
        st.tuples(st.integers(0, 2), st.integers(0, 3)), st.integers(0, 40), min_size=1
    ),
    st.integers(2, 12),
)
def test_no_suppressed_count_can_be_derived_from_a_total(
    counts: dict[tuple[int, int], int], threshold: int
) -> None:
    """In every group, the suppressed counts are none, or two or more adding up to the threshold."""
    groups = (lambda k: k[0], lambda k: k[1])
    shown = suppressed(counts, threshold, groups)
    for n, count in counts.items():
        assert shown[n] in (None, count)
        if 0 < count < threshold:
            assert shown[n] is None
    for group in groups:
        members: dict[int, list[tuple[int, int]]] = {}
        for key in counts:
            members.setdefault(group(key), []).append(key)
        for keys in members.values():
            hidden = [k for k in keys if shown[k] is None]
            open_ = [k for k in keys if shown[k] is not None and counts[k] > 0]
            if hidden and open_:
                assert len(hidden) >= 2
                assert sum(counts[k] for k in hidden) >= threshold


def _masked_by_regex(mask: Mask, text: str) -> str:
    """Mask text as the mask did with one compiled pattern per record: the oracle."""
    folded, origin = _folded(text)
    variants = "|".join(re.escape(v) for v, _ in mask.names)
    tokens = dict(mask.names)
    out: list[str] = []
    last = 0
    for match in re.finditer(rf"(?<!\w)({variants})(?!\w)", folded):
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        if start < last:
            continue
        out += [text[last:start], tokens[match.group(1)]]
        last = end
    return "".join([*out, text[last:]])


@settings(max_examples=300)
@given(st.lists(NAMES, min_size=1, max_size=3), st.data())
def test_the_mask_finds_what_the_whole_word_pattern_finds(
    names: list[str], data: st.DataObject
) -> None:
    """Masking without a compiled pattern gives the text the whole-word regex gave, for any text."""
    mask = Mask.of([("juvenile", n) for n in names])
    variants = sorted(v for n in names for v in name_variants(n))
    glue = st.sampled_from(["", " ", "_", "-", "'", "x", "é", "1", ". ", "\u0301", "ǅ"])
    pieces = data.draw(st.lists(st.sampled_from(variants) | glue | WORDS, max_size=12))
    text = "".join(p.upper() if data.draw(st.booleans()) else p for p in pieces)
    assert mask.apply(text) == _masked_by_regex(mask, text)
