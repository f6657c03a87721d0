"""What every view shares: `BaseView`, the `api_view` shorthand, the form bases, and
reading query strings.

A kind's views are read pages, forms and JSON API classes over the same content classes;
the pieces here are written once so that a new kind is a schema, a template and a few
methods, and every kind answers the same way (ids, trash, errors, times).
"""
import zoneinfo

import colander
import deform
from pyramid.csrf import get_csrf_token
from pyramid.decorator import reify
from pyramid.httpexceptions import HTTPBadRequest, HTTPFound
from pyramid.traversal import find_interface
from pyramid.view import view_config, view_defaults

from ..content.group import Group
from ..content.ids import IdTaken
from ..content.trash import is_trashed
from .api import api_error, invalid_fields, is_api
from .widgets import FORM_RENDERER

UTC = zoneinfo.ZoneInfo("UTC")


def api_view(**settings):
    """`view_config` for the JSON API: the `api` route and the JSON renderer filled in."""
    return view_config(route_name="api", renderer="json", **settings)


def api_defaults(**settings):
    """`view_defaults` for a class of JSON API views."""
    return view_defaults(route_name="api", renderer="json", **settings)


def viewer_tz(request):
    """The viewer's own time zone, from their profile (UTC if it is not a known zone)."""
    try:
        return zoneinfo.ZoneInfo(getattr(request.user, "timezone", None) or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC


def time_formatter(tz):
    """The one way a page shows a moment: "2026-11-23 09:15 GMT", in zone `tz`."""
    def when(moment):
        local = moment.astimezone(tz)
        return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"
    return when


def api_url(request, item, *elements):
    """The JSON twin of `item`'s URL."""
    return request.application_url + "/api" + request.resource_path(item, *elements)


def read_params(request, schema):
    """The query string, validated by `schema` (a colander Mapping); a 400 (JSON in the
    API) that names the bad parameters otherwise."""
    try:
        return schema.bind(request=request).deserialize(request.GET.mixed())
    except colander.Invalid as exc:
        fields = invalid_fields(exc)
        if is_api(request):
            raise api_error(400, "invalid", "Some parameters are not valid.", fields)
        raise HTTPBadRequest("Some parameters are not valid: " + ", ".join(sorted(fields)))


class BaseView:
    """A view over `context`: the group it lies in, whether it is in the trash, and times
    shown in the viewer's own zone."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    @reify
    def group(self):
        return find_interface(self.context, Group)

    @reify
    def trashed(self):
        return is_trashed(self.context)

    @reify
    def tz(self):
        return viewer_tz(self.request)

    @reify
    def when(self):
        return time_formatter(self.tz)

    def can(self, permission, obj=None):
        return bool(self.request.has_permission(permission,
                                                self.context if obj is None else obj))

    def api_url(self, *elements, item=None):
        return api_url(self.request, self.context if item is None else item, *elements)


# Forms -------------------------------------------------------------------------------------

class MemoryTmpStore(dict):
    """deform's upload widget wants somewhere to keep a file between two renderings; an
    upload here lives only for its request (a failed form is shown again empty)."""

    def preview_url(self, uid):
        return None


def upload_node(name, title, accept=None):
    """A file field for a deform form."""
    return colander.SchemaNode(deform.FileData(), name=name, title=title,
                               widget=deform.widget.FileUploadWidget(MemoryTmpStore(),
                                                                     accept=accept))


class FieldError(Exception):
    """Raised by `save_success` to show `message` beside field `name` and save nothing."""

    def __init__(self, name, message):
        super().__init__(message)
        self.name, self.message = name, message


class FormView(BaseView):
    """Renders a deform form on GET, validates on POST and calls `save_success`.

    Subclasses give `title`, `schema()`, optionally `appstruct()` (initial values) and
    `buttons`; `save_success` returns a response (usually a redirect) or raises
    `FieldError` to show a message beside a field. Pyramid checks the CSRF token before
    the view runs; the form only carries it.
    """

    title = ""
    buttons = ("save",)

    def schema(self):
        raise NotImplementedError

    def appstruct(self):
        return {}

    def save_success(self, appstruct):
        raise NotImplementedError

    def form(self, schema):
        schema = schema.clone()
        schema.add(colander.SchemaNode(
            colander.String(), name="csrf_token", missing="",
            widget=deform.widget.HiddenWidget(),
            default=get_csrf_token(self.request)))
        return deform.Form(schema.bind(request=self.request), buttons=self.buttons,
                           formid="form", renderer=FORM_RENDERER)

    def page(self, form_html, **extra):
        return dict(title=self.title, form=form_html, view=self, **extra)

    def __call__(self):
        schema = self.schema()
        form = self.form(schema)
        if self.request.method == "POST" and "__formid__" in self.request.POST:
            controls = self.request.POST.items()
            try:
                appstruct = form.validate(controls)
            except deform.ValidationFailure as failure:
                return self.page(failure.render())
            appstruct.pop("csrf_token", None)
            try:
                return self.save_success(appstruct)
            except FieldError as exc:
                self.request.tm.doom()  # whatever save_success changed is not kept
                error = colander.Invalid(form.schema)
                error[exc.name] = exc.message
                form.widget.handle_error(form, error)
                form.cstruct = form.schema.serialize(
                    dict(appstruct, csrf_token=get_csrf_token(self.request)))
                return self.page(form.render())
        return self.page(form.render(self.appstruct()))


class AddForm(FormView):
    """A form that makes something new in the context container.

    Subclasses give `schema()` and `create(appstruct)`, which returns the new item; a
    taken id is shown beside the id field, and the browser goes on to `next_url(item)`
    (the new item's page unless a subclass says otherwise).
    """

    buttons = ("create",)
    created = "Created."

    def create(self, appstruct):
        raise NotImplementedError

    def next_url(self, item):
        return self.request.resource_url(item)

    def save_success(self, appstruct):
        try:
            item = self.create(appstruct)
        except IdTaken:
            raise FieldError("id", "That id is taken; choose another.")
        self.request.session.flash(self.created)
        return HTTPFound(self.next_url(item))


class EditForm(FormView):
    """A form that changes the context: subclasses give `schema()`, `appstruct()` (the
    current values) and `update(appstruct)`; the browser goes back to the context."""

    buttons = ("save",)
    saved = "Saved."

    def update(self, appstruct):
        raise NotImplementedError

    def save_success(self, appstruct):
        self.update(appstruct)
        self.request.session.flash(self.saved)
        return HTTPFound(self.request.resource_url(self.context))
