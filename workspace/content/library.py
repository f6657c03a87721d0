"""The library (`/library`): every Resource and published Discussion Summary a reader may
read, filtered by facets, counted, matched by words and sorted (DESIGN.md, "The
Collection").

What a reader may read is decided by groups, as everywhere: a member's library is made
of the collections and published summaries of the groups they may read (their own and
the open ones), so a page costs what those groups hold, not what the site holds. The
public web's library is the `Library`'s own list of what managers published to the
public: an anonymous reader's query only ever looks at that list, so it cannot reach
anything else, whatever it asks.

The `Library` also keeps, for OAI-PMH harvesters, every public record's last change in
datestamp order (`changes`), with the records taken off the public web kept as deleted.
"""
from datetime import date, datetime, timezone
import re

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from pyramid.authorization import Allow, Everyone
from pyramid.traversal import find_interface, resource_path

from .acl import ADMIN
from .collection import Resource, words_of
from .events import ObjectModified, notify
from .summary import CITATION_RE, Summary
from .trash import is_trashed

FACETS = ("type", "country", "level", "theme", "language", "year")
FACET_FIELDS = {"type": "type", "country": "countries", "level": "levels",
                "theme": "themes", "language": "languages", "year": "year"}
SORTS = ("changed", "title", "year")
_WORD = re.compile(r"\w+", re.UNICODE)


class Library(Persistent):
    """`/library`: the list of what is on the public web, and its changes for
    harvesters. Anyone may view the library itself; what it lists is checked per item."""

    __parent__ = None
    __name__ = None
    __acl__ = [(Allow, ADMIN, ("view", "admin")), (Allow, Everyone, "view")]

    def __init__(self):
        self.public = OOBTree()  # path -> datestamp of its last change
        self.changes = OOBTree()  # (datestamp, path) -> True (public) / False (deleted)
        self.records = OOBTree()  # path -> what the public library lists (see `record`)
        self.count = Length()

    def note(self, item):
        """Record `item`'s state on the public web now (after a change to it)."""
        path = resource_path(item)
        stamp = datetime.now(timezone.utc).isoformat(timespec="microseconds")
        old = self.public.get(path)
        public = is_public(item)
        if old is not None:
            self.changes.pop((old, path), None)
        if public:
            if old is None:
                self.count.change(1)
            self.public[path] = stamp
            self.changes[(stamp, path)] = True
            self.records[path] = record(item)
        elif old is not None:
            del self.public[path]
            self.records.pop(path, None)
            self.count.change(-1)
            self.changes[(stamp, path)] = False  # harvesters learn it is gone


    def forget(self, path):
        """Everything at or under `path` left the public web (moved to the trash)."""
        stamp = datetime.now(timezone.utc).isoformat(timespec="microseconds")
        gone = [p for p in self.public.keys(min=path, max=path + "/\uffff")
                if p == path or p.startswith(path + "/")]
        for p in gone:
            self.changes.pop((self.public.pop(p), p), None)
            self.records.pop(p, None)
            self.count.change(-1)
            self.changes[(stamp, p)] = False


def public_under(item):
    """The Resources and summaries at or under `item` (a resource, a topic, a board)."""
    from .board import Board, Topic
    if isinstance(item, (Resource, Summary)):
        return [item]
    if isinstance(item, Topic):
        return [item.summary] if item.summary is not None else []
    if isinstance(item, Board):
        return [t.summary for t in item.values() if getattr(t, "summary", None)]
    return []


def record(item):
    """What the public library lists of `item`, so that an anonymous page reads one
    tree, not every public record's group: (kind, title, facets, words, changed, group
    id)."""
    entry = Entry(item, find_interface(item, _group_class()))
    return (entry.kind, entry.title, entry.facets, entry.words, entry.changed,
            entry.group.__name__ if entry.group is not None else None)


def _group_class():
    from .group import Group  # group.py imports the collection, which imports this
    return Group


def is_public(item):
    return bool(getattr(item, "public", False)) and not is_trashed(item) and (
        not isinstance(item, Summary) or item.published)


def note_public_change(item):
    """Tell the library that `item` may have gone on or off the public web."""
    root = item
    while root.__parent__ is not None:
        root = root.__parent__
    library = root.get("library") if hasattr(root, "get") else None
    if library is not None:
        library.note(item)


# Entries: what the library shows of a record ------------------------------------------------

