"""Documents and files: the Documents tab, editor, history, versions, diff, revert,
uploads and downloads, in HTML and JSON over the same objects.

Writes go through the content classes (`Document.save`, `File.upload`, `move_to_trash`);
this module turns their outcomes (merged, conflict, too large) into answers.
"""
import difflib
import re
import threading
import time
import zoneinfo

import colander
import deform
import venusian
from pyramid.traversal import find_interface
from pyramid.httpexceptions import HTTPConflict, HTTPFound, HTTPNoContent, HTTPNotFound
from pyramid.response import Response
from pyramid.view import view_config, view_defaults

from ..content.document import (Document, Documents, EditConflict, File, TooLarge,
                                UnknownVersion, extension_of)
from ..content.group import Group
from ..content.ids import MAX_LEN, unique_id
from ..content.text import render_markdown
from ..content.trash import Trash, move_to_trash
from .api import api_error, error_body, iso, read_json
from .base import FieldError, FormView, upload_node
from .schemas import slug_validator, strict, text

MAX_BODY = 2_000_000
# The lines `merge_texts` puts around a clash; saving them by mistake is refused in HTML.
CONFLICT_MARKER = re.compile(r"^(<<<<<<< your version|>>>>>>> saved meanwhile)$", re.M)
MB = 1024 * 1024

# Types a browser may be told as they are; anything else (HTML, SVG, XML, scripts) is
# sent as application/octet-stream. Every download is an attachment either way.
SAFE_TYPES = {"application/pdf", "application/zip", "application/msword",
              "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
              "application/vnd.oasis.opendocument.text",
              "application/vnd.oasis.opendocument.spreadsheet",
              "application/vnd.oasis.opendocument.presentation",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              "application/vnd.openxmlformats-officedocument.presentationml.presentation",
              "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain", "text/csv",
              "audio/mpeg", "video/mp4"}


def upload_limit(request):
    return int(request.registry.settings.get("workspace.max_upload_bytes", 50 * MB))


def too_large_message(request):
    limit = upload_limit(request)
    size = f"{limit / MB:g} MB" if limit >= MB else f"{limit / 1024:g} KB"
    return f"The file is over the upload limit of {size}; nothing was stored."


# Schemas ------------------------------------------------------------------------------

def version_node(name, missing=colander.required, title=None):
    return colander.SchemaNode(colander.Integer(), name=name, missing=missing, title=title,
                               validator=colander.Range(min=1))


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
    schema.add(text("id", MAX_LEN, missing=None, title="Id (optional)",
                    validator=slug_validator))
    schema.add(title_node())
    schema.add(body_node(missing=""))
    schema.add(comment_node())
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


# Shared helpers ------------------------------------------------------------------------

def in_trash(item):
    return isinstance(getattr(item, "__parent__", None), Trash)


def refuse_if_trashed(request, item):
    if in_trash(item):
        raise api_error(409, "in_trash", "This item is in the trash; restore it first.")


def item_summary(request, item):
    return {"id": item.__name__, "title": item.title, "type": item.kind,
            "version": item.version, "modified": iso(item.modified),
            "modified_by": item.modified_by}


def document_json(doc):
    current = doc.current()
    return {"id": doc.__name__, "title": current.title, "body": current.body,
            "html": current.html, "version": current.version,
            "modified": iso(current.date), "modified_by": current.author}


def file_json(item):
    current = item.current()
    return {"id": item.__name__, "title": item.title, "type": "file",
            "version": current.version, "filename": current.filename,
            "content_type": current.content_type, "size": current.size,
            "modified": iso(current.date), "modified_by": current.author}


HISTORY_PAGE = 100


def history_window(request):
    """(limit, before) from `?limit=&before=`; no limit in the API unless asked."""
    def number(name):
        try:
            value = int(request.params.get(name, ""))
        except ValueError:
            return None
        return value if value > 0 else None
    return number("limit"), number("before")


