"""Preloaded matchers: a sorted list of document numbers with their scores.

A word looked up in twenty scopes is twenty small posting lists. Whoosh joins them in a
binary tree of union matchers, and every step of the search then walks that tree in
Python (four fifths of a one-word query's time at 100,000 entries). Reading the few
postings of each scope once into one sorted list, with the scores summed as a union
would sum them, turns the rest of the search into list indexing. Skips are binary
searches.
"""
from bisect import bisect_left
from contextlib import contextmanager
import contextvars

from whoosh.codec.whoosh3 import W3TermsReader
from whoosh.matching import (IntersectionMatcher, ListMatcher, Matcher, NullMatcher,
                             ReadTooFar)
from whoosh.query import And, Or, Phrase, Prefix, Term, Wildcard
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F
from whoosh.util import make_binary_tree

from .caches import SegmentCache


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

    def items(self):
        """(docnum, score) from the current position on."""
        scores = self._scores[self._i:] if self._scores is not None \
            else [0.0] * (len(self._ids) - self._i)
        return zip(self._ids[self._i:], scores)

    def where(self, admits):
        """The rest of this list restricted to the numbers `admits(docnum)` accepts."""
        ids, scores = [], []
        for docnum, score in self.items():
            if admits(docnum):
                ids.append(docnum)
                scores.append(score)
        return Preloaded(ids, scores) if ids else NullMatcher()


def preload(sources, counted=False):
    """One Preloaded matcher of the (docnum, score) pairs of all `sources`, summed;
    `sources` is a list of (word, pairs).

    `counted` (a relaxed question, where each source's word is what it looks for, title
    and text sharing a word): documents containing more of the words come first, by
    their summed score among equals: the score is the number of words plus a fraction.
    (Whoosh's own coordination bonus counted a word in title and text twice and was too
    weak to rank "teacher pathways" above a text saying "teacher" three times.)"""
    totals, found = {}, {}
    for word, pairs in sources:
        for docnum, score in pairs:
            totals[docnum] = totals.get(docnum, 0.0) + score
            if counted:
                found.setdefault(docnum, set()).add(word)
    ids = sorted(totals)
    if not ids:
        return NullMatcher()
    if counted:
        return Preloaded(ids, [len(found[d]) + totals[d] / (1.0 + totals[d]) for d in ids])
    return Preloaded(ids, [totals[d] for d in ids])


def summed_intersection(parts):
    """{docnum: summed score} of the documents in every one of `parts`, each an
    iterable of (docnum, score) (the smallest first is fastest)."""
    common = None
    for pairs in parts:
        if common is None:
            common = dict(pairs)
        else:
            common = {d: s + score for d, score in pairs
                      if (s := common.get(d)) is not None}
        if not common:
            return {}
    return common or {}


def matcher_pairs(m):
    """(docnum, score) of every match of any matcher."""
    while m.is_active():
        yield m.id(), m.score()
        m.next()


_memo = contextvars.ContextVar("workspace_search_memo", default=None)


