"""Reading a group's archive back into a site (the layout is in the package's docstring).

The whole group is built apart from the site first, every file read through bounded,
checked readers (`store.py`) and every field checked for its kind and size; only when all
of it is sound is the group added to the site (one event: the search index takes it as a
tree), its members' missing accounts made (without passwords: they choose one by a reset
or an invitation) and their roles granted. So a bad archive raises `ArchiveInvalid` and
changes nothing, with or without a transaction to abort.
"""
import csv
from functools import partial
import io
import json

from ..content.board import MAX_BODY, MAX_REPLIES, MAX_TITLE, Board, Reply, Topic, reply_id
from ..content.document import Document, File, TooLarge, clean_filename, normalise_text
from ..content.events import notify
from ..content.group import ROLES, VISIBILITIES, Group, GroupCreated, grant_role
from ..content.ics import ICSInvalid, parse_ics
from ..content.ids import is_slug
from ..content.library import note_public_change
from ..content.mail import DELIVERIES, MODERATIONS, set_delivery
from ..content.summary import attach_summary, is_consultation, note_in_library
from ..content.vocabulary import check_terms, replace_terms, themes_of
from ..content.people import AccountCreated, Profile
from ..content.whiteboard import BadFile, TooManyElements, load_whiteboard
from ..content.whiteboard_format import WhiteboardFormatError, from_excalidraw
from . import FORMAT, FORMAT_VERSION, ArchiveInvalid, GroupImported
from .checks import (CONTENT_TYPE_RE, MAX_FILE, MAX_ITEMS, MAX_JSON, Checked, login_of,
                     moment, need, slug)
from .export import MEMBER_COLUMNS
from .library import import_collection, import_summaries
from .store import open_archive

def import_group(site, source, actor, gid=None, file_limit=MAX_FILE):
    """Restore the archive at `source` (a folder or a .zip) into `site` as group `gid`
    (the archive's own id if None); returns the group. ArchiveInvalid, changing nothing,
    for an archive that is not whole and sound or a group id that is taken."""
    read = Checked(open_archive(source), file_limit)
    meta = read.json("group.json")
    if need(meta, "format", str, "group.json") != FORMAT or \
            need(meta, "format_version", int, "group.json") > FORMAT_VERSION:
        raise ArchiveInvalid("Not a group archive this version reads.", "group.json")
    gid = slug(gid or need(meta, "id", str, "group.json"), "group.json")
    if gid in site["groups"]:
        raise ArchiveInvalid(f"The site has a group {gid} already.", "group.json")
    visibility = need(meta, "visibility", str, "group.json")
    if visibility not in VISIBILITIES:
        raise ArchiveInvalid("Unknown visibility.", "group.json")
    group = Group(need(meta, "title", str, "group.json", limit=MAX_TITLE),
                  need(meta, "description", str, "group.json"), visibility)
    members = read_members(read)
    counts = {"documents": import_documents(read, group["documents"]),
              "topics": import_discussions(read, group["boards"]),
              "events": import_calendar(read, group["calendar"]),
              "whiteboards": import_whiteboards(read, group["whiteboards"])}
    texts = partial(rebuild, read)
    counts["summaries"] = import_summaries(read, group["boards"], texts)
    for board in group["boards"].values():
        for topic in board.values() if isinstance(board, Board) else ():
            if is_consultation(topic) and topic.summary is None:  # an archive without it
                attach_summary(topic, topic.author)
    themes = import_collection(read, group["collection"], texts)
    counts["resources"] = len(group["collection"])
    read_mail(read, group, {row["login"] for row in members})
    vocabulary = themes_of(site)
    new_themes = [(t, label) for t, label in themes.items() if t not in vocabulary]
    try:
        terms = check_terms(list(vocabulary) + new_themes)
    except ValueError as exc:
        raise ArchiveInvalid(f"The site's themes cannot take the collection's: {exc}",
                             "collection/themes.json")
    site["groups"].add(gid, group)
    notify(GroupCreated(actor, group, visibility))
    if new_themes:  # the collection's themes keep their labels in the site it moves to
        replace_terms(vocabulary, terms, actor)
    on_the_web(group)
    people = site["people"]
    for row in members:
        profile = people.get(row["login"])
        if profile is None:
            profile = people.add(row["login"], Profile(row["login"], row["name"], row["email"]))
            profile.country, profile.organisation = row["country"], row["organisation"]
            notify(AccountCreated(actor, profile, "imported with a group"))
        grant_role(group, profile, row["role"], actor)
    counts["members"] = len(members)
    notify(GroupImported(actor, group, ", ".join(f"{n} {k}" for k, n in counts.items())))
    return group


