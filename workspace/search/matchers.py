"""Preloaded matchers: sorted arrays of document numbers with their scores.

A word looked up in twenty scopes is twenty small posting lists. Whoosh joins them in a
binary tree of union matchers, and every step of the search then walks that tree in
Python (four fifths of a one-word query's time at 100,000 entries). Reading the
postings of each scope once into NumPy arrays, scored, summed and intersected as whole
arrays, turns the rest of the search into array operations: at a million entries a
common word has 100,000 postings, and scoring, admitting, ranking and counting them one
by one in Python was the whole cost of its query. Skips are binary searches.
"""
from bisect import bisect_left
from contextlib import contextmanager
from math import log
import contextvars
import itertools
import threading

from cachetools import LRUCache
import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, W3TermsReader, _lenfield
from whoosh.matching import (IntersectionMatcher, ListMatcher, Matcher, NullMatcher,
                             ReadTooFar)
from whoosh.query import And, Or, Phrase, Prefix, Term, Wildcard
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F
from whoosh.util import make_binary_tree
from whoosh.util.numeric import byte_to_length

from .caches import SegmentCache
from .columns import LARGEST, coded, numbers


NO_IDS, NO_SCORES = np.zeros(0, np.int64), np.zeros(0, np.float64)


def pairs_of(ids, scores):
    """(ids, scores) as the arrays every function here passes around."""
    return np.asarray(ids, np.int64), np.asarray(scores, np.float64)


class Preloaded(Matcher):
    """Document numbers (sorted, unique) and their scores (None: every score is 0)."""

    def __init__(self, ids, scores=None, position=0):
        self._ids = np.asarray(ids, np.int64)
        self._scores = None if scores is None else np.asarray(scores, np.float64)
        self._i = position

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
        return int(self._ids[self._i])

    def all_ids(self):
        return iter(self._ids[self._i:].tolist())

    def next(self):
        self._i += 1

    def skip_to(self, id):
        if not self.is_active():
            raise ReadTooFar
        self._i = max(self._i, int(np.searchsorted(self._ids, id)))

    def weight(self):
        return 1.0

    def score(self):
        return float(self._scores[self._i]) if self._scores is not None else 0.0

    def max_quality(self):
        if self._scores is None or not self.is_active():
            return 0.0
        return float(self._scores[self._i:].max())

    def rest(self):
        """(ids, scores) arrays from the current position on."""
        ids = self._ids[self._i:]
        scores = self._scores[self._i:] if self._scores is not None \
            else np.zeros(len(ids), np.float64)
        return ids, scores

    def where(self, admits):
        """The rest of this list restricted to the numbers `admits(ids)` (a mask of the
        same length) accepts."""
        ids, scores = self.rest()
        keep = admits(ids)
        return Preloaded(ids[keep], scores[keep]) if keep.any() else NullMatcher()


def preload(sources, counted=False):
    """One Preloaded matcher of the (ids, scores) of all `sources`, summed; `sources`
    is a list of (word, (ids, scores)).

    `counted` (a relaxed question, where each source's word is what it looks for, title
    and text sharing a word): documents containing more of the words come first, by
    their summed score among equals: the score is the number of words plus a fraction.
    (Whoosh's own coordination bonus counted a word in title and text twice and was too
    weak to rank "teacher pathways" above a text saying "teacher" three times.)"""
    sources = [(word, pairs) for word, pairs in sources if len(pairs[0])]
    if not sources:
        return NullMatcher()
    ids = np.concatenate([pairs[0] for _, pairs in sources])
    scores = np.concatenate([pairs[1] for _, pairs in sources])
    # A stable sort keeps each number's scores in the order the sources come, so they
    # are summed as adding them one by one would.
    order = np.argsort(ids, kind="stable")
    ids = ids[order]
    starts = np.flatnonzero(firsts(ids))
    unique, totals = ids[starts], np.add.reduceat(scores[order], starts)
    if not counted:
        return Preloaded(unique, totals)
    by_word = {}
    for word, (found, _) in sources:
        by_word.setdefault(word, []).append(found)
    holding = np.concatenate([distinct(np.concatenate(parts)) for parts in by_word.values()])
    words = np.bincount(np.searchsorted(unique, holding), minlength=len(unique))
    return Preloaded(unique, words + totals / (1.0 + totals))


