"""Changing one's own password: `PUT /api/me/password {current, new}` and the page
`/people/<me>/@@password`, linked from one's profile.

Both go through `content.people.change_own_password`: the current password is checked and
throttled like a login, and the new one ends the person's other sessions and API tokens
(the request that asks keeps its own). Failures are answered, not raised, so that the
failure count and its audit entry are kept.
"""
import colander
import deform
from pyramid.httpexceptions import HTTPForbidden, HTTPFound
from pyramid.view import view_config

from ..content.people import MAX_PASSWORD, Profile, change_own_password, token_digest
from ..content.site import Site
from ..security import SESSION_ID, bearer_token
from .api import api_error, error_response, read_json
from .auth import TOO_MANY
from .base import FormView, api_view
from .schemas import strict, text

WRONG = "That is not your current password."
FORM = "workspace:views/templates/form.pt"


def password_field(name, title, autocomplete):
    return text(name, MAX_PASSWORD, title=title, widget=deform.widget.PasswordWidget(
        attributes={"autocomplete": autocomplete}))


def change_schema():
    """What the API takes: the current password and the new one."""
    schema = colander.SchemaNode(strict())
    schema.add(password_field("current", "Current password", "current-password"))
    schema.add(password_field("new", "New password", "new-password"))
    return schema


def same_twice(form, values):
    if values["new"] != values["confirm"]:
        error = colander.Invalid(form, "The two new passwords differ.")
        error["confirm"] = "This is not the same as the new password above."
        raise error


def page_schema():
    """The page's: the new password typed twice."""
    schema = change_schema()
    schema.add(password_field("confirm", "New password again", "new-password"))
    schema.validator = same_twice
    return schema


def change(request, current, new):
    """`change_own_password` for the caller, keeping this request's session or token."""
    token = bearer_token(request)
    return change_own_password(
        request.user, request.registry.login_throttle, current, new,
        request.client_addr or "unknown",
        session_id=None if token else request.session.get(SESSION_ID),
        token_id=token_digest(token)[:12] if token else None)


@api_view(context=Site, name="me", request_method="PUT", permission="view")
def change_password_api(request):
    if request.subpath != ("password",):
        raise api_error(404, message="Use PUT /api/me/password.")
    data = read_json(request, change_schema())
    try:
        failure = change(request, data["current"], data["new"])
    except ValueError as exc:
        raise api_error(400, "invalid", str(exc), {"new": str(exc)})
    if failure == "throttled":
        return error_response(request, 429, message=TOO_MANY)
    if failure == "invalid":
        return error_response(request, 400, "invalid", WRONG, {"current": WRONG})
    return {"status": "changed"}


@view_config(context=Profile, name="password", renderer=FORM, permission="edit_profile")
class ChangePasswordForm(FormView):
    """One's own password only: not even an admin changes another's here (they have the
    account page)."""

    title = "Change your password"
    buttons = (deform.Button("save", "Change password"),)

    def __init__(self, context, request):
        super().__init__(context, request)
        if request.user.login != context.login:
            raise HTTPForbidden()

    def schema(self):
        return page_schema()

    def page(self, form_html, **extra):
        return super().page(form_html, intro=(
            "Your other sessions (other browsers and devices) and your API tokens end "
            "when you change it; you stay logged in here."), **extra)

    def refused(self, field, message):
        """The form again with `message` beside `field`; the failure's count and audit
        entry are kept (nothing else was changed)."""
        form = self.form(self.schema())
        error = colander.Invalid(form.schema)
        error[field] = message
        form.widget.handle_error(form, error)
        if field == "current":
            self.request.response.status = 429 if message == TOO_MANY else 400
        return self.page(form.render())

    def save_success(self, appstruct):
        try:
            failure = change(self.request, appstruct["current"], appstruct["new"])
        except ValueError as exc:
            return self.refused("new", str(exc))
        if failure is not None:
            return self.refused("current", TOO_MANY if failure == "throttled" else WRONG)
        self.request.session.flash("Your password is changed. Your other sessions and "
                                   "API tokens have ended.")
        return HTTPFound(self.request.resource_url(self.context))
