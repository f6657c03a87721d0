"""Queries: the user's query string parsed, the permission filter added, hits checked.

The permission filter is part of the Whoosh query itself, so totals, facet counts and
snippets only ever come from entries the caller may see: group content of the groups the
caller may read right now, and site-wide entries whose `allowed` principals the caller
holds; for an anonymous caller, only what the library lists as on the public web (the
public scope, `PublicOnly`). Every hit on the page is then checked once more against
the real security policy.
"""
from datetime import datetime, timedelta, timezone
from fnmatch import translate
from functools import lru_cache
import html
import itertools
import logging
import re

import numpy as np
from whoosh import collectors, qparser
from whoosh.qparser.dateparse import DateParserPlugin
from whoosh.matching import IntersectionMatcher, NullMatcher
from whoosh.query import And, AndNot, Not, NullQuery, Or, Phrase, Query, Term
from whoosh.util.times import datetime_to_long

from . import speedups
from .helpful import nearest_word, plain_window
from .caches import SegmentCache
from .columns import LARGEST, coded, numbers
from .matchers import (NO_IDS, Preloaded, admitting, deleted_mask, groups_in,
                       held_in_scopes, remembered, sampling_phrases)
from .records import as_aware_utc, as_naive_utc, find_by_path
from .schema import make_schema, text_analyzer
from .scopes import OPEN, scopes_for, within
from .tally import FACETS, NEWEST, Tally

speedups.install()

log = logging.getLogger(__name__)

FIELDS = ("title", "text", "author", "type", "group", "modified")
ALIASES = {"text": ["body", "content"], "type": ["kind"], "author": ["by"],
           "modified": ["date"]}
KNOWN_FIELDS = set(FIELDS) | {alias for names in ALIASES.values() for alias in names}
MAX_LIMIT = 100
MIN_WILDCARD_PREFIX = 2
# What one query may ask for: its cost grows with its words (each prefix expands to many
# terms) and with how deep its pages go, and any member can send one.
MAX_QUERY_CHARS = 1000
MAX_TERMS = 40
MAX_WILDCARDS = 8
MAX_DEPTH = 10_000  # page x limit: results beyond this are not listed
SNIPPET_CHARS = 240

_FIELD_RE = re.compile(r'(?<![\w"])([A-Za-z_]+):(?=\S)')
_WILDCARD_RE = re.compile(r"(?<![\w*?])([\w]*)[*?]")


QUERY_SCHEMA = make_schema()


class QueryError(ValueError):
    """The query cannot be understood; the message says why, in the users' words."""


# parsing ------------------------------------------------------------------------
def outside_quotes(text):
    """`text` with quoted phrases blanked out (so their contents are not syntax)."""
    return re.sub(r'"[^"]*"', lambda m: " " * len(m.group(0)), text)


def check_syntax(text):
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"A search can be at most {MAX_QUERY_CHARS} characters long.")
    if text.count('"') % 2:
        raise QueryError('A quotation mark is not closed: add the closing ".')
    bare = outside_quotes(text)
    depth = 0
    for char in bare:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            raise QueryError("A closing parenthesis has no opening one.")
    if depth:
        raise QueryError("A parenthesis is not closed.")
    for name in _FIELD_RE.findall(bare):
        if name.lower() not in KNOWN_FIELDS:
            raise QueryError(f'"{name}:" is not a field you can search. Use title:, text:, '
                             "author:, type:, group: or modified:.")
    wildcards = _WILDCARD_RE.findall(bare)
    for prefix in wildcards:
        if len(prefix) < MIN_WILDCARD_PREFIX:
            raise QueryError(f"Put at least {MIN_WILDCARD_PREFIX} letters before * or ?.")
    if len(wildcards) > MAX_WILDCARDS:
        raise QueryError(f"Use * or ? at most {MAX_WILDCARDS} times in one search.")
    if re.search(r"(^|\s)(AND|OR|NOT)\s*$", bare) or re.match(r"^\s*(AND|OR)\b", bare):
        raise QueryError("AND, OR and NOT need a word on each side.")


