"""Watching a topic (issue 16, friction: discussions had no "watch this topic"): every new
reply then notifies the watcher, once, until they stop or leave the group."""
from workspace.content.evolve import STEPS
from workspace.content.group import revoke_role
from workspace.content.notifications import add_topic_watching

BOARDS = "/api/groups/secret/boards"
TOPIC = f"{BOARDS}/talk/topics/plans"
PAGE = "/groups/secret/boards/talk/plans/"


def setup(cast):
    cast.api["manager"].post_json(BOARDS, {"id": "talk", "title": "Talk"})
    cast.api["member"].post_json(f"{BOARDS}/talk/topics",
                                 {"id": "plans", "title": "Plans", "body": "Our plans"})


def kinds(client):
    return [e["kind"] for e in client.get("/api/notifications").json["notifications"]]


def test_a_watcher_hears_of_every_new_reply(cast):
    setup(cast)
    assert cast.api["observer"].post_json(f"{TOPIC}/replies/@@watch", {"watch": True}).json \
        == {"watching": True}
    cast.api["manager"].post_json(f"{TOPIC}/replies", {"body": "First"})
    cast.api["member"].post_json(f"{TOPIC}/replies", {"body": "Second, @observer"})
    assert kinds(cast.api["observer"]) == ["mention", "watched"]  # once each reply
    cast.api["observer"].post_json(f"{TOPIC}/replies/@@watch", {"watch": False})
    cast.api["manager"].post_json(f"{TOPIC}/replies", {"body": "Third"})
    assert len(kinds(cast.api["observer"])) == 2


def test_the_topic_page_has_the_button(cast):
    setup(cast)
    browser = cast.html("observer")
    page = browser.get(PAGE)
    page = page.forms[[k for k, f in page.forms.items()
                       if "@@watch" in (f.action or "")][0]].submit().follow()
    assert "You are watching this topic" in page.text and "Stop watching" in page.text
    cast.api["manager"].post_json(f"{TOPIC}/replies", {"body": "News"})
    assert "replied in a topic you watch" in browser.get("/notifications").text


def test_a_watcher_who_left_hears_no_more_and_outsiders_cannot_watch(cast, site):
    setup(cast)
    cast.api["observer"].post_json(f"{TOPIC}/replies/@@watch", {"watch": True})
    with site.open() as root:
        revoke_role(root["groups"]["secret"], root["people"]["observer"])
    cast.api["manager"].post_json(f"{TOPIC}/replies", {"body": "News"})
    assert kinds(cast.api["observer"]) == []
    cast.api["outsider"].post_json(f"{TOPIC}/replies/@@watch", {"watch": True}, status=404)


def test_sites_made_before_get_the_watch_list(site):
    with site.open() as root:
        del root["notifications"].watching
        add_topic_watching(root)
    with site.open() as root:
        assert len(root["notifications"].watching) == 0
    assert add_topic_watching in STEPS
