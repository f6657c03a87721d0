"""In real Chromium: the members page's people picker offers people by name as one types
(static/names/names.js asks /api/people), and the directory pages without serious
accessibility violations."""
import pytest

from helpers import page_login, serious_accessibility_violations

pytestmark = pytest.mark.browser


def test_the_people_picker_finds_people_by_name_as_one_types(chromium, live_server, site):
    site.add_user("admin", admin=True)
    site.add_user("nour", name="Nour Hassan")
    site.add_user("nadia", name="Nadia Fathy")
    site.add_group("school-1", "private", title="Al Nour School")
    page = chromium.new_context().new_page()
    page_login(page, live_server, "admin")
    page.goto(f"{live_server}/groups/school-1/@@members")
    picker = page.get_by_label("Login of the person")
    picker.press_sequentially("Hass", delay=30)
    page.wait_for_selector("#people-found option", state="attached", timeout=10_000)
    options = page.eval_on_selector_all(
        "#people-found option", "els => els.map(e => [e.value, e.label])")
    assert options == [["nour", "Nour Hassan"]]
    assert page.get_by_label("Role").input_value() == "member"
    picker.fill("nour")
    page.get_by_role("button", name="Grant").click()
    assert page.get_by_role("status").first.inner_text() == "nour is now member."
    assert serious_accessibility_violations(page) == []
    page.goto(f"{live_server}/people/?q=n&limit=1")
    assert page.get_by_role("status").first.inner_text().startswith("2 people matching")
    assert page.get_by_role("link", name="Next page").is_visible()
    assert serious_accessibility_violations(page) == []
