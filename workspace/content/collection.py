"""The Collection: a group's curated Resources (`/groups/<g>/collection/<id>`), each a
typed knowledge record, versioned like a document (DESIGN.md, "The Collection"), with
an optional file (a blob, its text found by search like any File's).

A Resource is a `Document` whose revisions also carry the record's fields (type,
countries, levels, themes, languages, year, authors, publisher, url, licence, review_by,
superseded_by): every edit is a revision with history and diff, and two people editing
at once merge three-way, field by field for the record and line by line for the text;
changes that overlap are refused with `EditConflict` and nothing is saved.

The library reads many records per page, so a Resource keeps a copy of its current
fields and the words of its text (`facets`, `words`) beside the revisions: a library page
reads one small object per record and never the text's chunks.
"""
from datetime import date
import re

from BTrees.OOBTree import OOTreeSet
from persistent import Persistent
from pyramid.authorization import Allow, Everyone

from .board import plain_text
from .document import (Document, EditConflict, Revision, blob_from, build_pages,
                       clean_filename, guess_content_type, merge_texts, normalise_text, now,
                       split_chunks)
from .events import Audited, ObjectModified, notify
from .folder import Folder
from .roster import COUNTRIES, LANGUAGES
from .trash import is_trashed
from .unwritten import unwritten

TYPES = ("good-practice", "publication", "research", "tool", "guide", "special-report",
         "country-report-card", "case-study", "discussion-summary", "link")
LEVELS = ("early-childhood", "primary", "secondary", "tvet", "tertiary",
          "teacher-education", "adult", "non-formal")
LIST_FIELDS = ("countries", "levels", "themes", "languages", "authors")
FIELDS = ("type", "abstract", "countries", "levels", "themes", "languages", "year",
          "authors", "publisher", "url", "licence", "review_by", "superseded_by")
EMPTY = {"type": "publication", "abstract": "", "countries": (), "levels": (),
         "themes": (), "languages": (), "year": None, "authors": (), "publisher": "",
         "url": "", "licence": "", "review_by": None, "superseded_by": ""}
MAX_WORD_TEXT = 20_000  # characters of the text whose words the library matches
_WORD = re.compile(r"\w+", re.UNICODE)


def words_of(*texts):
    return frozenset(w.casefold() for text in texts for w in _WORD.findall(text or ""))


def clean_fields(fields, themes=None):
    """`fields` completed from EMPTY, lists as sorted tuples, codes checked: a ValueError
    names the first field that is not valid (`themes`: the ids the vocabulary has)."""
    out = dict(EMPTY)
    for key, value in fields.items():
        if key not in FIELDS:
            raise ValueError(f"{key}: not a field of a resource")
        out[key] = value
    for key in LIST_FIELDS:
        values = [v for v in (out[key] or ()) if v]
        out[key] = tuple(values if key == "authors" else sorted(set(values)))
    checks = (("type", lambda v: v in TYPES), ("levels", lambda v: v in LEVELS),
              ("countries", lambda v: v in COUNTRIES),
              ("languages", lambda v: v in LANGUAGES),
              ("themes", lambda v: themes is None or v in themes))
    for key, ok in checks:
        values = out[key] if isinstance(out[key], tuple) else (out[key],)
        bad = [v for v in values if not ok(v)]
        if bad:
            raise ValueError(f"{key}: unknown {', '.join(map(str, bad))}")
    if out["review_by"] is not None and not isinstance(out["review_by"], date):
        raise ValueError("review_by: not a date")
    return out


class ResourceFile(Persistent):
    """The file a Resource carries (a report's PDF, a toolkit): one blob, its name, type
    and size; immutable. Revisions that keep the file share this object, so a save of the
    text or the fields never copies the file."""

    def __init__(self, blob, filename, content_type, size):
        self.blob, self.filename = blob, filename
        self.content_type, self.size = content_type, size

    def open(self):
        return self.blob.open("r")


def resource_file(stream, filename, content_type, limit=None):
    """A ResourceFile of `stream`'s bytes; `TooLarge` past `limit` and nothing kept."""
    filename = clean_filename(filename)
    blob, size = blob_from(stream, limit)
    return ResourceFile(blob, filename, guess_content_type(filename, content_type), size)


KEEP = object()  # a save that leaves the file as it is


class ResourceRevision(Revision):
    """A revision of a Resource: a document revision plus the record's fields and its
    file (None: none)."""

    file = None  # revisions written before Resources had files

    def __init__(self, version, title, pages, author, comment="", merged=False,
                 fields=None, file=None):
        super().__init__(version, title, pages, author, comment, merged)
        self.fields = dict(fields or EMPTY)
        self.file = file

    def __getstate__(self):
        return super().__getstate__() + (self.fields, self.file)

    def __setstate__(self, state):
        if isinstance(state, tuple) and len(state) == 9:  # before files: fields last
            state, self.file = state[:-1], state[-1]
        super().__setstate__(state[:-1])
        self.fields = state[-1]


