"""The people directory and a person's profile page."""
from pyramid.view import view_config

from ...content.people import People, Profile
from ..base import BaseView


def listed_people(request):
    """Everyone active; admins also see deactivated accounts."""
    return [p for p in request.site["people"].values() if p.active or request.user.admin]


@view_config(context=People, renderer="workspace:views/templates/people.pt",
             permission="view")
class PeoplePage(BaseView):
    def __call__(self):
        return {"title": "People", "people": listed_people(self.request),
                "can_add": self.can("admin")}


@view_config(context=Profile, renderer="workspace:views/templates/profile.pt",
             permission="view")
class ProfilePage(BaseView):
    """A profile, with the groups it shares that the viewer may see the members of."""

    def __call__(self):
        profile, groups = self.context, self.request.site["groups"]
        shared = [groups[gid] for gid in sorted(profile.groups)
                  if gid in groups and self.can("see_members", groups[gid])]
        return {"title": profile.title, "profile": profile, "groups": shared,
                "can_edit": self.can("edit_profile"), "is_admin": self.can("admin"),
                "is_self": self.request.user.login == profile.login}
