"""In real Chromium: an admin logs in, creates a group and grants a member; the member
sees the group, an outsider gets 404; pages have no serious accessibility violations."""
import pytest

from helpers import page_login, serious_accessibility_violations

pytestmark = pytest.mark.browser


def test_admin_creates_group_grants_member_and_outsider_gets_404(chromium, live_server, site):
    site.add_user("admin", admin=True)
    site.add_user("amara", name="Amara Okafor")
    site.add_user("outsider")

    admin = chromium.new_context().new_page()
    page_login(admin, live_server, "admin")
    assert serious_accessibility_violations(admin) == []
    admin.get_by_role("link", name="Groups").click()
    admin.get_by_role("link", name="New group").click()
    admin.get_by_label("Title", exact=True).fill("Caribbean teacher pathways")
    admin.get_by_label("Description", exact=True).fill("Routes into teaching")
    assert serious_accessibility_violations(admin) == []
    admin.get_by_role("button", name="Create").click()
    admin.wait_for_url("**/groups/caribbean-teacher-pathways/@@members")
    admin.get_by_label("Login of the person").fill("amara")
    admin.get_by_label("Role").select_option("member")
    admin.get_by_role("button", name="Grant").click()
    assert admin.get_by_role("status").first.inner_text() == "amara is now member."
    assert serious_accessibility_violations(admin) == []

    member = chromium.new_context().new_page()
    page_login(member, live_server, "amara")
    assert member.get_by_role("link", name="Caribbean teacher pathways").is_visible()
    member.get_by_role("link", name="Caribbean teacher pathways").click()
    assert member.get_by_role("heading", level=1).inner_text() == "Caribbean teacher pathways"
    assert serious_accessibility_violations(member) == []

    outsider = chromium.new_context().new_page()
    page_login(outsider, live_server, "outsider")
    response = outsider.goto(f"{live_server}/groups/caribbean-teacher-pathways/")
    assert response.status == 404
    assert "Caribbean" not in outsider.content()


def test_keyboard_user_can_log_in_with_visible_focus(chromium, live_server, site):
    site.add_user("amara")
    page = chromium.new_context().new_page()
    page.goto(f"{live_server}/login")
    assert serious_accessibility_violations(page) == []
    # The login field has the focus when the page opens.
    assert page.evaluate("document.activeElement.name") == "login"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.type("amara")
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/")
    assert "Welcome" in page.get_by_role("heading", level=1).inner_text()
    page.keyboard.press("Tab")  # on every other page the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