def firsts(ordered):
    """True where a sorted array's value differs from the one before."""
    marks = np.ones(len(ordered), bool)
    marks[1:] = ordered[1:] != ordered[:-1]
    return marks


def distinct(ids):
    """The distinct numbers of `ids`, sorted (by sorting: NumPy's hashing `unique` took
    a fifth of a question's time)."""
    ids = np.sort(ids)
    return ids[firsts(ids)]


def summed_intersection(parts):
    """(ids, summed scores) of the documents in every one of `parts`, each a pair of
    arrays of sorted unique ids and their scores (the smallest first is fastest)."""
    common = None
    for ids, scores in parts:
        if common is None:
            common = (ids, scores)
            continue
        shared, mine, theirs = np.intersect1d(common[0], ids, assume_unique=True,
                                              return_indices=True)
        common = (shared, common[1][mine] + scores[theirs])
        if not len(shared):
            break
    return common if common is not None else (NO_IDS, NO_SCORES)


def matcher_pairs(m):
    """(ids, scores) of every match of any matcher."""
    ids, scores = [], []
    while m.is_active():
        ids.append(m.id())
        scores.append(m.score())
        m.next()
    return pairs_of(ids, scores)


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


def terms_pairs(terms, searcher, context):
    """(ids, scores) of `read_terms`: every term's postings, one term after the other."""
    read = read_terms(terms, searcher, context)
    return None if read is None else read[:2]


def terms_blocks(terms, searcher, context):
    """[(ids, scores) of each of `terms`] from `read_terms`; None where it does not apply."""
    read = read_terms(terms, searcher, context)
    if read is None:
        return None
    ids, scores, counts = read
    ends = np.cumsum(counts)[:-1]
    return list(zip(np.split(ids, ends), np.split(scores, ends)))


def read_terms(terms, searcher, context):
    """`read_terms_postings`, remembered inside a `remembered()` block."""
    memo = _memo.get()
    if memo is None or any(type(term) is not Term for term in terms):
        return read_terms_postings(terms, searcher, context)
    key = (id(searcher.reader()),) + tuple((t.fieldname, t.text, t.boost) for t in terms)
    if key not in memo:
        memo[key] = read_terms_postings(terms, searcher, context)
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


def read_terms_postings(terms, searcher, context):
    """(ids, scores, counts) of every posting of `terms` (Terms of one field, such as one
    word in each of a caller's scopes) in one segment, one term after the other (counts:
    how many each has), each scored with BM25F as Whoosh scores it; None where this
    does not apply (other queries or weightings, boosts, several segments).

    Whoosh looks a term up three times to match it (exists? scorer, postings) and calls
    five functions per posting to score it; this looks each term up once (or not at
    all: see `unscoped_read`), reads the postings a block at a time and scores those of
    all the terms at once, with field lengths from a cached array (a supervisor's word
    is 400 terms, scored one by one they were most of the search)."""
    weighting = (context.weighting if context else None) or searcher.weighting
    fieldname = terms[0].fieldname if terms else None
    if (not terms or any(type(t) is not Term or t.boost != 1.0 or t.fieldname != fieldname
                         for t in terms)
            or not searcher.is_atomic() or type(weighting) is not BM25F
            or fieldname not in searcher.schema):
        return None
    field, reader = searcher.schema[fieldname], searcher.reader()
    if not isinstance(getattr(reader, "_terms", None), W3TermsReader) or not field.scorable:
        return None
    parent = searcher.get_parent()
    read = unscoped_read(terms, reader, parent)
    if read is None:
        read = scoped_read(terms, reader, parent, field)
    ids, w, idf, counts = read
    if not len(ids):
        return NO_IDS, NO_SCORES, counts
    avgfl = whole_index(parent, "avg_field_length", fieldname) or 1
    b, k1 = weighting._field_B.get(fieldname, weighting.B), weighting.K1
    if reader.has_deletions():
        live = ~deleted_mask(reader)[ids]
        if not live.all():
            which = np.repeat(np.arange(len(terms)), counts)
            counts = np.bincount(which[live], minlength=len(terms))
            ids, w, idf = ids[live], w[live], idf[live]
    length = field_lengths(reader, fieldname, ids)
    # whoosh.scoring.bm25 (the same expression in the same order, so the same floats)
    return ids, idf * ((w * (k1 + 1)) / (w + k1 * ((1 - b) + b * length / avgfl))), counts


