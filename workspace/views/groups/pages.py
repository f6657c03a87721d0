"""The group list and a group's page, with its recent activity."""
import threading

import colander

from cachetools import TTLCache
from pyramid.view import view_config

from ...content.group import TOOLS, Group, Groups
from ...search import QueryError, search_for
from ...security import request_principals
from ..base import BaseView
from ..paging import Pager

GROUP_PAGE_MEMBERS = 50  # named on a group's page; the members page and API page them all
ACTIVITY_SECONDS = 1.0  # as fresh as the search index itself
ACTIVITY_GROUPS = 10_000  # groups whose activity is kept at once
_activity_lock = threading.Lock()  # a TTLCache is not safe for several threads


def group_pager(request):
    """The paging of a group list: `?page=&limit=&q=` and `?mine=true` (only the
    caller's own groups)."""
    return Pager(request, q=True, mine=colander.SchemaNode(colander.Boolean(),
                                                            missing=False))


def visible_groups(request, pager):
    """One page of the groups the caller may see (their name and description, at
    least), by id; each confirmed by the security policy. Only the page's groups are
    read (see Groups.listing)."""
    groups = request.site["groups"]
    selection = groups.listing(request.user, pager.start, pager.stop, pager.q,
                               mine=pager.params["mine"])
    return [groups[gid] for gid in pager.selected(selection)
            if request.has_permission("see", groups[gid])]


@view_config(context=Groups, renderer="workspace:views/templates/groups.pt",
             permission="view")
class GroupsPage(BaseView):
    def __call__(self):
        pager = group_pager(self.request)
        return {"title": "Groups", "groups": visible_groups(self.request, pager),
                "pager": pager.links(), "mine": pager.params["mine"],
                "can_add": self.can("admin")}


@view_config(context=Group, renderer="workspace:views/templates/group.pt", permission="see")
class GroupPage(BaseView):
    """What the caller may know of a group: its content's tools and latest changes to its
    readers, its members to those who may see them, and a way to ask to join."""

    def __call__(self):
        group, login = self.context, self.request.user.login
        readable = self.can("view")
        members = list(group.roles.items()[:GROUP_PAGE_MEMBERS]) \
            if self.can("see_members") else None
        return {"title": group.title, "group": group, "readable": readable,
                "recent": self.recent_activity() if readable else [],
                "tools": [name for name, _ in TOOLS] if readable else [],
                "members": members,
                "members_total": (len(group.roles) if len(members) == GROUP_PAGE_MEMBERS
                                  else len(members)) if members is not None else 0,
                "can_manage": self.can("manage_group"),
                "can_join": self.can("join") and group.role_of(login) is None,
                "pending": login in group.join_requests,
                "csrf": self.request.session.get_csrf_token()}

    def recent_activity(self, limit=8):
        """The group's latest changed items, newest first (from search), each with the
        `url` of its page.

        Every reader of a group may read all of its items, so one answer serves them all;
        it is kept for a second on the registry to spare a query per page view.
        """
        registry, gid = self.request.registry, self.context.__name__
        with _activity_lock:
            cache = getattr(registry, "group_activity", None)
            if cache is None:
                cache = registry.group_activity = TTLCache(ACTIVITY_GROUPS, ACTIVITY_SECONDS)
            found = cache.get(gid)
        if found is None:
            try:
                found = search_for(registry, self.request.site, self.request.user,
                                   request_principals(self.request),
                                   lambda obj, permission: self.can(permission, obj),
                                   groups=[gid], sort="date", limit=limit)["results"]
            except QueryError:  # search not configured for this site
                found = []
            with _activity_lock:
                cache[gid] = found
        home = self.request.application_url
        return [dict(hit, url=f"{home}{hit['path'].rstrip('/')}/") for hit in found]