class Entry:
    """One record as the library lists it: its facets, words and when it changed, the id
    of its group (`group_id`) and whether it is on the public web."""

    __slots__ = ("item", "kind", "title", "facets", "words", "changed", "group",
                 "group_id", "_path", "public")

    def __init__(self, item, group):
        self.item, self.group, self._path = item, group, None
        self.group_id = group.__name__ if group is not None else None
        self.public = bool(getattr(item, "public", False))
        if isinstance(item, Resource):
            self.kind, self.title = "resource", item.title
            self.facets, self.words, self.changed = item.facets, item.words, item.changed
        else:
            current = item.current()
            self.kind, self.title = "summary", item.title
            self.changed = item.published_at or current.date
            self.facets = {"type": "discussion-summary", "countries": (), "levels": (),
                           "themes": (), "languages": (), "year": self.changed.year}
            self.words = summary_words(item)

    @property
    def path(self):
        if self._path is None:
            self._path = resource_path(self.item)
        return self._path

    @classmethod
    def listed(cls, path, stored):
        """An entry of the public library from its stored record (no object read)."""
        entry = cls.__new__(cls)
        (entry.kind, entry.title, entry.facets, entry.words, entry.changed,
         entry.group_id) = stored
        entry.item, entry.group, entry._path, entry.public = None, None, path, True
        return entry


def summary_words(summary):
    """The words of the published version (a newer draft is the managers' own)."""
    revision = summary.readable_revision(draft=False)
    cached = summary._v_words
    if cached is None or cached[0] != revision.version:
        text = CITATION_RE.sub(" ", revision.body)
        cached = summary._v_words = (revision.version, words_of(summary.title, text))
    return cached[1]


Summary._v_words = None


def list_published_versions(site):
    """Evolve step: before a summary's newer draft stayed its managers', the public
    library and the search index held the draft of a published summary; each summary
    whose text is newer than its published version is listed and indexed again."""
    for group in site["groups"].values():
        collection = group.get("collection")
        for path in list(collection.summaries) if collection is not None else ():
            summary = find_summary(group, path)
            if summary is not None and summary.version != summary.published_version:
                note_public_change(summary)
                notify(ObjectModified(summary))


def group_entries(group):
    """Every Resource of `group`'s collection and every published summary of its boards."""
    collection = group.get("collection")
    if collection is None:
        return []
    entries = [Entry(item, group) for item in collection.values()
               if isinstance(item, Resource)]
    for path in collection.summaries:
        summary = find_summary(group, path)
        if summary is not None and summary.published and not is_trashed(summary):
            entries.append(Entry(summary, group))
    return entries


def find_summary(group, path):
    board_id, topic_id = path.split("/")
    topic = group["boards"].get(board_id)
    topic = topic.get(topic_id) if topic is not None else None
    summary = getattr(topic, "summary", None)
    return summary if isinstance(summary, Summary) else None


def public_entries(site, skip_groups=()):
    """Every record on the public web (an anonymous reader's whole library), from the
    library's own records; those of `skip_groups` (ids) left out."""
    return [Entry.listed(path, stored) for path, stored in site["library"].records.items()
            if stored[5] not in skip_groups]


# Queries --------------------------------------------------------------------------------------

def query_words(q):
    return [w.casefold() for w in _WORD.findall(q or "")][:20]


def matches(entry, words):
    """Every query word starts a word of the entry."""
    return all(any(w.startswith(word) for w in entry.words) if word not in entry.words
               else True for word in words)


def values_of(entry, facet):
    value = entry.facets.get(FACET_FIELDS[facet])
    if value is None or value == "":
        return ()
    return value if isinstance(value, tuple) else (value,)


def passes(entry, facet, wanted):
    return not wanted or any(str(v) in wanted for v in values_of(entry, facet))


def search_library(entries, q="", filters=None, sort="changed", due_before=None):
    """(matching entries sorted, facet counts). `filters`: {facet: set of values}; each
    facet's counts honour every other facet's filter (the usual drill-down), so a count
    says how many records choosing that value would show."""
    filters = {k: {str(v) for v in vs} for k, vs in (filters or {}).items() if vs}
    words = query_words(q)
    base = [e for e in entries if (not words or matches(e, words)) and (
        due_before is None or (e.kind == "resource" and e.item.due_for_review(due_before)))]
    counts = {facet: {} for facet in FACETS}
    selected = []
    for entry in base:
        failing = [f for f in filters if not passes(entry, f, filters[f])]
        if not failing:
            selected.append(entry)
        for facet in FACETS:
            if failing and failing != [facet]:
                continue
            for value in values_of(entry, facet):
                key = str(value)
                counts[facet][key] = counts[facet].get(key, 0) + 1
    if sort == "title":
        selected.sort(key=lambda e: e.title.casefold())
    elif sort == "year":
        selected.sort(key=lambda e: (e.facets.get("year") or 0, e.changed), reverse=True)
    else:
        selected.sort(key=lambda e: e.changed, reverse=True)
    return selected, counts


def today():
    return date.today()


def add_library(site):
    """Evolve step: sites made before the library get `/library`, and groups' collections
    their list of published summaries."""
    if "library" not in site:
        site.add("library", Library(), send_events=False)
