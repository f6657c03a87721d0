"""Joining in HTML: the application form (`/applications/@@apply`, for anyone), the page
a confirmation link opens, and the admins' list of applications with approve and
decline (`/applications/`)."""
import colander
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPFound
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from ...content.applications import Application, Applications, NotConfirmed
from ...content.group import ROLES
from ...content.ids import IdTaken
from ..base import BaseView, FieldError, FormView
from ..paging import Pager
from ..schemas import login_node, text
from .common import Throttled, application_schema, apply, approve, decline

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


# The admins' page ------------------------------------------------------------------------
SHOW = {"open": ("unconfirmed", "confirmed"), "decided": ("approved", "declined")}


def list_params():
    return {"show": colander.SchemaNode(colander.String(), missing="open",
                                        validator=colander.OneOf(sorted(SHOW)))}


def decision_schema():
    """The approve form: a login (optional: made from the name), group ids and the role
    the new account gets in each."""
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(login_node(missing=None))
    schema.add(text("groups", 5000, missing=""))
    schema.add(colander.SchemaNode(colander.String(), name="role", missing="member",
                                   validator=colander.OneOf(ROLES)))
    return schema


@view_config(context=Applications, renderer=TEMPLATES + "applications.pt",
             permission="admin")
class ApplicationsPage(BaseView):
    """Open applications (or decided ones), newest first, paged; a confirmed one carries
    the approve and decline forms."""

    def __call__(self):
        pager = Pager(self.request, **list_params())
        show = pager.params["show"]
        items = pager.window([a for a in self.context.live() if a.state in SHOW[show]])
        return {"title": "Membership applications", "view": self, "items": items,
                "links": pager.links(), "show": show, "roles": ROLES,
                "csrf": get_csrf_token(self.request)}


def back(request, message):
    request.session.flash(message)
    return HTTPFound(request.resource_url(request.site["applications"]))


@view_config(context=Application, name="approve", request_method="POST",
             permission="admin")
def approve_page(context, request):
    """Approve from the page; a bad login, an unknown group or a taken login is said
    in a message and changes nothing."""
    try:
        data = decision_schema().deserialize(dict(request.POST.items()))
    except colander.Invalid as exc:
        return back(request, "Not approved: " + "; ".join(exc.asdict().values()))
    groups = {gid: data["role"] for gid in split_ids(data["groups"])}
    try:
        login = approve(request, context, {"login": data["login"], "groups": groups})
    except NotConfirmed:
        return back(request, "Not approved: the application is not confirmed, or was "
                             "decided already.")
    except IdTaken:
        return back(request, f"Not approved: the login {data['login']} is taken.")
    except ValueError as exc:
        return back(request, f"Not approved: there is no group {exc}.")
    return back(request, f"Approved: {context.name} has the account {login} and a mail "
                         "to choose a password.")


@view_config(context=Application, name="decline", request_method="POST",
             permission="admin")
def decline_page(context, request):
    try:
        decline(request, context, request.POST.get("reason", "").strip()[:2000])
    except NotConfirmed:
        return back(request, "This application was decided already.")
    return back(request, f"Declined: {context.name} gets a polite mail.")


def split_ids(value):
    return [g.strip() for g in value.replace(";", ",").split(",") if g.strip()][:100]