def make_parser(schema, group):
    parser = qparser.MultifieldParser(["title", "text"], schema, group=group)
    parser.add_plugin(qparser.FieldAliasPlugin(ALIASES))
    errors = []
    parser.add_plugin(DateParserPlugin(callback=errors.append))
    return parser, errors


def parse(schema, text, relaxed=False):
    """The Whoosh query of the user's text; raises QueryError on a syntax error."""
    check_syntax(text)
    group = qparser.OrGroup.factory(0.9) if relaxed else qparser.AndGroup
    parser, errors = make_parser(schema, group)
    try:
        parsed = parser.parse(text)
    except Exception as exc:  # whoosh is lenient; whatever still fails is the query's fault
        raise QueryError(f"This query cannot be understood ({exc}).") from exc
    if errors:
        raise QueryError("A date cannot be understood: write it as 2026-11-23, or a "
                         "range as modified:[2026-01-01 to 2026-06-30].")
    if term_count(parsed) > MAX_TERMS:
        raise QueryError(f"Search for at most {MAX_TERMS} words at once.")
    return parsed


def term_count(parsed):
    return sum(1 for _ in parsed.leaves())


def refuse_author_terms(parsed):
    """The public web shows no author, so an anonymous query may not ask for one."""
    if parsed is not None and any(field == "author" for field, _ in parsed.iter_all_terms()):
        raise QueryError("author: is not available without logging in.")


# the permission filter ----------------------------------------------------------
def readable_groups(site, user, permits):
    """Ids of the groups whose content `user` may read right now: their own groups and
    open groups, each confirmed by `permits(group, "view")`. Open groups are those the
    Groups folder lists as open (`open`), never found by reading every group of the
    site, nor every listed one (8,300 of Egypt's 41,500: 6 ms a query)."""
    if user is None:
        return []
    groups = site["groups"]
    candidates = set(user.groups.keys())
    candidates.update(groups.open)
    return sorted(gid for gid in candidates
                  if gid in groups and permits(groups[gid], "view"))


