"""People: the directory, profiles, accounts (admin) and a person's own API tokens."""
from pyramid.httpexceptions import HTTPForbidden, HTTPFound
from pyramid.view import view_config, view_defaults

from ..content.people import PROFILE_FIELDS, People, Profile, add_person
from ..content.site import Site
from .api import api_error, read_json
from .auth import revoke, token_list
from .base import FieldError, FormView
from .schemas import account_schema, optional, profile_schema, user_schema


def profile_json(profile):
    data = {field: getattr(profile, field) for field in PROFILE_FIELDS}
    data.update(login=profile.login, admin=profile.admin, active=profile.active)
    return data


def create_account(request, data):
    people = request.site["people"]
    if data["login"] in people:
        raise KeyError(data["login"])
    profile = add_person(people, data["login"], data["name"], data["email"],
                         data["password"], admin=data.get("admin", False))
    request.site.audit.record(request.user.login, "account_created", profile.login,
                              "admin" if profile.admin else "")
    return profile


def change_profile(request, profile, data):
    profile.update(**data)
    request.site.audit.record(request.user.login, "profile_changed", profile.login,
                              ", ".join(sorted(data)))


def change_account(request, profile, data):
    """Admin changes to an account: active, admin flag, password; each audited."""
    actor = request.user.login
    if profile.login == actor and (data.get("active") is False or data.get("admin") is False):
        raise ValueError("Another administrator must deactivate or demote you.")
    people = request.site["people"]
    audit = request.site.audit
    if "active" in data and data["active"] != profile.active:
        if data["active"]:
            profile.reactivate()
        else:
            profile.deactivate(people)
        audit.record(actor, "account_reactivated" if data["active"]
                     else "account_deactivated", profile.login)
    if "admin" in data and data["admin"] != profile.admin:
        profile.admin = data["admin"]
        audit.record(actor, "admin_granted" if data["admin"] else "admin_revoked",
                     profile.login)
    if "password" in data:
        profile.set_password(data["password"])
        profile.end_credentials(people)
        audit.record(actor, "password_reset", profile.login)


@view_config(context=Site, name="users", route_name="api", request_method="POST",
             renderer="json", permission="admin")
def create_user(request):
    data = read_json(request, user_schema())
    try:
        profile = create_account(request, data)
    except KeyError:
        raise api_error(409, "taken", "That login is taken.", {"login": "taken"})
    request.response.status = 201
    return {"login": profile.login}


@view_config(context=Site, name="users", route_name="api", request_method="GET",
             renderer="json", permission="admin")
def list_users(request):
    return [profile_json(p) for p in request.site["people"].values()]


@view_defaults(context=Profile, route_name="api", renderer="json")
class ProfileAPI:
    def __init__(self, context, request):
        self.context, self.request = context, request

    @view_config(request_method="GET", permission="view")
    def get(self):
        return profile_json(self.context)

    @view_config(request_method="PUT", permission="edit_profile")
    def put(self):
        data = read_json(self.request, optional(profile_schema()))
        change_profile(self.request, self.context, data)
        return profile_json(self.context)

    @view_config(name="account", request_method="PUT", permission="admin")
    def account(self):
        data = read_json(self.request, account_schema())
        try:
            change_account(self.request, self.context, data)
        except ValueError as exc:
            raise api_error(400, "invalid", str(exc))
        return profile_json(self.context)


def listed_people(request):
    """Everyone active; admins also see deactivated accounts."""
    return [p for p in request.context.values() if p.active or request.user.admin]


@view_config(context=People, route_name="api", request_method="GET", renderer="json",
             permission="view")
def people_json(request):
    return [profile_json(p) for p in listed_people(request)]


@view_config(context=People, renderer="templates/people.pt", permission="view")
def people_page(request):
    return {"title": "People", "people": listed_people(request),
            "can_add": request.has_permission("admin", request.context)}


@view_config(context=Profile, renderer="templates/profile.pt", permission="view")
def profile_page(request):
    profile = request.context
    groups = request.site["groups"]
    shared = [groups[gid] for gid in sorted(profile.groups)
              if gid in groups and request.has_permission("see_members", groups[gid])]
    return {"title": profile.title, "profile": profile, "groups": shared,
            "can_edit": request.has_permission("edit_profile", profile),
            "is_admin": request.has_permission("admin", profile),
            "is_self": request.user.login == profile.login}


@view_config(context=People, name="add", renderer="templates/form.pt", permission="admin")
class AddPersonForm(FormView):
    title = "New account"
    buttons = ("create",)

    def schema(self):
        return user_schema()

    def save_success(self, appstruct):
        try:
            profile = create_account(self.request, appstruct)
        except KeyError:
            raise FieldError("login", "That login is taken.")
        self.request.session.flash(f"Account {profile.login} created.")
        return HTTPFound(self.request.resource_url(profile))


@view_config(context=Profile, name="edit", renderer="templates/form.pt",
             permission="edit_profile")
class EditProfileForm(FormView):
    title = "Edit profile"

    def schema(self):
        return profile_schema()

    def appstruct(self):
        return {field: getattr(self.context, field) for field in PROFILE_FIELDS}

    def save_success(self, appstruct):
        change_profile(self.request, self.context, appstruct)
        self.request.session.flash("Profile saved.")
        return HTTPFound(self.request.resource_url(self.context))


@view_config(context=Profile, name="account", renderer="templates/form.pt",
             permission="admin")
class AccountForm(FormView):
    """An admin's switches on an account: active, admin, a new password."""

    title = "Account"

    def schema(self):
        schema = account_schema()
        schema["active"].title = "Active (can log in)"
        schema["admin"].title = "Site administrator"
        schema["password"].title = "New password (leave empty to keep)"
        return schema

    def appstruct(self):
        return {"active": self.context.active, "admin": self.context.admin}

    def save_success(self, appstruct):
        try:
            change_account(self.request, self.context, appstruct)
        except ValueError as exc:
            raise FieldError("active", str(exc))
        self.request.session.flash("Account saved.")
        return HTTPFound(self.request.resource_url(self.context))


@view_config(context=Profile, name="tokens", renderer="templates/tokens.pt",
             permission="edit_profile")
def tokens_page(request):
    """A person's own API tokens: create one (shown once) or revoke any."""
    profile = request.context
    if request.user.login != profile.login:
        raise HTTPForbidden()
    new_secret = None
    if request.method == "POST":
        if "revoke" in request.POST:
            if request.POST["revoke"] in profile.api_tokens:
                revoke(request, profile, request.POST["revoke"])
                request.session.flash("Token revoked.")
        else:
            label = request.POST.get("label", "")[:100]
            token_id, new_secret = profile.new_token(request.site["people"], label)
            request.site.audit.record(profile.login, "token_created", profile.login, token_id)
    return {"title": "API tokens", "profile": profile, "tokens": token_list(profile),
            "new_secret": new_secret, "csrf": request.session.get_csrf_token()}
