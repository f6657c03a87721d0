"""The Collection's JSON API (DESIGN.md, "The Collection"): list and create (JSON, or
multipart with a `file`), read, save on a base version (merged, or 409 with both texts),
history, versions, diff, revert, publish to the public web, and moving to the trash (the
trash's ACL refuses writes there). History, versions and diffs need `history`: a visitor
of a public Resource reads its current version only, and no member's login."""
import json

import colander
from pyramid.httpexceptions import HTTPNoContent

from ...content.collection import KEEP, Collection, Resource, publish_resource
from ...content.document import EditConflict
from ...content.trash import move_to_trash
from ..api import iso, read_json
from ..base import BaseView, api_defaults, api_view
from ..paging import Pager
from ..schemas import boolean, strict
from ..versioned import (conflict_error, diff_answer, history_answer, known_base,
                         revert_schema, revision_or_404)
from .common import (checked_fields, create_resource, file_json, read_multipart,
                     record_fields, resource_json, resource_schema)


def is_multipart(request):
    return (request.content_type or "") == "multipart/form-data"


def read_body(request, schema):
    """(data, given keys, new file or None) of a JSON or multipart body."""
    if is_multipart(request):
        return read_multipart(request, schema)
    data = read_json(request, schema)
    return data, given_keys(request), None


def given_keys(request):
    """The keys of the JSON body (read_json has checked it already)."""
    return set(json.loads(request.body.decode("utf-8")))


def publish_schema():
    schema = colander.SchemaNode(strict())
    schema.add(colander.SchemaNode(boolean(), name="public"))
    return schema


@api_defaults(context=Collection)
class CollectionAPI(BaseView):
    @api_view(request_method="GET", permission="view")
    def list(self):
        pager = Pager(self.request)
        items = sorted(self.context.resources(), key=lambda r: r.changed, reverse=True)
        return pager.answer([resource_json(self.request, r, with_body=False)
                             for r in items[pager.start:pager.stop]], len(items))

    @api_view(request_method="POST", permission="edit")
    def create(self):
        """A record from JSON, or from multipart fields with its `file`."""
        data, given, found = read_body(self.request, resource_schema(new=True))
        item = create_resource(self.request, self.context, data, given, found)
        self.request.response.status = 201
        return {"id": item.__name__, "version": item.version}


@api_defaults(context=Resource)
class ResourceAPI(BaseView):
    @api_view(request_method="GET", permission="view")
    def get(self):
        self.request.response.headers["ETag"] = f'"{self.context.version}"'
        return resource_json(self.request, self.context)

    @api_view(request_method="PUT", permission="edit")
    def put(self):
        """A new version from JSON, or multipart with a new `file`; `remove_file`
        takes the file off (the older versions keep theirs)."""
        item, request = self.context, self.request
        data, given, found = read_body(request, resource_schema(new=False))
        base = known_base(item, data["base_version"] or item.version)
        base_fields = item.revision(base).fields
        fields = checked_fields(request.site, record_fields(data, given, base_fields))
        base_revision = item.revision(base)
        title = data["title"] or base_revision.title
        body = data["body"] if data["body"] is not None else base_revision.body
        file = found if found is not None else None if data["remove_file"] else KEEP
        try:
            revision, merged = item.update(title, body, fields, request.user.login, base,
                                           data["comment"], file)
        except EditConflict as conflict:
            raise conflict_error(conflict)
        return {"version": revision.version, "merged": merged}

    @api_view(request_method="DELETE", permission="edit")
    def delete(self):
        move_to_trash(self.context, self.request.user.login)
        return HTTPNoContent()

    @api_view(name="history", request_method="GET", permission="history")
    def history(self):
        return history_answer(self.request, self.context)

    @api_view(name="versions", request_method="GET", permission="history")
    def version(self):
        if len(self.request.subpath) != 1:
            return self.history()
        r = revision_or_404(self.context, self.request.subpath[0])
        fields = {k: (list(v) if isinstance(v, tuple) else v) for k, v in r.fields.items()}
        if fields.get("review_by"):
            fields["review_by"] = fields["review_by"].isoformat()
        return {"version": r.version, "title": r.title, "body": r.body, "fields": fields,
                "author": r.author, "date": iso(r.date), "comment": r.comment,
                "file": file_json(self.request, self.context, r)}

    @api_view(name="diff", request_method="GET", permission="history")
    def diff(self):
        old, new, answer = diff_answer(self.request, self.context, self.context.__name__)
        answer["fields"] = sorted(k for k in new.fields if new.fields[k] != old.fields.get(k))
        if new.file is not old.file:
            answer["fields"].append("file")
        return answer

    @api_view(name="revert", request_method="POST", permission="edit")
    def revert(self):
        data = read_json(self.request, revert_schema())
        revision_or_404(self.context, data["version"])
        revision = self.context.revert(data["version"], self.request.user.login,
                                       data["comment"])
        return {"version": revision.version}

    @api_view(name="publish", request_method="POST", permission="moderate")
    def publish(self):
        data = read_json(self.request, publish_schema())
        publish_resource(self.context, self.request.user.login, data["public"])
        return {"id": self.context.__name__, "public": self.context.public}
