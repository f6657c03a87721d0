"""The exact total, the facet counts and the top of the ranking of one query, over
every match.

A segment's matches usually come preloaded (arrays of numbers and scores, see
matchers.py): the best of them are picked with one partition and one sort of the
few candidates, and the facets are counted with one `bincount` per facet, so a common
word's 100,000 matches cost no Python call each. Other matchers are walked as Whoosh
walks them.
"""
import heapq
import itertools

import numpy as np
from whoosh import collectors, sorting

from .columns import LARGEST, coded, numbers, overall_number, overall_values
from .matchers import Preloaded, best_first

FACETS = ("type", "group", "author")
FACET_VALUES = 20  # values of each facet an answer lists, the most frequent
NEWEST = sorting.FieldFacet("modified", reverse=True)


class Tally(collectors.WrappingCollector):
    """Hands every match to the child collector (a TopCollector, or a SortingCollector
    by NEWEST) and keeps the matched numbers of each segment, for the total and the
    facet counts."""

    def prepare(self, top_searcher, q, context):
        super().prepare(top_searcher, q, context)
        self.segments = []

    def set_subsearcher(self, subsearcher, offset):
        super().set_subsearcher(subsearcher, offset)
        self.segments.append((subsearcher.reader(), []))

    def collect_matches(self):
        child, found = self.child, self.segments[-1][1]
        m = child.matcher
        if type(m) is Preloaded and (take_best(child, m) or take_newest(child, m)):
            found.append(m._ids)
            m._i = len(m._ids)
            return
        ids = []
        for sub_docnum in child.matches():
            ids.append(sub_docnum)
            child.collect(sub_docnum)
        found.append(np.asarray(ids, np.int64))

    def counts(self):
        """(total, facets): the number of matches, and the FACET_VALUES most frequent
        values of each facet with their exact counts."""
        total = sum(len(ids) for _, parts in self.segments for ids in parts)
        facets = {}
        for name in FACETS:
            numbered = [np.zeros(0, np.int64)]
            for reader, parts in self.segments:
                column = coded(reader, name)
                numbered.extend(column.overall[column.codes[ids]] for ids in parts)
            facets[name] = top_values(name, np.concatenate(numbered))
        return total, facets


def top_values(field, numbered):
    """{value: count} of the FACET_VALUES most frequent values among `numbered` (overall
    numbers of `field`'s values), empty values left out, most frequent first, equals in
    the order of their text (where more are equal than can be listed, those met first
    in the index are listed): a word found in 870,000 profiles has as many authors,
    and a page of 20 hits came with half a megabyte of them."""
    if not len(numbered):
        return {}
    counts = np.bincount(numbered)
    empty = overall_number(field, "")
    if empty is not None and empty < len(counts):
        counts[empty] = 0
    present = np.flatnonzero(counts)
    if len(present) > FACET_VALUES:
        least = np.partition(counts[present], len(present) - FACET_VALUES)[
            len(present) - FACET_VALUES]  # the 20th count: more frequent ones all fit
        more = present[counts[present] > least]
        present = np.concatenate([more, present[counts[present] == least][
            :FACET_VALUES - len(more)]])
    values = overall_values(field)
    best = sorted((-int(counts[n]), str(values[n]), values[n]) for n in present.tolist())
    return {value: -count for count, _, value in best}


def take_best(child, m):
    """Give a TopCollector a segment's preloaded, scored matches in one step: the best
    (score, -docnum) pairs kept as its heap would keep them (ties to the lower number).
    False where that does not apply."""
    if type(child) is not collectors.TopCollector or m._scores is None or child.final_fn:
        return False
    ids, scores = m.rest()
    pick = best_first(ids, -scores, child.limit)
    offset = child.offset
    best = heapq.nlargest(child.limit, itertools.chain(
        child.items, zip(scores[pick].tolist(), (-(offset + ids[pick])).tolist())))
    heapq.heapify(best)
    child.items = best
    child.total += len(ids)
    if len(best) >= child.limit:
        child.minscore = best[0][0]
    return True


def take_newest(child, m):
    """Give a SortingCollector by NEWEST only a segment's `limit` newest matches (ties to
    the lower number): the only ones that can reach its page. False where that does not
    apply."""
    if (type(child) is not collectors.SortingCollector or child.reverse
            or child.sortfacet.facets != [NEWEST] or not child.limit):
        return False
    ids = m.rest()[0]
    newest = LARGEST - numbers(child.subsearcher.reader(), "modified")[ids]  # as Whoosh's
    for n in ids[best_first(ids, newest, child.limit)].tolist():  # reversed column keys
        child.collect(n)
    return True
