"""Logging in and out (HTML), and API tokens: made with a login and password (JSON),
listed and revoked by their owner (JSON and the tokens page). Every attempt is throttled
and audited by `content.people.attempt_login`."""
import colander
import deform
from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNoContent
from pyramid.security import NO_PERMISSION_REQUIRED, forget, remember
from pyramid.view import view_config, view_defaults

from ..content.people import Profile, attempt_login, new_api_token, revoke_api_token
from ..content.site import Site
from .api import api_error, error_response, read_json
from .base import BaseView, FormView, api_defaults
from .schemas import token_request_schema

TOO_MANY = "Too many failed attempts from here. Try again in 15 minutes."


def safe_came_from(value):
    """Only a path on this site: never another host, scheme or protocol-relative URL."""
    if (not isinstance(value, str) or not value.isascii() or not value.startswith("/")
            or value.startswith("//") or "\\" in value or any(ord(c) < 32 for c in value)):
        return "/"
    return value


def log_in(request, login, password):
    """`attempt_login` on this site: (profile, None) or (None, "throttled"/"invalid")."""
    return attempt_login(request.site["people"], request.registry.login_throttle, login,
                         password, request.client_addr or "unknown")


def login_schema():
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(colander.SchemaNode(colander.String(), name="login", title="Login",
                                   validator=colander.Length(max=200),
                                   widget=deform.widget.TextInputWidget(
                                       attributes={"autocomplete": "username",
                                                   "maxlength": "64"})))
    schema.add(colander.SchemaNode(colander.String(), name="password", title="Password",
                                   widget=deform.widget.PasswordWidget(
                                       attributes={"autocomplete": "current-password"})))
    schema.add(colander.SchemaNode(colander.String(), name="came_from", missing="/",
                                   widget=deform.widget.HiddenWidget()))
    return schema


# The login page keeps its plain name: /login is the address DESIGN.md gives it, and no
# id can take a page's place on the site itself (its children are fixed).
@view_config(context=Site, name="login", renderer="workspace:views/templates/login.pt",
             permission=NO_PERMISSION_REQUIRED)
class LoginView(FormView):
    title = "Log in"
    buttons = (deform.Button("submit", "Log in"),)

    def schema(self):
        return login_schema()

    def appstruct(self):
        return {"came_from": safe_came_from(self.request.params.get("came_from", "/"))}

    def save_success(self, appstruct):
        profile, reason = log_in(self.request, appstruct["login"], appstruct["password"])
        if profile is None:
            # Returned, not raised: the failure count and audit entry must be committed.
            if reason == "throttled":
                self.request.response.status = 429
            message = TOO_MANY if reason == "throttled" else "Login or password is wrong."
            form = self.form(self.schema())
            error = colander.Invalid(form.schema, message)
            error["password"] = message  # the field to type again is marked as wrong
            form.widget.handle_error(form, error)
            form.cstruct = form.schema.serialize({"login": appstruct["login"], "password": "",
                                                  "came_from": appstruct["came_from"]})
            return self.page(form.render(), error=message)
        remember(self.request, profile.login)
        return HTTPFound(safe_came_from(appstruct["came_from"]))


@view_config(context=Site, name="logout", request_method="POST",
             permission=NO_PERMISSION_REQUIRED)
def logout(request):
    forget(request)
    return HTTPFound(request.resource_url(request.site, "login"))


def token_list(profile):
    return [dict(id=token_id, label=info["label"], created=info["created"])
            for token_id, info in profile.api_tokens.items()]


@api_defaults(context=Site, name="tokens")
class TokensAPI(BaseView):
    """`POST /api/tokens` trades a login and password for a token; the caller lists and
    revokes their own at `/api/tokens` and `/api/tokens/{id}`."""

    @view_config(request_method="POST", permission=NO_PERMISSION_REQUIRED)
    def create(self):
        data = read_json(self.request, token_request_schema())
        profile, reason = log_in(self.request, data["login"], data["password"])
        if profile is None:  # returned, not raised: the failure is committed
            if reason == "throttled":
                return error_response(self.request, 429, message=TOO_MANY)
            return error_response(self.request, 401, message="Login or password is wrong.")
        token_id, secret = new_api_token(profile, profile.login, data["label"])
        self.request.response.status = 201
        return {"token": secret, "id": token_id}

    @view_config(request_method="GET", permission="view")
    def list(self):
        return token_list(self.request.user)

    @view_config(request_method="DELETE", permission="view")
    def revoke(self):
        user = self.request.user
        if len(self.request.subpath) != 1:
            raise api_error(404, message="Name the token to revoke: /api/tokens/{id}.")
        if self.request.subpath[0] not in user.api_tokens:
            raise api_error(404, message="No such token.")
        revoke_api_token(user, self.request.subpath[0], user.login)
        return HTTPNoContent()


@view_defaults(context=Profile, name="tokens", renderer="workspace:views/templates/tokens.pt",
               permission="edit_profile")
class TokensPage(BaseView):
    """A person's own API tokens: create one (its secret shown this once) or revoke any."""

    def __init__(self, context, request):
        super().__init__(context, request)
        if request.user.login != context.login:
            raise HTTPForbidden()  # not even an admin's: a token acts as its owner

    def page(self, new_secret=None):
        return {"title": "API tokens", "profile": self.context,
                "tokens": token_list(self.context), "new_secret": new_secret,
                "csrf": self.request.session.get_csrf_token()}

    @view_config(request_method="GET")
    def show(self):
        return self.page()

    @view_config(request_method="POST", request_param="revoke")
    def revoke(self):
        token_id = self.request.POST["revoke"]
        if token_id in self.context.api_tokens:
            revoke_api_token(self.context, token_id, self.request.user.login)
            self.request.session.flash("Token revoked.")
        return self.page()

    @view_config(request_method="POST")
    def create(self):
        label = self.request.POST.get("label", "")[:100]
        return self.page(new_api_token(self.context, self.context.login, label)[1])
