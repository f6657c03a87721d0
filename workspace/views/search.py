"""The search page (`/search`) and its JSON twin (`GET /api/search`)."""
import colander
from pyramid.httpexceptions import HTTPBadRequest
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config, view_defaults

from ..content.site import Site
from ..search import QueryError, SearchUnavailable, parse_day, search_for
from ..security import request_principals
from .api import api_error, iso
from .base import BaseView, api_view, read_params

SORTS = ("relevance", "date")
TYPE_LABELS = {"document": "Documents", "file": "Files", "topic": "Topics",
               "reply": "Replies", "event": "Events", "whiteboard": "Whiteboards",
               "group": "Groups", "person": "People"}


class Repeated(colander.SchemaType):
    """A parameter that may be given several times (`?type=document&type=file`): all its
    values, as a list."""

    def deserialize(self, node, cstruct):
        if cstruct is colander.null:
            return []
        values = cstruct if isinstance(cstruct, list) else [cstruct]
        if not all(isinstance(value, str) for value in values):
            raise colander.Invalid(node, f"{node.name} is text.")
        return values


class Day(colander.SchemaType):
    """A date like 2026-11-23 (or an ISO 8601 time), as a UTC moment; `end` takes the
    day's last moment, so that `to=` includes that day."""

    def __init__(self, end=False):
        self.end = end

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, ""):
            return None
        try:
            return parse_day(cstruct, end=self.end)
        except (TypeError, ValueError):
            raise colander.Invalid(node, f"{node.name} is a date like 2026-11-23.")


def number(name, default, low, high):
    return colander.SchemaNode(colander.Int(), name=name, missing=default,
                               validator=colander.Range(low, high, min_err=(
                                   f"{name} must be between {low} and {high}."), max_err=(
                                   f"{name} must be between {low} and {high}.")))


def search_params():
    """The query string of a search (every parameter optional)."""
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(colander.SchemaNode(colander.String(), name="q", missing=""))
    for name in ("type", "group", "author"):
        schema.add(colander.SchemaNode(Repeated(), name=name, missing=[]))
    schema.add(colander.SchemaNode(Day(), name="from", missing=None))
    schema.add(colander.SchemaNode(Day(end=True), name="to", missing=None))
    schema.add(colander.SchemaNode(colander.String(), name="sort", missing="relevance",
                                   validator=colander.OneOf(
                                       SORTS, msg_err="sort is relevance or date.")))
    schema.add(number("page", 1, 1, 10_000))
    schema.add(number("limit", 20, 1, 100))
    return schema


def query_of(params):
    """`search_for`'s arguments from validated parameters."""
    return {"q": params["q"], "types": params["type"], "groups": params["group"],
            "authors": params["author"], "start": params["from"], "end": params["to"],
            "sort": params["sort"], "page": params["page"], "limit": params["limit"]}


# Anyone may search: an anonymous caller's search reads the public web only (the public
# scope of search/query.py), a member's what their groups and the site let them read.
@view_defaults(context=Site, name="search", permission=NO_PERMISSION_REQUIRED,
               request_method="GET")
class SearchViews(BaseView):
    def run(self, query):
        """The search's answer; each hit also gets `url`, its HTML page."""
        found = search_for(self.request.registry, self.request.site, self.request.user,
                           request_principals(self.request),
                           lambda obj, permission: self.can(permission, obj), **query)
        for hit in found["results"]:
            hit["url"] = f"{self.request.application_url}{hit['path'].rstrip('/')}/"
        return found

    @api_view()
    def api(self):
        query = query_of(read_params(self.request, search_params()))
        try:
            found = self.run(query)
        except SearchUnavailable as exc:
            raise api_error(503, "unavailable", str(exc))
        except QueryError as exc:
            raise api_error(400, "bad_query", str(exc), {"q": str(exc)})
        for hit in found["results"]:
            hit["modified"] = iso(hit["modified"])
        return found

    @view_config(renderer="workspace:views/templates/search.pt")
    def page(self):
        error, found, query, status = None, None, {}, 400
        try:
            query = query_of(read_params(self.request, search_params()))
            if any(query[k] for k in ("q", "types", "groups", "authors", "start", "end")):
                found = self.run(query)
        except HTTPBadRequest as exc:  # a bad parameter: shown on the page, beside the form
            error = exc.detail
        except QueryError as exc:
            error = str(exc)
            status = 503 if isinstance(exc, SearchUnavailable) else 400
        if error:
            self.request.response.status = status
        return {"title": "Search", "found": found, "error": error, "query": query,
                "params": self.request.params, "group_titles": self.group_titles(found),
                "type_labels": TYPE_LABELS, "link": self.link}

    def group_titles(self, found):
        """The titles of the groups the results and facets name."""
        if found is None:
            return {}
        groups = self.request.site["groups"]
        named = set(found["facets"]["group"]) | {h["group"] for h in found["results"]}
        return {gid: groups[gid].title for gid in named if gid and gid in groups}

    def link(self, **changes):
        """This search's URL with some parameters changed (None removes one)."""
        params = [(k, v) for k, v in self.request.params.items()
                  if k not in changes and k != "page"]
        for key, value in changes.items():
            if value is not None:
                params.append((key, value))
        return self.request.resource_url(self.request.site, "search", query=params)