class Resource(Document):
    """A typed knowledge record of a group's collection, versioned."""

    kind = "resource"

    def __init__(self, title, body, fields, author, comment="", file=None):
        super(Document, self).__init__()
        self.public = False  # on the public web: anonymous readers and harvesters
        self.public_since = None
        self._append(title, normalise_text(body), author, comment or "Created",
                     fields=fields, file=file)

    @property
    def fields(self):
        return self.current().fields

    @property
    def file(self):
        return self.current().file

    @property
    def title(self):
        return self.list_title

    def _append(self, title, body, author, comment, merged=False, reuse=(), fields=None,
                file=KEEP):
        previous = self.current().pages if len(self.revisions) else ()
        fields = dict(fields if fields is not None else self.current().fields)
        if file is KEEP:
            file = self.current().file if len(self.revisions) else None
        pages = build_pages(split_chunks(body), tuple(reuse) + previous)
        version = (self.version + 1) if len(self.revisions) else 1
        revision = ResourceRevision(version, title, pages, author, comment, merged, fields,
                                    file)
        self.revisions[version] = revision
        self.note_current(revision)
        return revision

    def note_current(self, revision):
        """Keep the library's copy of the current fields and words."""
        self.facets = dict(revision.fields)
        self.list_title = revision.title
        self.words = words_of(revision.title, revision.fields["abstract"],
                              " ".join(revision.fields["authors"]),
                              revision.fields["publisher"], revision.body[:MAX_WORD_TEXT],
                              revision.file.filename if revision.file else "")
        self.changed = revision.date
        if self.public and self.__parent__ is not None:
            from .library import note_public_change  # the library reads this module
            note_public_change(self)

    def update(self, title, body, fields, author, base_version, comment="", file=KEEP):
        """Save a new version based on `base_version` (see `Document.save`): text merged
        three-way by line, fields by field; overlaps raise `EditConflict`. `file`: a new
        ResourceFile, None to remove it, KEEP to leave it (two people changing the file
        at once overlap). Returns (revision, merged); a save that changes nothing adds no
        version."""
        body = normalise_text(body)
        current = self.current()
        merged = False
        if int(base_version) != current.version:
            base = self.revision(base_version)
            new_body, clean = merge_texts(base.body, body, current.body)
            new_fields, fields_clean = merge_fields(base.fields, fields, current.fields)
            title, title_clean = merge_value(base.title, title, current.title)
            file_clean = file is KEEP or current.file is base.file
            if not (clean and fields_clean and title_clean and file_clean):
                raise EditConflict(current, title, body, new_body)
            body, fields, merged = new_body, new_fields, True
        if file is not KEEP and file is current.file:
            file = KEEP
        if body == current.body and title == current.title and fields == current.fields \
                and file is KEEP:
            return current, False
        revision = self._append(title, body, author, comment, merged, fields=fields,
                                file=file)
        notify(ObjectModified(self))
        return revision, merged

    def revert(self, version, author, comment=""):
        old = self.revision(version)
        revision = self._append(old.title, old.body, author,
                                comment or f"Reverted to version {old.version}",
                                reuse=old.pages, fields=old.fields, file=old.file)
        notify(ObjectModified(self))
        return revision

    @property
    def __acl__(self):
        """On the public web `Everyone` may view it, and nothing else (the group's ACL
        below denies the rest to anyone without a role)."""
        return [(Allow, Everyone, "view")] if self.public and not is_trashed(self) else []

    def due_for_review(self, today):
        review_by = self.facets["review_by"]
        return review_by is not None and review_by <= today

    def search_data(self):
        current = self.current()
        fields = current.fields
        text = "\n".join([fields["abstract"], " ".join(fields["authors"]),
                          fields["publisher"], plain_text(current.body)])
        found = current.file
        return {"type": "resource", "title": current.title, "text": text,
                "author": current.author, "modified": current.date,
                "attachment": (found.blob, found.filename, found.content_type)
                if found is not None else None}


def merge_value(base, mine, theirs):
    """(value, clean) of one field changed on two sides."""
    if mine == theirs or mine == base:
        return theirs, True
    if theirs == base:
        return mine, True
    return mine, False


def merge_fields(base, mine, theirs):
    out, clean = {}, True
    for key in FIELDS:
        out[key], ok = merge_value(base.get(key), mine.get(key), theirs.get(key))
        clean = clean and ok
    return out, clean


class Collection(Folder):
    """A group's Resources, and where its published Discussion Summaries are (paths
    "board/topic" under the group's boards), so the library finds them without reading
    every board."""

    summaries = unwritten(OOTreeSet)

    def resources(self):
        return [item for item in self.values() if isinstance(item, Resource)]


# Audited events ----------------------------------------------------------------------------

class ResourcePublished(Audited):
    """details: "published to the public web" or "taken off the public web"."""
    action = "resource_published"


def add_resource(collection, resource_id, resource):
    return collection.add(resource_id, resource)


def publish_resource(resource, actor, public):
    """Put the resource on the public web (`public`) or take it off; audited."""
    resource.public = bool(public)
    resource.public_since = now() if public else None
    from .library import note_public_change  # the library reads this module
    note_public_change(resource)
    notify(ObjectModified(resource))
    notify(ResourcePublished(actor, resource, "published to the public web" if public
                             else "taken off the public web"))


def add_collections(site):
    """Evolve step: groups made before the Collection existed get an empty one."""
    for group in site["groups"].values():
        if "collection" not in group:
            group.add("collection", Collection(), send_events=False)
