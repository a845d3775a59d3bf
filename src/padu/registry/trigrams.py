"""Trigram similarity as PostgreSQL's pg_trgm computes it, in Python, for the databases that lack
it (SQLite, the demo's default): the name search (selectors.search) scores the search keys like
the query with these where PostgreSQL scores them with `similarity` and `word_similarity`, so that
one query finds the same people on both, with the same thresholds.

A text's trigrams are those of each of its words (runs of letters and digits, lower-cased),
padded with two spaces in front and one behind: "yusuf" → "  y", " yu", "yus", "usu", "suf",
"uf ". The search keys (registry.names) hold only lower-case letters and single spaces.

- `similarity(a, b)`: the trigrams both share, over the trigrams either has (pg_trgm `similarity`).
- `word_similarity(query, text)`: the best `similarity` between the query's trigrams and a
  stretch of consecutive trigrams of `text` (pg_trgm `word_similarity`), so "yus" is like the
  beginning of "muhamad yusuf".
"""

from __future__ import annotations

import math
import re

_WORD = re.compile(r"[0-9a-z]+")


def ordered_trigrams(text: str) -> list[str]:
    """The trigrams of `text`, word by word, in order (a trigram may come twice)."""
    out: list[str] = []
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        out.extend(padded[i : i + 3] for i in range(len(padded) - 2))
    return out


def trigrams(text: str) -> frozenset[str]:
    return frozenset(ordered_trigrams(text))


def similarity(a: str, b: str) -> float:
    return set_similarity(trigrams(a), trigrams(b))


def set_similarity(first: frozenset[str], second: frozenset[str]) -> float:
    if not first or not second:
        return 0.0
    common = len(first & second)
    return common / (len(first) + len(second) - common)


def word_similarity(query: str, text: str) -> float:
    return extent_similarity(trigrams(query), ordered_trigrams(text))


def extent_similarity(query: frozenset[str], ordered: list[str]) -> float:
    """The best similarity between `query` and a stretch of consecutive trigrams of `ordered`.
    A best stretch begins and ends with a trigram of the query (one that does not only adds to
    the union), so only those positions are tried."""
    if not query:
        return 0.0
    hits = [i for i, t in enumerate(ordered) if t in query]
    best = 0.0
    for n, start in enumerate(hits):
        seen: set[str] = set()
        common = 0
        position = start
        for end in hits[n:]:
            while position <= end:
                trigram = ordered[position]
                if trigram not in seen:
                    seen.add(trigram)
                    common += trigram in query
                position += 1
            score = common / (len(query) + len(seen) - common)
            best = max(best, score)
    return best


def substring(trigram: str) -> str:
    """What a text padded with one space on each side (" muhamad yusuf ") contains when `trigram`
    is one of its trigrams: "  y" (a word begins with y) is " y"; the others are themselves."""
    return trigram[1:] if trigram.startswith("  ") else trigram


def least_shared(text: str, threshold: float) -> int:
    """How many trigrams of `text` another text must share to reach `threshold` in `similarity`
    or `word_similarity` with it: both divide the shared trigrams by at least as many as `text`
    has."""
    return math.ceil(threshold * len(trigrams(text)) - 1e-9)


def edit_distance(a: str, b: str) -> int:
    """The fewest letters inserted, deleted, replaced or swapped with the next one to turn `a`
    into `b` (optimal string alignment distance): "huamira" → "humaira" is 1."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]
