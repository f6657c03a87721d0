"""The applications' JSON API (DESIGN.md, "Joining"): anyone applies (202, whatever the
address); admins list, approve and decline."""
from pyramid.security import NO_PERMISSION_REQUIRED

from ...content.applications import Application, Applications, NotConfirmed
from ...content.ids import IdTaken
from ..api import api_error, iso, read_json
from ..base import BaseView, api_defaults, api_view
from ..paging import Pager
from .common import (Throttled, application_schema, apply, approve, approve_schema,
                     decline, decline_schema)

ACCEPTED = {"message": "Thank you. If the address is right, a mail is on its way: "
                       "open its link within 7 days to confirm your application."}


def application_json(a):
    return {"id": a.__name__, "name": a.name, "email": a.email, "country": a.country,
            "organisation": a.organisation, "sector": a.sector, "reason": a.reason,
            "confirmed": a.confirmed is not None, "state": a.state,
            "created": iso(a.created), "decided_by": a.decided_by, "login": a.login}


@api_defaults(context=Applications)
class ApplicationsAPI(BaseView):
    @api_view(request_method="POST", permission=NO_PERMISSION_REQUIRED)
    def create(self):
        data = read_json(self.request, application_schema())
        try:
            apply(self.request, data)
        except Throttled:
            raise api_error(429, message="Too many applications just now; try later.")
        self.request.response.status = 202
        return ACCEPTED

    @api_view(request_method="GET", permission="admin")
    def list(self):
        pager = Pager(self.request)
        return pager.window([application_json(a) for a in self.context.live()])


@api_defaults(context=Application)
class ApplicationAPI(BaseView):
    @api_view(request_method="GET", permission="admin")
    def get(self):
        return application_json(self.context)

    @api_view(name="approve", request_method="POST", permission="admin")
    def approve(self):
        data = read_json(self.request, approve_schema())
        try:
            login = approve(self.request, self.context, data)
        except NotConfirmed:
            raise api_error(409, "not_confirmed", "The address is not confirmed yet, or "
                                                  "the application was decided already.")
        except IdTaken:
            raise api_error(409, "taken", "That login is taken.", {"login": "taken"})
        except ValueError as exc:
            raise api_error(400, "invalid", "Unknown group or role.", {"groups": str(exc)})
        return {"login": login}

    @api_view(name="decline", request_method="POST", permission="admin")
    def decline(self):
        data = read_json(self.request, decline_schema())
        try:
            decline(self.request, self.context, data["reason"])
        except NotConfirmed:
            raise api_error(409, "not_confirmed", "This application was decided already.")
        return {"id": self.context.__name__, "state": self.context.state}
