"""Accounts that start or come back by mail: invitations (admins for anyone, managers for
their own groups) accepted by choosing a login and password, and password resets (the
same answer whether or not an address is known; a link valid for one hour)."""
import colander
from pyramid.httpexceptions import HTTPFound
from pyramid.security import NO_PERMISSION_REQUIRED, remember
from pyramid.view import view_config

from ...content.group import ROLES, grant_role
from ...content.ids import IdTaken
from ...content.people import add_person, change_account, check_password_rules
from ...content.site import Site
from ...mail import mail_settings, queue_notice
from ...mail.invitations import invite_newcomer
from ...mail.state import state_near
from ..api import api_error, error_response, read_json
from ..base import FieldError, FormView, api_view
from ..schemas import login_node, password_node, strict, text

RESET_SECONDS = 3600
FORM = "workspace:views/templates/form.pt"


def email_node(name="email"):
    return colander.SchemaNode(colander.String(), name=name, title="E-mail",
                               validator=colander.All(colander.Email(),
                                                      colander.Length(max=254)))


def invitation_schema():
    schema = colander.SchemaNode(strict())
    schema.add(email_node())
    schema.add(text("name", 200, missing=""))
    schema.add(colander.SchemaNode(colander.Mapping(unknown="preserve"), name="groups",
                                   missing={}))
    return schema


def choose_schema():
    schema = colander.SchemaNode(strict())
    schema.add(login_node())
    schema.add(password_node())
    return schema


def invite(request, data):
    """Record the invitation and queue its mail; raises a 403/400 the caller may not."""
    user, groups = request.user, request.site["groups"]
    roles = {}
    for gid, role in (data["groups"] or {}).items():
        group = groups.get(gid) if isinstance(gid, str) else None
        if group is None or role not in ROLES:
            raise api_error(400, "invalid", "Name existing groups and roles.",
                            {"groups": f"{gid}: unknown group or role"})
        if not request.has_permission("manage_group", group) or (
                not user.admin and group.role_of(user.login) != "manager"):
            raise api_error(403, "forbidden", "You may invite people to groups you manage.",
                            {"groups": gid})
        roles[gid] = role
    if not user.admin and not roles:
        raise api_error(403, "forbidden", "Invite people to a group you manage.")
    return invite_newcomer(request.site, data["email"], data["name"], roles, user,
                           mail_settings(request.registry))


@api_view(context=Site, name="invitations", request_method="POST", permission="view")
def invitations_api(context, request):
    """POST /api/invitations {email, name, groups}: 201; the mail carries the link."""
    if request.subpath:
        return accept_api(context, request)
    invite(request, read_json(request, invitation_schema()))
    request.response.status = 201
    return {"email": request.json_body["email"]}


def accept(request, record, secret, login, password):
    """Make the account an invitation offers, with its roles; returns the profile."""
    people = request.site["people"]
    profile = add_person(people, login, record["name"] or login, record["email"], password,
                         actor=record["inviter"])
    for gid, role in record["groups"].items():
        group = request.site["groups"].get(gid)
        if group is not None:
            grant_role(group, profile, role, actor=record["inviter"])
    state_near(request.site).use_secret(state_near(request.site).invitations, secret)
    return profile


def accept_api(context, request):
    """POST /api/invitations/{token} {login, password}: 201 {login}."""
    secret = request.subpath[0]
    state = state_near(context)
    record = state.find_secret(state.invitations, secret)
    if record is None or len(request.subpath) != 1:  # returned: anonymous callers see it
        return error_response(request, 404, message="This invitation is not valid any more.")
    data = read_json(request, choose_schema())
    try:
        check_password_rules(data["password"], (data["login"], record["name"], record["email"]))
        profile = accept(request, record, secret, data["login"], data["password"])
    except ValueError as exc:
        raise api_error(400, "invalid", str(exc), {"password": str(exc)})
    request.response.status = 201
    return {"login": profile.login}


@api_view(context=Site, name="password-reset", request_method="POST",
          permission=NO_PERMISSION_REQUIRED)
def password_reset_api(context, request):
    """POST /api/password-reset {email}: 202 whatever the address;
    POST /api/password-reset/{token} {password}: 200, sessions and tokens end."""
    if request.subpath:
        return finish_reset(context, request)
    schema = colander.SchemaNode(strict())
    schema.add(email_node())
    send_reset(request, read_json(request, schema)["email"])
    request.response.status = 202
    return {"message": "If this address belongs to an account, a link is on its way."}


