"""In real Chromium: a newcomer gets from the login page to a submitted application,
confirms it by the mailed link, and an admin finds it from their home and approves it;
the login, apply and applications pages have no serious accessibility violations."""
import pytest

from helpers import page_login, serious_accessibility_violations
from test_applications import confirm_link

pytestmark = pytest.mark.browser


def test_a_newcomer_applies_from_the_login_page_and_an_admin_approves(chromium,
                                                                      live_server, site):
    site.add_user("admin", admin=True)
    site.add_group("hub", "open", title="Education Hub")
    newcomer = chromium.new_context().new_page()
    newcomer.goto(f"{live_server}/groups/")  # any page: anonymous visitors log in first
    newcomer.wait_for_url("**/login**")
    assert serious_accessibility_violations(newcomer) == []
    newcomer.get_by_role("link", name="Apply to join").click()
    newcomer.wait_for_url("**/applications/@@apply")
    assert serious_accessibility_violations(newcomer) == []
    newcomer.get_by_label("Your name").fill("Amara Okafor")
    newcomer.get_by_label("E-mail").fill("amara@example.net")
    newcomer.get_by_label("Country").fill("Nigeria")
    newcomer.get_by_label("Why you would like to join").fill("To learn from peers.")
    newcomer.get_by_role("button", name="Apply").click()
    newcomer.wait_for_url("**sent=1")
    assert newcomer.get_by_text("a mail is on its way").is_visible()
    newcomer.goto(live_server + confirm_link(site, "amara@example.net"))
    assert newcomer.get_by_role("heading", name="Address confirmed").is_visible()

    admin = chromium.new_context().new_page()
    page_login(admin, live_server, "admin")
    admin.get_by_role("link", name="Membership applications").click()
    admin.wait_for_url("**/applications/")
    assert admin.get_by_role("heading", name="Amara Okafor").is_visible()
    assert serious_accessibility_violations(admin) == []
    admin.get_by_label("Groups (ids, separated by commas)").fill("hub")
    admin.get_by_role("button", name="Approve Amara Okafor").click()
    admin.wait_for_url("**/applications/")
    assert admin.get_by_text("Approved: Amara Okafor has the account").is_visible()
    with site.open() as s:
        login = next(p.login for p in s["people"].values() if p.name == "Amara Okafor")
        assert s["groups"]["hub"].role_of(login) == "member"