def scoped_read(terms, reader, parent, field):
    """(ids, weights, idf of each posting, counts) of `terms` in one segment, each term
    looked up in turn."""
    found, weights, idfs, counts = [], [], [], np.zeros(len(terms), np.int64)
    for n, term in enumerate(terms):
        try:
            text = term.text if isinstance(term.text, bytes) else field.to_bytes(term.text)
        except ValueError:
            continue
        ids, w = postings(reader, reader._terms, term.fieldname, text, field.format)
        if len(ids):
            found.append(ids)
            weights.append(w)
            idfs.append(whole_index(parent, "idf", term.fieldname, text))
            counts[n] = len(ids)
    if not found:
        return NO_IDS, NO_SCORES, NO_SCORES, counts
    idf = np.repeat(np.array(idfs, np.float64), counts[counts > 0])
    return np.concatenate(found), np.concatenate(weights), idf, counts


# A term lookup costs about as much as decoding this many postings (bench/
# bench_search_million.py: a supervisor's word is a lookup in each of 400 scopes).
POSTINGS_PER_LOOKUP = 100


def unscoped_read(terms, reader, parent):
    """What `scoped_read` reads, when `terms` are one word in several scopes (as
    scopes.within makes them) and its postings without a scope are fewer than
    POSTINGS_PER_LOOKUP per scope: read from those (one lookup, see schema.py), each
    posting given to its entry's scope, each scope's idf counted from them as Whoosh
    counts it from the scoped term (every segment's postings, deleted ones included).
    The same numbers in the same order as `scoped_read`; None where it does not apply
    or would cost more."""
    found = unscoped_word(terms, parent)
    if found is None:
        return None
    fieldname, text, frequencies = found
    scopes = [t.scope for t in terms]
    ids, w = postings(reader, reader._terms, fieldname, text, parent.schema[fieldname].format)
    column = coded(reader, "scope")
    number = np.full(len(column.values), -1, np.int64)  # the term of each scope's code
    for n, scope in enumerate(scopes):
        code = column.index.get(scope)
        if code is not None:
            number[code] = n
    which = number[column.codes[ids]]
    keep = np.flatnonzero(which >= 0)
    keep = keep[np.argsort(which[keep], kind="stable")]  # term after term, ids in order
    ids, w, which = ids[keep], w[keep], which[keep]
    counts = np.bincount(which, minlength=len(terms))
    count_all = parent.doc_count_all()
    idfs = np.array([log(count_all / (frequencies.get(scope, 0) + 1)) + 1  # Whoosh's idf
                     for scope in scopes], np.float64)
    return ids, w, idfs[which], counts


def held_in_scopes(searcher, terms):
    """Whether any of `terms` (one word in several scopes) is in the index, told from
    the word without a scope (the deleted entries' words count, as Whoosh's document
    frequency counts them); None where that does not apply or costs more than asking
    each term."""
    found = unscoped_word(terms, searcher)
    return None if found is None else any(t.scope in found[2] for t in terms)