def on_the_web(group):
    """Tell the group's collection and the site's library what the group publishes."""
    for resource in group["collection"].resources():
        if resource.public:
            note_public_change(resource)
    for board in group["boards"].values():
        for topic in board.values() if isinstance(board, Board) else ():
            if getattr(topic, "summary", None) is not None and topic.summary.published:
                note_in_library(topic.summary)


def read_mail(read, group, logins):
    """The mailgroup's settings (an archive from before they were kept has none)."""
    where = "mail.json"
    if not read.archive.exists(where):
        return
    record = read.json(where)
    mail = group["mail"]
    mail.enabled = need(record, "enabled", bool, where)
    mail.moderation = need(record, "moderation", str, where, limit=20)
    mail.board = need(record, "board", str, where, optional=True, limit=64)
    if mail.moderation not in MODERATIONS or (
            mail.board is not None and mail.board not in group["boards"]):
        raise ArchiveInvalid("Unknown moderation, or a board the group has not.", where)
    for login, delivery in need(record, "deliveries", dict, where).items():
        if login not in logins or delivery not in DELIVERIES:
            raise ArchiveInvalid("A delivery of someone not a member, or unknown.", where)
        set_delivery(mail, login, delivery)


def read_members(read):
    rows = list(csv.DictReader(io.StringIO(read.text("members.csv"))))
    if len(rows) > MAX_ITEMS:
        raise ArchiveInvalid("Too many members.", "members.csv")
    seen = set()
    for n, row in enumerate(rows, 2):
        where = f"members.csv line {n}"
        if set(row) != set(MEMBER_COLUMNS) or None in row.values():
            raise ArchiveInvalid(f"The columns are {', '.join(MEMBER_COLUMNS)}.", where)
        if not is_slug(row["login"]) or row["login"] in seen:
            raise ArchiveInvalid("Not a login, or a login twice.", where)
        if row["role"] not in ROLES or any(len(v) > 320 for v in row.values()):
            raise ArchiveInvalid("Unknown role, or a field too long.", where)
        seen.add(row["login"])
    return rows


def import_documents(read, documents):
    names = read.archive.names("documents")
    if len(names) > MAX_ITEMS:
        raise ArchiveInvalid("Too many documents.", "documents")
    for doc_id in names:
        where = f"documents/{slug(doc_id, f'documents/{doc_id}')}/history.json"
        history = read.json(where)
        kind = need(history, "kind", str, where)
        if kind == "document":
            item = rebuild(read, f"documents/{doc_id}", history, where, Document)
        elif kind == "file":
            item = restore_file(read, doc_id, history, revisions_of(history, where), where)
        else:
            raise ArchiveInvalid("Unknown kind.", where)
        item.created = moment(history, "created", where)
        documents.add(doc_id, item, send_events=False)
    return len(names)


def revision_fields(entry, where):
    return (login_of(entry, "author", where), need(entry, "comment", str, where),
            moment(entry, "date", where))


def revisions_of(history, where):
    """A history's revision entries, numbered from 1 each once."""
    entries = need(history, "revisions", list, where, limit=MAX_ITEMS)
    if not entries or [need(e, "version", int, where) for e in entries] != \
            list(range(1, len(entries) + 1)):
        raise ArchiveInvalid("Revisions are numbered from 1, each once.", where)
    return entries


