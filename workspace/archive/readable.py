"""The parts of an archive that are for people and their programs, not for the import:
the README.html that links everything, the Dublin Core catalogue, each discussion as a
Markdown thread, and the mbox a mail client opens (threaded by Message-ID).
"""
from email.generator import BytesGenerator
from email.header import Header
from email.message import Message
from email.utils import format_datetime, formataddr
import html
import io
import quopri
import re
from urllib.parse import quote

from ..content.document import Document
from ..content.roster import country_name

MAIL_DOMAIN = "archive.invalid"  # message ids and addresses of people without one
DC_CONTEXT = {"dc": "http://purl.org/dc/elements/1.1/"}
FROM_LINE = re.compile(r"^From ", re.M)


def when(value):
    return value.strftime("%-d %B %Y, %H:%M UTC") if value else ""


def thread_markdown(topic):
    """A topic and its replies as one Markdown file to read."""
    parts = [f"# {topic.title}", "", f"*{topic.author}, {when(topic.created)}*", "",
             topic.body.strip(), ""]
    for reply_id, reply in topic.items():
        parts += ["---", "", f'<a id="{reply_anchor(reply_id)}"></a>',
                  f"**{reply.author}**, {when(reply.created)} (reply {reply_id})",
                  "", reply.body.strip(), ""]
    return "\n".join(parts)


def reply_anchor(reply_id):
    """The anchor of a reply in its thread's Markdown (summaries link their citations)."""
    return f"reply-{reply_id}"


def dublin_core(identifier, title, fields, theme_label, when, relation=None):
    """A record in Dublin Core terms (the /elements/1.1/ set as JSON-LD keys), those the
    OAI-PMH harvest gives; empty terms left out."""
    terms = {
        "dc:identifier": [identifier] + ([fields["url"]] if fields.get("url") else []),
        "dc:title": title, "dc:creator": list(fields.get("authors") or ()),
        "dc:subject": [theme_label(t) for t in fields.get("themes") or ()],
        "dc:description": fields.get("abstract"), "dc:publisher": fields.get("publisher"),
        "dc:date": str(fields["year"]) if fields.get("year") else when.date().isoformat(),
        "dc:type": fields["type"], "dc:format": "text/markdown",
        "dc:language": list(fields.get("languages") or ()),
        "dc:coverage": [country_name(c) for c in fields.get("countries") or ()],
        "dc:rights": fields.get("licence"), "dc:relation": relation}
    return {"@context": DC_CONTEXT, **{k: v for k, v in terms.items()
                                       if v not in (None, "", [])}}


def catalogue(group, items):
    """Every item in Dublin Core terms (as JSON-LD keys of the /elements/1.1/ set)."""
    records = [{"dc:identifier": "group.json", "dc:title": group.title,
                "dc:description": group.description, "dc:type": "Collection"}]
    for doc_id, item in items["documents"]:
        current = item.current()
        records.append({
            "dc:identifier": f"documents/{doc_id}/", "dc:title": item.title,
            "dc:creator": item.creator, "dc:date": current.date.isoformat(),
            "dc:type": "Text" if isinstance(item, Document) else "Dataset",
            "dc:format": "text/markdown" if isinstance(item, Document)
            else current.content_type})
    for board_id, topic_id, topic in items["discussions"]:
        records.append({
            "dc:identifier": f"discussions/{board_id}/{topic_id}.md", "dc:title": topic.title,
            "dc:creator": topic.author, "dc:date": topic.created.isoformat(),
            "dc:type": "Text", "dc:format": "text/markdown"})
    if items["events"]:
        records.append({"dc:identifier": "calendar/calendar.ics", "dc:type": "Event",
                        "dc:title": f"{group.title}: calendar", "dc:format": "text/calendar"})
    for resource_id, resource in items["collection"]:
        records.append({
            "dc:identifier": f"collection/{resource_id}/", "dc:title": resource.title,
            "dc:creator": ", ".join(resource.fields["authors"]) or resource.creator,
            "dc:date": resource.current().date.isoformat(), "dc:type": "Text",
            "dc:format": "text/markdown"})
    for board_id, topic_id, summary in items["summaries"]:
        records.append({
            "dc:identifier": f"summaries/{board_id}/{topic_id}/", "dc:title": summary.title,
            "dc:creator": summary.current().author, "dc:type": "Text",
            "dc:date": summary.current().date.isoformat(), "dc:format": "text/markdown",
            "dc:relation": f"discussions/{board_id}/{topic_id}.md"})
    for wid, board in items["whiteboards"]:
        records.append({
            "dc:identifier": f"whiteboards/{wid}.excalidraw", "dc:title": board.title,
            "dc:creator": board.creator, "dc:date": board.modified.isoformat(),
            "dc:type": "Image", "dc:format": "application/vnd.excalidraw+json"})
    return {"@context": DC_CONTEXT, "records": records}


