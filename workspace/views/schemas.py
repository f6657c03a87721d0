"""colander schemas for people and groups, shared by the HTML forms and the JSON API."""
import re
import zoneinfo

import colander
import deform
from pyramid.threadlocal import get_current_request

from ..content.group import ROLES, VISIBILITIES
from ..content.ids import MAX_LEN, is_reserved, is_slug
from ..content.people import MAX_PASSWORD, check_password_rules
from ..content.roster import COUNTRIES, LANGUAGES, MAX_CODES, site_themes

TIMEZONES = sorted(zoneinfo.available_timezones())


def slug_validator(node, value):
    if not is_slug(value):
        raise colander.Invalid(node, f"Use 1 to {MAX_LEN} characters: a-z, 0-9 and '-', "
                                     "starting with a letter or digit.")


def new_id_validator(node, value):
    """A slug that may name a new item (not one of the reserved page names)."""
    slug_validator(node, value)
    if is_reserved(value):
        raise colander.Invalid(node, f"'{value}' is reserved; choose another.")


def boolean():
    """true/false only (JSON booleans or the strings a checkbox sends); anything else is
    invalid rather than silently true."""
    return colander.Boolean(false_choices=("false", "0"), true_choices=("true", "1"))


def strict():
    """A Mapping that refuses fields it does not know."""
    return colander.Mapping(unknown="raise")


def text(name, max_len, missing=colander.required, title=None, widget=None, validator=None):
    validators = [colander.Length(max=max_len)]
    if validator:
        validators.append(validator)
    return colander.SchemaNode(colander.String(), name=name, missing=missing, title=title,
                               validator=colander.All(*validators), widget=widget)


def strong_password(node, value):
    """The password rules of content/people.py, as a form or API field error."""
    try:
        check_password_rules(value)
    except ValueError as exc:
        raise colander.Invalid(node, str(exc))


def password_node(name="password", title="Password"):
    return colander.SchemaNode(
        colander.String(), name=name, title=title, validator=strong_password,
        widget=deform.widget.PasswordWidget(attributes={"autocomplete": "new-password"}))


def login_node(missing=colander.required):
    return text("login", MAX_LEN, missing=missing, title="Login", validator=new_id_validator)


def user_schema():
    """A new account (admin only)."""
    schema = colander.SchemaNode(strict())
    schema.add(login_node())
    schema.add(text("name", 200, title="Full name"))
    schema.add(colander.SchemaNode(colander.String(), name="email", title="E-mail",
                                   validator=colander.Email()))
    schema.add(password_node())
    schema.add(colander.SchemaNode(boolean(), name="admin", missing=False,
                                   title="Site administrator"))
    return schema


def profile_schema():
    """The fields a person edits on their own profile; every field optional in the API."""
    schema = colander.SchemaNode(strict())
    schema.add(text("name", 200, title="Full name"))
    schema.add(colander.SchemaNode(colander.String(), name="email", title="E-mail",
                                   validator=colander.Email()))
    schema.add(text("organisation", 200, missing="", title="Organisation"))
    schema.add(text("country", 100, missing="", title="Country"))
    schema.add(code_list("languages", LANGUAGES, "Languages"))
    schema.add(code_list("countries", COUNTRIES, "Countries of experience"))
    schema.add(colander.SchemaNode(
        colander.String(), name="timezone", title="Time zone", missing="UTC",
        validator=colander.OneOf(TIMEZONES),
        widget=deform.widget.SelectWidget(values=[(tz, tz) for tz in TIMEZONES])))
    schema.add(text("bio", 2000, missing="", title="Short bio",
                    widget=deform.widget.TextAreaWidget(rows=4)))
    schema.add(code_list("expertise", current_themes, "Expertise (themes)"))
    return schema