def history_json(item, limit=None, before=None):
    """Versions newest first; a file's also say which file name and size each had."""
    entries = []
    for r in item.history(limit, before):
        entry = {"version": r.version, "author": r.author, "date": iso(r.date),
                 "comment": r.comment}
        if isinstance(item, File):
            entry.update(filename=r.filename, size=r.size)
        entries.append(entry)
    return entries


def etag(item):
    return f'"{item.version}"'


def if_match_version(request):
    """The version named by an If-Match header (`"3"`, `W/"3"` or `3`), or None."""
    header = request.headers.get("If-Match")
    if not header:
        return None
    match = re.fullmatch(r'\s*(?:W/)?"?(\d{1,9})"?\s*', header)
    if not match:
        raise api_error(400, "bad_if_match", "If-Match must be the ETag of a version.")
    return int(match.group(1))


def create_document(request, documents, data):
    """A new Document from validated data; KeyError if the given id is taken."""
    trash = documents.__parent__["trash"]
    doc_id = data.get("id") or unique_id(documents, data["title"], trash)
    if doc_id in documents:
        raise KeyError(doc_id)
    return documents.add(doc_id, Document(data["title"], data["body"], request.user.login,
                                          data["comment"]))


def create_file(request, documents, stream, filename, content_type, title, comment):
    """A new File from an upload; raises TooLarge past the configured limit."""
    trash = documents.__parent__["trash"]
    title = title or filename or "Upload"
    item = File(title, stream, filename, content_type, request.user.login, comment,
                limit=upload_limit(request))
    return documents.add(unique_id(documents, title, trash), item)


def delete_item(request, item):
    group = find_interface(item, Group)
    move_to_trash(item, request.user.login)
    request.site.audit.record(request.user.login, f"{item.kind}_deleted",
                              f"{group.__name__}/{item.__name__}")


def revision_or_404(item, version, api=True):
    try:
        return item.revision(version)
    except UnknownVersion:
        if api:
            raise api_error(404, message="There is no such version.")
        raise HTTPNotFound()


def unified_diff(doc, old, new):
    return "".join(difflib.unified_diff(
        old.body.splitlines(keepends=True), new.body.splitlines(keepends=True),
        fromfile=f"{doc.__name__} version {old.version}",
        tofile=f"{doc.__name__} version {new.version}"))


def diff_rows(old_text, new_text, context=3):
    """Hunks of an inline line diff: lists of (kind, old_no, new_no, text), kind one of
    'same', 'del', 'ins'; far-off unchanged lines are left out."""
    old, new = old_text.splitlines(), new_text.splitlines()
    hunks = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        rows = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [("same", i + 1, j + 1, old[i]) for i, j in
                         zip(range(i1, i2), range(j1, j2))]
                continue
            rows += [("del", i + 1, None, old[i]) for i in range(i1, i2)]
            rows += [("ins", None, j + 1, new[j]) for j in range(j1, j2)]
        hunks.append(rows)
    return hunks


# Presence: who has a document's editor open. Kept in the app's memory on purpose: a
# heartbeat every few seconds must never write to the database.

PRESENCE_TTL = 40
_presence_lock = threading.Lock()


def editors_now(request, item, here=True, leaving=False):
    """Logins of others with this item's editor open; records the caller unless leaving."""
    key, login, now = request.resource_path(item), request.user.login, time.monotonic()
    with _presence_lock:
        everyone = request.registry.__dict__.setdefault("workspace_document_presence", {})
        seen = everyone.setdefault(key, {})
        for other, when in list(seen.items()):
            if now - when > PRESENCE_TTL:
                del seen[other]
        if leaving:
            seen.pop(login, None)
        elif here:
            seen[login] = now
        return sorted(other for other in seen if other != login)


# JSON API ------------------------------------------------------------------------------

