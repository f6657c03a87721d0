"""The reply composer in Chromium (issue 16, friction: discussions were bare): a preview
as one writes, @ offers members by name, "Quote" answers a post; the page stays free of
serious accessibility violations."""
import pytest
from playwright.sync_api import expect

from helpers import page_login, serious_accessibility_violations
from test_discussion_composer import TOPIC, topic  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser


def test_compose_a_reply_with_a_mention_a_quote_and_a_preview(chromium, live_server, cast,
                                                              topic):  # noqa: F811
    page = chromium.new_context().new_page()
    page_login(page, live_server, "manager")
    page.goto(f"{live_server}{TOPIC}/")
    box = page.get_by_label("Your reply")
    page.get_by_role("button", name="Quote Member's post").click()
    assert box.input_value().startswith("@member wrote:\n> Our plans\n\n")
    box.press("End")
    box.type("Agreed, @am")
    option = page.get_by_role("option", name="Amara Okafor (@amara)")
    expect(option).to_be_visible()
    assert serious_accessibility_violations(page) == []
    box.press("Enter")
    assert box.input_value().endswith("Agreed, @amara ")
    box.type("**soon**")
    preview = page.get_by_role("region", name="Preview")
    expect(preview.locator("strong", has_text="soon")).to_be_visible()
    page.get_by_role("button", name="Reply").click()
    page.wait_for_url(lambda url: "#r000001" in url or "/plans/" in url)
    expect(page.locator("#r000001 a.mention", has_text="@amara")).to_be_visible()
    assert serious_accessibility_violations(page) == []
