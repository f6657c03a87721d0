"""People are shown by their names, not their logins: `name_of(login)` in every template.

Content and the API name people by login (DESIGN.md); a page shows the person's name
(their login when they have none or the account is gone). Each name is looked up once per
request, so a page listing the same few authors many times loads each profile once.
"""
from pyramid.events import BeforeRender, subscriber


class Names:
    """The names of the people a page mentions, by login, looked up as asked."""

    def __init__(self, request):
        self.request = request
        self.known = {}

    def __call__(self, login):
        if not login:
            return ""
        if login not in self.known:
            profile = self.request.site["people"].get(login)
            self.known[login] = profile.title if profile is not None else login
        return self.known[login]


@subscriber(BeforeRender)
def add_name_of(event):
    request = event.get("request")
    if request is not None and "name_of" not in event:
        names = request.__dict__.get("_names_of_people")
        if names is None:
            names = request.__dict__["_names_of_people"] = Names(request)
        event["name_of"] = names
