"""Logging in and out (HTML), API tokens (JSON and HTML), with throttling and auditing."""
import colander
import deform
from pyramid.httpexceptions import HTTPFound, HTTPNoContent
from pyramid.security import NO_PERMISSION_REQUIRED, forget, remember
from pyramid.view import view_config

from ..content.ids import is_slug
from ..content.people import verify_login
from ..content.site import Site
from .api import api_error, error_response, read_json
from .base import FormView
from .schemas import token_request_schema

TOO_MANY = "Too many failed attempts for this login. Try again in 15 minutes."


def safe_came_from(value):
    """Only a path on this site: never another host, scheme or protocol-relative URL."""
    if (not isinstance(value, str) or not value.isascii() or not value.startswith("/")
            or value.startswith("//") or "\\" in value or any(ord(c) < 32 for c in value)):
        return "/"
    return value


def attempt_login(request, login, password):
    """(profile, None) on success, else (None, reason) with reason 'throttled' or 'invalid'.

    Both outcomes are audited and failures counted, for known and unknown logins alike.
    """
    site = request.site
    people = site["people"]
    login = login.strip().lower()
    # Only a real account's login goes into the log: text typed into the login box may
    # be a password. A login that is not even a slug is never stored anywhere.
    named = login if login in people else "(unknown login)"
    if not is_slug(login):
        verify_login(people, None, password)
        site.audit.record(named, "login_failed", named)
        return None, "invalid"
    if site.throttle.blocked(login):
        site.audit.record(named, "login_throttled", named)
        return None, "throttled"
    profile = verify_login(people, login, password)
    if profile is None:
        site.throttle.failed(login)
        site.audit.record(named, "login_failed", named)
        return None, "invalid"
    site.throttle.succeeded(login)
    site.audit.record(login, "login", login)
    return profile, None


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


@view_config(context=Site, name="login", renderer="templates/form.pt",
             permission=NO_PERMISSION_REQUIRED)
class LoginView(FormView):
    title = "Log in"
    buttons = (deform.Button("submit", "Log in"),)

    def schema(self):
        return login_schema()

    def appstruct(self):
        return {"came_from": safe_came_from(self.request.params.get("came_from", "/"))}

    def save_success(self, appstruct):
        profile, reason = attempt_login(self.request, appstruct["login"], appstruct["password"])
        if profile is None:
            # Returned, not raised: the failure count and audit entry must be committed.
            if reason == "throttled":
                self.request.response.status = 429
            message = TOO_MANY if reason == "throttled" else "Login or password is wrong."
            form = self.form(self.schema())
            form.error = colander.Invalid(form.schema, message)
            return self.page(form.render({"login": appstruct["login"],
                                          "came_from": appstruct["came_from"]}),
                             error=message)
        remember(self.request, profile.login)
        return HTTPFound(safe_came_from(appstruct["came_from"]))


@view_config(context=Site, name="logout", request_method="POST",
             permission=NO_PERMISSION_REQUIRED)
def logout(request):
    forget(request)
    return HTTPFound(request.resource_url(request.site, "login"))


@view_config(context=Site, name="tokens", route_name="api", request_method="POST",
             renderer="json", permission=NO_PERMISSION_REQUIRED)
def create_token(request):
    data = read_json(request, token_request_schema())
    profile, reason = attempt_login(request, data["login"], data["password"])
    if profile is None:
        if reason == "throttled":
            return error_response(request, 429, message=TOO_MANY)
        return error_response(request, 401, message="Login or password is wrong.")
    token_id, secret = profile.new_token(request.site["people"], data["label"])
    request.site.audit.record(profile.login, "token_created", profile.login, token_id)
    request.response.status = 201
    return {"token": secret, "id": token_id}


def token_list(profile):
    return [dict(id=token_id, label=info["label"], created=info["created"])
            for token_id, info in profile.api_tokens.items()]


def revoke(request, profile, token_id):
    if token_id not in profile.api_tokens:
        raise api_error(404, message="No such token.")
    profile.revoke_token(request.site["people"], token_id)
    request.site.audit.record(request.user.login, "token_revoked", profile.login, token_id)


@view_config(context=Site, name="tokens", route_name="api", request_method="GET",
             renderer="json", permission="view")
def my_tokens(request):
    return token_list(request.user)


@view_config(context=Site, name="tokens", route_name="api", request_method="DELETE",
             permission="view")
def revoke_my_token(request):
    if len(request.subpath) != 1:
        raise api_error(404, message="Name the token to revoke: /api/tokens/{id}.")
    revoke(request, request.user, request.subpath[0])
    return HTTPNoContent()