class Permitted(Query):
    """The permission filter as a Whoosh query: entries of the groups in `group_ids`, and
    site-wide entries whose `allowed` principals include one of `principals`; narrowed
    to a date range, kinds and authors when the caller asks.

    Per index segment it matches a list of document numbers computed from the segment's
    columns and `allowed` postings and cached (segments never change), so a query costs
    what the user's words cost, not a union over every readable group. It scores 0: it
    filters, it does not rank. (The words are read in the caller's scopes only, see
    scopes.py; this filter is what makes that safe.)
    """

    def __init__(self, group_ids, principals, start=None, end=None, types=(), authors=(),
                 open_ids=()):
        self.group_ids = frozenset(group_ids)
        self.open_ids = frozenset(open_ids) & self.group_ids
        self.principals = frozenset(principals)
        self.start = datetime_to_long(as_naive_utc(start)) if start else None
        self.end = datetime_to_long(as_naive_utc(end)) if end else None
        self.types = frozenset(t for t in types if t)
        self.authors = frozenset(a for a in authors if a)

    def __repr__(self):
        return f"Permitted{self._key()!r}"

    def _key(self):
        return (self.group_ids, self.principals, self.start, self.end, self.types,
                self.authors, self.open_ids)

    def __eq__(self, other):
        return type(other) is type(self) and other._key() == self._key()

    def __hash__(self):
        return hash(self._key())

    def is_leaf(self):
        return True

    def scopes(self):
        """The word scopes (see scopes.py) of the entries this filter can admit."""
        return scopes_for(self.group_ids, self.open_ids, bool(self.principals))

    def estimate_size(self, ixreader):
        return ixreader.doc_count_all()

    def matcher(self, searcher, context=None):
        if searcher.is_atomic():
            ids = self.segment_ids(searcher.reader())
        else:  # a searcher over several segments (collectors use one segment at a time)
            ids = np.concatenate([offset + self.segment_ids(sub.reader())
                                  for sub, offset in searcher.leaf_searchers()] or [NO_IDS])
        return Preloaded(ids) if len(ids) else NullMatcher()

    def segment_ids(self, reader):
        """The sorted numbers of one segment's live documents admitted: only a search
        without words (browsing) or over several segments needs them all; a search for
        words checks its matches (`admission`)."""
        ids = np.arange(reader.doc_count_all())
        return ids[self.admission(reader)(ids)]

    def admission(self, reader):
        """`admits(ids)` for one segment: a mask, True for a live document of one of the
        groups, or a site-wide one allowed to one of the principals, in the date range,
        kinds and authors asked for.

        It reads per-segment values that every caller shares (the group column, the
        documents each principal may see): nothing is kept per caller, so memory does
        not grow with the number of people searching (a set of every document a
        caller may read, kept per principal set, reached gigabytes at 870,000 people).
        """
        groups = coded(reader, "group")
        in_groups = groups.table(self.group_ids)
        site_wide = groups.index.get("")  # the code of entries of no group
        few, many = set(), []
        for principal in self.principals:
            ids = principal_ids(reader, principal)
            if len(ids) > SHARED_PRINCIPAL:
                many.append(principal)  # Authenticated: every profile; a flag per document
            else:
                few.update(ids.tolist())  # a group's managers: its entry, a few profiles
        few = np.array(sorted(few), np.int64)
        flags = principal_flags(reader, many) if many else None

        def readable(ids):
            codes = groups.codes[ids]
            ok = in_groups[codes]
            if site_wide is not None and (len(few) or flags is not None):
                allowed = np.isin(ids, few) if len(few) else np.zeros(len(ids), bool)
                if flags is not None:
                    allowed |= flags[ids]
                ok |= (codes == site_wide) & allowed
            return ok
        return self.narrowed(reader, readable)

    def narrowed(self, reader, readable):
        """`readable(ids)` (a mask) narrowed to live documents in the date range, kinds
        and authors asked for."""
        deleted = deleted_mask(reader) if reader.has_deletions() else None
        checks = self.column_checks(reader)

        def admits(ids):
            ok = readable(ids)
            if deleted is not None:
                ok &= ~deleted[ids]
            for check in checks:
                ok &= check(ids)
            return ok
        return admits

    def column_checks(self, reader):
        """Per-document checks (masks of `ids`) of the date range, kinds and authors
        asked for."""
        checks = []
        if self.start is not None or self.end is not None:
            modified = numbers(reader, "modified")
            start = np.uint64(max(0, self.start) if self.start is not None else 0)
            end = np.uint64(max(0, self.end) if self.end is not None else LARGEST)

            def in_dates(ids):
                when = modified[ids]
                return (when >= start) & (when <= end)
            checks.append(in_dates)
        for field, wanted in (("type", self.types), ("author", self.authors)):
            if wanted:
                column = coded(reader, field)
                table = column.table(wanted)
                checks.append(lambda ids, codes=column.codes, table=table: table[codes[ids]])
        return checks


SHARED_PRINCIPAL = 1000  # documents: a principal allowed more is checked by a flag
# One entry per (segment, principal) any caller held: mostly a group's own entry.
_by_principal = SegmentCache(100_000)
_flags = SegmentCache(200)  # (segment, the shared principals): members', admins' sets


def principal_flags(reader, principals):
    """True for each document of one segment one of `principals` (each allowed more
    than SHARED_PRINCIPAL documents) may see; shared by every caller holding the same
    ones (Authenticated; admins' role too), 1 MB per million entries each."""
    def compute():
        flags = np.zeros(reader.doc_count_all(), bool)
        for principal in principals:
            flags[principal_ids(reader, principal)] = True
        return flags
    return _flags.get((reader.segment().segment_id(), tuple(sorted(principals))), compute)