def address(login, people):
    profile = people.get(login) if login else None
    email = getattr(profile, "email", "") or f"{login or 'someone'}@{MAIL_DOMAIN}"
    return formataddr((getattr(profile, "name", "") or login or "", email), "utf-8")


def header(value):
    """A header's text, in RFC 2047 words when it is not ASCII."""
    return value if value.isascii() else Header(value, "utf-8").encode()


def body_of(text):
    """(Content-Transfer-Encoding, body), the body ending in a newline: the text as it
    is when it is ASCII in lines a mail may have, else quoted-printable UTF-8, as it is
    when a line starts "From " too (written "=46rom ", which an mbox need not quote as
    ">From ", so that it reads back exactly)."""
    text = text if text.endswith("\n") else text + "\n"
    if text.isascii() and not FROM_LINE.search(text) and \
            all(len(line) <= 998 for line in text.splitlines()):
        return "7bit", text
    encoded = quopri.encodestring(text.encode()).decode("ascii")
    return "quoted-printable", FROM_LINE.sub("=46rom ", encoded)


def message(group, post, subject, message_id, parent_id, people):
    """One post as a mail. The plain `Message` with headers written ready: the modern
    email API parses every header it is given again, 3 ms a post, most of an export."""
    msg = Message()
    msg["From"] = address(post.author, people)
    msg["Date"] = format_datetime(post.created)
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    msg["List-Id"] = f"{header(group.title)} <{group.__name__}.{MAIL_DOMAIN}>"
    if parent_id:
        msg["In-Reply-To"] = parent_id
        msg["References"] = parent_id
    encoding, body = body_of(post.body)
    msg["MIME-Version"] = "1.0"
    msg["Content-Type"] = 'text/plain; charset="utf-8"'
    msg["Content-Transfer-Encoding"] = encoding
    msg.set_payload(body)
    return msg


def mbox(group, topics, people):
    """Every topic and reply as a mail in one mbox (mboxrd: `From ` lines quoted)."""
    out = io.BytesIO()
    for board_id, topic_id, topic in topics:
        root = f"<{topic.uid}@{group.__name__}.{MAIL_DOMAIN}>"
        posts = [(topic, header(topic.title), root, None)] + [
            (reply, header(f"Re: {topic.title}"),
             f"<{topic.uid}.{reply_id}@{group.__name__}.{MAIL_DOMAIN}>", root)
            for reply_id, reply in topic.items()]
        for post, subject, message_id, parent in posts:
            msg = message(group, post, subject, message_id, parent, people)
            out.write(f"From {post.author or 'someone'}@{MAIL_DOMAIN} "
                      f"{post.created.strftime('%a %b %d %H:%M:%S %Y')}\n".encode())
            BytesGenerator(out, mangle_from_=True, maxheaderlen=78).flatten(msg)
            out.write(b"\n")
    return out.getvalue()


def link(path, text):
    return f'<a href="{html.escape(quote(path))}">{html.escape(text)}</a>'