def rebuild(read, folder, history, where, make, extra=None):
    """A versioned text (a document, a resource, a summary) from its history and the
    vNNNN.md of each revision in `folder`: `make(title, body, author, comment, **more)`
    makes it from the first, the others are appended; `extra(entry)` reads the `more`
    that a kind's revisions carry."""
    item = None
    for entry in revisions_of(history, where):
        name = f"v{entry['version']:04d}.md"
        if need(entry, "file", str, where) != name:
            raise ArchiveInvalid(f"Revision {entry['version']} is in {name}.", where)
        body = normalise_text(read.text(f"{folder}/{name}"))
        title = need(entry, "title", str, where, limit=MAX_TITLE)
        author, comment, date = revision_fields(entry, where)
        more = extra(entry) if extra else {}
        if item is None:
            item = make(title, body, author, comment, **more)
            revision = item.current()
        else:
            revision = item._append(title, body, author, comment,
                                    need(entry, "merged", bool, where), **more)
        revision.comment, revision.date = comment, date
    return item


def restore_file(read, doc_id, history, entries, where):
    item = None
    for entry in entries:
        filename = clean_filename(need(entry, "filename", str, where, limit=255))
        name = f"v{entry['version']:04d}-{filename}"
        if need(entry, "file", str, where) != name:
            raise ArchiveInvalid(f"Version {entry['version']} is in {name}.", where)
        content_type = need(entry, "content_type", str, where, limit=300)
        if not CONTENT_TYPE_RE.match(content_type):
            raise ArchiveInvalid("Not a media type.", where)
        stream = io.BytesIO(read.archive.read(f"documents/{doc_id}/{name}", read.file_limit))
        author, comment, date = revision_fields(entry, where)
        try:
            if item is None:
                item = File(need(history, "title", str, where, limit=MAX_TITLE), stream,
                            filename, content_type, author, comment, read.file_limit)
                revision = item.current()
            else:
                revision = item.upload(stream, filename, content_type, author, item.version,
                                       comment, read.file_limit)
        except TooLarge:
            raise ArchiveInvalid("A version is larger than the limit.", where)
        revision.comment, revision.date, revision.content_type = comment, date, content_type
    return item


def post_fields(post, record, where):
    """Give a topic or reply the times, editor and earlier texts its record has."""
    post.created = moment(record, "created", where)
    post.modified = moment(record, "modified", where)
    post.modified_by = login_of(record, "modified_by", where)
    versions = []
    for version in need(record, "versions", list, where, limit=10_000):
        versions.append({"title": need(version, "title", str, where, True, MAX_TITLE),
                         "body": need(version, "body", str, where, limit=MAX_BODY),
                         "author": login_of(version, "author", where),
                         "date": moment(version, "date", where)})
    post.versions = tuple(versions)


def import_discussions(read, boards):
    count = 0
    for board_id in read.archive.names("discussions"):
        if board_id == "discussions.mbox":
            continue  # for mail programs: the threads are read from their JSON
        where = f"discussions/{slug(board_id, f'discussions/{board_id}')}/board.json"
        record = read.json(where)
        board = Board(need(record, "title", str, where, limit=MAX_TITLE),
                      need(record, "description", str, where),
                      login_of(record, "creator", where))
        board.created = moment(record, "created", where)
        topics = need(record, "topics", list, where, limit=MAX_ITEMS)
        for topic_id in topics:
            topic_where = f"discussions/{board_id}/{slug(topic_id, where)}.json"
            board.add(topic_id, restore_topic(read.json(topic_where), topic_where),
                      send_events=False)
        boards.add(board_id, board, send_events=False)
        count += len(topics)
    return count


def restore_topic(record, where):
    topic = Topic(need(record, "title", str, where, limit=MAX_TITLE),
                  need(record, "body", str, where, limit=MAX_BODY),
                  login_of(record, "author", where))
    post_fields(topic, record, where)
    topic.uid = need(record, "uid", str, where, limit=64)
    topic.locked = need(record, "locked", bool, where)
    topic.pinned = need(record, "pinned", bool, where)
    topic.last_seq = need(record, "last_seq", int, where)
    topic.topic_kind = need(record, "kind", str, where, optional=True) or "discussion"
    if topic.topic_kind not in ("discussion", "consultation"):
        raise ArchiveInvalid("A topic is a discussion or a consultation.", where)
    topic.reply_by = moment(record, "reply_by", where, optional=True)
    if not 0 <= topic.last_seq <= MAX_REPLIES:
        raise ArchiveInvalid("last_seq is out of range.", where)
    topic.last_activity, topic.last_author = topic.created, topic.author
    for reply_record in need(record, "replies", list, where, limit=MAX_REPLIES):
        name = need(reply_record, "id", str, where, limit=10)
        if not name.isdigit() or reply_id(int(name)) != name or int(name) > topic.last_seq \
                or name in topic:
            raise ArchiveInvalid(f"Reply {name[:10]} is not numbered as replies are.", where)
        reply = Reply(need(reply_record, "body", str, where, limit=MAX_BODY),
                      login_of(reply_record, "author", where))
        post_fields(reply, reply_record, where)
        topic.add(name, reply, send_events=False)
        if reply.created >= topic.last_activity:
            topic.last_activity, topic.last_author = reply.created, reply.author
    return topic