def send_reset(request, email):
    state = state_near(request.site)
    login = state.login_of(email)
    profile = request.site["people"].get(login) if login else None
    if profile is None or not profile.active:
        return
    recent = getattr(request.registry, "reset_throttle", None)
    if recent is None:
        from cachetools import TTLCache
        recent = request.registry.reset_throttle = TTLCache(10_000, 300)
    if login in recent:
        return  # one mail per account every five minutes: no mail bombing
    recent[login] = True
    secret = state.new_secret(state.resets, RESET_SECONDS, login=login)
    settings = mail_settings(request.registry)
    queue_notice(request.site, settings, profile.email, "Choose a new password",
                 f"Someone (you, we hope) asked to reset the password of {login}.\n"
                 f"Choose a new one here within the hour:\n\n"
                 f"{settings.public_url}/password-reset/{secret}\n\n"
                 "If it was not you, ignore this mail: nothing changes.\n", login=login)


def reset_password(request, secret, password):
    """Set the new password of the account a live reset link names; returns its login,
    or None when the link is not valid. ValueError for a password the rules refuse."""
    state = state_near(request.site)
    record = state.find_secret(state.resets, secret)
    profile = request.site["people"].get(record["login"]) if record else None
    if profile is None or not profile.active:
        return None
    change_account(profile, profile.login, password=password)
    state.use_secret(state.resets, secret)
    return profile.login


def finish_reset(context, request):
    schema = colander.SchemaNode(strict())
    schema.add(colander.SchemaNode(colander.String(), name="password"))
    data = read_json(request, schema)
    try:
        login = reset_password(request, request.subpath[0], data["password"])
    except ValueError as exc:
        raise api_error(400, "invalid", str(exc), {"password": str(exc)})
    if login is None or len(request.subpath) != 1:  # returned: anonymous callers see it
        return error_response(request, 404,
                              message="This link is not valid any more; ask for a new one.")
    return {"login": login}


class TokenForm(FormView):
    """A page reached from a link in a mail: the token is the first subpath element."""

    @property
    def secret(self):
        return self.request.subpath[0] if len(self.request.subpath) == 1 else ""


@view_config(context=Site, name="password-reset", renderer=FORM,
             permission=NO_PERMISSION_REQUIRED)
class PasswordResetPage(TokenForm):
    """/password-reset asks for the address; /password-reset/{token} sets the password."""

    buttons = ("send",)

    @property
    def title(self):
        return "Choose a new password" if self.secret else "Forgot your password?"

    def schema(self):
        schema = colander.SchemaNode(colander.Mapping())
        schema.add(password_node("password", "New password") if self.secret
                   else email_node())
        return schema

    def save_success(self, appstruct):
        if not self.secret:
            send_reset(self.request, appstruct["email"])
            return self.page("", intro="If this address belongs to an account, a link to "
                                       "choose a new password is on its way.")
        try:
            login = reset_password(self.request, self.secret, appstruct["password"])
        except ValueError as exc:
            raise FieldError("password", str(exc))
        if login is None:
            raise FieldError("password", "This link is not valid any more; ask again.")
        self.request.session.flash("Your password is changed: log in with it.")
        return HTTPFound(self.request.resource_url(self.request.site, "login"))


@view_config(context=Site, name="invitations", renderer=FORM,
             permission=NO_PERMISSION_REQUIRED)
class InvitationPage(TokenForm):
    """/invitations/{token}: choose a login and password; the account and its roles are
    made, and you are logged in."""

    title = "Welcome: choose your login and password"
    buttons = ("create",)

    def schema(self):
        return choose_schema()

    def save_success(self, appstruct):
        state = state_near(self.request.site)
        record = state.find_secret(state.invitations, self.secret)
        if record is None:
            raise FieldError("login", "This invitation is not valid any more.")
        try:
            check_password_rules(appstruct["password"], (appstruct["login"], record["name"],
                                                         record["email"]))
            profile = accept(self.request, record, self.secret, appstruct["login"],
                             appstruct["password"])
        except IdTaken:
            raise FieldError("login", "That login is taken; choose another.")
        except ValueError as exc:
            raise FieldError("password", str(exc))
        remember(self.request, profile.login)
        return HTTPFound(self.request.resource_url(self.request.site))
