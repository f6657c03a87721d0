"""`GET /api/library` (DESIGN.md): the caller's library, faceted; anonymous callers see
what is on the public web only. `GET /api/library/country/<code>`: one country's."""
from ...content.library import Library
from ...content.roster import COUNTRIES, country_name
from ..api import api_error
from ..base import BaseView, api_defaults, api_view
from .common import library_answer, read_library_params


@api_defaults(context=Library)
class LibraryAPI(BaseView):
    @api_view(request_method="GET", permission="view")
    def get(self):
        return library_answer(self.request, read_library_params(self.request))

    @api_view(name="country", request_method="GET", permission="view")
    def country(self):
        subpath = self.request.subpath
        if len(subpath) != 1 or subpath[0].lower() not in COUNTRIES:
            raise api_error(404, message="There is no such country.")
        code = subpath[0].lower()
        answer = library_answer(self.request, read_library_params(self.request),
                                {"country": [code]})
        return dict(answer, country={"code": code, "name": country_name(code)})
