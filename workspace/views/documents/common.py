"""What the pages, forms and API of documents and files share: the colander schemas of what
a request may send, the upload limit, making a new document or file, and finding the
version a request names.

The HTML forms and the JSON API validate with the same schemas and make items with the
same functions, so a document made either way is the same document.
"""
import colander
import deform
from pyramid.httpexceptions import HTTPNotFound
from pyramid.traversal import resource_path

from ...content.document import Document, File, UnknownVersion
from ...content.ids import unique_id
from ..api import api_error, is_api
from ..attachments import too_large_message, upload_limit  # noqa: F401 (used here too)
from ..base import upload_node
from ..schemas import strict, text
from ..widgets import id_node

MAX_BODY = 2_000_000
# Revisions are keyed by 32-bit integers: a larger number is a bad request, not a crash.
MAX_VERSION = 2 ** 31 - 1


# Schemas ------------------------------------------------------------------------------

def version_node(name, missing=colander.required, title=None):
    return colander.SchemaNode(colander.Integer(), name=name, missing=missing, title=title,
                               validator=colander.Range(min=1, max=MAX_VERSION))


def body_node(missing=colander.required):
    return colander.SchemaNode(
        colander.String(allow_empty=True), name="body", title="Text (Markdown)",
        missing=missing, validator=colander.Length(max=MAX_BODY),
        widget=deform.widget.TextAreaWidget(rows=22, css_class="markdown-source"))


def comment_node():
    return text("comment", 500, missing="", title="Change note",
                widget=deform.widget.TextInputWidget(
                    attributes={"placeholder": "What did you change, and why?"}))


def title_node(missing=colander.required):
    return text("title", 200, missing=missing, title="Title",
                validator=colander.Length(min=1))


def new_document_schema():
    schema = colander.SchemaNode(strict())
    schema.add(title_node())
    schema.add(body_node(missing=""))
    schema.add(comment_node())
    schema.add(id_node())
    return schema


def save_schema(api=True):
    """A save: in the API, title and base_version may be left out (If-Match names the
    base); the editor always sends both, the base in a hidden field."""
    schema = colander.SchemaNode(strict())
    schema.add(title_node(missing=None if api else colander.required))
    schema.add(body_node())
    base = version_node("base_version", missing=None if api else colander.required)
    if not api:
        base.widget = deform.widget.HiddenWidget()
    schema.add(base)
    schema.add(comment_node())
    return schema


def revert_schema():
    schema = colander.SchemaNode(strict())
    schema.add(version_node("version"))
    schema.add(text("comment", 500, missing=""))
    return schema


def preview_schema():
    schema = colander.SchemaNode(strict())
    schema.add(body_node(missing=""))
    return schema


def presence_schema():
    schema = colander.SchemaNode(strict())
    schema.add(colander.SchemaNode(colander.Boolean(), name="leaving", missing=False))
    return schema


def upload_schema(new=True):
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(upload_node("file", "File"))
    if new:
        schema.add(text("title", 200, missing="", title="Title (optional)"))
    else:
        schema.add(colander.SchemaNode(colander.Integer(), name="base_version",
                                       widget=deform.widget.HiddenWidget()))
    schema.add(comment_node())
    return schema


def query_schema(*names):
    """A query string of optional version numbers (`?limit=&before=`, `?from=&to=`,
    `?version=`): each a whole number from 1, or absent."""
    schema = colander.SchemaNode(colander.Mapping())
    for name in names:
        schema.add(version_node(name, missing=None))
    return schema


# Making and finding items --------------------------------------------------------------

def create_document(request, documents, data):
    """A new Document from validated data, under the id given or one derived from its
    title (never one waiting in the trash); IdTaken if the given id is taken."""
    trash = documents.__parent__["trash"]
    doc_id = data.get("id") or unique_id(documents, data["title"], trash)
    return documents.add(doc_id, Document(data["title"], data["body"], request.user.login,
                                          data["comment"]))


def create_file(request, documents, stream, filename, content_type, title, comment):
    """A new File from an upload; raises TooLarge past the configured limit."""
    trash = documents.__parent__["trash"]
    title = title or filename or "Upload"
    item = File(title, stream, filename, content_type, request.user.login, comment,
                limit=upload_limit(request))
    return documents.add(unique_id(documents, title, trash), item)


def revision_or_404(request, item, version):
    """`item`'s revision `version` (a number or its text); a 404 when it has none."""
    try:
        return item.revision(version)
    except UnknownVersion:
        if is_api(request):
            raise api_error(404, message="There is no such version.")
        raise HTTPNotFound()


def editors_now(request, item, leaving=False):
    """Logins of the others who have `item`'s editor open; notes the caller as one of
    them, or as gone when `leaving`."""
    return request.registry.editor_presence.others(resource_path(item), request.user.login,
                                                   leaving)
