"""Preloaded matchers: a sorted list of document numbers with their scores.

A word looked up in twenty scopes is twenty small posting lists. Whoosh joins them in a
binary tree of union matchers, and every step of the search then walks that tree in
Python (four fifths of a one-word query's time at 100,000 entries). Reading the few
postings of each scope once into one sorted list, with the scores summed as a union
would sum them, turns the rest of the search into list indexing. Skips are binary
searches.
"""
from bisect import bisect_left

from whoosh.matching import Matcher, NullMatcher, ReadTooFar
from whoosh.query import Or


class Preloaded(Matcher):
    """Document numbers (sorted, unique) and their scores (None: every score is 0)."""

    def __init__(self, ids, scores=None, position=0):
        self._ids, self._scores, self._i = ids, scores, position

    def __repr__(self):
        return f"Preloaded({len(self._ids)} ids)"

    def is_active(self):
        return self._i < len(self._ids)

    def reset(self):
        self._i = 0

    def copy(self):
        return Preloaded(self._ids, self._scores, self._i)

    def replace(self, minquality=0):
        return self if self.is_active() else NullMatcher()

    def supports_block_quality(self):
        return False

    def supports(self, astype):
        return False

    def id(self):
        return self._ids[self._i]

    def all_ids(self):
        return iter(self._ids[self._i:])

    def next(self):
        self._i += 1

    def skip_to(self, id):
        if not self.is_active():
            raise ReadTooFar
        self._i = bisect_left(self._ids, id, self._i)

    def weight(self):
        return 1.0

    def score(self):
        return self._scores[self._i] if self._scores is not None else 0.0

    def max_quality(self):
        return max(self._scores[self._i:], default=0.0) if self._scores is not None else 0.0


def preload(matchers, scored=True):
    """One Preloaded matcher of everything `matchers` match, scores summed per document."""
    totals = {}
    for m in matchers:
        while m.is_active():
            docnum = m.id()
            totals[docnum] = totals.get(docnum, 0.0) + (m.score() if scored else 0.0)
            m.next()
    ids = sorted(totals)
    return Preloaded(ids, [totals[n] for n in ids]) if ids else NullMatcher()


class PreloadedUnion(Or):
    """An Or whose matches are read in full when its matcher is made (see above): for
    many small alternatives, such as one word in each of the caller's scopes."""

    def _matcher(self, subs, searcher, context):
        scored = context is None or context.weighting is not None
        matchers = [sub.matcher(searcher, context) for sub in subs]
        m = preload(matchers, scored)
        if self.boost != 1.0 and isinstance(m, Preloaded) and m._scores is not None:
            m._scores = [score * self.boost for score in m._scores]
        return m

