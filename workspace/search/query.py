"""Queries: the user's query string parsed, the permission filter added, hits checked.

The permission filter is part of the Whoosh query itself, so totals, facet counts and
snippets only ever come from entries the caller may see: group content of the groups the
caller may read right now, and site-wide entries whose `allowed` principals the caller
holds. Every hit on the page is then checked once more against the real security policy.
"""
from datetime import datetime, timedelta, timezone
import html
import logging
import re

from whoosh import highlight, qparser, sorting
from whoosh.qparser.dateparse import DateParserPlugin
from whoosh.query import And, ConstantScoreQuery, DateRange, NullQuery, Or, Term

from .records import as_aware_utc, as_naive_utc, find_by_path

log = logging.getLogger(__name__)

FIELDS = ("title", "text", "author", "type", "group", "modified")
ALIASES = {"text": ["body", "content"], "type": ["kind"], "author": ["by"],
           "modified": ["date"]}
KNOWN_FIELDS = set(FIELDS) | {alias for names in ALIASES.values() for alias in names}
FACETS = ("type", "group", "author")
MAX_LIMIT = 100
MIN_WILDCARD_PREFIX = 2
SNIPPET_CHARS = 240

_FIELD_RE = re.compile(r'(?<![\w"])([A-Za-z_]+):(?=\S)')
_WILDCARD_RE = re.compile(r"(?<![\w*?])([\w]*)[*?]")


class QueryError(ValueError):
    """The query cannot be understood; the message says why, in the users' words."""


# parsing ------------------------------------------------------------------------
def outside_quotes(text):
    """`text` with quoted phrases blanked out (so their contents are not syntax)."""
    return re.sub(r'"[^"]*"', lambda m: " " * len(m.group(0)), text)


def check_syntax(text):
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
    for prefix in _WILDCARD_RE.findall(bare):
        if len(prefix) < MIN_WILDCARD_PREFIX:
            raise QueryError(f"Put at least {MIN_WILDCARD_PREFIX} letters before * or ?.")
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
    return parsed


def term_count(parsed):
    return sum(1 for _ in parsed.leaves())


# the permission filter ----------------------------------------------------------
def readable_groups(site, user, permits):
    """Ids of the groups whose content `user` may read right now: their own groups and
    open groups, each confirmed by `permits(group, "view")`."""
    if user is None:
        return []
    groups = site["groups"]
    candidates = set(user.groups.keys())
    candidates.update(gid for gid, group in groups.items() if group.visibility == "open")
    return sorted(gid for gid in candidates
                  if gid in groups and permits(groups[gid], "view"))


def permission_filter(group_ids, principals):
    """Matches group content of `group_ids` and site-wide entries allowed to `principals`."""
    terms = [Term("group", gid) for gid in group_ids]
    terms += [Term("allowed", p) for p in principals]
    return ConstantScoreQuery(Or(terms), score=0.0) if terms else NullQuery


def narrowing(types=(), groups=(), authors=(), start=None, end=None):
    """The filters a caller asks for: they only ever narrow the permitted set."""
    parts = []
    for field, values in (("type", types), ("group", groups), ("author", authors)):
        values = [v for v in values if v]
        if values:
            parts.append(Or([Term(field, v) for v in values]))
    if start or end:
        parts.append(DateRange("modified", as_naive_utc(start) if start else None,
                               as_naive_utc(end) if end else None))
    return [ConstantScoreQuery(p, score=0.0) for p in parts]


# searching --------------------------------------------------------------------
def search(store, site, user, principals, permits, q="", types=(), groups=(), authors=(),
           start=None, end=None, sort="relevance", page=1, limit=20):
    """One page of what `user` may see matching `q` and the filters.

    Returns {total, page, pages, relaxed, results: [{path, type, title, group, author,
    modified, snippet}], facets: {type|group|author: {value: count}}}; `snippet` is HTML
    with matches in <mark>. Raises QueryError for a query that cannot be understood.
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    page = max(1, int(page))
    q = (q or "").strip()
    searcher = store.searcher()
    schema = searcher.schema
    allowed = permission_filter(readable_groups(site, user, permits), principals)
    filters = [allowed] + narrowing(types, groups, authors, start, end)
    relaxed = False
    parsed = parse(schema, q) if q else None
    results = run(searcher, parsed, filters, sort, page, limit)
    if results.total == 0 and parsed is not None and term_count(parsed) > 1:
        loose = parse(schema, q, relaxed=True)
        if loose != parsed:
            results, relaxed = run(searcher, loose, filters, sort, page, limit), True
    return {"total": results.total, "page": page,
            "pages": max(1, -(-results.total // limit)), "relaxed": relaxed,
            "results": checked_hits(site, results, permits),
            "facets": facet_counts(results.results)}


def run(searcher, parsed, filters, sort, page, limit):
    if parsed is not None and parsed == NullQuery:  # only common words: nothing matches
        return searcher.search_page(NullQuery, page, pagelen=limit)
    query = And(([parsed] if parsed is not None else []) + filters)
    facets = {name: sorting.FieldFacet(name, maptype=sorting.Count) for name in FACETS}
    sortedby = None
    if sort == "date" or parsed is None:
        sortedby = sorting.FieldFacet("modified", reverse=True)
    results = searcher.search_page(query, page, pagelen=limit, groupedby=facets,
                                   sortedby=sortedby)
    results.results.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS,
                                                             surround=60)
    results.results.formatter = highlight.HtmlFormatter(tagname="mark", classname="hit",
                                                        between=" … ")
    return results


def facet_counts(results):
    counts = {}
    for name in FACETS:
        groups = results.groups(name)
        counts[name] = {key: value for key, value in sorted(
            groups.items(), key=lambda kv: (-kv[1], str(kv[0]))) if key}
    return counts


def checked_hits(site, results, permits):
    """The page's hits, each confirmed against the real policy (a miss is logged)."""
    hits = []
    for hit in results:
        obj = find_by_path(site, hit["path"])
        permission = "see" if hit["type"] == "group" else "view"
        if obj is None or not permits(obj, permission):
            log.warning("search hit %s dropped by the permission check", hit["path"])
            continue
        body = hit.get("body") or ""
        snippet = hit.highlights("text", text=body) if body else ""
        if not snippet:
            snippet = html.escape(body[:SNIPPET_CHARS]) + ("…" if len(body) > SNIPPET_CHARS else "")
        modified = as_aware_utc(hit.get("modified"))
        hits.append({"path": hit["path"], "type": hit["type"], "title": hit["title"],
                     "group": hit.get("group") or None, "author": hit.get("author") or None,
                     "modified": modified, "snippet": snippet})
    return hits


def parse_day(value, end=False):
    """A datetime (UTC) from 'YYYY-MM-DD' or an ISO 8601 time; the end of the day for
    `end`. Raises ValueError."""
    value = (value or "").strip()
    if not value:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        return day + timedelta(days=1) - timedelta(microseconds=1) if end else day
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