@view_defaults(context=Documents, route_name="api", renderer="json")
class DocumentsAPI:
    def __init__(self, context, request):
        self.context, self.request = context, request

    @view_config(request_method="GET", permission="view")
    def list(self):
        return [item_summary(self.request, item)
                for item in self.context.documents_and_files()]

    @view_config(request_method="POST", permission="edit")
    def create(self):
        request = self.request
        if (request.content_type or "") == "multipart/form-data":
            return self.upload()
        data = read_json(request, new_document_schema())
        try:
            doc = create_document(request, self.context, data)
        except KeyError:
            raise api_error(409, "taken", "That id is taken.", {"id": "taken"})
        request.response.status = 201
        request.response.headers["ETag"] = etag(doc)
        return {"id": doc.__name__, "version": doc.version}

    def upload(self):
        request = self.request
        upload = request.POST.get("file")
        if not hasattr(upload, "file"):
            raise api_error(400, "invalid", "Send the file in the multipart field `file`.",
                            {"file": "Required"})
        title = request.POST.get("title", "")[:200]
        comment = request.POST.get("comment", "")[:500]
        try:
            item = create_file(request, self.context, upload.file, upload.filename,
                               upload.type, title, comment)
        except TooLarge:
            raise api_error(413, "too_large", too_large_message(request))
        request.response.status = 201
        request.response.headers["ETag"] = etag(item)
        return {"id": item.__name__, "version": item.version}

    @view_config(name="preview", request_method="POST", permission="edit")
    def preview(self):
        return {"html": render_markdown(read_json(self.request, preview_schema())["body"])}


@venusian.onlyliftedfrom()
class VersionedAPI:
    """What the JSON twins of documents and files share: read with an ETag, delete,
    history."""

    def __init__(self, context, request):
        self.context, self.request = context, request

    def as_json(self):
        raise NotImplementedError

    @view_config(request_method="GET", permission="view")
    def get(self):
        self.request.response.headers["ETag"] = etag(self.context)
        return self.as_json()

    @view_config(request_method="DELETE", permission="edit")
    def delete(self):
        refuse_if_trashed(self.request, self.context)
        delete_item(self.request, self.context)
        return HTTPNoContent()

    @view_config(name="history", request_method="GET", permission="view")
    def history(self):
        return history_json(self.context, *history_window(self.request))


@venusian.lift()
@view_defaults(context=Document, route_name="api", renderer="json")
class DocumentAPI(VersionedAPI):
    def as_json(self):
        return document_json(self.context)

    @view_config(request_method="PUT", permission="edit")
    def put(self):
        request, doc = self.request, self.context
        refuse_if_trashed(request, doc)
        data = read_json(request, save_schema())
        base = data["base_version"] or if_match_version(request)
        if base is None:
            raise api_error(400, "invalid", "Say which version this text is based on.",
                            {"base_version": "Required (or send If-Match)"})
        if base > doc.version:
            raise api_error(400, "invalid", "There is no such version.",
                            {"base_version": "Unknown version"})
        try:
            revision, merged = doc.save(data["title"], data["body"], request.user.login,
                                        base, data["comment"])
        except EditConflict as conflict:
            raise conflict_error(conflict)
        request.response.headers["ETag"] = etag(doc)
        return {"version": revision.version, "merged": merged}

    @view_config(name="versions", request_method="GET", permission="view")
    def version(self):
        if len(self.request.subpath) != 1:
            return history_json(self.context)
        revision = revision_or_404(self.context, self.request.subpath[0])
        return {"version": revision.version, "title": revision.title, "body": revision.body,
                "author": revision.author, "date": iso(revision.date),
                "comment": revision.comment}

    @view_config(name="diff", request_method="GET", permission="view")
    def diff(self):
        doc = self.context
        old = revision_or_404(doc, self.request.params.get("from", doc.version - 1 or 1))
        new = revision_or_404(doc, self.request.params.get("to", doc.version))
        return {"from": old.version, "to": new.version, "diff": unified_diff(doc, old, new)}

    @view_config(name="revert", request_method="POST", permission="edit")
    def revert(self):
        refuse_if_trashed(self.request, self.context)
        data = read_json(self.request, revert_schema())
        revision_or_404(self.context, data["version"])
        revision = self.context.revert(data["version"], self.request.user.login,
                                       data["comment"])
        self.request.response.headers["ETag"] = etag(self.context)
        return {"version": revision.version}

    @view_config(name="preview", request_method="POST", permission="edit")
    def preview(self):
        return {"html": render_markdown(read_json(self.request, preview_schema())["body"])}

    @view_config(name="presence", request_method="POST", permission="edit")
    def presence(self):
        data = read_json(self.request, presence_schema())
        return {"editors": editors_now(self.request, self.context, leaving=data["leaving"]),
                "version": self.context.version}


