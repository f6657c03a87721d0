"""The roster's JSON API: GET /api/experts?theme=&country=&language= (paged) and an
admin's PUT /api/people/{login}/expert {expert, capacity, available}."""
import colander
from pyramid.view import view_config

from ...content.people import Profile
from ...content.roster import MAX_CAPACITY, Roster, set_expert
from ..api import read_json
from ..base import BaseView, api_defaults, api_view
from ..schemas import boolean, strict
from .common import expert_json, roster_page, roster_pager


def expert_schema():
    schema = colander.SchemaNode(strict())
    schema.add(colander.SchemaNode(boolean(), name="expert", title="On the roster"))
    schema.add(colander.SchemaNode(colander.Int(), name="capacity", missing=colander.drop,
                                   title="Capacity (open referrals at once)",
                                   validator=colander.Range(1, MAX_CAPACITY)))
    schema.add(colander.SchemaNode(boolean(), name="available", missing=colander.drop,
                                   title="Available now"))
    return schema


def roster_entry_json(profile, entry):
    if entry is None:
        return {"login": profile.login, "expert": False}
    return {"login": profile.login, "expert": True, "capacity": entry.capacity,
            "available": entry.available, "load": entry.load}


@api_view(context=Roster, request_method="GET", permission="view")
def experts_json(request):
    pager = roster_pager(request)
    return [expert_json(profile, entry, request.user)
            for profile, entry in roster_page(request, pager)]


@api_defaults(context=Profile, name="expert")
class ExpertAPI(BaseView):
    @view_config(request_method="GET", permission="view")
    def get(self):
        entry = self.request.site["experts"].get(self.context.login)
        return roster_entry_json(self.context, entry)

    @view_config(request_method="PUT", permission="admin")
    def put(self):
        data = read_json(self.request, expert_schema())
        entry = set_expert(self.request.site["experts"], self.context,
                           self.request.user.login, data["expert"], data.get("capacity"),
                           data.get("available"))
        return roster_entry_json(self.context, entry)