def unscoped_word(terms, parent):
    """(unscoped field, word, {scope: entries holding it}) of `terms` when they are one
    word, each in its own scope, and its postings without a scope are few enough to
    read (POSTINGS_PER_LOOKUP per scope); None otherwise."""
    target = getattr(terms[0], "unscoped", None)
    if (target is None or target[0] not in parent.schema
            or any(getattr(t, "unscoped", None) != target for t in terms)
            or len({t.scope for t in terms}) < len(terms)):
        return None
    fieldname, word = target
    try:
        text = word if isinstance(word, bytes) else parent.schema[fieldname].to_bytes(word)
    except ValueError:
        return None
    frequency = whole_index(parent, "doc_frequency", fieldname, text)
    if frequency > POSTINGS_PER_LOOKUP * len(terms):
        return None
    frequencies = scope_frequencies(parent, fieldname, text) if frequency else {}
    return None if frequencies is None else (fieldname, text, frequencies)


def scope_frequencies(parent, fieldname, text):
    """{scope: how many entries of the scope hold `text`} of an unscoped field over every
    segment, deleted ones included (the document frequency of the word's scoped term);
    computed once per query inside a `remembered()` block. None if a segment cannot be
    read this way."""
    memo = _memo.get()
    key = ("scope frequencies", id(parent), fieldname, text)
    if memo is not None and key in memo:
        return memo[key]
    totals = {}
    for reader, _ in parent.reader().leaf_readers():
        if not isinstance(getattr(reader, "_terms", None), W3TermsReader):
            return None
        ids, _ = postings(reader, reader._terms, fieldname, text,
                          parent.schema[fieldname].format)
        if not len(ids):
            continue
        column = coded(reader, "scope")
        counts = np.bincount(column.codes[ids], minlength=len(column.values))
        for code in np.flatnonzero(counts).tolist():
            scope = column.values[code]
            totals[scope] = totals.get(scope, 0) + int(counts[code])
    if memo is not None:
        memo[key] = totals
    return totals


ENTRY_BYTES = 300  # what a kept list costs besides its numbers (key, tuple, arrays)
_postings = LRUCache(maxsize=128 * 1024 * 1024,
                     getsizeof=lambda pair: pair[0].nbytes + pair[1].nbytes + ENTRY_BYTES)
_postings_lock = threading.Lock()
_ABSENT = (np.zeros(0, np.int32), np.zeros(0, np.float32))


def postings(reader, terms, fieldname, text, format_):
    """(ids, weights) of every posting of a word in one segment, deleted ones included;
    empty when the segment has no such word.

    Looking a word up and decoding its postings is most of a search's cost (a pickle
    and a zlib block per 128 postings: 100,000 postings of a word in the profiles took
    35 ms per segment; a supervisor's word is 400 lookups per field and segment), and
    the words most asked for are asked again: every list is kept once decoded, and a
    word's absence too, in at most 128 MB shared by every caller and query."""
    key = (reader.segment().segment_id(), fieldname, text)
    with _postings_lock:
        kept = _postings.get(key)
    if kept is not None:
        return kept[0].astype(np.int64), kept[1].astype(np.float64)
    try:
        info = terms.term_info(fieldname, text)
    except TermNotFound:
        with _postings_lock:
            _postings[key] = _ABSENT
        return NO_IDS, NO_SCORES
    m = terms._codec.postings_reader(terms._postfile, info, format_)
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
    ids, weights = pairs_of(ids, weights)
    with _postings_lock:
        _postings[key] = (ids.astype(np.int32), weights.astype(np.float32))
    return ids, weights


def expanded_pairs(query, searcher, context):
    """`terms_pairs` of a Term, or of every word a Prefix or Wildcard stands for in this
    segment (summed, as Whoosh's Or of those words sums them), `phrases_pairs` of a
    Phrase; None where that does not apply."""
    if type(query) is Phrase:
        return phrases_pairs([query], searcher, context)
    if not isinstance(query, (Prefix, Wildcard)) or query.boost != 1.0:
        return terms_pairs([query], searcher, context)
    if not searcher.is_atomic():
        return None
    words = [Term(query.fieldname, word) for word in query._btexts(searcher.reader())]
    return terms_pairs(words, searcher, context) if words else (NO_IDS, NO_SCORES)