@contextmanager
def remembered():
    """Inside this block each term's scored postings are read once per segment: a
    question runs its all-words query and then its any-word query over the same words."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def term_pairs(term, searcher, context):
    """`read_term_pairs`, remembered inside a `remembered()` block."""
    memo = _memo.get()
    if memo is None or type(term) is not Term:
        return read_term_pairs(term, searcher, context)
    key = (id(searcher.reader()), term.fieldname, term.text, term.boost)
    if key not in memo:
        memo[key] = read_term_pairs(term, searcher, context)
    return memo[key]


def whole_index(parent, statistic, *args):
    """`parent.<statistic>(*args)` (idf, avg_field_length: sums over every segment),
    computed once per query inside a `remembered()` block, not once per segment and
    scope that a word is looked up in."""
    memo = _memo.get()
    if memo is None:
        return getattr(parent, statistic)(*args)
    key = (statistic, id(parent)) + args
    if key not in memo:
        memo[key] = getattr(parent, statistic)(*args)
    return memo[key]


def read_term_pairs(term, searcher, context):
    """(docnum, score) of every posting of a Term in one segment, scored with BM25F as
    Whoosh scores them; None where this does not apply (other queries or weightings,
    boosts, several segments).

    Whoosh looks a term up three times to match it (exists? scorer, postings) and calls
    five functions per posting to score it; this looks it up once, reads the postings a
    block at a time and takes field lengths from a cached list."""
    weighting = (context.weighting if context else None) or searcher.weighting
    if (type(term) is not Term or term.boost != 1.0 or not searcher.is_atomic()
            or type(weighting) is not BM25F or term.fieldname not in searcher.schema):
        return None
    fieldname, field = term.fieldname, searcher.schema[term.fieldname]
    try:
        text = term.text if isinstance(term.text, bytes) else field.to_bytes(term.text)
    except ValueError:
        return []
    reader = searcher.reader()
    terms = getattr(reader, "_terms", None)
    if not isinstance(terms, W3TermsReader) or not field.scorable:
        return None
    try:
        info = terms.term_info(fieldname, text)
    except TermNotFound:
        return []
    m = terms._codec.postings_reader(terms._postfile, info, field.format)
    if isinstance(m, ListMatcher):
        ids, weights = list(m.all_ids()), info.inlined_postings()[1]
        if weights is None or isinstance(weights, (int, float)):
            weights = [float(weights or 1.0)] * len(ids)
    else:
        ids, weights = [], []
        while m.is_active():
            if m._ids is None:
                m._read_ids()
            if m._weights is None:
                m._read_weights()
            ids.extend(m._ids[m._i:m._blocklength])
            weights.extend(m._weights[m._i:m._blocklength])
            m._next_block()
    parent = searcher.get_parent()
    idf = whole_index(parent, "idf", fieldname, text)
    avgfl = whole_index(parent, "avg_field_length", fieldname) or 1
    b, k1 = weighting._field_B.get(fieldname, weighting.B), weighting.K1
    lengths = field_lengths(reader, fieldname)
    deleted = reader.deleted_docs_set if reader.has_deletions() else ()
    pairs = []
    # whoosh.scoring.bm25 written out (the same expression, so the same floats): one
    # Python call less per posting, and a common word has tens of thousands.
    k1_plus, one_minus_b = k1 + 1, 1 - b
    for d, w in zip(ids, weights):
        if d in deleted:
            continue
        length = lengths[d]
        if not length:  # not read yet
            length = lengths[d] = reader.doc_field_length(d, fieldname, 1) or 1
        pairs.append((d, idf * ((w * k1_plus) / (w + k1 * (one_minus_b + b * length / avgfl)))))
    return pairs


def expanded_pairs(query, searcher, context):
    """`term_pairs` of a Term, or of every word a Prefix or Wildcard stands for in this
    segment (summed, as Whoosh's Or of those words sums them), `phrase_pairs` of a
    Phrase; None where that does not apply."""
    if type(query) is Phrase:
        return phrase_pairs(query, searcher, context)
    if not isinstance(query, (Prefix, Wildcard)) or query.boost != 1.0:
        return term_pairs(query, searcher, context)
    if not searcher.is_atomic():
        return None
    pairs = []
    for word in query._btexts(searcher.reader()):
        found = term_pairs(Term(query.fieldname, word), searcher, context)
        if found is None:
            return None
        pairs.extend(found)
    return pairs


def phrase_pairs(phrase, searcher, context):
    """(docnum, score) of a Phrase in one segment: the documents having all its words
    (read as `term_pairs` reads them), then word positions compared in those only;
    scored as Whoosh scores a phrase, the sum of its words' scores. None where that
    does not apply."""
    schema = searcher.schema
    if (phrase.boost != 1.0 or not searcher.is_atomic() or phrase.fieldname not in schema
            or not schema[phrase.fieldname].format.supports("positions")):
        return None
    field = schema[phrase.fieldname]
    try:
        words = [field.to_bytes(word) for word in phrase.words]
    except ValueError:
        return []
    parts = [term_pairs(Term(phrase.fieldname, word), searcher, context) for word in words]
    if any(pairs is None for pairs in parts):
        return None
    common = summed_intersection(parts)
    if not common:
        return []
    docs = sorted(common)
    reader = searcher.reader()
    where = [word_positions(reader, phrase.fieldname, word, docs) for word in words]
    return [(d, common[d]) for d in docs if in_sequence([w[d] for w in where], phrase.slop)]


def word_positions(reader, fieldname, word, docs):
    """{docnum: positions of `word`} for `docs` (sorted, all holding the word)."""
    m = reader.postings(fieldname, word)
    found = {}
    for docnum in docs:
        m.skip_to(docnum)
        found[docnum] = m.value_as("positions")
    return found


def in_sequence(positions, slop):
    """Whether the words occur in order, each 1 to `slop` positions after the last."""
    reach, gaps = set(positions[0]), range(1, max(1, slop) + 1)
    for later in positions[1:]:
        reach = {q for q in later if any(q - gap in reach for gap in gaps)}
        if not reach:
            return False
    return True


_lengths, _groups = SegmentCache(500), SegmentCache(500)


def groups_in(reader):
    """The ids of the groups that have entries in one segment (deleted ones included)."""
    return _groups.get(reader.segment().segment_id(),
                       lambda: frozenset(reader.column_reader("group")))


def field_lengths(reader, fieldname):
    """The length of `fieldname` in each document of a segment as Whoosh's scorer reads
    it, filled in as documents are met (0: not read yet)."""
    return _lengths.get((reader.segment().segment_id(), fieldname),
                        lambda: [0] * reader.doc_count_all())


class PreloadedUnion(Or):
    """An Or whose matches are read in full when its matcher is made (see above): for
    many small alternatives, such as one word in each of the caller's scopes, and for
    the relaxed reading of a question (`words`: see `preload`)."""

    def __init__(self, subqueries, boost=1.0, words=None):
        super().__init__(subqueries, boost=boost)
        self.words = words

    def normalize(self):  # keeps each subquery (and its word) in its place
        return PreloadedUnion([q.normalize() for q in self.subqueries], boost=self.boost,
                              words=self.words)

    def _matcher(self, subs, searcher, context):
        m = preload(self.sources(subs, searcher, context), counted=self.words is not None)
        if self.boost != 1.0 and isinstance(m, Preloaded):
            m._scores = [score * self.boost for score in m._scores]
        return m

    def sources(self, subs, searcher, context, word=None):
        """(word, pairs) of every alternative, nested unions read as one; an alternative
        in a group's scope is not even looked up in a segment that holds nothing of that
        group (a supervisor of 400 groups looked each word up 400 times per segment)."""
        present = groups_in(searcher.reader()) if searcher.is_atomic() else None
        for n, sub in enumerate(subs):
            if self.words is not None:
                word = self.words[n]
            if type(sub) is PreloadedUnion and sub.words is None and sub.boost == 1.0:
                yield from sub.sources(sub.subqueries, searcher, context, word)
                continue
            scope = getattr(sub, "scope", None)
            if present is not None and scope is not None and not scope.startswith("~") \
                    and scope not in present:
                continue  # "~": the open and site-wide scopes, found in any segment
            pairs = expanded_pairs(sub, searcher, context)
            yield word, (pairs if pairs is not None
                         else matcher_pairs(sub.matcher(searcher, context)))


class PreloadedAnd(And):
    """An And of preloaded matches, intersected as dictionaries (scores summed, as an
    And sums them); other matchers are intersected by Whoosh as usual."""

    def _matcher(self, subs, searcher, context):
        ms = []
        for sub in subs:  # one part matching nothing: no need to read the others
            m = sub.matcher(searcher, context)
            if not m.is_active():
                return NullMatcher()
            ms.append(m)
        if not all(isinstance(m, Preloaded) for m in ms):
            return make_binary_tree(IntersectionMatcher, ms)
        ms.sort(key=lambda m: len(m._ids) - m._i)
        common = summed_intersection([m.items() for m in ms])
        ids = sorted(common)
        return Preloaded(ids, [common[d] for d in ids]) if ids else NullMatcher()
