"""`workspace demo`: demo people, groups and content, so a new site has something to show.

Each kind of content adds its own step to DEMO_STEPS; a step gets the site and the demo
people's password, and must be safe to run on a site that already has demo data.
"""
import secrets

from ..content.board import Board, start_topic
from ..content.group import add_group, grant_role
from ..content.notifications import announce_post
from ..content.people import add_person
from .site import open_site

ACTOR = "command-line"  # who the audit log says made the demo data

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
            profile = add_person(people, login, name, f"{login}@example.org", password,
                                 actor=ACTOR)
            profile.update(organisation=org, country=country, timezone=tz)
    for gid, title, description, visibility, roles in GROUPS:
        if gid not in groups:
            group = add_group(groups, title, description, visibility, gid=gid, actor=ACTOR)
            for login, role in roles.items():
                grant_role(group, people[login], role, ACTOR)


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


# -- whiteboards: a small theory-of-change board -------------------------------------------

def whiteboard_demo(site, password):
    from ..content.whiteboard import Whiteboard
    boards = site["groups"]["teacher-pathways"]["whiteboards"]
    if "theory-of-change" in boards:
        return
    board = boards.add("theory-of-change", Whiteboard("Theory of change: new teacher induction",
                                                      "rohan"))
    steps = [("inputs", "Mentor time and a coaching guide"),
             ("activities", "Weekly coaching in the first year"),
             ("outputs", "Every new teacher has a trained mentor"),
             ("outcomes", "New teachers stay and teach better"),
             ("impact", "More children learning to read by age 10")]
    elements = [{"id": "title", "type": "text", "x": 0, "y": -90, "fontSize": 32,
                 "text": "Theory of change: new teacher induction"}]
    for i, (eid, text) in enumerate(steps):
        elements.append({"id": eid, "type": "sticky", "x": i * 260, "y": 0, "width": 200,
                         "height": 140, "text": text, "fontSize": 20,
                         "backgroundColor": ["#ffec99", "#ffec99", "#b2f2bb", "#a5d8ff",
                                             "#eebefa"][i]})
        if i:
            elements.append({"id": f"arrow-{i}", "type": "arrow", "x": i * 260 - 55, "y": 70,
                             "points": [[0, 0], [50, 0]], "endArrowhead": "arrow"})
    elements.append({"id": "assumption", "type": "ellipse", "x": 380, "y": 220, "width": 360,
                     "height": 110, "strokeColor": "#e03131", "strokeStyle": "dashed"})
    elements.append({"id": "assumption-text", "type": "text", "x": 400, "y": 250,
                     "containerId": "assumption", "fontSize": 18,
                     "text": "Assumption: schools release mentors for 2 hours a week"})
    board.apply([{"op": "put", "element": e} for e in elements], "rohan")
    board.keep_version("rohan", "First draft from the March call")


DEMO_STEPS.append(whiteboard_demo)


def boards_demo(site, password):
    """A discussion in each of two groups, with a mention and an unread reply."""
    posts = (
        ("teacher-pathways", "induction", "Induction of new teachers",
         "First-year support, mentoring and probation across our systems.", "rohan",
         "mentoring-first-year", "Mentoring in the first year", "amara",
         "In Nigeria we pair each new teacher with a mentor for a full year. "
         "How long do your mentoring schemes run, @rohan?",
         (("rohan", "Guyana runs **two terms** of mentoring, then a review. "
                    "@amara, do mentors get time off their own teaching?"),
          ("amara", "Yes: four periods a week. The evaluation is [on the ministry "
                    "site](https://example.org/evaluation)."))),
        ("commons", "introductions", "Introductions",
         "Say hello and tell the community what you work on.", "claire",
         "hello-from-tonga", "Hello from Tonga", "mele",
         "Mālō e lelei! I work on teacher education at the Tonga Institute of Education.",
         (("claire", "Welcome, @mele! Glad to have you here."),)),
    )
    for gid, bid, btitle, bdesc, creator, tid, ttitle, author, body, replies in posts:
        group = site["groups"].get(gid)
        if group is None or bid in group["boards"]:
            continue
        board = group["boards"].add(bid, Board(btitle, bdesc, creator))
        topic = start_topic(board, tid, ttitle, body, author)
        announce_post(group, topic, author)
        for login, text in replies:
            announce_post(group, topic.post_reply(text, login), login)