# A pattern is read through the unscoped words when they hold at most this many words
# for it, and this many per scope asked: they are the whole site's words, where each
# scope's own expansion finds its words only.
PATTERN_WORDS, PATTERN_WORDS_PER_SCOPE = 200, 5


def patterns_pairs(patterns, searcher, context):
    """(ids, scores) of one Prefix or Wildcard in several scopes (as scopes.within makes
    them) in one segment: the words it stands for found once among the words without a
    scope, then each word read in all the scopes at once (`terms_pairs`), word after
    word, as each scope's own words would be (a supervisor's prefix was 400 lookups of
    it per field and segment). None where that does not apply or would read more words
    than each scope's own expansion (PATTERN_WORDS)."""
    first = patterns[0]
    unscoped = getattr(first, "unscoped", None)
    if unscoped is None or not searcher.is_atomic() or unscoped[0] not in searcher.schema:
        return None
    expanded = type(first)(unscoped[0], unscoped[1])._btexts(searcher.reader())
    most = min(PATTERN_WORDS, PATTERN_WORDS_PER_SCOPE * len(patterns))
    words = list(itertools.islice(expanded, most + 1))
    if len(words) > most:
        return None  # the whole site's words: each scope's own are fewer
    scoped = [(p.text[:len(p.text) - len(unscoped[1])].encode("utf-8"), p.scope)
              for p in patterns]  # each pattern's scope, as its words start
    found = []
    for word in words:
        pairs = terms_pairs([scoped_term(first.fieldname, start + word, scope,
                                         (unscoped[0], word)) for start, scope in scoped],
                            searcher, context)
        if pairs is None:
            return None
        found.append(pairs)
    if not found:
        return NO_IDS, NO_SCORES
    return np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found])


def scoped_term(fieldname, text, scope, unscoped):
    """The Term of `text` in `scope` (`unscoped`: its field and word without a scope), as
    scopes.in_scope makes one."""
    term = Term(fieldname, text)
    term.scope, term.unscoped = scope, unscoped
    return term


def phrases_pairs(phrases, searcher, context):
    """(ids, scores) of Phrases that differ only in their scope (one phrase in each of
    a caller's scopes; the same field, words and slop) in one segment: per phrase the
    documents having all its words (each word read for every phrase at once, as
    `read_terms` reads them), then word positions compared in those only; scored as
    Whoosh scores a phrase, the sum of its words' scores. None where that does not
    apply."""
    first, schema = phrases[0], searcher.schema
    if (any(p.boost != 1.0 for p in phrases) or not searcher.is_atomic()
            or first.fieldname not in schema
            or not schema[first.fieldname].format.supports("positions")):
        return None
    field = schema[first.fieldname]
    try:
        words = [[field.to_bytes(word) for word in p.words] for p in phrases]
    except ValueError:
        return NO_IDS, NO_SCORES
    unscoped = getattr(first, "unscoped", None)
    columns = [terms_blocks([Term(first.fieldname, ws[k]) if unscoped is None else
                             scoped_term(first.fieldname, ws[k], p.scope,
                                         (unscoped[0], unscoped[1][k]))
                             for p, ws in zip(phrases, words)], searcher, context)
               for k in range(len(first.words))]
    if any(column is None for column in columns):
        return None
    reader = searcher.reader()
    held = [(n, summed_intersection(sorted([column[n] for column in columns],
                                           key=lambda p: len(p[0]))))
            for n in range(len(phrases)) if all(len(column[n][0]) for column in columns)]
    held = [(n, pair) for n, pair in held if len(pair[0])]
    if not held:
        return NO_IDS, NO_SCORES
    docs = np.concatenate([pair[0] for _, pair in held])
    scores = np.concatenate([pair[1] for _, pair in held])
    which = np.repeat([n for n, _ in held], [len(pair[0]) for _, pair in held])
    admits = _admits.get()
    if admits is not None:  # what the caller may not see is neither counted nor compared
        keep = admits(docs)
        docs, scores, which = docs[keep], scores[keep], which[keep]
        if not len(docs):
            return NO_IDS, NO_SCORES
    pick = sampled(reader, docs, scores)
    if pick is not None:
        docs, scores, which = docs[pick], scores[pick], which[pick]
    where = positions_reader(reader, phrases, words, docs, which)
    keep = np.array([in_sequence([w[d] for w in where(n)], first.slop)
                     for d, n in zip(docs.tolist(), which.tolist())], bool)
    if pick is not None:
        _phrases.get()["matched"] += int(keep.sum())
    return docs[keep], scores[keep]


