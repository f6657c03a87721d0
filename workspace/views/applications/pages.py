"""The public side of joining: the application form (`/applications/@@apply`, for anyone)
and the page a confirmation link opens."""
from pyramid.httpexceptions import HTTPFound
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from ...content.applications import Application, Applications
from ..base import FieldError, FormView
from .common import Throttled, application_schema, apply

TEMPLATES = "workspace:views/templates/"
SENT = ("Thank you. If the address is right, a mail is on its way: open its link within "
        "7 days to confirm your application.")


@view_config(context=Applications, name="apply", renderer=TEMPLATES + "form.pt",
             permission=NO_PERMISSION_REQUIRED)
class ApplyForm(FormView):
    title = "Apply to join"
    buttons = ("apply",)

    def schema(self):
        return application_schema()

    def page(self, form_html, **extra):
        if self.request.GET.get("sent"):
            extra["intro"] = SENT
        return super().page(form_html, **extra)

    def save_success(self, appstruct):
        try:
            apply(self.request, appstruct)
        except Throttled:
            raise FieldError("email", "Too many applications just now; try later.")
        return HTTPFound(self.request.resource_url(self.context, "@@apply",
                                                   query={"sent": "1"}))


@view_config(context=Application, name="confirm",
             renderer=TEMPLATES + "application_confirmed.pt",
             permission=NO_PERMISSION_REQUIRED)
def confirm(context, request):
    """The mailed link: confirms the address (the same answer for any wrong key)."""
    if context.confirm(request.GET.get("key", "")[:100]):
        return {"title": "Address confirmed",
                "message": "Thank you: the facilitation team will look at your "
                           "application and write to you."}
    request.response.status = 404
    return {"title": "This link is not valid",
            "message": "It may have expired (links last 7 days) or been used already."}
