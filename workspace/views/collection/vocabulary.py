"""`GET, PUT /api/vocabulary/themes` (DESIGN.md, "The Collection"): anyone reads the
themes, admins replace them with a JSON array `[{id, label}]`."""
import json

import colander

from ...content.vocabulary import MAX_LABEL, MAX_TERMS, Vocabulary, replace_terms
from ..api import api_error, invalid_fields, nesting_depth
from ..base import BaseView, api_defaults, api_view
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
