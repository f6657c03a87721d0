"""The JSON API of people (DESIGN.md's /api/users and /api/people rows): accounts made
by admins, the directory, profiles and an account's switches."""
from pyramid.view import view_config

from ...content.ids import IdTaken
from ...content.people import (PROFILE_FIELDS, People, Profile, add_person, change_account,
                               change_profile)
from ...content.site import Site
from ..api import api_error, read_json
from ..base import BaseView, api_defaults, api_view
from ..paging import Pager
from ..schemas import account_schema, optional, profile_schema, user_schema
from .pages import listed_people


def profile_json(profile, viewer):
    """A profile as `viewer` may read it: its e-mail address and account switches are for
    the person and admins only."""
    data = {field: getattr(profile, field) for field in PROFILE_FIELDS}
    data["login"] = profile.login
    if viewer.admin or viewer.login == profile.login:
        data.update(admin=profile.admin, active=profile.active)
    else:
        del data["email"]
    return data


@api_defaults(context=Site, name="users", permission="admin")
class UsersAPI(BaseView):
    """Accounts, for admins."""

    @view_config(request_method="POST")
    def create(self):
        data = read_json(self.request, user_schema())
        try:
            profile = add_person(self.request.site["people"], data["login"], data["name"],
                                 data["email"], data["password"], admin=data["admin"],
                                 actor=self.request.user.login)
        except IdTaken:
            raise api_error(409, "taken", "That login is taken.", {"login": "taken"})
        except ValueError as exc:  # a password guessable from the person's own name
            raise api_error(400, "invalid", "Some fields are not valid.",
                            {"password": str(exc)})
        self.request.response.status = 201
        return {"login": profile.login}

    @view_config(request_method="GET")
    def list(self):
        """Every account, deactivated ones too, a page at a time (`?page=&limit=&q=`)."""
        pager = Pager(self.request, q=True)
        return [profile_json(p, self.request.user)
                for p in listed_people(self.request, pager, everyone=True)]


@api_view(context=People, request_method="GET", permission="view")
def people_json(request):
    """The directory, a page at a time (`?page=&limit=&q=`)."""
    pager = Pager(request, q=True)
    return [profile_json(p, request.user) for p in listed_people(request, pager)]


@api_defaults(context=Profile)
class ProfileAPI(BaseView):
    @view_config(request_method="GET", permission="view")
    def get(self):
        return profile_json(self.context, self.request.user)

    @view_config(request_method="PUT", permission="edit_profile")
    def put(self):
        data = read_json(self.request, optional(profile_schema()))
        change_profile(self.context, self.request.user.login, **data)
        return profile_json(self.context, self.request.user)

    @view_config(name="account", request_method="PUT", permission="admin")
    def account(self):
        data = read_json(self.request, account_schema())
        try:
            change_account(self.context, self.request.user.login, **data)
        except ValueError as exc:
            raise api_error(400, "invalid", str(exc))
        return profile_json(self.context, self.request.user)
