"""Words indexed per scope: a group's words are kept apart from every other group's.

Each word of a title or text is indexed as "<scope>\\x1f<word>", the scope naming who may
read the entry: the id of its group, OPEN for the content of open groups (every member
reads all of them, so they share one scope), SITE for site-wide entries (groups,
profiles). A query is turned
into the same words in each scope the caller may read, so Whoosh only ever reads the
postings of entries the caller may see: a query costs what the caller's groups hold,
not what the whole site holds (a member of 20 of 1,000 groups reads 2% of the
postings of a common word, where a filter over shared postings walked them all).
The permission filter is still ANDed in: scoping is for speed, the filter for safety.
"""
import copy

from whoosh.query import (And, BinaryQuery, CompoundQuery, Not, NullQuery, Or, Phrase,
                          Prefix, Term, TermRange, Wildcard, WrappingQuery)

from .matchers import PreloadedAnd, PreloadedUnion

SEP = "\x1f"
SITE = "~"  # not group ids: ids are slugs of [a-z0-9-]
OPEN = "~open"
SCOPED_FIELDS = ("title", "text")
UNSCOPED = {"title": "title_all", "text": "text_all"}  # the same words without a scope


def scope_of(group):
    """The scope of an entry of `group` (None: a site-wide entry)."""
    if group is None:
        return SITE
    return OPEN if group.visibility == "open" else group.__name__


def scope_words(doc, scope=None):
    """The Whoosh document `doc` with its title and text put in `scope` (by default its
    group's id, or SITE), and once more as they are (see UNSCOPED); the stored title
    stays as written."""
    scope = scope or doc.get("group") or SITE
    doc["scope"] = scope
    for field in SCOPED_FIELDS:
        if field in doc:
            doc["_stored_" + field] = doc[UNSCOPED[field]] = doc[field]
            doc[field] = f"{scope}{SEP}{doc[field]}"
    return doc


def scopes_for(group_ids, open_ids, site_wide):
    """The scopes of the entries of `group_ids` (of which `open_ids` are open groups),
    plus SITE when site-wide entries may match."""
    return (sorted(set(group_ids) - set(open_ids)) + ([OPEN] if open_ids else [])
            + ([SITE] if site_wide else []))


def within(query, scopes):
    """`query` with every title/text condition replaced by the same condition in any of
    `scopes` (an entry lives in exactly one scope, so NOT and AND keep their meaning)."""
    if query.is_leaf():
        if getattr(query, "fieldname", None) not in SCOPED_FIELDS:
            return query
        variants = [in_scope(query, scope) for scope in scopes]
        return variants[0] if len(variants) == 1 else PreloadedUnion(variants)
    scoped = copy.copy(query)  # keeps attributes such as an Or's coordination `scale`
    if isinstance(query, BinaryQuery):  # AndNot, AndMaybe, Require...
        scoped.a, scoped.b = within(query.a, scopes), within(query.b, scopes)
        scoped.subqueries = (scoped.a, scoped.b)
    elif isinstance(query, Or) and query.scale:  # the relaxed reading of a question
        return PreloadedUnion([within(q, scopes) for q in query.subqueries],
                              boost=query.boost, words=[word_of(q) for q in query.subqueries])
    elif type(query) is Or:  # read in full: sums as an Or does (see matchers.py)
        return PreloadedUnion(flattened([within(q, scopes) for q in query.subqueries]),
                              boost=query.boost)
    elif type(query) is And:
        return PreloadedAnd([within(q, scopes) for q in query.subqueries], boost=query.boost)
    elif isinstance(query, CompoundQuery):
        scoped.subqueries = [within(q, scopes) for q in query.subqueries]
    elif isinstance(query, Not):
        scoped.query = within(query.query, scopes)
    elif isinstance(query, WrappingQuery):
        scoped.child = within(query.child, scopes)
    else:
        return NullQuery  # a compound this code does not know: match nothing
    return scoped


def flattened(queries):
    """Sub-unions lifted into their parent union (a sum of sums is one sum)."""
    out = []
    for q in queries:
        if type(q) is PreloadedUnion and q.words is None and q.boost == 1.0:
            out.extend(q.subqueries)
        else:
            out.append(q)
    return out


def word_of(query):
    """What a part of a question looks for: the same for its title and its text form."""
    words = {getattr(leaf, "text", None) or " ".join(getattr(leaf, "words", ()))
             for leaf in query.leaves()}
    return " ".join(sorted(w for w in words if w)) or repr(query)


def in_scope(leaf, scope):
    """One title/text leaf in one scope; kinds the parser does not make match nothing."""
    prefix = scope + SEP
    kind = type(leaf)
    scoped = copy.copy(leaf)
    scoped.scope = scope  # a segment without entries in this scope skips it (matchers.py)
    if kind in (Term, Prefix, Wildcard):
        scoped.text = prefix + leaf.text
        scoped.unscoped = (UNSCOPED[leaf.fieldname], leaf.text)  # see matchers.py
        return scoped
    if kind is Phrase:
        scoped.words = [prefix + word for word in leaf.words]
        scoped.unscoped = (UNSCOPED[leaf.fieldname], tuple(leaf.words))
        return scoped
    if kind is TermRange:
        scoped.start = prefix + (leaf.start or "")
        if leaf.end is None:  # up to the end of the scope
            scoped.end, scoped.endexcl = scope + chr(ord(SEP) + 1), True
        else:
            scoped.end = prefix + leaf.end
        return scoped
    return NullQuery
