"""What a newcomer met on group pages (issue 16, friction): every page of a group shows its
tabs; people appear by name, not login; an admin is not offered "Ask to join"; a bio's
Markdown is rendered; times are in the viewer's zone, in one format."""
import re

import pytest

from helpers import api_client

G = "/groups/secret"


@pytest.fixture
def grace(cast, site):
    """`{"grace": client}`: a member whose name is not her login."""
    site.add_user("grace", name="Grace Achieng")
    cast.api["manager"].put_json(f"/api{G}/members/grace", {"role": "member"})
    return {"grace": api_client(site.app, site.token_for("grace"))}


@pytest.fixture
def graces_posts(cast, grace):
    """Grace's document `plan` and topic `talk/hello`."""
    api = grace["grace"]
    api.post_json(f"/api{G}/documents", {"id": "plan", "title": "Plan", "body": "Text"})
    cast.api["manager"].post_json(f"/api{G}/boards", {"id": "talk", "title": "Talk"})
    api.post_json(f"/api{G}/boards/talk/topics", {"id": "hello", "title": "Hello",
                                                  "body": "Hi"})
    return api


def current_tab(page):
    nav = re.search(r'<nav class="group-tabs" aria-label="Group">(.*?)</nav>', page.text, re.S)
    assert nav, "no group tabs"
    return re.findall(r'aria-current="page">([^<]+)<', nav.group(1))


def test_every_page_of_a_group_shows_its_tabs(cast, graces_posts):
    api = graces_posts
    event = api.post_json(f"/api{G}/calendar", {
        "title": "Call", "start": "2026-12-08T10:00:00", "end": "2026-12-08T11:00:00",
        "timezone": "UTC"}).json["id"]
    browser = cast.html("member")
    for path, tab in ((f"{G}/", "Secret"), (f"{G}/documents/", "Documents"),
                      (f"{G}/documents/plan/", "Documents"),
                      (f"{G}/documents/plan/@@history", "Documents"),
                      (f"{G}/boards/talk/hello/", "Boards"),
                      (f"{G}/calendar/{event}/", "Calendar"),
                      (f"{G}/whiteboards/", "Whiteboards"), (f"{G}/trash/", "Trash")):
        assert current_tab(browser.get(path)) == [tab], path
    assert "group-tabs" not in browser.get("/notifications").text


def test_people_appear_by_name(cast, graces_posts):
    browser = cast.html("member")
    for path in (f"{G}/documents/", f"{G}/documents/plan/", f"{G}/documents/plan/@@history",
                 f"{G}/boards/talk/", f"{G}/boards/talk/hello/", f"{G}/"):
        page = browser.get(path)
        assert "Grace Achieng" in page.text, path
        assert not re.search(r">\s*grace\s*<|by grace\b", page.text), path


def test_an_admin_is_offered_the_members_page_not_ask_to_join(cast, site):
    site.add_group("forum", "listed", {"manager": "manager"})
    page = cast.html("admin").get("/groups/forum/")
    assert "Ask to join" not in page.text
    assert "grant yourself a role" in page.text and "/groups/forum/@@members" in page.text
    assert "Ask to join" in cast.html("outsider").get("/groups/forum/").text


def test_a_bio_is_rendered_markdown(cast):
    cast.api["member"].put_json("/api/people/member", {"bio": "I **coach** new teachers."})
    page = cast.html("observer").get("/people/member")
    assert "<strong>coach</strong>" in page.text and "**coach**" not in page.text


def test_the_audit_log_shows_times_in_the_viewers_zone(cast):
    cast.api["admin"].put_json("/api/people/admin", {"timezone": "Asia/Tokyo"})
    page = cast.html("admin").get("/audit")
    assert re.search(r"<td><time datetime=\"[^\"]+\">\d{4}-\d\d-\d\d \d\d:\d\d JST</time>",
                     page.text)


def test_the_feed_address_and_a_new_token_have_copy_buttons(cast):
    browser = cast.html("member")
    page = browser.post("/people/member/@@calendar-feed",
                        {"csrf_token": browser.csrf, "action": "new"})
    assert 'data-copy="feed-url"' in page.text and "static/copy.js" in page.text
    page = browser.post("/people/member/@@tokens", {"csrf_token": browser.csrf,
                                                    "label": "laptop"})
    assert 'data-copy="new-token"' in page.text
