"""In real Chromium: a member adds a Resource with its file through the form, reads the
resource page with the file's link, uploads a new file on the edit form, and an anonymous
visitor downloads the file once the manager published the resource; the forms and the
page have no serious accessibility violations."""
import pytest

from helpers import page_login, serious_accessibility_violations

pytestmark = pytest.mark.browser


def test_a_resource_s_file_is_added_replaced_and_downloaded_in_the_browser(
        chromium, live_server, site):
    site.add_user("amara")
    site.add_user("rohan")
    site.add_group("hub", "private", {"amara": "member", "rohan": "manager"},
                   title="Education Hub")
    page = chromium.new_context(accept_downloads=True).new_page()
    page_login(page, live_server, "amara")
    page.goto(f"{live_server}/groups/hub/collection/@@new-resource")
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Title").fill("Mentoring toolkit")
    page.get_by_label("File (optional)").set_input_files(
        {"name": "mentoring toolkit.pdf", "mimeType": "application/pdf",
         "buffer": b"%PDF-1.4\n%%EOF\n"})
    page.get_by_role("button", name="Create").click()
    page.wait_for_url("**/collection/mentoring-toolkit/")
    assert serious_accessibility_violations(page) == []
    with page.expect_download() as got:
        page.get_by_role("link", name="mentoring toolkit.pdf").click()
    assert got.value.suggested_filename == "mentoring toolkit.pdf"

    page.get_by_role("link", name="Edit").click()
    assert serious_accessibility_violations(page) == []
    page.get_by_label("A new file (optional)").set_input_files(
        {"name": "toolkit-2025.pdf", "mimeType": "application/pdf",
         "buffer": b"%PDF-1.4\n% 2025\n%%EOF\n"})
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/collection/mentoring-toolkit/")
    assert page.get_by_role("link", name="toolkit-2025.pdf").is_visible()

    manager = chromium.new_context().new_page()
    page_login(manager, live_server, "rohan")
    manager.goto(f"{live_server}/groups/hub/collection/mentoring-toolkit/")
    manager.get_by_role("button", name="Publish to the public web").click()
    manager.wait_for_url("**/collection/mentoring-toolkit/")

    visitor = chromium.new_context(accept_downloads=True).new_page()
    visitor.goto(f"{live_server}/groups/hub/collection/mentoring-toolkit/")
    with visitor.expect_download() as got:
        visitor.get_by_role("link", name="toolkit-2025.pdf").click()
    with open(got.value.path(), "rb") as stream:
        assert stream.read() == b"%PDF-1.4\n% 2025\n%%EOF\n"
