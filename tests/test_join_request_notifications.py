"""Join requests reach someone (issue 16, bug 4): the group's managers are notified and the
group page shows them who asks; the person who asked hears the decision."""
from helpers import csrf_of


def listed_group(cast, site):
    site.add_group("forum", "listed", {"manager": "manager", "member": "member"},
                   title="Teachers' forum")


def kinds(client):
    return [(e["kind"], e["actor"], e["title"])
            for e in client.get("/api/notifications").json["notifications"]]


def test_managers_are_notified_and_the_group_page_shows_the_request(cast, site):
    listed_group(cast, site)
    cast.api["outsider"].post_json("/api/groups/forum/join", {"message": "Hello"},
                                   status=201)
    assert kinds(cast.api["manager"]) == [("join_request", "outsider", "Teachers' forum")]
    assert kinds(cast.api["member"]) == []
    (entry,) = cast.api["manager"].get("/api/notifications").json["notifications"]
    assert entry["url"].endswith("/groups/forum/@@members")
    page = cast.html("manager").get("/groups/forum")
    assert "Asking to join" in page.text and "Outsider" in page.text
    assert "Answer on the members page" in page.text
    assert "Asking to join" not in cast.html("member").get("/groups/forum").text


def test_the_person_who_asked_hears_of_an_approval(cast, site):
    listed_group(cast, site)
    cast.api["outsider"].post_json("/api/groups/forum/join", {}, status=201)
    browser = cast.html("manager")
    page = browser.get("/groups/forum/@@members")
    browser.post("/groups/forum/@@members", {"csrf_token": csrf_of(page), "login": "outsider",
                                             "role": "member", "change": "role"})
    assert kinds(cast.api["outsider"]) == [("join_approved", "manager", "Teachers' forum")]
    notes = cast.html("outsider").get("/notifications")
    assert "Manager let you join" in notes.text


def test_the_person_who_asked_hears_of_a_decline_and_still_sees_it(cast, site):
    listed_group(cast, site)
    cast.api["outsider"].post_json("/api/groups/forum/join", {}, status=201)
    cast.api["manager"].delete("/api/groups/forum/join-requests/outsider", status=204)
    assert kinds(cast.api["outsider"]) == [("join_declined", "manager", "Teachers' forum")]
    notes = cast.html("outsider").get("/notifications")
    assert "declined your request to join" in notes.text


def test_a_grant_that_answers_no_request_notifies_nobody(cast, site):
    listed_group(cast, site)
    cast.api["manager"].put_json("/api/groups/forum/members/outsider", {"role": "member"})
    assert kinds(cast.api["outsider"]) == []
