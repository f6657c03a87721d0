"""The Collection's forms: adding a Resource and editing one (every save a revision,
on the version the form was opened at)."""
import colander
import deform
from pyramid.httpexceptions import HTTPException
from pyramid.view import view_config

from ...content.collection import KEEP, LEVELS, TYPES, Collection, EditConflict, Resource
from ...content.vocabulary import themes_of
from ..base import AddForm, EditForm, FieldError, upload_node
from ..schemas import new_id_validator, text
from .common import checked_fields, create_resource, stored_file

FORM = "workspace:views/templates/form.pt"


def codes(value):
    return [c.strip().lower() for c in (value or "").replace(";", ",").split(",")
            if c.strip()]


def form_schema(request, new=True, has_file=False):
    themes = themes_of(request.site)
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(text("title", 300, title="Title", validator=colander.Length(min=1)))
    upload = upload_node("file", "A new file (optional)" if has_file else "File (optional)")
    upload.missing = None
    schema.add(colander.SchemaNode(colander.String(), name="type", title="Type",
                                   validator=colander.OneOf(TYPES),
                                   widget=deform.widget.SelectWidget(
                                       values=[(t, t.replace("-", " ")) for t in TYPES])))
    schema.add(text("abstract", 5000, missing="", title="Abstract",
                    widget=deform.widget.TextAreaWidget(rows=3)))
    schema.add(text("body", 2_000_000, missing="", title="Text (Markdown)",
                    widget=deform.widget.TextAreaWidget(rows=10)))
    schema.add(upload)
    if has_file:
        schema.add(colander.SchemaNode(colander.Boolean(), name="remove_file",
                                       missing=False, title="Remove the file"))
    schema.add(text("countries", 500, missing="", title="Countries (ISO codes: ke, gh)"))
    schema.add(colander.SchemaNode(colander.Set(), name="levels", missing=(),
                                   title="Education levels",
                                   widget=deform.widget.CheckboxChoiceWidget(
                                       values=[(v, v.replace("-", " ")) for v in LEVELS])))
    schema.add(colander.SchemaNode(colander.Set(), name="themes", missing=(),
                                   title="Themes",
                                   widget=deform.widget.CheckboxChoiceWidget(
                                       values=list(themes))))
    schema.add(text("languages", 200, missing="", title="Languages (ISO codes: en, fr)"))
    schema.add(colander.SchemaNode(colander.Integer(), name="year", missing=None,
                                   title="Year", validator=colander.Range(1000, 2100)))
    schema.add(text("authors", 2000, missing="", title="Authors (one per line)",
                    widget=deform.widget.TextAreaWidget(rows=3)))
    schema.add(text("publisher", 300, missing="", title="Publisher"))
    schema.add(text("url", 2000, missing="", title="Link",
                    validator=colander.Regex(r"^(https?://\S+)?$", "Give an http(s) link.")))
    schema.add(text("licence", 200, missing="", title="Licence"))
    schema.add(colander.SchemaNode(colander.Date(), name="review_by", missing=None,
                                   title="Review by"))
    schema.add(text("superseded_by", 2000, missing="", title="Superseded by"))
    schema.add(text("comment", 500, missing="", title="Change note"))
    if new:
        schema.add(text("id", 64, missing=None, title="Address (optional)",
                        validator=new_id_validator))
    else:
        schema.add(colander.SchemaNode(colander.Integer(), name="base_version",
                                       widget=deform.widget.HiddenWidget()))
    return schema


def fields_of(appstruct):
    return {"type": appstruct["type"], "abstract": appstruct["abstract"],
            "countries": codes(appstruct["countries"]), "levels": list(appstruct["levels"]),
            "themes": list(appstruct["themes"]),
            "languages": codes(appstruct["languages"]), "year": appstruct["year"],
            "authors": [a.strip() for a in appstruct["authors"].splitlines() if a.strip()],
            "publisher": appstruct["publisher"], "url": appstruct["url"],
            "licence": appstruct["licence"], "review_by": appstruct["review_by"],
            "superseded_by": appstruct["superseded_by"]}


def form_fields(request, appstruct):
    """The record's fields, checked; a bad code is shown beside its field."""
    try:
        return checked_fields(request.site, fields_of(appstruct))
    except HTTPException as exc:
        field = next(iter(exc.json_body.get("fields", {"title": ""})))
        raise FieldError(field, exc.json_body["message"])


def form_file(request, appstruct):
    """The file the form uploaded (None: none), stored; too large is said beside it. The
    upload leaves `appstruct`: a form shown again with an error starts without a file."""
    upload = appstruct.pop("file", None)
    if not upload:
        return None
    try:
        return stored_file(request, upload["fp"], upload["filename"],
                           upload.get("mimetype"))
    except HTTPException as exc:
        raise FieldError("file", exc.json_body["message"])


@view_config(context=Collection, name="new-resource", renderer=FORM, permission="edit")
class NewResourceForm(AddForm):
    title = "Add a resource"
    created = "Resource added."

    def schema(self):
        return form_schema(self.request)

    def create(self, appstruct):
        file = form_file(self.request, appstruct)
        form_fields(self.request, appstruct)
        data = dict(fields_of(appstruct), title=appstruct["title"], body=appstruct["body"],
                    comment=appstruct["comment"], id=appstruct["id"])
        return create_resource(self.request, self.context, data, set(data), file)


@view_config(context=Resource, name="edit", renderer=FORM, permission="edit")
class EditResourceForm(EditForm):
    title = "Edit the resource"
    saved = "Saved as a new version."

    def schema(self):
        return form_schema(self.request, new=False, has_file=self.context.file is not None)

    def appstruct(self):
        f, item = self.context.fields, self.context
        return {"title": item.title, "type": f["type"], "abstract": f["abstract"],
                "body": item.body, "countries": ", ".join(f["countries"]),
                "levels": set(f["levels"]), "themes": set(f["themes"]),
                "languages": ", ".join(f["languages"]),
                "year": f["year"] if f["year"] is not None else colander.null,
                "authors": "\n".join(f["authors"]), "publisher": f["publisher"],
                "url": f["url"], "licence": f["licence"],
                "review_by": f["review_by"] or colander.null,
                "superseded_by": f["superseded_by"], "base_version": item.version}

    def update(self, appstruct):
        file = form_file(self.request, appstruct)
        fields = form_fields(self.request, appstruct)
        if file is None:
            file = None if appstruct.get("remove_file") else KEEP
        try:
            self.context.update(appstruct["title"], appstruct["body"], fields,
                                self.request.user.login, appstruct["base_version"],
                                appstruct["comment"], file)
        except EditConflict:
            raise FieldError("body", "Others changed the same fields or lines since you "
                                     "opened it; nothing was saved.")
