"""Groups: listing, creating, the group page and settings, in HTML and JSON."""
import time

from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config, view_defaults

from ..content.group import Group, Groups, TOOLS
from ..content.ids import unique_id
from .api import api_error, read_json
from .base import FieldError, FormView
from .schemas import group_schema, optional
from .search import QueryError, run_search


def group_json(request, group):
    user = request.user
    return {"id": group.__name__, "title": group.title, "description": group.description,
            "visibility": group.visibility, "role": group.role_of(user.login),
            "readable": bool(request.has_permission("view", group))}


def visible_groups(request):
    return [g for g in request.site["groups"].values() if request.has_permission("see", g)]


def create_group(request, data):
    """Create the group from validated `data`; raises KeyError if the given id is taken."""
    groups = request.site["groups"]
    gid = data.get("id") or unique_id(groups, data["title"])
    if gid in groups:
        raise KeyError(gid)
    group = groups.add(gid, Group(data["title"], data["description"], data["visibility"]))
    request.site.audit.record(request.user.login, "group_created", gid, group.visibility)
    return group


def update_group(request, group, data):
    changed = {k: v for k, v in data.items() if getattr(group, k) != v}
    detail = ", ".join(f"visibility {group.visibility} -> {v}" if k == "visibility" else k
                       for k, v in sorted(changed.items()))
    group.update(**changed)
    if changed:
        request.site.audit.record(request.user.login, "group_changed", group.__name__, detail)


@view_defaults(context=Groups, route_name="api", renderer="json")
class GroupsAPI:
    def __init__(self, context, request):
        self.context, self.request = context, request

    @view_config(request_method="GET", permission="view")
    def list(self):
        return [group_json(self.request, g) for g in visible_groups(self.request)]

    @view_config(request_method="POST", permission="admin")
    def create(self):
        data = read_json(self.request, group_schema())
        try:
            group = create_group(self.request, data)
        except KeyError:
            raise api_error(409, "taken", "That id is taken.", {"id": "taken"})
        self.request.response.status = 201
        return {"id": group.__name__}


@view_defaults(context=Group, route_name="api", renderer="json")
class GroupAPI:
    def __init__(self, context, request):
        self.context, self.request = context, request

    @view_config(request_method="GET", permission="see")
    def get(self):
        return group_json(self.request, self.context)

    @view_config(request_method="PUT", permission="manage_group")
    def put(self):
        data = read_json(self.request, optional(group_schema(with_id=False)))
        update_group(self.request, self.context, data)
        return group_json(self.request, self.context)


@view_config(context=Groups, renderer="templates/groups.pt", permission="view")
def groups_page(request):
    return {"title": "Groups", "groups": visible_groups(request),
            "can_add": request.has_permission("admin", request.context)}


RECENT_SECONDS = 1.0


def recent_activity(request, group, limit=8):
    """The group's latest changed items, newest first (from search).

    Every reader of a group may read all of its items, so one answer serves them all; it
    is kept for a second (as fresh as the index itself) to spare a query per page view.
    """
    # per app: (application url, group id) -> (time, results)
    cache = request.registry.__dict__.setdefault("workspace_recent_activity", {})
    key = (request.application_url, group.__name__)
    now = time.monotonic()
    cached = cache.get(key)
    if cached is not None and now - cached[0] < RECENT_SECONDS:
        return cached[1]
    try:
        results = run_search(request, {"q": "", "types": [], "groups": [group.__name__],
                                       "authors": [], "start": None, "end": None,
                                       "sort": "date", "page": 1, "limit": limit})["results"]
    except QueryError:  # search not configured for this site
        results = []
    cache[key] = (now, results)
    return results


@view_config(context=Group, renderer="templates/group.pt", permission="see")
def group_page(request):
    group = request.context
    readable = request.has_permission("view", group)
    return {"title": group.title, "group": group, "readable": readable,
            "recent": recent_activity(request, group) if readable else [],
            "tools": [name for name, _ in TOOLS] if readable else [],
            "members": sorted(group.roles.items())
            if request.has_permission("see_members", group) else None,
            "can_manage": request.has_permission("manage_group", group),
            "can_join": (request.has_permission("join", group)
                         and group.role_of(request.user.login) is None),
            "pending": request.user.login in group.join_requests,
            "csrf": request.session.get_csrf_token()}


@view_config(context=Groups, name="add", renderer="templates/form.pt", permission="admin")
class AddGroupForm(FormView):
    title = "New group"
    buttons = ("create",)

    def schema(self):
        return group_schema()

    def save_success(self, appstruct):
        try:
            group = create_group(self.request, appstruct)
        except KeyError:
            raise FieldError("id", "That id is taken.")
        self.request.session.flash(f"Group {group.title} created. Now add its members.")
        return HTTPFound(self.request.resource_url(group, "members"))


@view_config(context=Group, name="edit", renderer="templates/form.pt",
             permission="manage_group")
class EditGroupForm(FormView):
    title = "Group settings"

    def schema(self):
        return group_schema(with_id=False)

    def appstruct(self):
        g = self.context
        return {"title": g.title, "description": g.description, "visibility": g.visibility}

    def save_success(self, appstruct):
        update_group(self.request, self.context, appstruct)
        self.request.session.flash("Settings saved.")
        return HTTPFound(self.request.resource_url(self.context))