class CodeList(colander.SchemaType):
    """A list of codes from `choices` (a dict code -> name, or a function giving one):
    a JSON list, the values of a multiple select, or text like "en, fr"; stored sorted,
    each once. An unknown code is invalid, never dropped silently."""

    def __init__(self, choices):
        self.choices = choices

    def known(self):
        return self.choices() if callable(self.choices) else self.choices

    def serialize(self, node, appstruct):
        return colander.null if appstruct is colander.null else list(appstruct or ())

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None, ""):
            return []
        if isinstance(cstruct, str):
            cstruct = [part for part in re.split(r"[,;\s]+", cstruct) if part]
        if not isinstance(cstruct, (list, tuple)) or not all(isinstance(c, str) for c in cstruct):
            raise colander.Invalid(node, "A list of codes.")
        known = self.known()
        codes = sorted({c.strip().lower() for c in cstruct})
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise colander.Invalid(node, f"Unknown: {', '.join(unknown[:5])}.")
        if len(codes) > MAX_CODES:
            raise colander.Invalid(node, f"At most {MAX_CODES}.")
        return codes


def current_themes():
    """The themes of the site the current request is on, id -> label."""
    request = get_current_request()
    site = getattr(request, "site", None) if request is not None else None
    return dict(site_themes(site).terms) if site is not None else {}


def code_list(name, choices, title):
    """A multiple choice of codes shown by their names (sorted by name)."""
    known = choices() if callable(choices) else choices
    widget = deform.widget.SelectWidget(
        values=sorted(known.items(), key=lambda item: item[1]), multiple=True, size=6)
    return colander.SchemaNode(CodeList(choices), name=name, title=title, missing=[],
                               widget=widget)


def group_schema(with_id=True):
    schema = colander.SchemaNode(strict())
    if with_id:
        schema.add(text("id", MAX_LEN, missing=None, title="Id (optional)",
                        validator=new_id_validator))
    schema.add(text("title", 200, title="Title", validator=colander.Length(min=1)))
    schema.add(text("description", 5000, missing="", title="Description",
                    widget=deform.widget.TextAreaWidget(rows=4)))
    schema.add(colander.SchemaNode(
        colander.String(), name="visibility", missing="private", title="Visibility",
        validator=colander.OneOf(VISIBILITIES),
        widget=deform.widget.RadioChoiceWidget(values=[
            ("private", "Private: only its members know it exists"),
            ("listed", "Listed: everyone sees its name and description and may ask to join"),
            ("open", "Open: every site member may read it")])))
    return schema


def role_schema():
    schema = colander.SchemaNode(strict())
    schema.add(colander.SchemaNode(colander.String(), name="role", title="Role",
                                   validator=colander.OneOf(ROLES)))
    return schema


def grant_schema():
    """The HTML form's: whom and which role."""
    schema = role_schema()
    schema.children[0].widget = deform.widget.SelectWidget(values=[(r, r) for r in ROLES])
    schema.children[0].default = "member"  # the common case; a manager is a choice
    schema.insert(0, text("login", MAX_LEN, title="Login of the person",
                          validator=slug_validator))
    return schema


def join_schema():
    """Asking to join a group: an optional word to its managers."""
    schema = colander.SchemaNode(strict())
    schema.add(text("message", 2000, missing=""))
    return schema


def token_request_schema():
    schema = colander.SchemaNode(strict())
    schema.add(text("login", 200, title="Login"))
    schema.add(text("password", MAX_PASSWORD, title="Password"))
    schema.add(text("label", 100, missing="", title="Label"))
    return schema


def account_schema():
    """What an admin changes on an account."""
    schema = colander.SchemaNode(strict())
    schema.add(colander.SchemaNode(boolean(), name="active", missing=colander.drop))
    schema.add(colander.SchemaNode(boolean(), name="admin", missing=colander.drop))
    node = password_node()
    node.missing = colander.drop
    schema.add(node)
    return schema


def optional(schema):
    """The same schema with every field optional: a PUT changes only what it names."""
    schema = schema.clone()
    for child in schema.children:
        child.missing = colander.drop
    return schema
