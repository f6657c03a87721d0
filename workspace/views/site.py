"""The start page, `/api/me` and the audit log (admins)."""
from urllib.parse import urlencode

import colander
from pyramid.view import view_config, view_defaults

from ..content.site import Site
from .base import BaseView, api_view, read_params

LAST_KEY = 2 ** 63 - 1  # audit entries are keyed by 64-bit integers


HOME_GROUPS = 50  # of the caller's own groups on the start page; the rest on /groups/
HOME_OTHERS = 20  # of the other groups they may see


def my_groups(request):
    """The caller's own groups, by id (a supervisor's hundreds included: /api/me names
    them all)."""
    groups = request.site["groups"]
    return [groups[gid] for gid in sorted(request.user.groups) if gid in groups]


@view_config(context=Site, renderer="workspace:views/templates/home.pt", permission="view")
class HomePage(BaseView):
    """The caller's first groups, then the first others they may see, each with a link
    to the whole paged list: the page reads what it shows, not every group."""

    def __call__(self):
        user, groups = self.request.user, self.request.site["groups"]
        mine = groups.listing(user, 0, HOME_GROUPS, mine=True)
        other = groups.others(user, HOME_OTHERS)
        return {"title": "Start", "mine": [groups[gid] for gid in mine.keys],
                "mine_total": mine.total, "other_total": other.total,
                "other": [groups[gid] for gid in other.keys if self.can("see", groups[gid])],
                "groups_url": self.request.resource_url(groups),
                "mine_url": self.request.resource_url(groups, query={"mine": "true"})}


@api_view(context=Site, name="me", permission="view")
def me(request):
    user = request.user
    return {"login": user.login, "name": user.name, "email": user.email,
            "admin": user.admin,
            "groups": [{"id": g.__name__, "title": g.title, "role": user.groups[g.__name__]}
                       for g in my_groups(request)]}


AUDIT_FILTERS = ("actor", "action", "object")


def audit_params():
    """`?before=` (an entry id: older entries only) and `?limit=` (1 to 500, 100)."""
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(colander.SchemaNode(colander.Int(), name="before", missing=None,
                                   validator=colander.Range(0, LAST_KEY)))
    schema.add(colander.SchemaNode(colander.Int(), name="limit", missing=100,
                                   validator=colander.Range(1, 500)))
    for name in AUDIT_FILTERS:  # exact actor or action, object path prefix
        schema.add(colander.SchemaNode(colander.String(), name=name, missing="",
                                       validator=colander.Length(max=500)))
    return schema


@view_defaults(context=Site, name="audit", permission="admin")
class AuditLogViews(BaseView):
    """The audit log, newest first, a page at a time."""

    def entries(self):
        params = read_params(self.request, audit_params())
        filters = {name: params[name] for name in AUDIT_FILTERS}
        return params, self.request.site.audit.newest(params["limit"], params["before"],
                                                      **filters)

    @api_view()
    def json(self):
        """`{entries}`, with `Link: <...?before=...>; rel="next"` to the older ones when
        the page is full. (No `X-Total-Count`: the log of a site of 870,000 people
        holds millions of entries, and counting them would cost a walk over all.)"""
        params, entries = self.entries()
        older = self.older(params, entries)
        if older:
            url = f"{self.api_url('audit')}?{urlencode(older)}"
            self.request.response.headers["Link"] = f'<{url}>; rel="next"'
        return {"entries": entries}

    def older(self, params, entries):
        """The query of the next (older) page, or None when this is the last."""
        if len(entries) == params["limit"]:
            kept = {name: params[name] for name in AUDIT_FILTERS if params[name]}
            return dict(kept, before=entries[-1]["id"], limit=params["limit"])
        return None

    @view_config(renderer="workspace:views/templates/audit.pt")
    def page(self):
        params, entries = self.entries()
        return {"title": "Audit log", "entries": entries, "older": self.older(params, entries),
                "filters": {name: params[name] for name in AUDIT_FILTERS}}
