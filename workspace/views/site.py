"""The start page, /api/me and the audit log."""
from pyramid.httpexceptions import HTTPBadRequest
from pyramid.view import view_config

from ..content.site import Site


def my_groups(request):
    groups = request.site["groups"]
    user = request.user
    return [groups[gid] for gid in sorted(user.groups) if gid in groups]


@view_config(context=Site, renderer="templates/home.pt", permission="view")
def home(request):
    mine = my_groups(request)
    other = [g for g in request.site["groups"].values()
             if g.__name__ not in request.user.groups and request.has_permission("see", g)]
    return {"title": "Start", "mine": mine, "other": other}


@view_config(context=Site, name="me", route_name="api", renderer="json", permission="view")
def me(request):
    user = request.user
    return {"login": user.login, "name": user.name, "email": user.email,
            "admin": user.admin,
            "groups": [{"id": g.__name__, "title": g.title, "role": user.groups[g.__name__]}
                       for g in my_groups(request)]}


def audit_page(request):
    before = request.params.get("before", "")
    limit = request.params.get("limit", "100")
    if not (before == "" or is_number(before)) or not is_number(limit):
        raise HTTPBadRequest("`before` is an entry id and `limit` a number.")
    return request.site.audit.newest(max(1, min(int(limit), 500)),
                                     int(before) if before else None)


def is_number(value):
    return value.isascii() and value.isdigit() and len(value) < 19


@view_config(context=Site, name="audit", route_name="api", renderer="json",
             permission="admin")
def audit_json(request):
    return {"entries": audit_page(request)}


@view_config(context=Site, name="audit", renderer="templates/audit.pt", permission="admin")
def audit_html(request):
    entries = audit_page(request)
    return {"title": "Audit log", "entries": entries,
            "older": entries[-1]["id"] if len(entries) == 100 else None}