def sampled(reader, docs, scores):
    """Inside `sampling_phrases`, the positions in `docs` (one segment's candidates of a
    phrase, in any of its scopes) of those whose words are compared, when not all are:
    the best (newest) of them, in their order; None when all are compared."""
    sample = _phrases.get()
    if sample is None:
        return None
    checks = max(sample["left"], sample["least"])
    sample["left"] = max(0, sample["left"] - len(docs))
    if len(docs) <= checks:
        return None
    keys = LARGEST - numbers(reader, "modified")[docs] if sample["newest"] else -scores
    pick = np.sort(best_first(docs, keys, checks))
    sample["candidates"] += len(docs)
    sample["checked"] += len(pick)
    return pick


def positions_reader(reader, phrases, words, docs, which):
    """`where(n)`: for each word of phrase n, {doc: its positions} for the `docs` of
    phrase n (`which`). A phrase with one document to compare (a supervisor's phrase is
    one in each of 400 scopes) reads it from the words without a scope, together with
    every other such phrase's: one lookup per word instead of one per word and scope.
    A phrase with several reads them from its own words, where they share blocks."""
    phrase_of, count = np.unique(which, return_counts=True)
    alone = set(phrase_of[count == 1].tolist())
    unscoped = getattr(phrases[0], "unscoped", None)
    if len(alone) < 2 or unscoped is None or unscoped[0] not in reader.schema:
        alone = set()
    read, fieldname = {}, phrases[0].fieldname
    if alone:
        single = np.sort(docs[np.isin(which, list(alone))]).tolist()
        field = reader.schema[unscoped[0]]
        shared = [word_positions(reader, unscoped[0], field.to_bytes(word), single)
                  for word in unscoped[1]]
        read.update((n, shared) for n in alone)

    def where(n):
        if n not in read:
            listed = np.sort(docs[which == n]).tolist()
            read[n] = [word_positions(reader, fieldname, word, listed) for word in words[n]]
        return read[n]
    return where


# Documents whose word positions one query compares at most, and once those are spent,
# per segment (or as many as the page asked for needs, if more).
PHRASE_CHECKS, PHRASE_LEAST = 100, 10


@contextmanager
def sampling_phrases(newest=False, every=False, least=0):
    """Inside this block the phrases of a query compare the word positions of at most
    PHRASE_CHECKS documents holding their words, and then PHRASE_LEAST (or `least`, the
    depth of the page asked for, if more) per segment, the best (`newest`: latest) of
    them, a phrase's candidates in every scope of the caller taken together: comparing
    them is Python calls per document and word, and two common words meet in tens of
    thousands of documents. Yields the counts ({candidates, checked, matched} of the
    phrases sampled) to estimate the total from. With `every` (a query that excludes:
    there a phrase is compared in full, or excluded documents would be listed) nothing
    is sampled and the counts stay 0."""
    counts = {"candidates": 0, "checked": 0, "matched": 0, "newest": newest,
              "left": PHRASE_CHECKS, "least": max(PHRASE_LEAST, least)}
    token = _phrases.set(None if every else counts)
    try:
        yield counts
    finally:
        _phrases.reset(token)


