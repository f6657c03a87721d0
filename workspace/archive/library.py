"""The Collection's Resources and the consultations' Discussion Summaries in an archive:
each a versioned Markdown text with its history and a Dublin Core record.

    collection/index.md                 the Resources, linked
    collection/themes.json              the themes they use, with their labels
    collection/<id>/v0001.md ...        each revision's text
    collection/<id>/files/v0001-<name>  the Resource's file, once for the revisions that
                                        kept it (named by the first revision with it)
    collection/<id>/history.json        each revision's title, fields, file, author, date,
                                        change note
    collection/<id>/dublin-core.json    the record now, in Dublin Core terms
    summaries/<board>/<topic>/          the same for a consultation's summary (its history
                                        also says whether and when it was published), and
                                        summary.md: the text to read, each citation a link
                                        to the reply in discussions/<board>/<topic>.md

A summary's text keeps its citations as `[[reply:<id>]]`: replies keep their ids through
an import, so every citation names the same reply in the site the group moves to. A
citation of a reply that is gone (deleted after it was cited) stays as it was, and reads
"a reply no longer here" there as it did here.
"""
from datetime import date
import io
import re

from ..content.collection import FIELDS, LIST_FIELDS, Resource, clean_fields, resource_file
from ..content.document import TooLarge, clean_filename
from ..content.summary import CITATION_RE, Summary, cited_person
from ..content.vocabulary import check_terms
from . import ArchiveInvalid
from .checks import CONTENT_TYPE_RE, moment, need, slug
from .readable import dublin_core, reply_anchor

THEMES = "collection/themes.json"


# Writing -------------------------------------------------------------------------------

def fields_json(fields):
    """A Resource's fields as JSON values (lists, ISO dates)."""
    out = {}
    for key in FIELDS:
        value = fields.get(key)
        out[key] = list(value) if isinstance(value, (list, tuple)) else \
            value.isoformat() if isinstance(value, date) else value
    return out


def export_collection(group, out, tell, write_revisions, as_json, themes):
    """Every Resource with each revision; returns [(id, resource)]."""
    found, used = [], set()
    for resource_id, resource in group["collection"].items():
        if not isinstance(resource, Resource):
            continue
        folder = f"collection/{resource_id}"
        attachment = attachments(out, folder)
        entries = write_revisions(out, folder, resource, lambda r: {
            "fields": fields_json(r.fields), "attachment": attachment(r)})
        out.write(f"{folder}/history.json", as_json({
            "id": resource_id, "kind": "resource", "created": iso(resource.created),
            "public": resource.public, "public_since": iso(resource.public_since),
            "revisions": entries}))
        out.write(f"{folder}/dublin-core.json", as_json(dublin_core(
            f"{folder}/", resource.title, resource.fields, themes.label,
            resource.current().date)))
        used.update(resource.fields["themes"])
        found.append((resource_id, resource))
        tell("collection", resource_id)
    out.write(THEMES, as_json([{"id": t, "label": themes.label(t)} for t in sorted(used)]))
    out.write("collection/index.md", collection_index(found).encode())
    return found


def attachments(out, folder):
    """`attachment(revision)`: the history's record of the revision's file, the file
    written the first time (revisions that keep a file share one object)."""
    written = {}

    def attachment(revision):
        found = getattr(revision, "file", None)
        if found is None:
            return None
        if id(found) not in written:
            name = f"files/v{revision.version:04d}-{found.filename}"
            with found.open() as stream:
                out.copy(f"{folder}/{name}", stream)
            written[id(found)] = (found, {"file": name, "filename": found.filename,
                                          "content_type": found.content_type,
                                          "size": found.size})
        return written[id(found)][1]
    return attachment


def export_summaries(topics, out, tell, write_revisions, as_json, people):
    """The summary of every consultation in `topics` ([(board, topic id, topic)]);
    returns [(board, topic id, summary)]."""
    found = []
    for board_id, topic_id, topic in topics:
        summary = topic.summary
        if summary is None:
            continue
        folder = f"summaries/{board_id}/{topic_id}"
        entries = write_revisions(out, folder, summary)
        out.write(f"{folder}/history.json", as_json({
            "board": board_id, "topic": topic_id, "kind": "summary",
            "created": iso(summary.created), "published": summary.published,
            "public": summary.public, "published_at": iso(summary.published_at),
            "published_version": summary.published_version, "revisions": entries}))
        authors = sorted({r.author for r in summary.revisions.values() if r.author})
        out.write(f"{folder}/dublin-core.json", as_json(dublin_core(
            f"{folder}/", summary.title, {"type": "discussion-summary", "authors": authors},
            None,
            summary.published_at or summary.current().date,
            relation=f"discussions/{board_id}/{topic_id}.md")))
        out.write(f"{folder}/summary.md",
                  summary_markdown(summary, board_id, topic_id, people).encode())
        found.append((board_id, topic_id, summary))
        tell("summaries", f"{board_id}/{topic_id}")
    return found


def iso(value):
    return value.isoformat() if value is not None else None


def collection_index(found):
    lines = ["# Collection", ""]
    for resource_id, resource in found:
        current = resource.current()
        lines.append(f"- [{resource.title}]({resource_id}/v{current.version:04d}.md) "
                     f"({resource.fields['type']}; [record]({resource_id}/dublin-core.json), "
                     f"[history]({resource_id}/history.json))")
    return "\n".join(lines + [""]) if found else "# Collection\n\nNone.\n"


