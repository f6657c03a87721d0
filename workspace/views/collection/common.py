"""What the Collection's pages and API share: the schema of a Resource's fields (sent as
JSON, or as multipart fields beside a `file`), making and saving one, its file, and its
JSON shape with codes shown as names."""
import colander

from ...content.collection import EMPTY, FIELDS, TYPES, Resource, clean_fields, resource_file
from ...content.document import TooLarge
from ...content.ids import MAX_LEN, unique_id
from ...content.roster import country_name, language_name
from ...content.vocabulary import themes_of
from ..api import api_error, invalid_fields, iso
from ..attachments import too_large_message, upload_limit
from ..base import api_url
from ..schemas import boolean, new_id_validator, strict, text

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
        schema.add(colander.SchemaNode(boolean(), name="remove_file", missing=False))
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


def create_resource(request, collection, data, given, file=None):
    fields = checked_fields(request.site, record_fields(data, given))
    trash = collection.__parent__["trash"]
    rid = data.get("id") or unique_id(collection, data["title"], trash)
    return collection.add(rid, Resource(data["title"], data.get("body") or "", fields,
                                        request.user.login, data.get("comment") or "",
                                        file=file))


def stored_file(request, stream, filename, content_type):
    """A ResourceFile of an upload; a 413 past the site's upload limit."""
    try:
        return resource_file(stream, filename, content_type, upload_limit(request))
    except TooLarge:
        raise api_error(413, "too_large", too_large_message(request))


def read_multipart(request, schema):
    """(data, given keys, uploaded file or None) of a multipart body: the same fields as
    the JSON body (lists as repeated fields), validated by the same `schema`, and the
    file in the field `file`. Anything else is a 400 that changes nothing."""
    post, names = request.POST, {node.name for node in schema.children}
    unknown = sorted(set(post.keys()) - names - {"file"})
    if unknown:
        raise api_error(400, "invalid", "Some fields are not valid.",
                        {name: "Unknown field" for name in unknown})
    raw = {}
    for node in schema.children:
        values = post.getall(node.name)
        if not values:
            continue
        if any(hasattr(v, "file") for v in values):
            raise api_error(400, "invalid", "Only `file` may be a file.",
                            {node.name: "Not a file field"})
        raw[node.name] = values if isinstance(node.typ, colander.Sequence) else values[-1]
    try:
        data = schema.bind(request=request).deserialize(raw)
    except colander.Invalid as exc:
        raise api_error(400, "invalid", "Some fields are not valid.", invalid_fields(exc))
    upload = post.get("file")
    if upload is not None and not hasattr(upload, "file"):
        raise api_error(400, "invalid", "Send the file in the multipart field `file`.",
                        {"file": "Not a file"})
    found = stored_file(request, upload.file, upload.filename, upload.type) \
        if upload is not None else None
    return data, set(raw), found


def file_json(request, item, revision):
    found = revision.file
    if found is None:
        return None
    return {"filename": found.filename, "content_type": found.content_type,
            "size": found.size, "url": api_url(request, item, "download") +
            f"?version={revision.version}"}


def named(codes, name_of):
    return [{"code": code, "name": name_of(code)} for code in codes]


def resource_json(request, item, with_body=True):
    """The current version; who edited it only for the group's readers (the public web
    shows the publication's authors, not a member's login)."""
    current = item.current()
    fields = current.fields
    themes = themes_of(request.site)
    data = {"id": item.__name__, "title": current.title, "version": current.version,
            "modified": iso(current.date), "public": item.public, **{k: fields[k] for k in (
                "type", "abstract", "year", "publisher", "url", "licence",
                "superseded_by")},
            "countries": list(fields["countries"]), "levels": list(fields["levels"]),
            "themes": list(fields["themes"]), "languages": list(fields["languages"]),
            "authors": list(fields["authors"]),
            "review_by": fields["review_by"].isoformat() if fields["review_by"] else None,
            "country_names": named(fields["countries"], country_name),
            "language_names": named(fields["languages"], language_name),
            "theme_names": named(fields["themes"], themes.label),
            "file": file_json(request, item, current)}
    if request.has_permission("history", item):
        data["modified_by"] = current.author
    if with_body:
        data.update(body=current.body, html=current.html)
    return data
