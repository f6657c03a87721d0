"""What the roster's pages and API share: the filter parameters and an expert in JSON."""
import colander

from ...content.roster import COUNTRIES, LANGUAGES, site_themes
from ..paging import Pager


def roster_pager(request):
    """The page of the roster a request asks for, with `theme`, `country`, `language`
    (each optional, each a known code: an unknown one is a 400)."""
    themes = site_themes(request.site)
    return Pager(request,
                 theme=colander.SchemaNode(colander.String(), missing="",
                                           validator=colander.OneOf([""] + themes.ids())),
                 country=colander.SchemaNode(colander.String(), missing="",
                                             validator=colander.OneOf([""] + list(COUNTRIES))),
                 language=colander.SchemaNode(colander.String(), missing="",
                                              validator=colander.OneOf([""] + list(LANGUAGES))))


def roster_page(request, pager):
    """(profile, entry) of the experts on this page of the filtered roster."""
    roster, people = request.site["experts"], request.site["people"]
    params = pager.params
    logins = roster.matching(people, params["theme"], params["country"], params["language"])
    return [(people[login], roster.get(login)) for login in pager.window(logins)]


def expert_json(profile, entry, viewer):
    data = {"login": profile.login, "name": profile.title, "expertise": profile.expertise,
            "countries": profile.countries, "languages": profile.languages,
            "available": entry.available}
    if viewer.admin:
        data.update(capacity=entry.capacity, load=entry.load, answered=len(entry.answered))
    return data
