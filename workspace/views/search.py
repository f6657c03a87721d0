"""The search page (`/search`) and its JSON twin (`GET /api/search`)."""
from pyramid.view import view_config, view_defaults

from ..content.site import Site
from ..search import QueryError, parse_day, search_for
from ..security import principals_for
from .api import api_error, iso

SORTS = ("relevance", "date")
TYPE_LABELS = {"document": "Documents", "file": "Files", "topic": "Topics",
               "reply": "Replies", "event": "Events", "whiteboard": "Whiteboards",
               "group": "Groups", "person": "People"}


class BadParameter(ValueError):
    def __init__(self, field, message):
        super().__init__(message)
        self.field = field


def number(params, name, default, low, high):
    raw = params.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, f"{name} must be a whole number.")
    if not low <= value <= high:
        raise BadParameter(name, f"{name} must be between {low} and {high}.")
    return value


def query_of(request):
    """The search arguments of the request's parameters; BadParameter when one is wrong."""
    params = request.params
    sort = params.get("sort") or "relevance"
    if sort not in SORTS:
        raise BadParameter("sort", "sort is relevance or date.")
    dates = {}
    for name, end in (("from", False), ("to", True)):
        try:
            dates[name] = parse_day(params.get(name), end=end)
        except ValueError:
            raise BadParameter(name, f"{name} is a date like 2026-11-23.")
    return {"q": params.get("q", ""), "types": params.getall("type"),
            "groups": params.getall("group"), "authors": params.getall("author"),
            "start": dates["from"], "end": dates["to"], "sort": sort,
            "page": number(params, "page", 1, 1, 10_000),
            "limit": number(params, "limit", 20, 1, 100)}


def run_search(request, query):
    """The search's answer; each hit also gets `url`, its HTML page."""
    def permits(obj, permission):
        return bool(request.has_permission(permission, obj))
    found = search_for(request.registry, request.site, request.user,
                       principals_for(request.user), permits, **query)
    for hit in found["results"]:
        hit["url"] = f"{request.application_url}{hit['path'].rstrip('/')}/"
    return found


def group_titles(request, group_ids):
    groups = request.site["groups"]
    return {gid: groups[gid].title for gid in group_ids if gid in groups}


@view_defaults(context=Site, name="search", permission="view")
class SearchViews:
    def __init__(self, context, request):
        self.context, self.request = context, request

    @view_config(route_name="api", renderer="json", request_method="GET")
    def api(self):
        try:
            query = query_of(self.request)
            found = run_search(self.request, query)
        except BadParameter as exc:
            raise api_error(400, "invalid", str(exc), {exc.field: str(exc)})
        except QueryError as exc:
            raise api_error(400, "bad_query", str(exc), {"q": str(exc)})
        for hit in found["results"]:
            hit["modified"] = iso(hit["modified"])
        return found

    @view_config(renderer="templates/search.pt", request_method="GET")
    def page(self):
        request = self.request
        error, found, query = None, None, {}
        try:
            query = query_of(request)
            searching = any(query[k] for k in ("q", "types", "groups", "authors", "start",
                                               "end"))
            if searching:
                found = run_search(request, query)
        except (BadParameter, QueryError) as exc:
            error = str(exc)
            request.response.status = 400
        titles = {}
        if found is not None:
            titles = group_titles(request, set(found["facets"]["group"])
                                  | {h["group"] for h in found["results"] if h["group"]})
        return {"title": "Search", "found": found, "error": error, "query": query,
                "params": request.params, "group_titles": titles,
                "type_labels": TYPE_LABELS, "link": self.link}

    def link(self, **changes):
        """This search's URL with some parameters changed (None removes one)."""
        params = [(k, v) for k, v in self.request.params.items()
                  if k not in changes and k != "page"]
        for key, value in changes.items():
            if value is not None:
                params.append((key, value))
        return self.request.resource_url(self.request.site, "search", query=params)
