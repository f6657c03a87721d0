"""Group membership: who holds which role; granted and revoked by admins and managers."""
import colander
from pyramid.httpexceptions import HTTPFound, HTTPNoContent
from pyramid.view import view_config

from ..content.group import ROLES, Group, grant_role, revoke_role
from ..content.people import now_utc
from .api import api_error, read_json
from .base import FieldError, FormView
from .schemas import grant_schema, role_schema


def set_role(request, group, profile, role):
    """Grant or change a role, audited; returns the previous role."""
    old = grant_role(group, profile, role)
    if old != role:
        action = "role_granted" if old is None else "role_changed"
        request.site.audit.record(request.user.login, action,
                                  f"{group.__name__}/{profile.login}",
                                  role if old is None else f"{old} -> {role}")
    return old


def remove_member(request, group, profile):
    old = revoke_role(group, profile)
    if old is not None:
        request.site.audit.record(request.user.login, "role_revoked",
                                  f"{group.__name__}/{profile.login}", old)
    return old


def member_list(group):
    return [{"login": login, "role": role} for login, role in group.roles.items()]


@view_config(context=Group, name="members", route_name="api", request_method="GET",
             renderer="json", permission="see_members")
def members_json(request):
    if request.subpath:
        login = request.subpath[0]
        role = request.context.role_of(login)
        if len(request.subpath) > 1 or role is None:
            raise api_error(404, message="That person is not a member of this group.")
        return {"login": login, "role": role}
    return member_list(request.context)


def subpath_person(request):
    if len(request.subpath) != 1:
        raise api_error(404, message="Use /members/{login}.")
    profile = request.site["people"].get(request.subpath[0])
    if profile is None:
        raise api_error(404, message="There is no such person.")
    return profile


@view_config(context=Group, name="members", route_name="api", request_method="PUT",
             renderer="json", permission="manage_group")
def put_member(request):
    profile = subpath_person(request)
    data = read_json(request, role_schema())
    set_role(request, request.context, profile, data["role"])
    return {"login": profile.login, "role": data["role"]}


@view_config(context=Group, name="members", route_name="api", request_method="DELETE",
             permission="manage_group")
def delete_member(request):
    profile = subpath_person(request)
    if remove_member(request, request.context, profile) is None:
        raise api_error(404, message="That person is not a member of this group.")
    return HTTPNoContent()


@view_config(context=Group, name="members", renderer="templates/members.pt",
             permission="manage_group")
class MembersPage(FormView):
    """The member list with a role switch and a remove button per row, and a grant form."""

    title = "Members"
    buttons = ("grant",)

    def schema(self):
        return grant_schema()

    def page(self, form_html, **extra):
        group = self.context
        return dict(super().page(form_html, **extra), group=group, roles=ROLES,
                    members=sorted(group.roles.items()),
                    requests=sorted(group.join_requests.items()),
                    csrf=self.request.session.get_csrf_token())

    def save_success(self, appstruct):
        profile = self.request.site["people"].get(appstruct["login"])
        if profile is None:
            raise FieldError("login", "There is no account with this login.")
        set_role(self.request, self.context, profile, appstruct["role"])
        self.request.session.flash(f"{profile.login} is now {appstruct['role']}.")
        return HTTPFound(self.request.resource_url(self.context, "members"))


@view_config(context=Group, name="members", request_param="change", request_method="POST",
             permission="manage_group")
def change_member(request):
    """One row's form: a new role for a member, or `remove`."""
    group = request.context
    profile = request.site["people"].get(request.POST.get("login", ""))
    if profile is None or (group.role_of(profile.login) is None
                           and profile.login not in group.join_requests):
        request.session.flash("That person is not a member of this group.")
    elif request.POST["change"] == "remove":
        remove_member(request, group, profile)
        request.session.flash(f"{profile.login} removed from the group.")
    elif request.POST.get("role") in ROLES:
        set_role(request, group, profile, request.POST["role"])
        request.session.flash(f"{profile.login} is now {request.POST['role']}.")
    return HTTPFound(request.resource_url(group, "members"))


# Join requests: anyone who can see a listed group may ask; its managers and admins
# approve (by granting a role) or decline.

def join_schema():
    schema = colander.SchemaNode(colander.Mapping(unknown="raise"))
    schema.add(colander.SchemaNode(colander.String(), name="message", missing="",
                                   validator=colander.Length(max=2000)))
    return schema


def ask_to_join(request, group, message):
    login = request.user.login
    if group.role_of(login) is not None:
        raise api_error(409, "already_member", "You are already a member of this group.")
    group.ask_to_join(login, message, now_utc().isoformat(timespec="seconds"))
    request.site.audit.record(login, "join_requested", group.__name__)


def decline(request, group, login):
    if group.drop_join_request(login) is None:
        raise api_error(404, message="There is no such request.")
    request.site.audit.record(request.user.login, "join_declined",
                              f"{group.__name__}/{login}")


@view_config(context=Group, name="join", route_name="api", request_method="POST",
             renderer="json", permission="join")
def join_json(request):
    ask_to_join(request, request.context, read_json(request, join_schema())["message"])
    request.response.status = 201
    return {"status": "pending"}


@view_config(context=Group, name="join-requests", route_name="api", request_method="GET",
             renderer="json", permission="manage_group")
def join_requests_json(request):
    return [dict(info, login=login) for login, info in request.context.join_requests.items()]


@view_config(context=Group, name="join-requests", route_name="api",
             request_method="DELETE", permission="manage_group")
def decline_json(request):
    if len(request.subpath) != 1:
        raise api_error(404, message="Use /join-requests/{login}.")
    decline(request, request.context, request.subpath[0])
    return HTTPNoContent()


@view_config(context=Group, name="join", request_method="POST", permission="join")
def join_html(request):
    group = request.context
    if group.role_of(request.user.login) is None:
        ask_to_join(request, group, request.POST.get("message", "")[:2000])
        request.session.flash("Your request was sent to the group's managers.")
    return HTTPFound(request.resource_url(group))


@view_config(context=Group, name="members", request_param="decline", request_method="POST",
             permission="manage_group")
def decline_html(request):
    group = request.context
    if request.POST["decline"] in group.join_requests:
        decline(request, group, request.POST["decline"])
        request.session.flash("Request declined.")
    return HTTPFound(request.resource_url(group, "members"))
