"""Ranking of completion candidates: prefix matches first, then fuzzy (in-order subsequence)
matches with fewer gaps first. Case-insensitive. Pure; thread-safe."""

from __future__ import annotations

__all__ = ["match_score"]


def match_score(prefix: str, name: str) -> tuple[int, int, int] | None:
    """A sort key for ``name`` against what was typed, or None when it does not match.

    ``(0, 0, len)`` exact/prefix match; ``(1, gaps, first)`` fuzzy: every character of ``prefix``
    appears in order, ``gaps`` counts the jumps between them, ``first`` where the match starts."""
    if not prefix:
        return (0, 0, 0)  # nothing typed: callers keep their own order within a kind
    p, n = prefix.lower(), name.lower()
    if n.startswith(p):
        return (0, 0, len(n))
    pos, first, gaps, last = 0, -1, 0, -2
    for ch in p:
        j = n.find(ch, pos)
        if j < 0:
            return None
        if first < 0:
            first = j
        elif j != last + 1:
            gaps += 1
        last, pos = j, j + 1
    return (1, gaps, first)