def summary_markdown(summary, board_id, topic_id, people):
    """The summary to read: its state, and each citation a link to the reply it cites."""
    topic = summary.topic
    thread = f"../../../discussions/{board_id}/{topic_id}.md"

    def link(match):
        rid = match.group(1).zfill(6)
        reply = topic.get(rid)
        if reply is None:
            return "*(a reply no longer here)*"
        return f"[{cited_person(people.get(reply.author))}]({thread}#{reply_anchor(rid)})"

    state = "Published" if summary.published else "Draft (not published)"
    return "\n".join([f"# {summary.title}", "", f"*{state}; version {summary.version}; "
                      f"[the consultation]({thread})*", "",
                      CITATION_RE.sub(link, summary.body).strip(), ""])


# Reading -------------------------------------------------------------------------------

def read_fields(entry, where):
    """A revision's fields, checked as the content checks them (themes are ids; the
    import adds those the site's vocabulary lacks)."""
    raw = need(entry, "fields", dict, where)
    if set(raw) - set(FIELDS):
        raise ArchiveInvalid("Unknown fields.", where)
    fields = {}
    for key, value in raw.items():
        if value is None:
            if key in ("year", "review_by"):
                fields[key] = None
            continue
        if key in LIST_FIELDS:
            values = need(raw, key, list, where, limit=1000)
            if not all(isinstance(v, str) and len(v) <= 500 for v in values):
                raise ArchiveInvalid(f"{key} is a list of short texts.", where)
            fields[key] = values
        elif key == "year":
            fields[key] = need(raw, key, int, where)
        elif key == "review_by":
            try:
                fields[key] = date.fromisoformat(need(raw, key, str, where, limit=10))
            except ValueError:
                raise ArchiveInvalid("review_by is not a date.", where)
        else:
            fields[key] = need(raw, key, str, where)
    try:
        return clean_fields(fields)
    except ValueError as exc:
        raise ArchiveInvalid(str(exc), where)


FILE_NAME_RE = re.compile(r"files/v[0-9]{4}-[^/]{1,255}\Z")


def file_reader(read, folder, where):
    """`attachment(entry)`: the ResourceFile a revision's entry names (None: none), read
    once for all the revisions that share it."""
    files = {}

    def attachment(entry):
        record = need(entry, "attachment", dict, where, optional=True)
        if record is None:
            return None
        name = need(record, "file", str, where, limit=300)
        if name not in files:
            filename = clean_filename(need(record, "filename", str, where, limit=255))
            content_type = need(record, "content_type", str, where, limit=300)
            if not FILE_NAME_RE.match(name) or not name.endswith(f"-{filename}") or \
                    not CONTENT_TYPE_RE.match(content_type):
                raise ArchiveInvalid("Not a file's name or media type.", where)
            stream = io.BytesIO(read.archive.read(f"{folder}/{name}", read.file_limit))
            try:
                files[name] = resource_file(stream, filename, content_type, read.file_limit)
            except TooLarge:
                raise ArchiveInvalid("A file is larger than the limit.", where)
            files[name].content_type = content_type
        return files[name]
    return attachment


def import_collection(read, collection, rebuild):
    """Every Resource of the archive into `collection`; returns the themes they use as
    {id: label}."""
    names = [n for n in read.archive.names("collection") if n not in ("index.md",
                                                                       "themes.json")]
    for resource_id in names:
        where = f"collection/{slug(resource_id, 'collection')}/history.json"
        history = read.json(where)
        if need(history, "kind", str, where) != "resource":
            raise ArchiveInvalid("Not a resource.", where)
        folder = f"collection/{resource_id}"
        attachment = file_reader(read, folder, where)
        resource = rebuild(folder, history, where, lambda title, body, author, comment,
                           fields, file: Resource(title, body, fields, author, comment, file),
                           lambda entry: {"fields": read_fields(entry, where),
                                          "file": attachment(entry)})
        resource.created = moment(history, "created", where)
        resource.public = need(history, "public", bool, where)
        resource.public_since = moment(history, "public_since", where, optional=True)
        collection.add(resource_id, resource, send_events=False)
    themes = {}
    if read.archive.exists(THEMES):
        terms = read.json(THEMES)
        if not isinstance(terms, list):
            raise ArchiveInvalid("Not a list of themes.", THEMES)
        try:
            themes = dict(check_terms((need(t, "id", str, THEMES, limit=64),
                                       need(t, "label", str, THEMES, limit=500))
                                      for t in terms))
        except ValueError as exc:
            raise ArchiveInvalid(str(exc), THEMES)
    used = {t for r in collection.resources() for rev in r.revisions.values()
            for t in rev.fields["themes"]}
    return {t: themes.get(t, t) for t in sorted(used)}


def started(title, body, author, comment):
    """A summary as a consultation starts it (empty); its first revision must be that."""
    if body or title != "Discussion Summary":
        raise ArchiveInvalid("A summary's first version is the empty one it starts with.")
    return Summary(author)


def import_summaries(read, boards, rebuild):
    """The summary of each consultation the archive has one for; returns how many."""
    count = 0
    for board_id in read.archive.names("summaries"):
        for topic_id in read.archive.names(f"summaries/{board_id}"):
            where = f"summaries/{board_id}/{topic_id}/history.json"
            board = boards.get(board_id)
            topic = board.get(topic_id) if board is not None else None
            if getattr(topic, "topic_kind", None) != "consultation":
                raise ArchiveInvalid("The summary of no consultation.", where)
            history = read.json(where)
            summary = rebuild(f"summaries/{board_id}/{topic_id}", history, where, started)
            summary.__parent__, summary.__name__ = topic, "summary"
            topic.summary = summary
            summary.created = moment(history, "created", where)
            summary.published = need(history, "published", bool, where)
            summary.public = need(history, "public", bool, where) and summary.published
            summary.published_at = moment(history, "published_at", where, optional=True)
            summary.published_version = need(history, "published_version", int, where,
                                             optional=True)
            count += 1
    return count