def conflict_error(conflict):
    """409 with the current version and text, and the refused text, kept for the user."""
    exc = HTTPConflict()
    exc.content_type = "application/json"
    current = conflict.current
    body = error_body(409, "conflict", "Others changed the same lines since your version; "
                                       "nothing was saved. Reconcile and save again.")
    body.update({"current_version": current.version, "current_title": getattr(current, "title", conflict.title),
                 "current_body": getattr(current, "body", None),
                 "your_title": conflict.title, "your_body": conflict.body,
                 "marked": conflict.marked})
    exc.json_body = body
    exc.headers["ETag"] = f'"{current.version}"'
    return exc


@venusian.lift()
@view_defaults(context=File, route_name="api", renderer="json")
class FileAPI(VersionedAPI):
    def as_json(self):
        return file_json(self.context)

    @view_config(request_method="PUT", permission="edit")
    def put(self):
        request, item = self.request, self.context
        refuse_if_trashed(request, item)
        if (request.content_type or "") != "multipart/form-data":
            raise api_error(415, message="Send the new version as multipart/form-data.")
        upload = request.POST.get("file")
        if not hasattr(upload, "file"):
            raise api_error(400, "invalid", "Send the file in the multipart field `file`.",
                            {"file": "Required"})
        base = request.POST.get("base_version") or if_match_version(request)
        try:
            base = int(base)
        except (TypeError, ValueError):
            raise api_error(400, "invalid", "Say which version this upload replaces.",
                            {"base_version": "Required (or send If-Match)"})
        try:
            revision = item.upload(upload.file, upload.filename, upload.type,
                                   request.user.login, base,
                                   request.POST.get("comment", "")[:500],
                                   limit=upload_limit(request))
        except TooLarge:
            raise api_error(413, "too_large", too_large_message(request))
        except EditConflict as conflict:
            raise conflict_error(conflict)
        request.response.headers["ETag"] = etag(item)
        return {"version": revision.version}


@view_config(context=File, name="download", route_name="api", permission="view")
@view_config(context=File, name="download", permission="view")
def download(context, request):
    """The bytes of a version, always as an attachment under a name the server chooses."""
    api = request.matched_route is not None
    revision = revision_or_404(context, request.params.get("version", context.version), api)
    content_type = revision.content_type if revision.content_type in SAFE_TYPES \
        else "application/octet-stream"
    ext = extension_of(revision.filename)
    name = f"{context.__name__}-v{revision.version}" + (f".{ext}" if ext else "")
    response = Response(content_type=content_type, app_iter=FileIterOf(revision.open()),
                        content_length=revision.size)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


class FileIterOf:
    """Stream an open blob in blocks and close it at the end."""

    def __init__(self, fp, block=64 * 1024):
        self.fp, self.block = fp, block

    def __iter__(self):
        try:
            while True:
                data = self.fp.read(self.block)
                if not data:
                    break
                yield data
        finally:
            self.fp.close()

    def close(self):
        self.fp.close()


# HTML pages ----------------------------------------------------------------------------

def api_url(request, item, *elements):
    """The JSON twin of `item`'s URL."""
    return request.application_url + "/api" + request.resource_path(item, *elements)