def principal_ids(reader, principal):
    """Sorted numbers of one segment's site-wide documents allowed to `principal`
    (deleted ones included: callers check), shared by every caller holding it."""
    def compute():
        if ("allowed", principal) not in reader:
            return NO_IDS
        return np.sort(np.fromiter(reader.postings("allowed", principal).all_ids(),
                                   np.int64))
    return _by_principal.get((reader.segment().segment_id(), principal), compute)


class PublicOnly(Permitted):
    """The public scope, an anonymous caller's filter: the entries whose paths the
    library lists as on the public web (`paths`, read from the database on each
    request, so taking an item off the public web counts from the next request), and
    nothing else: no group's other content, no site-wide entry, whatever the query asks.
    Their words are read in `word_scopes`, the scopes of their groups."""

    def __init__(self, paths, word_scopes, start=None, end=None, types=(), authors=()):
        super().__init__((), (), start, end, types, authors)
        self.paths, self.word_scopes = frozenset(paths), tuple(word_scopes)

    def _key(self):
        return super()._key() + (self.paths, self.word_scopes)

    def scopes(self):
        return list(self.word_scopes)

    def public_ids(self, reader):
        """The sorted numbers of this segment's entries at the public paths (deleted ones
        included: callers check), shared by every anonymous caller until one changes."""
        def compute():
            found = set()
            for path in self.paths:
                if ("path", path) in reader:
                    found.update(reader.postings("path", path).all_ids())
            return np.array(sorted(found), np.int64)
        return _by_public.get((reader.segment().segment_id(), self.paths), compute)

    def segment_ids(self, reader):
        ids = self.public_ids(reader)
        return ids[self.admission(reader)(ids)]

    def admission(self, reader):
        public = self.public_ids(reader)
        return self.narrowed(reader, lambda ids: np.isin(ids, public))


_by_public = SegmentCache(200)  # (segment, the public paths): few sets are ever current


def public_filter(site, groups=(), start=None, end=None, types=(), authors=()):
    """The public scope (see PublicOnly) of `site` now, narrowed to `groups` if given."""
    paths, word_scopes = [], set()
    folder = site["groups"]
    for path in site["library"].public.keys():
        parts = path.strip("/").split("/")
        gid = parts[1] if len(parts) > 2 and parts[0] == "groups" else None
        if gid is None or gid not in folder or (any(groups) and gid not in groups):
            continue  # only group content goes on the public web
        paths.append(path)
        word_scopes.add(OPEN if folder[gid].visibility == "open" else gid)
    if not paths:
        return NullQuery
    return PublicOnly(paths, sorted(word_scopes), start, end, types, authors)


def permission_filter(group_ids, principals, start=None, end=None, types=(), authors=(),
                      open_ids=()):
    """Matches group content of `group_ids` (`open_ids` among them are open groups) and
    site-wide entries allowed to `principals` (modified between `start` and `end`, of
    `types`, by `authors` when given)."""
    if not group_ids and not principals:
        return NullQuery
    return Permitted(group_ids, principals, start, end, types, authors, open_ids)


class Filtered(Query):
    """The matches of `query` that `allowed` (a Permitted) admits, scored by `query`.

    When the words' matches are preloaded (see matchers.py) each is checked by the
    filter's `admission` in one pass, instead of Whoosh's intersection matcher walking
    the matches and a list of every admitted document in Python."""

    def __init__(self, query, allowed):
        self.query, self.allowed = query, allowed

    def __repr__(self):
        return f"Filtered({self.query!r}, {self.allowed!r})"

    def __eq__(self, other):
        return (type(other) is type(self) and other.query == self.query
                and other.allowed == self.allowed)

    def __hash__(self):
        return hash((self.query, self.allowed))

    def is_leaf(self):
        return True

    def estimate_size(self, ixreader):
        return self.query.estimate_size(ixreader)

    def matcher(self, searcher, context=None):
        if not searcher.is_atomic():
            return And([self.query, self.allowed]).matcher(searcher, context)
        admits = self.allowed.admission(searcher.reader())
        with admitting(admits):  # a phrase's candidates: those the caller may see
            m = self.query.matcher(searcher, context)
        if isinstance(m, Preloaded):
            return m.where(admits)
        if not m.is_active():
            return NullMatcher()
        ids = self.allowed.segment_ids(searcher.reader())
        return IntersectionMatcher(m, Preloaded(ids)) if len(ids) else NullMatcher()


