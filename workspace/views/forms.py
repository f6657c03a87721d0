"""The one form base every deform form uses: schema, buttons, save_success(appstruct)."""
import colander
import deform
from pyramid.csrf import get_csrf_token


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


class FormView:
    """Renders a deform form on GET, validates on POST and calls `save_success`.

    Subclasses give `title`, `schema()`, optionally `appstruct()` (initial values) and
    `buttons`; `save_success` returns a response (usually a redirect) or raises
    `FieldError` to show a message beside a field.
    Pyramid checks the CSRF token before the view runs; the form only carries it.
    """

    title = ""
    buttons = ("save",)
    renderer = "templates/form.pt"

    def __init__(self, context, request):
        self.context = context
        self.request = request

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
                           formid="form")

    def page(self, form_html, **extra):
        return dict(title=self.title, form=form_html, **extra)

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
