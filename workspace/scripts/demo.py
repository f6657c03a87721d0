"""`workspace demo`: demo people, groups and content, so a new site has something to show.

Each kind of content adds its own step to DEMO_STEPS; a step gets the site and the demo
people's password, and must be safe to run on a site that already has demo data.
"""
import secrets

from ..content.group import Group, grant_role
from ..content.people import add_person
from .site import open_site

PEOPLE = (
    ("amara", "Amara Okafor", "Ministry of Education, Nigeria", "Nigeria", "Africa/Lagos"),
    ("rohan", "Rohan Persaud", "Ministry of Education, Guyana", "Guyana", "America/Guyana"),
    ("mele", "Mele Tupou", "Tonga Institute of Education", "Tonga", "Pacific/Tongatapu"),
    ("claire", "Claire Dubois", "Commonwealth Education Hub", "United Kingdom", "Europe/London"),
)

GROUPS = (
    ("teacher-pathways", "Caribbean teacher pathways",
     "Ministries comparing routes into teaching and induction for new teachers.", "private",
     {"rohan": "manager", "amara": "member", "claire": "observer"}),
    ("edtech-policy", "EdTech policy exchange",
     "Sharing national EdTech strategies, procurement lessons and evidence.", "listed",
     {"amara": "manager", "mele": "member"}),
    ("commons", "Community commons",
     "Open to every member: introductions, events and shared resources.", "open",
     {"claire": "manager", "amara": "member", "rohan": "member", "mele": "member"}),
)


def people_and_groups(site, password):
    people, groups = site["people"], site["groups"]
    for login, name, org, country, tz in PEOPLE:
        if login not in people:
            profile = add_person(people, login, name, f"{login}@example.org", password)
            profile.update(organisation=org, country=country, timezone=tz)
    for gid, title, description, visibility, roles in GROUPS:
        if gid not in groups:
            group = groups.add(gid, Group(title, description, visibility))
            for login, role in roles.items():
                grant_role(group, people[login], role)
            site.audit.record("command-line", "group_created", gid, visibility)


DEMO_STEPS = [people_and_groups]


def demo(args):
    password = secrets.token_urlsafe(9)
    with open_site(args.config) as site:
        fresh = not any(login in site["people"] for login, *_ in PEOPLE)
        for step in DEMO_STEPS:
            step(site, password)
    if fresh:
        logins = ", ".join(login for login, *_ in PEOPLE)
        print(f"Demo people {logins} share the password: {password}")
    else:
        print("Demo data was already there; brought it up to date.")


def register(commands):
    commands.add_parser("demo", help="create demo people, groups and content"
                        ).set_defaults(run=demo)
