"""Writing a group's archive (the layout is in the package's docstring).

Every file is written from the content objects as they are, in a fixed order and without
the time of the export, so that the same group gives the same archive: that is what lets
an import be checked by exporting again.
"""
import csv
from datetime import datetime, timezone
import io
import json

from pyramid.traversal import find_root

from ..content.board import Board
from ..content.document import Document, File
from ..content.ics import ics_bytes
from ..content.trash import kind_of
from ..content.vocabulary import themes_of
from ..content.whiteboard_format import board_scene, board_svg
from . import FORMAT, FORMAT_VERSION
from .library import export_collection, export_summaries
from .readable import catalogue, mbox, readme_html, thread_markdown

MEMBER_COLUMNS = ("login", "name", "email", "country", "organisation", "role")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)  # the DTSTAMP of an empty calendar


def iso(value):
    return value.isoformat() if value is not None else None


def as_json(data):
    """Readable, sorted JSON; whole numbers written as such (250, not 250.0), so that a
    value read back as a float is written the same."""
    return (json.dumps(whole_numbers(data), indent=2, sort_keys=True, ensure_ascii=False)
            + "\n").encode()


def whole_numbers(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: whole_numbers(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [whole_numbers(v) for v in value]
    return value


def export_group(group, out, progress=None):
    """Write `group`'s whole archive through `out` (a `store.FolderOut` or `ZipOut`);
    `progress(section, name)` is told of each item as it is written. Returns how many
    items of each kind were written."""
    tell = progress or (lambda section, name: None)
    people = find_root(group)["people"]
    out.write("group.json", as_json({
        "format": FORMAT, "format_version": FORMAT_VERSION, "id": group.__name__,
        "title": group.title, "description": group.description,
        "visibility": group.visibility}))
    members = member_rows(group, people)
    out.write("members.csv", members_csv(members))
    items = {"documents": export_documents(group, out, tell),
             "discussions": export_discussions(group, out, tell, people),
             "events": export_calendar(group, out, tell),
             "whiteboards": export_whiteboards(group, out, tell),
             "collection": export_collection(group, out, tell, write_revisions, as_json,
                                             themes_of(find_root(group)))}
    items["summaries"] = export_summaries(items["discussions"], out, tell, write_revisions,
                                          as_json, people)
    out.write("mail.json", as_json(mail_settings(group["mail"])))
    out.write("trash.json", as_json(trash_list(group["trash"])))
    out.write("catalogue.json", as_json(catalogue(group, items)))
    out.write("README.html", readme_html(group, items, len(members)).encode())
    out.close()
    return {kind: len(found) for kind, found in items.items()} | {"members": len(members)}


def member_rows(group, people):
    rows = []
    for login, role in group.roles.items():
        profile = people.get(login)
        rows.append({"login": login, "role": role,
                     **{name: getattr(profile, name, "") or "" for name in
                        ("name", "email", "country", "organisation")}})
    return rows


def members_csv(rows):
    text = io.StringIO()
    writer = csv.DictWriter(text, MEMBER_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode()


def mail_settings(mail):
    """The mailgroup's settings and each member's chosen delivery (held mail, the mail
    log and reply keys belong to the old site's address and stay there)."""
    return {"enabled": mail.enabled, "moderation": mail.moderation, "board": mail.board,
            "deliveries": dict(mail.deliveries.items())}


def trash_list(trash):
    """What the trash held: listed for the record, not brought back by an import."""
    return [{"key": key, "id": item.trash_record.id, "title": getattr(item, "title", key),
             "type": kind_of(item), "place": item.trash_record.place,
             "deleted": iso(item.trash_record.deleted),
             "deleted_by": item.trash_record.deleted_by} for key, item in trash.items()]


def write_revisions(out, folder, item, extra=None):
    """Each revision of a versioned text as `folder`/vNNNN.md; returns the history's
    entries (`extra(revision)` adds what a kind's revisions carry beside the text)."""
    entries = []
    for version in item.revisions.keys():
        r = item.revisions[version]
        entry = {"version": r.version, "author": r.author, "date": iso(r.date),
                 "comment": r.comment, "file": f"v{r.version:04d}.md", "title": r.title,
                 "merged": r.merged, **(extra(r) if extra else {})}
        out.write(f"{folder}/{entry['file']}", r.body.encode())
        entries.append(entry)
    return entries


def export_documents(group, out, tell):
    """Every document with each revision as a Markdown file, every file with each upload;
    returns [(id, item)]."""
    found = []
    for doc_id, item in group["documents"].items():
        folder = f"documents/{doc_id}"
        entries = write_revisions(out, folder, item) if isinstance(item, Document) else \
            write_uploads(out, folder, item)
        history = {"id": doc_id, "kind": item.kind, "created": iso(item.created),
                   "revisions": entries}
        if isinstance(item, File):
            history["title"] = item.title
        out.write(f"{folder}/history.json", as_json(history))
        found.append((doc_id, item))
        tell("documents", doc_id)
    return found


def write_uploads(out, folder, item):
    """Each upload of a File as `folder`/vNNNN-<name>; returns the history's entries."""
    entries = []
    for version in item.revisions.keys():
        r = item.revisions[version]
        entry = {"version": r.version, "author": r.author, "date": iso(r.date),
                 "comment": r.comment, "file": f"v{r.version:04d}-{r.filename}",
                 "filename": r.filename, "content_type": r.content_type, "size": r.size}
        with r.open() as stream:
            out.copy(f"{folder}/{entry['file']}", stream)
        entries.append(entry)
    return entries


def post_json(post):
    return {"body": post.body, "author": post.author, "created": iso(post.created),
            "modified": iso(post.modified), "modified_by": post.modified_by,
            "versions": [{"title": v["title"], "body": v["body"], "author": v["author"],
                          "date": iso(v["date"])} for v in post.versions]}


def export_discussions(group, out, tell, people):
    """Each board's topics as a Markdown thread and its exact JSON, and one mbox of every
    post; returns [(board id, topic id, topic)]."""
    found = []
    for board_id, board in group["boards"].items():
        if not isinstance(board, Board):
            continue
        folder = f"discussions/{board_id}"
        out.write(f"{folder}/board.json", as_json({
            "id": board_id, "title": board.title, "description": board.description,
            "creator": board.creator, "created": iso(board.created),
            "topics": list(board.keys())}))
        for topic_id, topic in board.items():
            replies = [dict(post_json(reply), id=reply_id) for reply_id, reply in topic.items()]
            out.write(f"{folder}/{topic_id}.json", as_json(dict(
                post_json(topic), id=topic_id, title=topic.title, uid=topic.uid,
                locked=topic._locked, pinned=topic.pinned, last_seq=topic.last_seq,
                kind=topic.topic_kind, reply_by=iso(topic.reply_by), replies=replies)))
            out.write(f"{folder}/{topic_id}.md", thread_markdown(topic).encode())
            found.append((board_id, topic_id, topic))
            tell("discussions", f"{board_id}/{topic_id}")
    out.write("discussions/discussions.mbox", mbox(group, found, people))
    return found


def export_calendar(group, out, tell):
    """The calendar as one .ics (its DTSTAMP the latest change, so that it is the same
    file each time) and what iCalendar has no place for; returns [(id, event)]."""
    events = list(group["calendar"].items())
    stamp = max((e.modified for _, e in events), default=EPOCH)
    out.write("calendar/calendar.ics", ics_bytes(group.title, [e for _, e in events],
                                                 stamp=stamp))
    out.write("calendar/events.json", as_json([{
        "id": event_id, "uid": e.uid, "author": e.author, "modified_by": e.modified_by,
        "created": iso(e.created), "modified": iso(e.modified), "sequence": e.sequence}
        for event_id, e in events]))
    tell("calendar", f"{len(events)} events")
    return events


def export_whiteboards(group, out, tell):
    """Each board as an .excalidraw file and an SVG, with its versions; returns
    [(id, board)]."""
    found = []
    for wid, board in group["whiteboards"].items():
        out.write(f"whiteboards/{wid}.excalidraw", as_json(board_scene(board)))
        out.write(f"whiteboards/{wid}.svg", board_svg(board))
        versions = []
        for version in reversed(board.versions.newest_first()):
            name = f"{wid}.versions/v{version.number}.excalidraw"
            out.write(f"whiteboards/{name}", as_json(
                board_scene(board, version.elements, version.title)))
            versions.append({"number": version.number, "author": version.author,
                             "date": iso(version.created), "comment": version.comment,
                             "automatic": version.automatic, "seq": version.seq,
                             "title": version.title, "file": name})
        out.write(f"whiteboards/{wid}.json", as_json({
            "id": wid, "title": board.title, "creator": board.creator,
            "created": iso(board.created), "modified": iso(board.modified),
            "modified_by": board.modified_by, "versions": versions}))
        found.append((wid, board))
        tell("whiteboards", wid)
    return found
