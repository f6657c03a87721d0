"""The parts of an archive that are for people and their programs, not for the import:
the README.html that links everything, the Dublin Core catalogue, each discussion as a
Markdown thread, and the mbox a mail client opens (threaded by Message-ID).
"""
from email.message import EmailMessage
from email.generator import BytesGenerator
from email.utils import format_datetime, formataddr
import html
import io
from urllib.parse import quote

from ..content.document import Document

MAIL_DOMAIN = "archive.invalid"  # message ids and addresses of people without one


def when(value):
    return value.strftime("%-d %B %Y, %H:%M UTC") if value else ""


def thread_markdown(topic):
    """A topic and its replies as one Markdown file to read."""
    parts = [f"# {topic.title}", "", f"*{topic.author}, {when(topic.created)}*", "",
             topic.body.strip(), ""]
    for reply_id, reply in topic.items():
        parts += ["---", "", f"**{reply.author}**, {when(reply.created)} (reply {reply_id})",
                  "", reply.body.strip(), ""]
    return "\n".join(parts)


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
    for wid, board in items["whiteboards"]:
        records.append({
            "dc:identifier": f"whiteboards/{wid}.excalidraw", "dc:title": board.title,
            "dc:creator": board.creator, "dc:date": board.modified.isoformat(),
            "dc:type": "Image", "dc:format": "application/vnd.excalidraw+json"})
    return {"@context": {"dc": "http://purl.org/dc/elements/1.1/"}, "records": records}


def address(login, people):
    profile = people.get(login) if login else None
    email = getattr(profile, "email", "") or f"{login or 'someone'}@{MAIL_DOMAIN}"
    return formataddr((getattr(profile, "name", "") or login or "", email))


def message(group, topic, post, subject, message_id, parent_id, people):
    msg = EmailMessage()
    msg["From"] = address(post.author, people)
    msg["Date"] = format_datetime(post.created)
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    msg["List-Id"] = f"{group.title} <{group.__name__}.{MAIL_DOMAIN}>"
    if parent_id:
        msg["In-Reply-To"] = parent_id
        msg["References"] = parent_id
    msg.set_content(post.body)
    return msg


def mbox(group, topics, people):
    """Every topic and reply as a mail in one mbox (mboxrd: `From ` lines quoted)."""
    out = io.BytesIO()
    for board_id, topic_id, topic in topics:
        root = f"<{topic.uid}@{group.__name__}.{MAIL_DOMAIN}>"
        posts = [(topic, topic.title, root, None)] + [
            (reply, f"Re: {topic.title}",
             f"<{topic.uid}.{reply_id}@{group.__name__}.{MAIL_DOMAIN}>", root)
            for reply_id, reply in topic.items()]
        for post, subject, message_id, parent in posts:
            msg = message(group, topic, post, subject, message_id, parent, people)
            out.write(f"From {post.author or 'someone'}@{MAIL_DOMAIN} "
                      f"{post.created.strftime('%a %b %d %H:%M:%S %Y')}\n".encode())
            BytesGenerator(out, mangle_from_=True, maxheaderlen=78).flatten(msg)
            out.write(b"\n")
    return out.getvalue()


def link(path, text):
    return f'<a href="{html.escape(quote(path))}">{html.escape(text)}</a>'


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
        "whiteboards (Excalidraw and SVG) and the members (CSV). A Workspace site imports "
        "it whole with <code>workspace import-group</code>.</p>",
        f"<p>{link('members.csv', f'Members ({member_count})')} · "
        f"{link('catalogue.json', 'Catalogue (Dublin Core)')} · "
        f"{link('calendar/calendar.ics', f'Calendar ({events} events)')}</p>",
        section("Documents and files", rows),
        section("Discussions", threads,
                f"<p>{link('discussions/discussions.mbox', 'Every post as mail (mbox)')}</p>"),
        section("Whiteboards", boards),
        "</body></html>", ""])
