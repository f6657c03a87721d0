"""What the consultation pages, forms and API share: the schemas of what a request may
send, the summary's JSON shape, where a cited reply is, and the changes themselves, so
that HTML and JSON ask, summarise and publish in exactly one way."""
from datetime import datetime, time, timezone

import colander
import deform
from pyramid.traversal import find_interface

from ...content.board import MAX_BODY, MAX_TITLE
from ...content.group import Group
from ...content.ids import MAX_LEN, unique_id
from ...content.notifications import announce_post
from ...content.summary import render_summary, start_consultation, state_of
from ..api import iso
from ..schemas import boolean, new_id_validator, strict, text

REPLIES_PAGE = 50  # the topic page's replies per page (views/boards)
MAX_VERSION = 2 ** 31 - 1
FACILITATORS = "the facilitation team"  # who wrote a summary, as the public web says it


def not_blank(node, value):
    if not value.strip():
        raise colander.Invalid(node, "Write something here.")


def moment_node(name, title):
    return colander.SchemaNode(colander.DateTime(), name=name, title=title, missing=None,
                               widget=deform.widget.DateTimeInputWidget())


def day_node(name, title):
    """A day (the form's one labelled date input); replies stop at its end, UTC."""
    return colander.SchemaNode(colander.Date(), name=name, title=title, missing=None,
                               widget=deform.widget.DateInputWidget())


def end_of_day(day):
    return datetime.combine(day, time(23, 59, 59), timezone.utc) if day else None


def consultation_schema(form=False):
    """A new consultation: the question, what it asks, until when replies come (a time
    in the API, a day in the form), an id."""
    schema = colander.SchemaNode(strict())
    schema.add(text("title", MAX_TITLE, title="Question", validator=not_blank))
    schema.add(text("body", MAX_BODY, title="What you ask, and why", validator=not_blank,
                    widget=deform.widget.TextAreaWidget(rows=8)))
    schema.add((day_node if form else moment_node)("reply_by", "Replies by (optional)"))
    schema.add(text("id", MAX_LEN, missing=None, title="Address (optional)",
                    validator=new_id_validator))
    return schema


def reopen_schema():
    schema = colander.SchemaNode(strict())
    schema.add(moment_node("reply_by", "Replies by (optional)"))
    return schema


def version_node(name, missing=colander.required):
    return colander.SchemaNode(colander.Integer(), name=name, missing=missing,
                               validator=colander.Range(min=1, max=MAX_VERSION))


def summary_schema(api=True):
    """A save of the summary: the text, the version it is based on, a change note."""
    schema = colander.SchemaNode(strict())
    schema.add(colander.SchemaNode(
        colander.String(allow_empty=True), name="body", title="Summary (Markdown)",
        validator=colander.Length(max=2_000_000),
        widget=deform.widget.TextAreaWidget(rows=22, css_class="markdown-source")))
    base = version_node("base_version", missing=None if api else colander.required)
    if not api:
        base.widget = deform.widget.HiddenWidget()
    schema.add(base)
    schema.add(text("comment", 500, missing="", title="Change note"))
    return schema


def publish_schema():
    schema = colander.SchemaNode(strict())
    schema.add(colander.SchemaNode(boolean(), name="public", missing=False))
    schema.add(colander.SchemaNode(boolean(), name="published", missing=True))
    return schema


def citation_schema():
    schema = colander.SchemaNode(strict())
    schema.add(colander.SchemaNode(boolean(), name="named"))
    return schema


# the changes ------------------------------------------------------------------------------
def create_consultation(board, data, login):
    """A new consultation from `data`, its mentions notified; `IdTaken` if the id is."""
    topic_id = data.get("id") or unique_id(board, data["title"])
    topic = start_consultation(board, topic_id, data["title"], data["body"], login,
                               data.get("reply_by"))
    announce_post(find_interface(board, Group), topic, login)
    return topic


# reading ----------------------------------------------------------------------------------
def reply_link(request, reply):
    """The topic page that shows `reply`, scrolled to it."""
    topic = reply.__parent__
    page = topic.position_of(reply) // REPLIES_PAGE + 1
    return request.resource_url(topic, query={"page": page} if page > 1 else None,
                                anchor=f"r{reply.__name__}")


def summary_html(request, summary, body=None):
    return render_summary(summary, summary.body if body is None else body,
                          request.site["people"], lambda reply: reply_link(request, reply))


def consultation_json(topic):
    summary = topic.summary
    return {"id": topic.__name__, "title": topic.title, "kind": topic.topic_kind,
            "state": state_of(topic), "reply_by": iso(topic.reply_by),
            "locked": topic.locked, "reply_count": topic.reply_count,
            "summary_published": bool(summary and summary.published)}


def reads_draft(request, summary):
    """Whether the caller reads the summary's newest text (its managers), not only the
    published version (everyone else)."""
    return bool(request.has_permission("moderate", summary))


def group_reader(request, summary):
    """Whether the caller reads the consultation itself (not only the public web)."""
    return bool(request.has_permission("view", summary.topic))


def shown_revision(request, summary):
    return summary.readable_revision(reads_draft(request, summary))


def summary_json(request, summary):
    """The version the caller reads (see `reads_draft`) and what it cites; no login for
    a reader of the public web."""
    shown = shown_revision(request, summary)
    data = {"title": summary.title, "body": shown.body,
            "html": summary_html(request, summary, shown.body),
            "version": shown.version, "modified": iso(shown.date),
            "cites": summary.cites(shown), "new_since": summary.new_since(shown),
            "stale": summary.stale(shown), "published": summary.published,
            "public": summary.public, "published_version": summary.published_version,
            "published_at": iso(summary.published_at), "state": state_of(summary.topic)}
    if group_reader(request, summary):
        data["modified_by"] = shown.author
    return data