def when_for(request):
    """A formatter of times in the viewer's own time zone, e.g. "2026-11-23 09:15 GMT"."""
    try:
        tz = zoneinfo.ZoneInfo(getattr(request.user, "timezone", None) or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo("UTC")

    def when(moment):
        local = moment.astimezone(tz)
        return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"
    return when


def crumbs(request, item):
    """What every documents page shows: the way back, and times in the viewer's zone."""
    group = find_interface(item, Group)
    return {"group": group, "documents": group["documents"], "when": when_for(request)}


@view_config(context=Documents, renderer="templates/documents.pt", permission="view")
def documents_page(request):
    documents = request.context
    return dict(crumbs(request, documents), title="Documents",
                items=documents.documents_and_files(),
                can_edit=request.has_permission("edit", documents))


@view_config(context=Document, renderer="templates/document.pt", permission="view")
def document_page(request):
    doc = request.context
    return dict(crumbs(request, doc), title=doc.title, doc=doc, revision=doc.current(),
                trashed=in_trash(doc), can_edit=request.has_permission("edit", doc),
                old=False)


@view_config(context=Document, name="versions", renderer="templates/document.pt",
             permission="view")
def document_version_page(request):
    doc = request.context
    if len(request.subpath) != 1:
        return HTTPFound(request.resource_url(doc, "history"))
    revision = revision_or_404(doc, request.subpath[0], api=False)
    return dict(crumbs(request, doc), title=f"{revision.title} (version {revision.version})",
                doc=doc, revision=revision, trashed=in_trash(doc),
                can_edit=request.has_permission("edit", doc), old=True)


@view_config(context=Document, name="history", renderer="templates/document_history.pt",
             permission="view")
@view_config(context=File, name="history", renderer="templates/document_history.pt",
             permission="view")
def history_page(request):
    item = request.context
    limit, before = history_window(request)
    revisions = item.history(min(limit or HISTORY_PAGE, HISTORY_PAGE), before)
    older = revisions[-1].version if revisions and revisions[-1].version > 1 else None
    return dict(crumbs(request, item), title=f"History of {item.title}", item=item,
                revisions=revisions, older=older, newest=item.version,
                is_document=isinstance(item, Document),
                can_edit=request.has_permission("edit", item) and not in_trash(item))


@view_config(context=Document, name="diff", renderer="templates/document_diff.pt",
             permission="view")
def diff_page(request):
    doc = request.context
    old = revision_or_404(doc, request.params.get("from", doc.version - 1 or 1), api=False)
    new = revision_or_404(doc, request.params.get("to", doc.version), api=False)
    hunks = diff_rows(old.body, new.body)
    return dict(crumbs(request, doc), title=f"Changes in {doc.title}", doc=doc, old=old,
                new=new, hunks=hunks, title_changed=old.title != new.title)


@view_config(context=Document, name="revert", request_method="POST", permission="edit")
def revert_action(request):
    doc = request.context
    if in_trash(doc):
        raise HTTPNotFound()
    revision = revision_or_404(doc, request.POST.get("version"), api=False)
    new = doc.revert(revision.version, request.user.login)
    request.session.flash(f"Version {revision.version} restored as version {new.version}.")
    return HTTPFound(request.resource_url(doc))


@view_config(context=Document, name="delete", request_method="POST", permission="edit")
@view_config(context=File, name="delete", request_method="POST", permission="edit")
def delete_action(request):
    item = request.context
    if in_trash(item):
        raise HTTPNotFound()
    documents = item.__parent__
    title = item.title
    delete_item(request, item)
    request.session.flash(f"“{title}” was moved to the trash; members can restore it.")
    return HTTPFound(request.resource_url(documents))


@view_config(context=Documents, name="new", renderer="templates/document_edit.pt",
             permission="edit")
class NewDocumentForm(FormView):
    title = "New document"
    buttons = ("create",)

    def schema(self):
        return new_document_schema()

    def page(self, form_html, **extra):
        return dict(crumbs(self.request, self.context), title=self.title, form=form_html,
                    doc=None, conflict=None, editors=[],
                    preview_url=api_url(self.request, self.context, "@@preview"), **extra)

    def save_success(self, appstruct):
        try:
            doc = create_document(self.request, self.context, appstruct)
        except KeyError:
            raise FieldError("id", "That id is taken.")
        self.request.session.flash("Document created.")
        return HTTPFound(self.request.resource_url(doc))


@view_config(context=Document, name="edit", renderer="templates/document_edit.pt",
             permission="edit")
class EditDocumentForm(FormView):
    buttons = ("save",)

    @property
    def title(self):
        return f"Edit {self.context.title}"

    def schema(self):
        return save_schema(api=False)

    def appstruct(self):
        doc = self.context
        return {"title": doc.title, "body": doc.body, "base_version": doc.version,
                "comment": ""}

    def page(self, form_html, **extra):
        extra.setdefault("conflict", None)
        return dict(crumbs(self.request, self.context), title=self.title, form=form_html,
                    doc=self.context, editors=editors_now(self.request, self.context),
                    presence_url=api_url(self.request, self.context, "presence"),
                    preview_url=api_url(self.request, self.context, "preview"), **extra)

    def __call__(self):
        if in_trash(self.context):
            raise HTTPNotFound()
        return super().__call__()

    def save_success(self, appstruct):
        request, doc = self.request, self.context
        if CONFLICT_MARKER.search(appstruct["body"]):
            raise FieldError("body", "The text still has conflict markers (<<<<<<<, =======, "
                                     ">>>>>>>): keep what you want and remove those lines.")
        try:
            revision, merged = doc.save(appstruct["title"], appstruct["body"],
                                        request.user.login, appstruct["base_version"],
                                        appstruct["comment"])
        except EditConflict as conflict:
            current = conflict.current
            form = self.form(self.schema())
            html = form.render({"title": conflict.title, "body": conflict.marked,
                                "base_version": current.version,
                                "comment": appstruct["comment"]})
            return self.page(html, conflict=conflict)
        except UnknownVersion:
            raise FieldError("body", "The version this edit started from is unknown.")
        if merged:
            request.session.flash(f"Saved as version {revision.version}, merged with "
                                  "changes others saved meanwhile.")
        else:
            request.session.flash(f"Saved as version {revision.version}.")
        editors_now(request, doc, leaving=True)
        return HTTPFound(request.resource_url(doc))


@view_config(context=Documents, name="upload", renderer="templates/form.pt",
             permission="edit")
class UploadForm(FormView):
    title = "Upload a file"
    buttons = (deform.Button("submit", "Upload"),)

    def schema(self):
        return upload_schema(new=True)

    def save_success(self, appstruct):
        upload = appstruct["file"]
        try:
            item = create_file(self.request, self.context, upload["fp"], upload["filename"],
                               upload.get("mimetype"), appstruct["title"],
                               appstruct["comment"])
        except TooLarge:
            raise FieldError("file", too_large_message(self.request))
        self.request.session.flash(f"“{item.title}” uploaded.")
        return HTTPFound(self.request.resource_url(item))


@view_config(context=File, renderer="templates/document_file.pt", request_method="GET",
             permission="view")
@view_config(context=File, renderer="templates/document_file.pt", request_method="POST",
             permission="edit")
class FilePage(FormView):
    """The file, its versions, and (for members) the form to upload a new version."""

    buttons = (deform.Button("submit", "Upload"),)

    @property
    def title(self):
        return self.context.title

    def schema(self):
        return upload_schema(new=False)

    def appstruct(self):
        return {"base_version": self.context.version}

    def page(self, form_html, **extra):
        item = self.context
        can_edit = bool(self.request.has_permission("edit", item)) and not in_trash(item)
        return dict(crumbs(self.request, item), title=self.title, item=item,
                    current=item.current(), revisions=item.history(),
                    form=form_html if can_edit else None, trashed=in_trash(item), **extra)

    def __call__(self):
        if self.request.method == "POST" and in_trash(self.context):
            raise HTTPNotFound()
        return super().__call__()

    def save_success(self, appstruct):
        upload = appstruct["file"]
        try:
            revision = self.context.upload(upload["fp"], upload["filename"],
                                           upload.get("mimetype"), self.request.user.login,
                                           appstruct["base_version"], appstruct["comment"],
                                           limit=upload_limit(self.request))
        except TooLarge:
            raise FieldError("file", too_large_message(self.request))
        except EditConflict:
            raise FieldError("file", "Someone uploaded a newer version meanwhile; look at "
                                     "it first, then upload again.")
        self.request.session.flash(f"Version {revision.version} uploaded.")
        return HTTPFound(self.request.resource_url(self.context))
