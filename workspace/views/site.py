"""The start page, `/api/me` and the audit log (admins)."""
import colander
from pyramid.view import view_config, view_defaults

from ..content.site import Site
from .base import BaseView, api_view, read_params

LAST_KEY = 2 ** 63 - 1  # audit entries are keyed by 64-bit integers


def my_groups(request):
    groups = request.site["groups"]
    return [groups[gid] for gid in sorted(request.user.groups) if gid in groups]


@view_config(context=Site, renderer="workspace:views/templates/home.pt", permission="view")
class HomePage(BaseView):
    """The caller's groups, then the others they may see."""

    def __call__(self):
        mine = self.request.user.groups
        other = [g for g in self.request.site["groups"].values()
                 if g.__name__ not in mine and self.can("see", g)]
        return {"title": "Start", "mine": my_groups(self.request), "other": other}


@api_view(context=Site, name="me", permission="view")
def me(request):
    user = request.user
    return {"login": user.login, "name": user.name, "email": user.email,
            "admin": user.admin,
            "groups": [{"id": g.__name__, "title": g.title, "role": user.groups[g.__name__]}
                       for g in my_groups(request)]}


def audit_params():
    """`?before=` (an entry id: older entries only) and `?limit=` (1 to 500, 100)."""
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(colander.SchemaNode(colander.Int(), name="before", missing=None,
                                   validator=colander.Range(0, LAST_KEY)))
    schema.add(colander.SchemaNode(colander.Int(), name="limit", missing=100,
                                   validator=colander.Range(1, 500)))
    return schema


@view_defaults(context=Site, name="audit", permission="admin")
class AuditLogViews(BaseView):
    """The audit log, newest first, a page at a time."""

    def entries(self):
        params = read_params(self.request, audit_params())
        return params, self.request.site.audit.newest(params["limit"], params["before"])

    @api_view()
    def json(self):
        return {"entries": self.entries()[1]}

    @view_config(renderer="workspace:views/templates/audit.pt")
    def page(self):
        params, entries = self.entries()
        older = None
        if len(entries) == params["limit"]:
            older = {"before": entries[-1]["id"], "limit": params["limit"]}
        return {"title": "Audit log", "entries": entries, "older": older}