def resource_file_link(resource_id, resource):
    """', <a>its file</a>' for a Resource that has one now (written in files/ under the
    number of the first revision that had it)."""
    found = getattr(resource.current(), "file", None)
    if found is None:
        return ""
    first = next(v for v in resource.revisions.keys() if resource.revisions[v].file is found)
    return ", " + link(f"collection/{resource_id}/files/v{first:04d}-{found.filename}",
                       f"file: {found.filename}")


def readme_html(group, items, member_count):
    """A page that says what the archive holds and links every part of it."""
    e = html.escape
    rows = []
    for doc_id, item in items["documents"]:
        current = item.current()
        main = (f"documents/{doc_id}/v{current.version:04d}.md" if isinstance(item, Document)
                else f"documents/{doc_id}/v{current.version:04d}-{current.filename}")
        kind = "document" if isinstance(item, Document) else "file"
        history = link(f"documents/{doc_id}/history.json", "history")
        rows.append(f"<li>{link(main, item.title)} ({kind}, {item.version} versions: "
                    f"{history})</li>")
    threads = [f"<li>{link(f'discussions/{b}/{t}.md', topic.title)} "
               f"({len(topic)} replies)</li>" for b, t, topic in items["discussions"]]
    boards = [f"<li>{link(f'whiteboards/{w}.svg', board.title)} "
              f"({link(f'whiteboards/{w}.excalidraw', 'Excalidraw file')})</li>"
              for w, board in items["whiteboards"]]

    resources = [f"<li>{link(f'collection/{r}/v{res.version:04d}.md', res.title)} "
                 f"({e(res.fields['type'])}; "
                 f"{link(f'collection/{r}/dublin-core.json', 'record')}, "
                 f"{res.version} versions: {link(f'collection/{r}/history.json', 'history')}"
                 f"{resource_file_link(r, res)})</li>" for r, res in items["collection"]]
    summaries = [f"<li>{link(f'summaries/{b}/{t}/summary.md', s.title)} "
                 f"({'published' if s.published else 'draft'}; "
                 f"{link(f'summaries/{b}/{t}/dublin-core.json', 'record')}, "
                 f"{s.version} versions: {link(f'summaries/{b}/{t}/history.json', 'history')})"
                 "</li>" for b, t, s in items["summaries"]]
    events = len(items["events"])

    def section(title, entries, extra=""):
        body = f"<ul>{''.join(entries)}</ul>" if entries else "<p>None.</p>"
        return f"<h2>{e(title)}</h2>{extra}{body}"

    return "\n".join([
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(group.title)}: archive</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:50em;margin:2em auto;"
        "line-height:1.5;padding:0 1em}</style></head><body>",
        f"<h1>{e(group.title)}</h1>", f"<p>{e(group.description)}</p>",
        "<p>This folder is the whole archive of the group, in open formats: Markdown "
        "documents with every revision, the files with every version, the discussions "
        "(Markdown, and an mbox a mail program opens), the calendar (iCalendar), the "
        "whiteboards (Excalidraw and SVG), the collection and the consultations' "
        "Discussion Summaries (Markdown with every revision, and Dublin Core records), the "
        "mailgroup's settings and the members (CSV). A Workspace site imports it whole with "
        "<code>workspace import-group</code>; what was in the trash is only listed "
        f"({link('trash.json', 'the list')}).</p>",
        f"<p>{link('members.csv', f'Members ({member_count})')} · "
        f"{link('catalogue.json', 'Catalogue (Dublin Core)')} · "
        f"{link('calendar/calendar.ics', f'Calendar ({events} events)')} · "
        f"{link('mail.json', 'Mailgroup settings')}</p>",
        section("Documents and files", rows),
        section("Discussions", threads,
                f"<p>{link('discussions/discussions.mbox', 'Every post as mail (mbox)')}</p>"),
        section("Whiteboards", boards),
        section("Collection", resources,
                f"<p>{link('collection/index.md', 'The collection, listed')}</p>"),
        section("Discussion Summaries", summaries),
        "</body></html>", ""])