_phrases = contextvars.ContextVar("workspace_search_phrases", default=None)
_admits = contextvars.ContextVar("workspace_search_admits", default=None)


@contextmanager
def admitting(admits):
    """Inside this block the phrases of one segment take as candidates only the entries
    `admits(ids)` (the permission filter's mask) lets through: an estimated total counts
    nothing the caller may not see, and no comparison is spent on it."""
    token = _admits.set(admits)
    try:
        yield
    finally:
        _admits.reset(token)


def best_first(ids, keys, limit):
    """Positions of the `limit` smallest `keys` (ties to the lower id), in that order."""
    if len(ids) > limit:  # those at most as large as the limit-th: the only candidates
        least = np.partition(keys, limit - 1)[limit - 1]
        candidates = np.flatnonzero(keys <= least)
    else:
        candidates = np.arange(len(ids))
    return candidates[np.lexsort((ids[candidates], keys[candidates]))[:limit]]


def word_positions(reader, fieldname, word, docs):
    """{docnum: positions of `word`} for `docs` (sorted, all holding the word).

    A block of postings is decoded only if it holds one of `docs`, and then each
    document's positions are found by one binary search (Whoosh's matcher steps
    through the block and decodes through three calls per document)."""
    terms = getattr(reader, "_terms", None)  # its own postings: `docs` are all live ones
    m = terms.matcher(fieldname, word, reader.schema[fieldname].format) \
        if isinstance(terms, W3TermsReader) else reader.postings(fieldname, word)
    if not isinstance(m, W3LeafMatcher):  # inlined postings: Whoosh's way
        found = {}
        for docnum in docs:
            m.skip_to(docnum)
            found[docnum] = m.value_as("positions")
        return found
    decode, found = m.format.decode_positions, {}
    maxids, starts = blocks_of(reader, m, fieldname, word)
    ends = np.searchsorted(docs, maxids, side="right")  # the docs up to each block's end
    begins = np.concatenate([[0], ends[:-1]])
    for block in np.flatnonzero(ends > begins).tolist():
        m._goto(int(starts[block]))
        m._read_ids()
        m._read_values()
        ids, values = m._ids, m._values
        for docnum in docs[begins[block]:ends[block]]:
            found[docnum] = decode(values[bisect_left(ids, docnum)])
    return found


_blocks = LRUCache(maxsize=16 * 1024 * 1024,  # 16 bytes a block: a million blocks
                   getsizeof=lambda pair: pair[0].nbytes + pair[1].nbytes + ENTRY_BYTES)
_blocks_lock = threading.Lock()


def blocks_of(reader, m, fieldname, word):
    """(largest number, offset) of each block of the posting list `m` (just opened), as
    arrays. A long list's are read once from its block headers and kept: a common word
    has a thousand blocks per segment, and finding the few that hold a phrase's
    candidates walked them all, a header at a time."""
    if m._lastblock:
        return np.array([m._maxid], np.int64), np.array([m._baseoffset], np.int64)

    key = (reader.segment().segment_id(), fieldname, word)
    with _blocks_lock:
        kept = _blocks.get(key)
    if kept is not None:
        return kept
    maxids, starts, position = [m._maxid], [m._baseoffset], m._baseoffset
    while not m._lastblock:
        position = m._nextoffset
        m._goto(position)
        maxids.append(m._maxid)
        starts.append(position)
    kept = np.array(maxids, np.int64), np.array(starts, np.int64)
    with _blocks_lock:
        _blocks[key] = kept
    return kept


def in_sequence(positions, slop):
    """Whether the words occur in order, each 1 to `slop` positions after the last."""
    reach, gaps = set(positions[0]), range(1, max(1, slop) + 1)
    for later in positions[1:]:
        reach = {q for q in later if any(q - gap in reach for gap in gaps)}
        if not reach:
            return False
    return True


_lengths, _deleted = SegmentCache(500), SegmentCache(200)


def groups_in(reader):
    """The ids of the groups that have entries in one segment (deleted ones included),
    as the keys of its group column's codes (the permission filter reads the same)."""
    return coded(reader, "group").index


