"""What the JSON twins and pages of the community services' versioned records (Discussion
Summaries, Resources) share: version parameters, finding a version, history and diff
answers, the 409 of an overlapping save, and breadcrumbs that a public reader does not
get (they may not know the group)."""
import colander
from pyramid.httpexceptions import HTTPConflict
from pyramid.location import lineage

from ..content.diff import revision_diff
from ..content.document import UnknownVersion
from ..content.group import Group
from .api import api_error, error_body, iso
from .base import read_params
from .schemas import strict

MAX_VERSION = 2 ** 31 - 1


def version_node(name, missing=colander.required):
    return colander.SchemaNode(colander.Integer(), name=name, missing=missing,
                               validator=colander.Range(min=1, max=MAX_VERSION))


def version_params():
    """`?from=&to=&limit=&before=`: optional version numbers."""
    schema = colander.SchemaNode(colander.Mapping())
    for name in ("from", "to", "limit", "before"):
        schema.add(version_node(name, missing=None))
    return schema


def revert_schema():
    schema = colander.SchemaNode(strict())
    schema.add(version_node("version"))
    schema.add(colander.SchemaNode(colander.String(), name="comment", missing="",
                                   validator=colander.Length(max=500)))
    return schema


def revision_or_404(item, version, upto=None):
    """Version `version` of `item`; a 404 if there is none, or it is past `upto` (the
    newest version the caller may read; None: any)."""
    try:
        revision = item.revision(version)
    except UnknownVersion:
        revision = None
    if revision is None or (upto is not None and revision.version > upto):
        raise api_error(404, message="There is no such version.")
    return revision


def known_base(item, base):
    """`base`, the version a save starts from, if `item` has it; a 400 otherwise."""
    if base > item.version:
        raise api_error(400, "invalid", "There is no such version.",
                        {"base_version": "Unknown version"})
    return base


def conflict_error(conflict):
    """409 with the current version and text and the refused text, kept for the user."""
    exc = HTTPConflict()
    exc.content_type = "application/json"
    body = error_body(409, "conflict", "Others changed the same lines since your version; "
                                       "nothing was saved. Reconcile and save again.")
    body.update({"current_version": conflict.current.version,
                 "current_body": getattr(conflict.current, "body", None),
                 "your_body": conflict.body,
                 "marked": conflict.marked})
    exc.json_body = body
    return exc


def history_answer(request, item, upto=None):
    """Newest first, `?limit=` versions (100) `?before=` a version; none past `upto`."""
    params = read_params(request, version_params())
    before = params["before"]
    if upto is not None:
        before = min(before or upto + 1, upto + 1)
    return [{"version": r.version, "author": r.author, "date": iso(r.date),
             "comment": r.comment}
            for r in item.history(params["limit"] or 100, before)]


def diff_answer(request, item, name, upto=None):
    """`?from=&to=` (by default the last change up to `upto`) as a unified diff."""
    params = read_params(request, version_params())
    newest = item.version if upto is None else upto
    old = revision_or_404(item, params["from"] or newest - 1 or 1, upto)
    new = revision_or_404(item, params["to"] or newest, upto)
    return old, new, {"from": old.version, "to": new.version,
                      "diff": revision_diff(name, old, new)}


def reader_crumbs(request, item):
    """(url, label) from the group down to `item`'s container, for those who may read
    the group (a public reader gets none)."""
    above = []
    for place in lineage(item.__parent__):
        above.append((request.resource_url(place),
                      getattr(place, "title", None) or place.__name__.capitalize()))
        if isinstance(place, Group):
            return above[::-1] if request.has_permission("view", place) else []
    return []
