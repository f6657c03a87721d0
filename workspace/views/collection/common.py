"""What the Collection's pages and API share: the schema of a Resource's fields, making
and saving one, and its JSON shape with codes shown as names."""
import colander

from ...content.collection import EMPTY, FIELDS, TYPES, Resource, clean_fields
from ...content.ids import MAX_LEN, unique_id
from ...content.roster import country_name, language_name
from ...content.vocabulary import themes_of
from ..api import api_error, iso
from ..schemas import new_id_validator, strict, text

MAX_BODY = 2_000_000
MAX_VERSION = 2 ** 31 - 1


def code_list(name, max_items=50, max_len=64):
    item = colander.SchemaNode(colander.String(), name="item",
                               validator=colander.Length(min=1, max=max_len))
    return colander.SchemaNode(colander.Sequence(), item, name=name, missing=(),
                               validator=colander.Length(max=max_items))


def resource_schema(new=True):
    """A Resource's fields (JSON): `title` required on creation, the rest optional."""
    schema = colander.SchemaNode(strict())
    schema.add(text("title", 300, missing=colander.required if new else None,
                    validator=colander.Length(min=1)))
    schema.add(text("type", 40, missing=None, validator=colander.OneOf(TYPES)))
    schema.add(text("abstract", 5000, missing=None))
    schema.add(colander.SchemaNode(colander.String(allow_empty=True), name="body",
                                   missing=None, validator=colander.Length(max=MAX_BODY)))
    for name in ("countries", "levels", "themes", "languages"):
        schema.add(code_list(name))
    schema.add(code_list("authors", 100, 200))
    schema.add(colander.SchemaNode(colander.Integer(), name="year", missing=None,
                                   validator=colander.Range(min=1000, max=2100)))
    schema.add(text("publisher", 300, missing=None))
    schema.add(text("url", 2000, missing=None,
                    validator=colander.Regex(r"^(https?://\S+)?$", "Give an http(s) link.")))
    schema.add(text("licence", 200, missing=None))
    schema.add(colander.SchemaNode(colander.Date(), name="review_by", missing=None))
    schema.add(text("superseded_by", 2000, missing=None))
    schema.add(text("comment", 500, missing=""))
    if new:
        schema.add(text("id", MAX_LEN, missing=None, validator=new_id_validator))
    else:
        schema.add(colander.SchemaNode(colander.Integer(), name="base_version",
                                       missing=None,
                                       validator=colander.Range(min=1, max=MAX_VERSION)))
    return schema


def record_fields(data, given, previous=None):
    """A record's fields: those the body sent (`given`: its keys; a null clears one),
    the others kept from `previous` (a new record: left empty)."""
    fields = dict(previous or {})
    for key in FIELDS:
        if key in given:
            fields[key] = EMPTY[key] if data.get(key) is None else data[key]
    return fields


def checked_fields(site, fields):
    try:
        return clean_fields(fields, themes=set(themes_of(site).ids()))
    except ValueError as exc:
        key = str(exc).split(":", 1)[0]
        raise api_error(400, "invalid", str(exc), {key: str(exc)})


def create_resource(request, collection, data, given):
    fields = checked_fields(request.site, record_fields(data, given))
    trash = collection.__parent__["trash"]
    rid = data.get("id") or unique_id(collection, data["title"], trash)
    return collection.add(rid, Resource(data["title"], data.get("body") or "", fields,
                                        request.user.login, data.get("comment") or ""))


def named(codes, name_of):
    return [{"code": code, "name": name_of(code)} for code in codes]


def resource_json(request, item, with_body=True):
    current = item.current()
    fields = current.fields
    themes = themes_of(request.site)
    data = {"id": item.__name__, "title": current.title, "version": current.version,
            "modified": iso(current.date), "modified_by": current.author,
            "public": item.public, **{k: fields[k] for k in (
                "type", "abstract", "year", "publisher", "url", "licence",
                "superseded_by")},
            "countries": list(fields["countries"]), "levels": list(fields["levels"]),
            "themes": list(fields["themes"]), "languages": list(fields["languages"]),
            "authors": list(fields["authors"]),
            "review_by": fields["review_by"].isoformat() if fields["review_by"] else None,
            "country_names": named(fields["countries"], country_name),
            "language_names": named(fields["languages"], language_name),
            "theme_names": named(fields["themes"], themes.label)}
    if with_body:
        data.update(body=current.body, html=current.html)
    return data