# searching --------------------------------------------------------------------
def search(store, site, user, principals, permits, q="", types=(), groups=(), authors=(),
           start=None, end=None, sort="relevance", page=1, limit=20):
    """One page of what `user` may see matching `q` and the filters.

    Returns {total, page, pages, relaxed, results: [{path, type, title, group, author,
    modified, snippet}], facets: {type|group|author: {value: count}}, total_exact};
    `snippet` is HTML with matches in <mark>; the total is exact unless `total_exact`
    is False (a phrase of common words: see `run`), the facet counts count the matches
    found. Raises QueryError for a query that cannot be understood.
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    page = max(1, int(page))
    if page * limit > MAX_DEPTH:
        raise QueryError(f"Only the first {MAX_DEPTH:,} results can be listed: narrow the "
                         "search.")
    q = (q or "").strip()
    searcher = store.searcher()
    schema = QUERY_SCHEMA  # words are read as this code reads them, not as the index did
    if user is None:  # anonymous: the public web only (issue 13), and no author asked for
        allowed = public_filter(site, groups, start, end, types)
    else:
        readable = readable_groups(site, user, permits)
        if any(groups):  # some groups only: their scopes are all that is read
            readable, principals = [gid for gid in readable if gid in groups], ()
        open_ids = [gid for gid in readable if site["groups"][gid].visibility == "open"]
        allowed = permission_filter(readable, principals, start, end, types, authors,
                                    open_ids)
    relaxed = False
    parsed = parse(schema, q) if q else None
    if user is None:
        refuse_author_terms(parsed)
    with remembered():
        found = run(searcher, parsed, allowed, sort, page, limit)
        if found["total"] == 0 and parsed is not None and term_count(parsed) > 1:
            loose = parse(schema, q, relaxed=True)
            if loose != parsed:
                parsed, relaxed = loose, True
                found = run(searcher, loose, allowed, sort, page, limit)
    suggestion = None
    # Not for anonymous callers: a public item's scope holds its group's other words.
    if (found["total"] == 0 and parsed is not None and isinstance(allowed, Permitted)
            and not isinstance(allowed, PublicOnly)):
        with remembered():
            suggestion = did_you_mean(searcher, q, allowed, lambda text: run(
                searcher, parse(schema, text), allowed, "relevance", 1, 1)["hits"])
    marker = Marker(parsed)
    results, facets = checked_hits(site, found["hits"], permits, marker), found["facets"]
    if user is None:  # who wrote it and in which group are not for the public web
        facets = dict(facets, author={}, group={})
        for hit in results:
            hit["author"] = hit["group"] = None
    return {"total": found["total"], "total_exact": found["exact"], "page": page,
            "pages": max(1, -(-found["listed"] // limit)), "relaxed": relaxed,
            "results": results, "facets": facets, "suggestion": suggestion}


def did_you_mean(searcher, q, allowed, first_hits):
    """`q` with each word the caller's entries lack replaced by the nearest one they hold,
    spelt as in the best entry found with it (the index keeps stems); None if none is."""
    reader, scopes = searcher.reader(), allowed.scopes()
    changed = {}
    for word in set(WORD_RE.findall(q)):
        form = index_form(word)
        near = nearest_word(reader, form, scopes) if form else None
        if near:
            changed[word] = near
    if not changed:
        return None
    corrected = WORD_RE.sub(lambda m: changed.get(m.group(), m.group()), q)
    for hit in first_hits(corrected):
        seen = {index_form(w): w for w in WORD_RE.findall(
            f"{hit.get('title') or ''} {hit.get('body') or ''}")}
        corrected = WORD_RE.sub(lambda m: seen.get(changed[m.group()], changed[m.group()])
                                if m.group() in changed else m.group(), q)
    return corrected


def run(searcher, parsed, allowed, sort, page, limit):
    """{total, listed, exact, facets, hits} of one query, in one pass over the matches:
    each goes to the top-k (scored, or sorted by date) collector and is tallied for the
    total and the facet counts. `allowed` is the permission filter (a Permitted, or
    NullQuery). The total is exact unless a phrase was sampled (see
    matchers.sampling_phrases): then it is estimated from the sample ("about"), and
    `listed` (the matches found, which the facets count) is what pages can show."""
    # One word: reading its postings is all the check would do (in every scope, which
    # for a supervisor of 400 groups is a fifth of the search).
    several = parsed is not None and len({repr(getattr(leaf, "text", None)
                                               or getattr(leaf, "words", None) or leaf)
                                          for leaf in parsed.leaves()}) > 1
    excluding = excludes(parsed)  # the same before scoping, on a tree one scope wide
    if parsed is not None and isinstance(allowed, Permitted):
        parsed = within(parsed, allowed.scopes())
    if (not isinstance(allowed, Permitted)
            or parsed is not None and (parsed == NullQuery  # only common words
                                       or several and cannot_match(searcher, parsed))):
        return {"total": 0, "listed": 0, "exact": True, "hits": [],
                "facets": {name: {} for name in FACETS}}
    query = Filtered(parsed, allowed) if parsed is not None else allowed
    if sort == "date" or parsed is None:
        top = collectors.SortingCollector(NEWEST, limit=page * limit)
    else:
        # No skipping of low-scoring blocks or sub-queries: the tally must see every match.
        top = collectors.TopCollector(page * limit, usequality=False, replace=0)
    tally = Tally(top)
    with sampling_phrases(newest=sort == "date", every=excluding,
                          least=page * limit) as sample:
        searcher.search_with_collector(query, tally)
    hits = [hit.fields() for hit in tally.results()[(page - 1) * limit:page * limit]]
    listed, facets = tally.counts()
    total = listed
    if sample["checked"]:  # the unchecked candidates, at the rate the checked matched
        unchecked = sample["candidates"] - sample["checked"]
        total = listed + about(unchecked * sample["matched"] / sample["checked"])
    return {"total": total, "listed": listed, "exact": not sample["checked"],
            "facets": facets, "hits": hits}


def about(estimate):
    """An estimated number to two figures (52,340.7 -> 52,000)."""
    digits = max(0, len(str(int(estimate))) - 2)
    return int(round(estimate, -digits))


def excludes(query):
    """Whether `query` excludes anything (NOT, or AND NOT)."""
    if query is None:
        return False
    if isinstance(query, (Not, AndNot)):
        return True
    return any(excludes(child) for child in query.children())


def cannot_match(searcher, query):
    """True when the index has no document that could match `query`: every word needed
    is looked up in the term index instead of walking the other words' postings (an AND
    with a word found nowhere, e.g. a question's "what did ... say", still walked them all
    before the relaxed query ran). False whenever unsure."""
    if isinstance(query, Term):
        return absent(searcher, query.fieldname, query.text, getattr(query, "scope", None))
    if isinstance(query, Phrase):
        return any(absent(searcher, query.fieldname, word, getattr(query, "scope", None))
                   for word in query.words)
    if isinstance(query, And):  # PreloadedAnd too
        return any(cannot_match(searcher, sub) for sub in query.subqueries)
    if isinstance(query, Or):  # PreloadedUnion too: one word in each scope told at once
        for target, run in itertools.groupby(
                query.subqueries, key=lambda q: getattr(q, "unscoped", None)
                if type(q) is Term else None):
            run = list(run)
            held = None if target is None else held_in_scopes(searcher, run)
            if held or held is None and not all(cannot_match(searcher, q) for q in run):
                return False
        return True
    return False


def absent(searcher, fieldname, word, scope=None):
    """True when no segment holds `word`; segments without entries of `scope`'s group
    are not even asked (see matchers.groups_in)."""
    for reader, _ in searcher.reader().leaf_readers():
        if scope and not scope.startswith("~") and scope not in groups_in(reader):
            continue
        if reader.doc_frequency(fieldname, word):
            return False
    return True


# snippets ------------------------------------------------------------------------
WORD_RE = re.compile(r"\w+(?:\.?\w+)*")
_analyzer = text_analyzer()


@lru_cache(maxsize=200_000)
def index_form(word):
    """A word as the index keeps it (folded, stemmed), or None for a stop word."""
    tokens = [token.text for token in _analyzer(word)]
    return tokens[0] if tokens else None


class Marker:
    """Tells whether a word of a text matches the query's title/text terms."""

    def __init__(self, parsed):
        self.terms, patterns = set(), []
        for leaf in parsed.leaves() if parsed is not None else ():
            if getattr(leaf, "fieldname", None) not in ("title", "text"):
                continue
            kind = type(leaf).__name__
            if kind == "Term":
                self.terms.add(leaf.text)
            elif kind == "Phrase":
                self.terms.update(leaf.words)
            elif kind == "Prefix":
                patterns.append(re.escape(leaf.text) + ".*")
            elif kind == "Wildcard":
                patterns.append(translate(leaf.text).replace("\\Z", "").rstrip("$"))
        self.pattern = re.compile("|".join(f"(?:{p})" for p in patterns) + r"\Z") \
            if patterns else None

    def matches(self, word):
        form = index_form(word)
        if form is None:
            return False
        return form in self.terms or bool(self.pattern and self.pattern.match(form))

    def snippet(self, markdown):
        """HTML: about SNIPPET_CHARS of what a reader sees of `markdown` (plain text, see
        helpful.py) around the first match, matches in <mark>."""
        first = next((m.start() for m in WORD_RE.finditer(markdown)
                      if self.matches(m.group())), None)
        text, cut_before, cut_after = plain_window(markdown, first or 0)
        first = next((m.start() for m in WORD_RE.finditer(text) if self.matches(m.group())),
                     None)
        if first is None:
            return ("…" if cut_before else "") + html.escape(text[:SNIPPET_CHARS]) + (
                "…" if cut_after or len(text) > SNIPPET_CHARS else "")
        start = max(0, first - 60)
        while start > 0 and not text[start - 1].isspace() and first - start < 80:
            start -= 1
        window = text[start:start + SNIPPET_CHARS]
        out, at = [], 0
        for m in WORD_RE.finditer(window):
            if self.matches(m.group()):
                out.append(html.escape(window[at:m.start()]))
                out.append(f'<mark class="hit">{html.escape(m.group())}</mark>')
                at = m.end()
        out.append(html.escape(window[at:]))
        return (("…" if start or cut_before else "") + "".join(out)
                + ("…" if cut_after or start + SNIPPET_CHARS < len(text) else ""))


def checked_hits(site, hits, permits, marker):
    """The page's hits, each confirmed against the real policy (a miss is logged)."""
    checked = []
    for hit in hits:
        obj = find_by_path(site, hit["path"])
        permission = "see" if hit["type"] == "group" else "view"
        if obj is None or not permits(obj, permission):
            log.warning("search hit %s dropped by the permission check", hit["path"])
            continue
        checked.append({"path": hit["path"], "type": hit["type"], "title": hit["title"],
                        "group": hit.get("group") or None,
                        "author": hit.get("author") or None,
                        "modified": as_aware_utc(hit.get("modified")),
                        "snippet": marker.snippet(hit.get("body") or "")})
    return checked


def parse_day(value, end=False):
    """A datetime (UTC) from 'YYYY-MM-DD' or an ISO 8601 time; the end of the day for
    `end`. Raises ValueError."""
    value = (value or "").strip()
    if not value:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        if end:
            try:
                return day + timedelta(days=1) - timedelta(microseconds=1)
            except OverflowError:  # 9999-12-31: the end of time is the end of its day
                return datetime.max.replace(tzinfo=timezone.utc)
        return day
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
