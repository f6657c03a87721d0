"""The discussion composer's server side (issue 16, friction: discussions were bare):
mention candidates and a preview for those who may post, and @mentions of members shown as
links to their profiles."""
import pytest

from helpers import api_client

TOPIC = "/groups/secret/boards/talk/plans"
API = "/api/groups/secret/boards/talk/topics/plans"


@pytest.fixture
def topic(cast, site):
    site.add_user("amara", name="Amara Okafor")
    cast.api["manager"].put_json("/api/groups/secret/members/amara", {"role": "member"})
    cast.api["manager"].post_json("/api/groups/secret/boards", {"id": "talk", "title": "Talk"})
    cast.api["member"].post_json("/api/groups/secret/boards/talk/topics",
                                 {"id": "plans", "title": "Plans", "body": "Our plans"})
    return api_client(site.app, site.token_for("amara"))


def test_mention_candidates_are_members_by_login_prefix_with_names(cast, topic):
    found = cast.api["member"].get(f"{API}/replies/@@mentions?q=am").json
    assert found == [{"login": "amara", "name": "Amara Okafor"}]
    assert cast.api["member"].get(f"{API}/replies/@@mentions?q=outs").json == []
    assert len(cast.api["member"].get(f"{API}/replies/@@mentions?q=").json) == 4  # the cast
    cast.api["observer"].get(f"{API}/replies/@@mentions?q=am", status=403)
    cast.api["outsider"].get(f"{API}/replies/@@mentions?q=am", status=404)


def test_the_preview_renders_as_the_post_will(cast, topic):
    answer = cast.api["member"].post_json(f"{API}/replies/@@preview",
                                          {"body": "**yes** <script>x</script>"}).json
    assert "<strong>yes</strong>" in answer["html"] and "<script" not in answer["html"]
    cast.api["member"].post_json("/api/groups/secret/boards/talk/topics/@@preview",
                                 {"body": "# Title"}, status=200)
    cast.api["observer"].post_json(f"{API}/replies/@@preview", {"body": "x"}, status=403)


def test_mentions_of_members_are_links_and_others_are_not(cast, topic):
    cast.api["member"].post_json(f"{API}/replies", {
        "body": "Thanks @amara, and @outsider; `@amara` in code stays."})
    page = cast.html("observer").get(f"{TOPIC}/")
    assert '<a class="mention" href="http://localhost/people/amara">@amara</a>' in page.text
    assert "@outsider" in page.text and 'href="http://localhost/people/outsider"' not in page.text
    assert "<code>@amara</code>" in page.text


def test_the_topic_page_offers_the_composer_to_those_who_may_reply(cast, topic):
    page = cast.html("member").get(f"{TOPIC}/")
    assert 'class="editor composer"' in page.text and "static/boards/composer.js" in page.text
    assert "@@mentions" in page.text
    assert "composer.js" not in cast.html("observer").get(f"{TOPIC}/").text


def test_a_new_topic_is_written_in_the_composer_too(cast, topic):
    page = cast.html("member").get("/groups/secret/boards/talk/@@new-topic")
    assert 'class="editor composer"' in page.text
    assert 'data-mentions-url="http://localhost/api/groups/secret/boards/talk/topics/@@mentions"' \
        in page.text
    cast.api["member"].get("/api/groups/secret/boards/talk/topics/@@mentions?q=am",
                           status=200)
    assert 'class="editor composer"' not in cast.html("member").get(
        "/groups/secret/documents/@@upload").text
