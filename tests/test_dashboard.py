"""The facilitators' dashboard: for the group's managers only; members by country,
members per month, consultations and their wait, resources due for review, and CSV."""
import pytest

from helpers import WHOS

PAGE = "/groups/secret/@@dashboard"


@pytest.fixture
def community(cast):
    cast.api["member"].put_json("/api/people/member", {"name": "Member", "country": "KE"})
    cast.api["manager"].post_json("/api/groups/secret/boards", {"id": "b", "title": "B"})
    cast.api["member"].post_json("/api/groups/secret/boards/b/consultations",
                                 {"id": "q", "title": "Which textbooks?", "body": "Ask"})
    cast.api["member"].post_json("/api/groups/secret/collection", {
        "title": "Old guide", "review_by": "2020-01-01"})


# an admin without a role sees that the group exists, not its figures
@pytest.mark.parametrize("who,status", list(zip(WHOS, (302, 404, 403, 403, 200, 403))))
def test_only_managers_see_the_dashboard(cast, community, who, status):
    cast.html(who).get(PAGE, status=status)


def test_the_dashboard_shows_pictures_and_the_figures_as_csv(cast, community):
    page = cast.html("manager").get(PAGE)
    assert "<svg" in page.text and "<title>Kenya: 1</title>" in page.text
    assert "Which textbooks?" in page.text and "waiting for a summary" in page.text
    assert "Old guide" in page.text
    csv = cast.html("manager").get(PAGE + "?format=csv")
    assert csv.content_type == "text/csv"
    assert "members by country,Kenya,1" in csv.text
    cast.html("manager").get(PAGE + "?format=xls", status=400)
