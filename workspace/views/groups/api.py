"""The JSON API of groups (DESIGN.md's /api/groups rows): the list and a new group, a
group and its settings, its members, and requests to join."""
from pyramid.httpexceptions import HTTPNoContent
from pyramid.view import view_config

from ...content.group import (Group, Groups, add_group, ask_to_join, change_group,
                              decline_join_request, grant_role, revoke_role)
from ..api import api_error, read_json
from ..base import BaseView, api_defaults
from ..paging import Pager
from ..schemas import group_schema, join_schema, optional, role_schema
from .forms import VISIBILITY_IS_FOR_MANAGERS
from .pages import group_pager, visible_groups


def group_json(request, group):
    return {"id": group.__name__, "title": group.title, "description": group.description,
            "visibility": group.visibility, "role": group.role_of(request.user.login),
            "readable": bool(request.has_permission("view", group))}


@api_defaults(context=Groups)
class GroupsAPI(BaseView):
    @view_config(request_method="GET", permission="view")
    def list(self):
        """The groups the caller sees, a page at a time (`?page=&limit=&q=&mine=`)."""
        pager = group_pager(self.request)
        return [group_json(self.request, g) for g in visible_groups(self.request, pager)]

    @view_config(request_method="POST", permission="admin")
    def create(self):
        data = read_json(self.request, group_schema())
        group = add_group(self.context, data["title"], data["description"],
                          data["visibility"], gid=data["id"], actor=self.request.user.login)
        self.request.response.status = 201
        return {"id": group.__name__}


@api_defaults(context=Group)
class GroupAPI(BaseView):
    """A group, its settings, and asking to join it."""

    @view_config(request_method="GET", permission="see")
    def get(self):
        return group_json(self.request, self.context)

    @view_config(request_method="PUT", permission="manage_group")
    def put(self):
        data = read_json(self.request, optional(group_schema(with_id=False)))
        if (data.get("visibility", self.context.visibility) != self.context.visibility
                and not self.can("set_visibility")):
            raise api_error(403, "forbidden", VISIBILITY_IS_FOR_MANAGERS,
                            {"visibility": "managers only"})
        change_group(self.context, self.request.user.login, **data)
        return group_json(self.request, self.context)

    @view_config(name="join", request_method="POST", permission="join")
    def join(self):
        login = self.request.user.login
        if self.context.role_of(login) is not None:
            raise api_error(409, "already_member", "You are already a member of this group.")
        ask_to_join(self.context, login, read_json(self.request, join_schema())["message"])
        self.request.response.status = 201
        return {"status": "pending"}

    @view_config(name="join-requests", request_method="GET", permission="manage_group")
    def join_requests(self):
        """The requests to join, by login, a page at a time (`?page=&limit=`)."""
        pager = Pager(self.request)
        requests = self.context.join_requests
        return [dict(info, login=login) for login, info in pager.window(requests.items())]

    @view_config(name="join-requests", request_method="DELETE", permission="manage_group")
    def decline(self):
        if len(self.request.subpath) != 1:
            raise api_error(404, message="Use /join-requests/{login}.")
        login = self.request.subpath[0]
        if decline_join_request(self.context, login, self.request.user.login) is None:
            raise api_error(404, message="There is no such request.")
        return HTTPNoContent()


@api_defaults(context=Group, name="members")
class MembersAPI(BaseView):
    """`/members` lists them; `/members/{login}` is one membership (the subpath)."""

    @view_config(request_method="GET", permission="see_members")
    def get(self):
        if not self.request.subpath:  # the members by login, a page at a time
            pager = Pager(self.request)
            return [{"login": login, "role": role}
                    for login, role in pager.window(self.context.roles.items())]
        login = self.request.subpath[0]
        role = self.context.role_of(login)
        if len(self.request.subpath) > 1 or role is None:
            raise api_error(404, message="That person is not a member of this group.")
        return {"login": login, "role": role}

    def person(self):
        if len(self.request.subpath) != 1:
            raise api_error(404, message="Use /members/{login}.")
        profile = self.request.site["people"].get(self.request.subpath[0])
        if profile is None:
            raise api_error(404, message="There is no such person.")
        return profile

    @view_config(request_method="PUT", permission="manage_group")
    def put(self):
        profile = self.person()
        role = read_json(self.request, role_schema())["role"]
        grant_role(self.context, profile, role, self.request.user.login)
        return {"login": profile.login, "role": role}

    @view_config(request_method="DELETE", permission="manage_group")
    def delete(self):
        if revoke_role(self.context, self.person(), self.request.user.login) is None:
            raise api_error(404, message="That person is not a member of this group.")
        return HTTPNoContent()
