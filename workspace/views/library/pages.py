"""The library's pages: `/library` (faceted, searchable, sorted; anonymous visitors see
the public web's library) and `/library/@@country/<code>`."""
from urllib.parse import urlencode

from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from ...content.library import FACETS, Library
from ...content.roster import COUNTRIES, country_name
from ..base import BaseView
from .common import library_answer, read_library_params, readable_groups

TEMPLATE = "workspace:views/templates/library.pt"
FACET_TITLES = {"type": "Type", "country": "Country", "level": "Education level",
                "theme": "Theme", "language": "Language", "year": "Year"}
SORTS = (("changed", "Most recent"), ("title", "Title"), ("year", "Year"))


def toggled(request, facet, value):
    """This page's URL with `facet=value` added (or removed, if chosen), on page 1."""
    query = [(k, v) for k, v in request.GET.items() if k != "page"]
    pair = (facet, value)
    query = [q for q in query if q != pair] if pair in query else query + [pair]
    return f"{request.path_url}?{urlencode(query)}"


def at_page(request, page):
    query = [(k, v) for k, v in request.GET.items() if k != "page"] + [("page", str(page))]
    return f"{request.path_url}?{urlencode(query)}"


@view_config(context=Library, renderer=TEMPLATE, permission="view")
@view_config(context=Library, name="country", renderer=TEMPLATE, permission="view")
class LibraryPage(BaseView):
    def __call__(self):
        request = self.request
        params = read_library_params(request)
        extra, title = {}, "Library"
        if request.view_name == "country":
            code = request.subpath[0].lower() if len(request.subpath) == 1 else ""
            if code not in COUNTRIES:
                raise HTTPNotFound()
            extra, title = {"country": [code]}, f"Library: {country_name(code)}"
        if params["due"]:
            title = "Resources due for review"
        answer = library_answer(request, params, extra)
        facets = [(facet, FACET_TITLES[facet],
                   [dict(v, href=toggled(request, facet, v["value"]))
                    for v in answer["facets"][facet][:30]])
                  for facet in FACETS if answer["facets"][facet]]
        return {"title": title, "view": self, "answer": answer, "params": params,
                "facet_list": facets, "sorts": SORTS,
                "public_only": request.user is None,
                "previous": at_page(request, answer["page"] - 1)
                if answer["page"] > 1 else None,
                "next": at_page(request, answer["page"] + 1)
                if answer["page"] < answer["pages"] else None,
                "can_review": bool(readable_groups(request, "moderate"))}
