"""Small counts suppressed, and no suppressed count derivable from what is shown.

A count from 1 to one below the threshold is suppressed (primary suppression). Counts that add
up to a total a reader can learn (every figure of a month, every category of a school's month)
form a *group*; in a group where anything is suppressed, the smallest shown counts are
suppressed too (complementary suppression) until the suppressed counts add up to at least the
threshold, so the total minus the shown counts never gives a small number, nor any one count.
Zero is a counted zero and always shown.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def suppressed(
    counts: Mapping[K, int],
    threshold: int,
    groups: Iterable[Callable[[K], Hashable]] = (),
) -> dict[K, int | None]:
    """Return each count, or None where it is suppressed, primary and complementary.

    ``groups`` are the ways the counts are summed into totals a reader can learn: each maps a
    key to the total it belongs to. With none, all the counts form one group.
    """
    hidden = {k for k, n in counts.items() if 0 < n < threshold}
    groupings = list(groups) or [lambda _key: None]
    changed = bool(hidden)
    while changed:
        changed = False
        for grouping in groupings:
            members: dict[Hashable, list[K]] = {}
            for key in counts:
                members.setdefault(grouping(key), []).append(key)
            for keys in members.values():
                changed |= _complement(keys, counts, hidden, threshold)
    return {k: None if k in hidden else n for k, n in counts.items()}


def _complement(keys: list[K], counts: Mapping[K, int], hidden: set[K], threshold: int) -> bool:
    """Suppress more of a group until its suppressed counts are safe; return if any was."""
    secret = [k for k in keys if k in hidden]
    if not secret:
        return False
    total = sum(counts[k] for k in secret)
    shown = sorted(
        (k for k in keys if k not in hidden and counts[k] > 0), key=lambda k: (counts[k], str(k))
    )
    added = False
    while shown and (total < threshold or len(secret) < 2):
        key = shown.pop(0)
        hidden.add(key)
        secret.append(key)
        total += counts[key]
        added = True
    return added