# A length as Whoosh's scorer reads it from the byte it stores (0: none, read as 1).
LENGTH_OF_BYTE = np.array([1] + [byte_to_length(n) for n in range(1, 256)], np.float64)


def field_lengths(reader, fieldname, ids):
    """The length of `fieldname` in documents `ids` of a segment, as Whoosh's scorer
    reads it (`doc_field_length(docnum, fieldname, 1) or 1`). The byte each length is
    stored as is kept per segment: one byte per document."""
    def compute():
        count = reader.doc_count_all()
        stored = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        return np.zeros(count, np.uint8) if stored is None \
            else np.fromiter(iter(stored), np.uint8, count=count)
    codes = _lengths.get((reader.segment().segment_id(), fieldname), compute)
    return LENGTH_OF_BYTE[codes[ids]]


def deleted_mask(reader):
    """True for each deleted document of a segment (kept per segment and number of
    deletions: a segment's deletions only grow)."""
    def compute():
        mask = np.zeros(reader.doc_count_all(), bool)
        mask[np.fromiter(reader.deleted_docs_set, np.int64)] = True
        return mask
    segment = reader.segment()
    return _deleted.get((segment.segment_id(), segment.deleted_count()), compute)


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
            m._scores = m._scores * self.boost
        return m

    def sources(self, subs, searcher, context):
        """(word, (ids, scores)) of the alternatives; consecutive ones of one kind (see
        `kind_of`: one word or one phrase in each scope) read together."""
        wanted = self.alternatives(subs, searcher)
        for (word, kind), run in itertools.groupby(wanted, key=lambda ws: (ws[0],
                                                                           kind_of(ws[1]))):
            run = [sub for _, sub in run]
            pairs = None if kind is None else READERS[kind[0]](run, searcher, context)
            if pairs is not None:
                yield word, pairs
                continue
            for sub in run:
                pairs = expanded_pairs(sub, searcher, context)
                yield word, (pairs if pairs is not None
                             else matcher_pairs(sub.matcher(searcher, context)))

    def alternatives(self, subs, searcher, word=None, present=None):
        """(word, query) of every alternative, nested unions read as one; an alternative
        in a group's scope is left out in a segment that holds nothing of that group (a
        supervisor of 400 groups looked each word up 400 times per segment)."""
        if present is None and searcher.is_atomic():
            present = groups_in(searcher.reader())
        for n, sub in enumerate(subs):
            if self.words is not None:
                word = self.words[n]
            if type(sub) is PreloadedUnion and sub.words is None and sub.boost == 1.0:
                yield from sub.alternatives(sub.subqueries, searcher, word, present)
                continue
            scope = getattr(sub, "scope", None)
            if present is not None and scope is not None and not scope.startswith("~") \
                    and scope not in present:
                continue  # "~": the open and site-wide scopes, found in any segment
            yield word, sub


def kind_of(query):
    """What alternatives read together share: a Term's field and word; a Phrase's field,
    number of words, slop and words; a Prefix's or Wildcard's field and pattern; None
    for the others, read one by one. (Words without their scope: one word in many
    scopes is read at once, see `unscoped_read`.)"""
    if getattr(query, "boost", None) != 1.0:
        return None
    unscoped = getattr(query, "unscoped", None)
    if type(query) is Term:
        return Term, query.fieldname, unscoped
    if type(query) is Phrase:
        return Phrase, query.fieldname, len(query.words), query.slop, unscoped
    if type(query) in (Prefix, Wildcard) and unscoped is not None:
        return type(query), query.fieldname, unscoped
    return None


READERS = {Term: terms_pairs, Phrase: phrases_pairs, Prefix: patterns_pairs,
           Wildcard: patterns_pairs}  # what reads a run of alternatives of each kind


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
        ids, scores = summed_intersection([m.rest() for m in ms])
        return Preloaded(ids, scores) if len(ids) else NullMatcher()
