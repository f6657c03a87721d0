"""Mentions and replies notify the right people, once; the unread count is in the page
header; reading marks them read; leaving a group takes its notifications away."""
import pytest

from workspace.content.evolve import STEPS
from workspace.content.group import revoke_role
from workspace.content.notifications import Notifications, add_notifications_folder
from workspace.content.site import Site

BOARDS = "/api/groups/secret/boards"
TOPIC = f"{BOARDS}/general/topics/plans"


@pytest.fixture
def topic(cast):
    cast.api["manager"].post_json(BOARDS, {"id": "general", "title": "General"}, status=201)
    cast.api["member"].post_json(f"{BOARDS}/general/topics",
                                 {"id": "plans", "title": "Plans", "body": "Our plans"})


def notifications(client):
    return client.get("/api/notifications").json


def test_mentioning_a_member_notifies_them_once(cast, topic):
    cast.api["manager"].post_json(f"{TOPIC}/replies",
                                  {"body": "@observer and @observer, see this. @outsider too"})
    seen = notifications(cast.api["observer"])
    assert seen["unread"] == 1
    (entry,) = seen["notifications"]
    assert (entry["kind"], entry["actor"], entry["group"], entry["title"], entry["read"]) == (
        "mention", "manager", "secret", "Plans", False)
    assert entry["path"] == "/groups/secret/boards/general/plans/000001"
    assert notifications(cast.api["outsider"]) == {"unread": 0, "notifications": []}


def test_mentions_in_code_in_emails_and_of_oneself_do_not_notify(cast, topic):
    cast.api["member"].post_json(f"{TOPIC}/replies", {
        "body": "`@observer` and\n\n```\n@manager\n```\nmail me@observer.org, I am @member"})
    for who in ("observer", "manager", "member"):
        assert notifications(cast.api[who])["unread"] == 0


def test_a_reply_notifies_the_topic_author(cast, topic):
    cast.api["manager"].post_json(f"{TOPIC}/replies", {"body": "Good plans"})
    (entry,) = notifications(cast.api["member"])["notifications"]
    assert entry["kind"] == "reply" and entry["actor"] == "manager"
    cast.api["member"].post_json(f"{TOPIC}/replies", {"body": "Thanks"})
    assert notifications(cast.api["member"])["unread"] == 1  # not for their own reply


def test_editing_notifies_only_people_newly_mentioned(cast, topic):
    member = cast.api["member"]
    member.put_json(TOPIC, {"title": "Plans", "body": "Our plans, @manager"})
    member.put_json(TOPIC, {"title": "Plans", "body": "Our plans, @manager and @observer"})
    assert notifications(cast.api["manager"])["unread"] == 1
    assert notifications(cast.api["observer"])["unread"] == 1


def test_marking_read_one_or_all(cast, topic):
    manager, observer = cast.api["manager"], cast.api["observer"]
    for n in range(3):
        manager.post_json(f"{TOPIC}/replies", {"body": f"@observer number {n}"})
    entries = notifications(observer)["notifications"]
    assert [e["id"] for e in entries] == sorted((e["id"] for e in entries), reverse=True)
    answer = observer.post_json("/api/notifications/read", {"ids": [entries[0]["id"]]}).json
    assert answer["unread"] == 2 and answer["notifications"][0]["read"]
    assert observer.post_json("/api/notifications/read", {"all": True}).json["unread"] == 0
    observer.post_json("/api/notifications/read", {"ids": ["x"]}, status=400)
    cast.api["anonymous"].get("/api/notifications", status=401)


def test_header_shows_the_unread_count_and_the_page_lists_them(cast, topic):
    cast.api["manager"].post_json(f"{TOPIC}/replies", {"body": "Hi @observer"})
    browser = cast.html("observer")
    home = browser.get("/")
    assert home.html.find("a", href="http://localhost/notifications/").get_text(
        " ", strip=True) == "Notifications 1 unread"
    page = browser.get("/notifications/")
    assert "Manager mentioned you in" in page.text
    opened = page.click(href="/notifications/@@open")
    assert opened.location.endswith("/groups/secret/boards/general/plans/000001/")
    topic_page = opened.follow().follow()
    assert 'Hi <a class="mention" href="http://localhost/people/observer">@observer</a>' in \
        topic_page.text  # a mention links to the profile (issue 16)
    assert "badge count" not in browser.get("/").text
    cast.api["manager"].post_json(f"{TOPIC}/replies", {"body": "Again @observer"})
    browser.post("/notifications/read", {"csrf_token": browser.csrf})
    assert notifications(cast.api["observer"])["unread"] == 0


def test_leaving_a_group_drops_its_notifications(cast, topic, site):
    cast.api["manager"].post_json(f"{TOPIC}/replies", {"body": "Hi @observer"})
    with site.open() as s:
        revoke_role(s["groups"]["secret"], s["people"]["observer"])
    assert notifications(cast.api["observer"]) == {"unread": 0, "notifications": []}
    assert "badge count" not in cast.html("observer").get("/").text


def test_nobody_reads_another_persons_inbox(cast, topic):
    cast.api["manager"].post_json(f"{TOPIC}/replies", {"body": "Hi @observer"})
    cast.api["member"].get("/api/notifications/observer", status=404)
    cast.html("member").get("/notifications/observer", status=404)


def test_a_notification_about_a_deleted_post_says_so(cast, topic):
    cast.api["manager"].post_json(f"{TOPIC}/replies", {"body": "Hi @observer"})
    cast.api["manager"].delete(f"{TOPIC}/replies/000001", status=204)
    browser = cast.html("observer")
    gone = browser.get("/notifications/").click(href="/notifications/@@open").follow()
    assert "has been deleted" in gone.text
    assert notifications(cast.api["observer"])["unread"] == 0


def test_sites_made_before_notifications_get_their_folder_by_evolving():
    site = Site()
    site.remove("notifications", send_events=False)
    assert add_notifications_folder in STEPS
    add_notifications_folder(site)
    folder = site["notifications"]
    assert isinstance(folder, Notifications)
    add_notifications_folder(site)
    assert site["notifications"] is folder


def test_bad_notification_keys_are_400(cast, topic):
    cast.api["observer"].get("/api/notifications?before=x", status=400)
    cast.api["observer"].get("/api/notifications?before=", status=200)
    cast.html("observer").get("/notifications/@@open?id=x", status=400)
