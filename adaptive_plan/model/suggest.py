"""Did-you-mean suggestions that stay near linear in the number of lookups and candidates.

``difflib.get_close_matches`` compares a name with every candidate: N references to N
undeclared keys cost N² comparisons (27 s at N=1,000 in ``validate``, 96 s at 2,000).
``Suggester`` indexes the candidates once by character trigrams; a lookup counts shared
trigrams only through posting lists of at most ``MAX_POSTING`` candidates (a trigram
shared by more tells little apart), ranks at most ``MAX_CANDIDATES`` of them, and lets
difflib choose among those alone. Work per lookup is bounded whatever the number of
candidates; a small candidate list is searched whole, exactly as difflib would.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable

SMALL = 64  # up to this many candidates, compare with all of them
MAX_POSTING = 128
MAX_CANDIDATES = 10


def _trigrams(text: str) -> set[str]:
    padded = f"\0{text.lower()}\0"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class Suggester:
    """``suggester.closest(name)``: the closest candidate (difflib's ratio, cutoff 0.6) or None."""

    def __init__(self, candidates: Iterable[str]) -> None:
        self.candidates = sorted(set(candidates))
        self.index: dict[str, list[int]] = {}
        if len(self.candidates) > SMALL:
            for number, candidate in enumerate(self.candidates):
                for gram in _trigrams(candidate):
                    self.index.setdefault(gram, []).append(number)

    def closest(self, name: str) -> str | None:
        if len(self.candidates) <= SMALL:
            pool = self.candidates
        else:
            counts: Counter[int] = Counter()
            postings = [p for p in (self.index.get(g) for g in _trigrams(name)) if p is not None]
            for posting in postings:
                if len(posting) <= MAX_POSTING:
                    counts.update(posting)
            if not counts and postings:  # only common trigrams: a bounded sample of the rarest
                counts.update(min(postings, key=len)[:MAX_CANDIDATES])
            pool = [self.candidates[number] for number, _ in counts.most_common(MAX_CANDIDATES)]
        close = difflib.get_close_matches(name, pool, n=1)
        return close[0] if close else None

    def hint(self, name: str) -> str:
        """`` (did you mean 'x'?)`` or an empty string."""
        close = self.closest(name)
        return f" (did you mean {close!r}?)" if close else ""
