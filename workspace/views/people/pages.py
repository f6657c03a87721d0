"""The people directory and a person's profile page."""
from pyramid.view import view_config

from ...content.people import People, Profile
from ..base import BaseView
from ..paging import Pager

PROFILE_GROUPS = 50


def listed_people(request, pager, everyone=None):
    """One page of the directory (`?page=&limit=&q=`): everyone active, by login, or
    those whose name or login has words starting with `q`'s; admins (or `everyone`)
    also see deactivated accounts. Only the page's profiles are read."""
    people = request.site["people"]
    everyone = request.user.admin if everyone is None else everyone
    selection = people.listing(pager.start, pager.stop, pager.q, everyone=everyone)
    return [people[login] for login in pager.selected(selection)]


@view_config(context=People, renderer="workspace:views/templates/people.pt",
             permission="view")
class PeoplePage(BaseView):
    def __call__(self):
        pager = Pager(self.request, q=True)
        return {"title": "People", "people": listed_people(self.request, pager),
                "pager": pager.links(), "can_add": self.can("admin")}


@view_config(context=Profile, renderer="workspace:views/templates/profile.pt",
             permission="view")
class ProfilePage(BaseView):
    """A profile, with the first PROFILE_GROUPS groups it shares that the viewer may see
    the members of (a supervisor is in 400: the page shows what it names)."""

    def __call__(self):
        profile, groups = self.context, self.request.site["groups"]
        shared = []
        for gid in sorted(profile.groups):
            if gid in groups and self.can("see_members", groups[gid]):
                shared.append(groups[gid])
                if len(shared) == PROFILE_GROUPS:
                    break
        return {"title": profile.title, "profile": profile, "groups": shared,
                "can_edit": self.can("edit_profile"), "is_admin": self.can("admin"),
                "is_self": self.request.user.login == profile.login}
