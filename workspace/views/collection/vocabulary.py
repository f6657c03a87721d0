"""`GET, PUT /api/vocabulary/themes` (DESIGN.md, "The Collection"): anyone reads the
themes, admins replace them with a JSON array `[{id, label}]`, or on their page
`/vocabulary/themes/@@edit`, one theme a line."""
import json

import colander
import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from ...content.ids import slugify
from ...content.vocabulary import MAX_LABEL, MAX_TERMS, Vocabulary, replace_terms
from ..api import api_error, invalid_fields, nesting_depth
from ..base import BaseView, EditForm, FieldError, api_defaults, api_view
from ..schemas import strict, text


def terms_schema():
    term = colander.SchemaNode(strict(), name="term")
    term.add(text("id", 64))
    term.add(text("label", MAX_LABEL))
    return colander.SchemaNode(colander.Sequence(), term,
                               validator=colander.Length(max=MAX_TERMS))


def read_json_array(request, schema):
    """The request's JSON body, an array validated by `schema`; a 400 or 415 otherwise."""
    if request.content_type != "application/json":
        raise api_error(415, message="Send the body as application/json.")
    try:
        text_ = request.body.decode("utf-8")
        if nesting_depth(text_) > 10:
            raise ValueError("nested too deeply")
        data = json.loads(text_ or "null")
    except (ValueError, UnicodeError):
        raise api_error(400, "bad_json", "The body is not valid JSON.")
    if not isinstance(data, list):
        raise api_error(400, "bad_json", "The body must be a JSON array of {id, label}.")
    try:
        return schema.deserialize(data)
    except colander.Invalid as exc:
        raise api_error(400, "invalid", "Some terms are not valid.", invalid_fields(exc))


def terms_json(vocabulary):
    return [{"id": tid, "label": label} for tid, label in vocabulary]


@api_defaults(context=Vocabulary)
class VocabularyAPI(BaseView):
    @api_view(request_method="GET", permission="view")
    def get(self):
        return terms_json(self.context)

    @api_view(request_method="PUT", permission="admin")
    def put(self):
        terms = read_json_array(self.request, terms_schema())
        try:
            replace_terms(self.context, [(t["id"], t["label"]) for t in terms],
                          self.request.user.login)
        except ValueError as exc:
            raise api_error(400, "invalid", str(exc), {"terms": str(exc)})
        return terms_json(self.context)


# The admins' page ---------------------------------------------------------------------------

def lines_schema():
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(colander.SchemaNode(
        colander.String(), name="terms", title="Themes, one a line: id | label",
        validator=colander.Length(max=MAX_TERMS * (MAX_LABEL + 70)),
        widget=deform.widget.TextAreaWidget(rows=20)))
    return schema


def parse_lines(text_):
    """`id | label` lines as terms (a line without `|` takes its id from the label)."""
    terms = []
    for line in text_.splitlines():
        if not line.strip():
            continue
        term_id, sep, label = line.partition("|")
        if not sep:
            label, term_id = term_id, slugify(term_id)
        terms.append((term_id.strip(), label.strip()))
    return terms


@view_config(context=Vocabulary, name="edit", renderer="workspace:views/templates/form.pt",
             permission="admin")
class EditThemesForm(EditForm):
    """Admins keep the themes: ids stay (records store them), labels may change."""

    title = "The site's themes"
    saved = "Themes saved."

    def schema(self):
        return lines_schema()

    def appstruct(self):
        return {"terms": "\n".join(f"{tid} | {label}" for tid, label in self.context)}

    def update(self, appstruct):
        try:
            replace_terms(self.context, parse_lines(appstruct["terms"]),
                          self.request.user.login)
        except ValueError as exc:
            raise FieldError("terms", str(exc))

    def save_success(self, appstruct):
        self.update(appstruct)
        self.request.session.flash(self.saved)
        return HTTPFound(self.request.resource_url(self.context, "@@edit"))
