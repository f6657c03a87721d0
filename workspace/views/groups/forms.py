"""The forms of groups: a new group, its settings, and its members page (grant a role,
change or remove one, answer requests to join), plus the ask-to-join button."""
import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config, view_defaults

from ...content.group import (ROLES, Group, Groups, add_group, ask_to_join, change_group,
                              decline_join_request, grant_role, revoke_role)
from ..base import AddForm, BaseView, EditForm, FieldError, FormView
from ..paging import Pager
from ..schemas import grant_schema, group_schema

MEMBERS_PAGE = "workspace:views/templates/members.pt"
REQUESTS_SHOWN = 100  # on the members page; the API pages through them all
VISIBILITY_IS_FOR_MANAGERS = ("Only the group's managers change its visibility. To open it, "
                              "give yourself the manager role first (that is audited).")


@view_config(context=Groups, name="add", renderer="workspace:views/templates/form.pt",
             permission="admin")
class AddGroupForm(AddForm):
    title = "New group"
    created = "Group created. Now add its members."

    def schema(self):
        return group_schema()

    def create(self, appstruct):
        return add_group(self.context, appstruct["title"], appstruct["description"],
                         appstruct["visibility"], gid=appstruct["id"],
                         actor=self.request.user.login)

    def next_url(self, group):
        """On to the new group's members: without them it is empty."""
        return self.request.resource_url(group, "@@members")


@view_config(context=Group, name="edit", renderer="workspace:views/templates/form.pt",
             permission="manage_group")
class EditGroupForm(EditForm):
    title = "Group settings"
    saved = "Settings saved."

    def schema(self):
        return group_schema(with_id=False)

    def appstruct(self):
        g = self.context
        return {"title": g.title, "description": g.description, "visibility": g.visibility}

    def update(self, appstruct):
        changes_visibility = appstruct["visibility"] != self.context.visibility
        if changes_visibility and not self.can("set_visibility"):
            raise FieldError("visibility", VISIBILITY_IS_FOR_MANAGERS)
        change_group(self.context, self.request.user.login, **appstruct)


@view_config(context=Group, name="members", renderer=MEMBERS_PAGE, permission="manage_group")
class MembersPage(FormView):
    """The member list with a role switch and a remove button per row, the requests to
    join, and a form to grant someone a role."""

    title = "Members"
    buttons = ("grant",)

    def schema(self):
        """Whom (a login, picked by name as one types: static/names.js asks the people
        API) and which role, "member" unless another is chosen."""
        schema = grant_schema()
        schema["role"].default = "member"
        schema["login"].widget = deform.widget.TextInputWidget(attributes={
            "list": "people-found", "autocomplete": "off",
            "data-name-search": self.request.application_url + "/api/people"})
        return schema

    def page(self, form_html, **extra):
        """A page of the members (`?page=&limit=`, by login) and the first requests."""
        group, pager = self.context, Pager(self.request)
        members = pager.window(group.roles.items())
        return dict(super().page(form_html, **extra), group=group, roles=ROLES,
                    members=members, pager=pager.links(),
                    requests=list(group.join_requests.items()[:REQUESTS_SHOWN]),
                    more_requests=len(group.join_requests) > REQUESTS_SHOWN,
                    csrf=self.request.session.get_csrf_token())

    def save_success(self, appstruct):
        profile = self.request.site["people"].get(appstruct["login"])
        if profile is None:
            raise FieldError("login", "There is no account with this login.")
        grant_role(self.context, profile, appstruct["role"], self.request.user.login)
        self.request.session.flash(f"{profile.login} is now {appstruct['role']}.")
        return HTTPFound(self.request.resource_url(self.context, "@@members"))


@view_defaults(context=Group, request_method="POST")
class MemberActions(BaseView):
    """The buttons of the members and group pages; each ends on the page it came from."""

    def back(self, message, name="@@members"):
        self.request.session.flash(message)
        return HTTPFound(self.request.resource_url(self.context, name))

    @view_config(name="members", request_param="change", permission="manage_group")
    def change(self):
        """One row's form: a new role for a member (or someone asking to join), or remove."""
        group, form, actor = self.context, self.request.POST, self.request.user.login
        profile = self.request.site["people"].get(form.get("login", ""))
        if profile is None or (group.role_of(profile.login) is None
                               and profile.login not in group.join_requests):
            return self.back("That person is not a member of this group.")
        if form["change"] == "remove":
            revoke_role(group, profile, actor)
            return self.back(f"{profile.login} removed from the group.")
        if form.get("role") in ROLES:
            grant_role(group, profile, form["role"], actor)
            return self.back(f"{profile.login} is now {form['role']}.")
        return HTTPFound(self.request.resource_url(group, "@@members"))

    @view_config(name="members", request_param="decline", permission="manage_group")
    def decline(self):
        login = self.request.POST["decline"]
        if decline_join_request(self.context, login, self.request.user.login) is None:
            return HTTPFound(self.request.resource_url(self.context, "@@members"))
        return self.back("Request declined.")

    @view_config(name="join", permission="join")
    def join(self):
        group, login = self.context, self.request.user.login
        if group.role_of(login) is not None:
            return HTTPFound(self.request.resource_url(group))
        ask_to_join(group, login, self.request.POST.get("message", "")[:2000])
        return self.back("Your request was sent to the group's managers.", name="")
