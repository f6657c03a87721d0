"""The forms of people: a new account (admins), a profile (its owner and admins), and an
account's switches (admins)."""
from pyramid.view import view_config

from ...content.ids import IdTaken
from ...content.people import (PROFILE_FIELDS, People, Profile, add_person, change_account,
                               change_profile)
from ..base import AddForm, EditForm, FieldError
from ..schemas import account_schema, profile_schema, user_schema

FORM = "workspace:views/templates/form.pt"


@view_config(context=People, name="add", renderer=FORM, permission="admin")
class AddPersonForm(AddForm):
    title = "New account"
    created = "Account created."

    def schema(self):
        return user_schema()

    def create(self, appstruct):
        try:
            return add_person(self.context, appstruct["login"], appstruct["name"],
                              appstruct["email"], appstruct["password"],
                              admin=appstruct["admin"], actor=self.request.user.login)
        except IdTaken:
            raise FieldError("login", "That login is taken.")
        except ValueError as exc:  # a password guessable from the person's own name
            raise FieldError("password", str(exc))


@view_config(context=Profile, name="edit", renderer=FORM, permission="edit_profile")
class EditProfileForm(EditForm):
    title = "Edit profile"
    saved = "Profile saved."

    def schema(self):
        return profile_schema()

    def appstruct(self):
        return {field: getattr(self.context, field) for field in PROFILE_FIELDS}

    def update(self, appstruct):
        change_profile(self.context, self.request.user.login, **appstruct)


@view_config(context=Profile, name="account", renderer=FORM, permission="admin")
class AccountForm(EditForm):
    """An admin's switches on an account: active, admin, a new password."""

    title = "Account"
    saved = "Account saved."

    def schema(self):
        schema = account_schema()
        schema["active"].title = "Active (can log in)"
        schema["admin"].title = "Site administrator"
        schema["password"].title = "New password (leave empty to keep)"
        return schema

    def appstruct(self):
        return {"active": self.context.active, "admin": self.context.admin}

    def update(self, appstruct):
        try:
            change_account(self.context, self.request.user.login, **appstruct)
        except ValueError as exc:
            raise FieldError("active", str(exc))
