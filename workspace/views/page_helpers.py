"""What every template may use besides its view's values, handed to each by `BeforeRender`:

- `name_of(login)`: people are shown by their names, not their logins (content and the API
  name them by login, DESIGN.md); each name is looked up once per request;
- `group_tabs`: the tabs of the group the page lies in, so that every page of a group (a
  document, a topic, an event...) shows them, not only the group's own page;
- `local_time(moment)`: the one time format, in the viewer's zone, for templates whose
  view hands them no `view.when` (a moment, or its ISO 8601 text as stored entries keep it);
- `markdown(text)`: Markdown a person wrote (a profile's bio), rendered and sanitised as
  every post is;
- `linked_mentions(html)`: a post's sanitised HTML with each `@login` of a member of the
  page's group made a link to their profile (not inside code or an existing link).
"""
import re

from datetime import datetime

from pyramid.events import BeforeRender, subscriber
from pyramid.location import lineage
from pyramid.traversal import find_interface

from ..content.board import MENTION_RE
from ..content.group import TOOLS, Group
from ..content.text import render_markdown
from .base import time_formatter, viewer_tz

class Names:
    """The names of the people a page mentions, by login, looked up as asked."""

    def __init__(self, request):
        self.request = request
        self.known = {}

    def __call__(self, login):
        if not login:
            return ""
        if login not in self.known:
            profile = self.request.site["people"].get(login)
            self.known[login] = profile.title if profile is not None else login
        return self.known[login]


def group_tabs(request):
    """(label, url, current) of the group's page and each tool the caller may open, for the
    group `request.context` lies in; [] outside a group or for a group they cannot read."""
    context = getattr(request, "context", None)
    group = find_interface(context, Group) if context is not None else None
    if group is None or not request.has_permission("view", group):
        return []
    here = list(lineage(context))
    tabs = [(group.title, request.resource_url(group), context is group and
             not request.view_name)]
    for name, _ in TOOLS:
        tool = group.get(name)
        if tool is not None and request.has_permission("view", tool):
            tabs.append((name.capitalize(), request.resource_url(tool),
                         tool in here))
    return tabs


def local_time_of(request):
    when = time_formatter(viewer_tz(request))

    def local_time(moment):
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        return when(moment)
    return local_time


TAG = re.compile(r"(<[^>]*>)")
NO_LINKS_INSIDE = ("a", "code", "pre")


def mention_linker(request):
    """`linked_mentions` for this request's group (text of sanitised HTML holds no "<":
    nh3 escapes it, so splitting at tags is exact)."""
    group = find_interface(getattr(request, "context", None), Group)
    people = request.site["people"]

    def link(match):
        login = match.group(1)
        if group is None or group.role_of(login) is None:
            return match.group(0)
        return f'<a class="mention" href="{request.resource_url(people, login)}">@{login}</a>'

    def linked_mentions(html):
        out, inside = [], []
        for part in TAG.split(html):
            if part.startswith("<"):
                name = part.strip("</>").split()[0].lower() if part.strip("</>") else ""
                if name in NO_LINKS_INSIDE:
                    if part.startswith("</"):
                        inside = inside[:-1]
                    elif not part.endswith("/>"):
                        inside.append(name)
                out.append(part)
            else:
                out.append(part if inside else MENTION_RE.sub(link, part))
        return "".join(out)
    return linked_mentions


def on_request(request, name, make):
    """One helper object per request (a page renders several templates)."""
    found = request.__dict__.get(name)
    if found is None:
        found = request.__dict__[name] = make()
    return found


@subscriber(BeforeRender)
def add_page_helpers(event):
    request = event.get("request")
    if request is None or not str(event.get("renderer_name", "")).endswith(".pt"):
        return  # JSON answers need none of this
    event.setdefault("name_of", on_request(request, "_ws_names", lambda: Names(request)))
    event.setdefault("group_tabs", on_request(request, "_ws_tabs",
                                              lambda: group_tabs(request)))
    event.setdefault("local_time", on_request(request, "_ws_when",
                                              lambda: local_time_of(request)))
    event.setdefault("markdown", render_markdown)
    event.setdefault("linked_mentions", on_request(request, "_ws_mentions",
                                                   lambda: mention_linker(request)))
