"""The roster's pages: `/experts` (filtered by theme, country, language; paged), a
person's `@@expertise` (the referrals they answered that the viewer may read) and the
admins' `@@expert` form that puts someone on the roster."""
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from ...content.people import Profile
from ...content.roster import COUNTRIES, LANGUAGES, Names, Roster, set_expert
from ..base import BaseView, EditForm
from ..paging import Pager
from .api import expert_schema
from .common import roster_page, roster_pager

TEMPLATES = "workspace:views/templates/"


@view_config(context=Roster, renderer=TEMPLATES + "experts.pt", permission="view")
class RosterPage(BaseView):
    def __call__(self):
        pager = roster_pager(self.request)
        names = Names(self.request.site)
        return {"title": "Expert roster", "experts": roster_page(self.request, pager),
                "pager": pager.links(), "params": pager.params, "names": names,
                "themes": list(names.themes),
                "countries": sorted(COUNTRIES.items(), key=lambda c: c[1]),
                "languages": sorted(LANGUAGES.items(), key=lambda c: c[1]),
                "is_admin": self.can("admin", self.request.site)}


@view_config(context=Profile, name="expertise", renderer=TEMPLATES + "expertise.pt",
             permission="view")
class ExpertisePage(BaseView):
    """What a person answered: the answered referrals the viewer may read, newest first."""

    def __call__(self):
        site, login = self.request.site, self.context.login
        referrals = site["referrals"]
        readable = []
        for referral_id in referrals.ids_of(login):
            referral = referrals.get(referral_id)
            if (referral is not None and self.can("view", referral)
                    and any(p["author"] == login for p in referral.answers())):
                readable.append(referral)
        pager = Pager(self.request)
        return {"title": f"Expertise of {self.context.title}", "profile": self.context,
                "entry": site["experts"].get(login), "names": Names(site),
                "referrals": pager.window(readable), "pager": pager.links()}


@view_config(context=Profile, name="expert", renderer=TEMPLATES + "form.pt",
             permission="admin")
class ExpertForm(EditForm):
    """An admin puts the person on the roster, changes their capacity or availability,
    or takes them off."""

    saved = "Roster entry saved."

    @property
    def title(self):
        return f"{self.context.title} on the expert roster"

    def schema(self):
        return expert_schema()

    def appstruct(self):
        entry = self.request.site["experts"].get(self.context.login)
        if entry is None:
            return {"expert": False, "capacity": 3, "available": True}
        return {"expert": True, "capacity": entry.capacity, "available": entry.available}

    def update(self, appstruct):
        set_expert(self.request.site["experts"], self.context, self.request.user.login,
                   appstruct["expert"], appstruct.get("capacity"), appstruct.get("available"))

    def save_success(self, appstruct):
        self.update(appstruct)
        self.request.session.flash(self.saved)
        return HTTPFound(self.request.resource_url(self.context, "@@expertise"))