def import_calendar(read, calendar):
    try:
        events, orphans, withdrawn = parse_ics(read.archive.read("calendar/calendar.ics",
                                                                 MAX_JSON), "UTC")
    except ICSInvalid as exc:
        raise ArchiveInvalid(str(exc), "calendar/calendar.ics")
    if orphans or withdrawn:
        raise ArchiveInvalid("An archive's calendar has only whole events.",
                             "calendar/calendar.ics")
    where = "calendar/events.json"
    records = read.json(where)
    if not isinstance(records, list) or len(records) > MAX_ITEMS:
        raise ArchiveInvalid("Not a list of events.", where)
    if sorted(need(r, "uid", str, where, limit=600) for r in records) != sorted(events):
        raise ArchiveInvalid("The events are not those of calendar.ics.", where)
    for record in records:
        event = events[record["uid"]]
        event.author = login_of(record, "author", where)
        event.modified_by = login_of(record, "modified_by", where)
        event.created = moment(record, "created", where)
        event.modified = moment(record, "modified", where)
        event.sequence = need(record, "sequence", int, where)
        calendar.add(slug(need(record, "id", str, where, limit=64), where), event,
                     send_events=False)
    return len(records)


def read_board_scene(read, name):
    """(elements with the version each had, pictures) of an archive's .excalidraw file."""
    scene = read.json(name)
    try:
        elements, files = from_excalidraw(scene, with_files=True)
    except WhiteboardFormatError as exc:
        raise ArchiveInvalid(f"{exc} {json.dumps(exc.fields)[:300]}", name)
    given = {e.get("id"): e.get("version") for e in scene["elements"] if isinstance(e, dict)}
    for element in elements:
        version = given.get(element["id"])
        if isinstance(version, int) and not isinstance(version, bool) and 0 < version < 2 ** 53:
            element["version"] = version
    return elements, files


def import_whiteboards(read, whiteboards):
    count = 0
    for name in read.archive.names("whiteboards"):
        if not name.endswith(".json"):
            continue  # the .excalidraw, .svg and versions of each board are read by id
        wid = slug(name[:-5], f"whiteboards/{name}")
        where = f"whiteboards/{name}"
        record = read.json(where)
        meta = {"title": need(record, "title", str, where, limit=MAX_TITLE),
                "creator": login_of(record, "creator", where),
                "created": moment(record, "created", where),
                "modified": moment(record, "modified", where),
                "modified_by": login_of(record, "modified_by", where)}
        elements, files = read_board_scene(read, f"whiteboards/{wid}.excalidraw")
        versions = []
        entries = need(record, "versions", list, where, limit=MAX_ITEMS)
        for number, entry in enumerate(entries, 1):
            file_name = f"{wid}.versions/v{number}.excalidraw"
            if need(entry, "number", int, where) != number or \
                    need(entry, "file", str, where) != file_name:
                raise ArchiveInvalid(f"Version {number} is {file_name}.", where)
            snapshot, more = read_board_scene(read, f"whiteboards/{file_name}")
            files.update(more)
            versions.append((login_of(entry, "author", where), moment(entry, "date", where),
                             need(entry, "comment", str, where), need(entry, "automatic",
                                                                      bool, where),
                             need(entry, "seq", int, where),
                             need(entry, "title", str, where, limit=MAX_TITLE),
                             [dict(e, order=i) for i, e in enumerate(snapshot, 1)]))
        try:
            load_whiteboard(whiteboards, wid, meta, elements, files, versions)
        except (BadFile, TooManyElements) as exc:
            raise ArchiveInvalid(str(exc), where)
        count += 1
    return count
