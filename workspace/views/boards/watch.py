"""Watching a topic: every new reply to it then notifies the watcher (content:
`Notifications.watch`). The button on the topic page and its JSON twin post to
`.../topics/{t}/replies/@@watch` (the replies listing, so no id can take the name); anyone
who reads the topic may watch it, and a watcher who leaves the group hears no more.
"""
import colander
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from ...content.board import ReplyList
from ..api import read_json
from ..base import BaseView, api_view
from ..schemas import boolean, strict


def watch_schema():
    schema = colander.SchemaNode(strict())
    schema.add(colander.SchemaNode(boolean(), name="watch"))
    return schema


class WatchViews(BaseView):
    @property
    def topic(self):
        return self.context.__parent__

    def set(self, on):
        self.request.site["notifications"].watch(self.topic, self.request.user.login, on)
        return on

    @api_view(context=ReplyList, name="watch", request_method="POST", permission="view")
    def api(self):
        return {"watching": self.set(read_json(self.request, watch_schema())["watch"])}

    @view_config(context=ReplyList, name="watch", request_method="POST", permission="view")
    def page(self):
        on = self.set(self.request.POST.get("watch") == "true")
        self.request.session.flash("You are watching this topic: every new reply will be "
                                   "in your notifications." if on else
                                   "You stopped watching this topic.")
        return HTTPFound(self.request.resource_url(self.topic))
