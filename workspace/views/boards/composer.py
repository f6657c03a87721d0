"""What the discussion composer asks while someone writes (JSON): a preview of the post as
it will read, and the group members an `@` being typed may mention.

Both live on the listings a post is written into (`.../topics` for a new topic,
`.../topics/{t}/replies` for a reply), and both need "edit": only who may post asks.
Mentions are matched on the start of a login (the group's role map is a BTree keyed by
login, so a prefix is a range read however large the group), and shown with names.
"""
import colander
from pyramid.traversal import find_interface

from ...content.board import MENTION_RE, ReplyList, TopicList
from ...content.group import Group
from ...content.text import render_markdown
from ..api import read_json
from ..base import BaseView, api_defaults, api_view, read_params
from ..schemas import strict
from .posts import body_node

MENTIONS = 8  # candidates offered at once


def preview_schema():
    schema = colander.SchemaNode(strict())
    node = body_node()
    node.missing, node.validator = "", None
    schema.add(node)
    return schema


def mention_params():
    schema = colander.SchemaNode(colander.Mapping(unknown="ignore"))
    schema.add(colander.SchemaNode(colander.String(), name="q", missing="",
                                   validator=colander.Length(max=64)))
    return schema


@api_defaults(permission="edit")
class ComposerAPI(BaseView):
    @api_view(context=TopicList, name="preview", request_method="POST")
    @api_view(context=ReplyList, name="preview", request_method="POST")
    def preview(self):
        return {"html": render_markdown(read_json(self.request, preview_schema())["body"])}

    @api_view(context=TopicList, name="mentions", request_method="GET")
    @api_view(context=ReplyList, name="mentions", request_method="GET")
    def mentions(self):
        """`?q=am`: up to eight members whose login starts with it: [{login, name}]."""
        prefix = read_params(self.request, mention_params())["q"].lower().lstrip("@")
        if prefix and not MENTION_RE.fullmatch("@" + prefix):
            return []
        roles = find_interface(self.context.__parent__, Group).roles
        people, found = self.request.site["people"], []
        for login in roles.keys(min=prefix or None, max=prefix + "\uffff" if prefix else None):
            if len(found) == MENTIONS:
                break
            profile = people.get(login)
            if profile is not None and profile.active:
                found.append({"login": login, "name": profile.title})
        return found