DEMO_STEPS.append(boards_demo)


# -- calendars: a weekly meeting (with one moved occurrence) and an all-day event ----------

def calendar_demo(site, password):
    """A weekly 09:00 London call in teacher-pathways from this week on, and a workshop."""
    from datetime import date, datetime, timedelta
    from ..content.calendar import Event
    today = date.today()
    monday = today - timedelta(days=today.weekday())
    calendars = (("teacher-pathways", "weekly-pathways-call", dict(
                     title="Weekly pathways call", author="rohan", timezone="Europe/London",
                     start=datetime.combine(monday, datetime.min.time()).replace(hour=9),
                     end=datetime.combine(monday, datetime.min.time()).replace(hour=10),
                     rrule="FREQ=WEEKLY;BYDAY=MO", url="https://example.org/pathways-call",
                     description="Round the table: induction news from each ministry.")),
                 ("commons", "regional-workshop", dict(
                     title="Regional workshop on teacher data", author="claire",
                     timezone="Europe/London", all_day=True,
                     start=monday + timedelta(days=16), end=monday + timedelta(days=18),
                     location="Commonwealth Education Hub, London")))
    for gid, eid, fields in calendars:
        group = site["groups"].get(gid)
        if group is None or eid in group["calendar"]:
            continue
        event = group["calendar"].add(eid, Event(**fields))
        if event.rrule:
            moved = event.start + timedelta(days=14)
            event.change_occurrence(moved, "rohan", start=moved + timedelta(days=1),
                                    end=moved + timedelta(days=1, hours=1),
                                    title="Weekly pathways call (moved to Tuesday)")


DEMO_STEPS.append(calendar_demo)


# -- documents: a co-written plan with a few versions, and a file ---------------------------

PLAN = """# Teacher induction plan 2027

## Goals

- Every new teacher has a trained mentor for the first year.
- Mentors get four periods a week for mentoring.

## Pilot

Pilot in two regions from January, with one mentor for every four new teachers.

## Budget

Mentor time is paid from the induction budget line.

## Review

Review with the ministries in June.
"""


def documents_demo(site, password):
    """A plan in teacher-pathways edited by two people (with a merge), and a CSV file."""
    import io
    from ..content.document import Document, File
    group = site["groups"].get("teacher-pathways")
    if group is not None and "induction-plan" not in group["documents"]:
        doc = group["documents"].add("induction-plan", Document(
            "Teacher induction plan 2027", PLAN, "rohan", "First draft from the March call"))
        doc.save(None, PLAN.replace("two regions", "three regions"), "amara", 1,
                 "Nigeria joins the pilot")
        doc.save(None, PLAN.replace("in June.", "in June and again in December."), "rohan",
                 1, "Second review")  # based on version 1: merges with amara's change
        group["documents"].add("mentor-hours", File(
            "Mentor hours by country", io.BytesIO(b"country,hours per week\nGuyana,3\n"
                                                  b"Nigeria,4\nTonga,2\n"),
            "mentor-hours.csv", "text/csv", "amara", "Figures from the ministries"))
    commons = site["groups"].get("commons")
    if commons is not None and "community-guidelines" not in commons["documents"]:
        commons["documents"].add("community-guidelines", Document(
            "Community guidelines",
            "# Community guidelines\n\nBe kind, cite your sources, and keep drafts in "
            "private groups until your ministry clears them.\n", "claire"))


DEMO_STEPS.append(documents_demo)
