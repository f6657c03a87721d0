"""The JSON API of documents and files (DESIGN.md, "JSON API v1"): list, create, read with
an ETag, save on a base version (merged or 409 with both texts), history, old versions,
diff, revert, preview, editor presence, uploads and moving to the trash.

Writes to a trashed item never reach these views: the trash's ACL refuses "edit" and the
forbidden view answers 409 `in_trash`.
"""
import re

import venusian
from pyramid.httpexceptions import HTTPNoContent

from ...content.diff import revision_diff
from ...content.document import Document, Documents, EditConflict, File, TooLarge
from ...content.text import render_markdown
from ...content.trash import move_to_trash
from ..api import api_error, iso, read_json
from ..base import BaseView, api_defaults, api_view, read_params
from ..versioned import conflict_error as versioned_conflict, known_base
from .common import (create_document, create_file, editors_now, new_document_schema,
                     presence_schema, preview_schema, query_schema, revert_schema,
                     revision_or_404, save_schema, too_large_message, upload_limit)


def item_summary(item):
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


def base_version(request, given, message):
    """The version a write is based on: `given`, else the one If-Match names; a 400 that
    says `message` when there is neither."""
    try:
        return int(given or if_match_version(request))
    except (TypeError, ValueError):
        raise api_error(400, "invalid", message,
                        {"base_version": "Required (or send If-Match)"})


def uploaded_file(request):
    """The multipart field `file`, or a 400 that names it."""
    upload = request.POST.get("file")
    if not hasattr(upload, "file"):
        raise api_error(400, "invalid", "Send the file in the multipart field `file`.",
                        {"file": "Required"})
    return upload


def conflict_error(conflict):
    """The shared 409 (views/versioned.py), with the titles a document's save carries too
    and the current version's ETag."""
    exc = versioned_conflict(conflict)
    current = conflict.current
    exc.json_body = dict(exc.json_body, your_title=conflict.title,
                         current_title=getattr(current, "title", conflict.title))
    exc.headers["ETag"] = f'"{current.version}"'
    return exc


@api_defaults(context=Documents)
class DocumentsAPI(BaseView):
    @api_view(request_method="GET", permission="view")
    def list(self):
        return [item_summary(item) for item in self.context.documents_and_files()]

    @api_view(request_method="POST", permission="edit")
    def create(self):
        """A document from JSON, or a file from multipart; a taken id is 409 `taken`."""
        request = self.request
        if (request.content_type or "") == "multipart/form-data":
            return self.upload()
        data = read_json(request, new_document_schema())
        return self.created(create_document(request, self.context, data))

    def upload(self):
        request = self.request
        upload = uploaded_file(request)
        try:
            item = create_file(request, self.context, upload.file, upload.filename,
                               upload.type, request.POST.get("title", "")[:200],
                               request.POST.get("comment", "")[:500])
        except TooLarge:
            raise api_error(413, "too_large", too_large_message(request))
        return self.created(item)

    def created(self, item):
        self.request.response.status = 201
        self.request.response.headers["ETag"] = etag(item)
        return {"id": item.__name__, "version": item.version}

    @api_view(name="preview", request_method="POST", permission="edit")
    def preview(self):
        return {"html": render_markdown(read_json(self.request, preview_schema())["body"])}


@venusian.onlyliftedfrom()
class VersionedAPI(BaseView):
    """What the JSON twins of documents and files share: read with an ETag, move to the
    trash, history."""

    def as_json(self):
        raise NotImplementedError

    @api_view(request_method="GET", permission="view")
    def get(self):
        self.request.response.headers["ETag"] = etag(self.context)
        return self.as_json()

    @api_view(request_method="DELETE", permission="edit")
    def delete(self):
        move_to_trash(self.context, self.request.user.login)
        return HTTPNoContent()

    @api_view(name="history", request_method="GET", permission="view")
    def history(self):
        """Every version unless `?limit=` says how many; `?before=` pages back."""
        params = read_params(self.request, query_schema("limit", "before"))
        return history_json(self.context, params["limit"], params["before"])


@venusian.lift()
@api_defaults(context=Document)
class DocumentAPI(VersionedAPI):
    def as_json(self):
        return document_json(self.context)

    @api_view(request_method="PUT", permission="edit")
    def put(self):
        request, doc = self.request, self.context
        data = read_json(request, save_schema())
        base = known_base(doc, base_version(request, data["base_version"],
                                            "Say which version this text is based on."))
        try:
            revision, merged = doc.save(data["title"], data["body"], request.user.login,
                                        base, data["comment"])
        except EditConflict as conflict:
            raise conflict_error(conflict)
        request.response.headers["ETag"] = etag(doc)
        return {"version": revision.version, "merged": merged}

    @api_view(name="versions", request_method="GET", permission="view")
    def version(self):
        if len(self.request.subpath) != 1:
            return history_json(self.context)
        revision = revision_or_404(self.request, self.context, self.request.subpath[0])
        return {"version": revision.version, "title": revision.title, "body": revision.body,
                "author": revision.author, "date": iso(revision.date),
                "comment": revision.comment}

    @api_view(name="diff", request_method="GET", permission="view")
    def diff(self):
        """`?from=&to=` (by default the last change) as a unified diff."""
        doc = self.context
        params = read_params(self.request, query_schema("from", "to"))
        old = revision_or_404(self.request, doc, params["from"] or doc.version - 1 or 1)
        new = revision_or_404(self.request, doc, params["to"] or doc.version)
        return {"from": old.version, "to": new.version,
                "diff": revision_diff(doc.__name__, old, new)}

    @api_view(name="revert", request_method="POST", permission="edit")
    def revert(self):
        data = read_json(self.request, revert_schema())
        revision_or_404(self.request, self.context, data["version"])
        revision = self.context.revert(data["version"], self.request.user.login,
                                       data["comment"])
        self.request.response.headers["ETag"] = etag(self.context)
        return {"version": revision.version}

    @api_view(name="preview", request_method="POST", permission="edit")
    def preview(self):
        return {"html": render_markdown(read_json(self.request, preview_schema())["body"])}

    @api_view(name="presence", request_method="POST", permission="edit")
    def presence(self):
        data = read_json(self.request, presence_schema())
        return {"editors": editors_now(self.request, self.context, data["leaving"]),
                "version": self.context.version}


@venusian.lift()
@api_defaults(context=File)
class FileAPI(VersionedAPI):
    def as_json(self):
        return file_json(self.context)

    @api_view(request_method="PUT", permission="edit")
    def put(self):
        """A new version, multipart, on the current version (files do not merge)."""
        request, item = self.request, self.context
        if (request.content_type or "") != "multipart/form-data":
            raise api_error(415, message="Send the new version as multipart/form-data.")
        upload = uploaded_file(request)
        base = base_version(request, request.POST.get("base_version"),
                            "Say which version this upload replaces.")
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
