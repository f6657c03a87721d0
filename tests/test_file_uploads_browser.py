"""Files on the Documents page in Chromium (issue 16, friction: one at a time, no drag and
drop, and `observation-rubric-v2.pdf` downloaded as `observation-rubric-pdf-v2.pdf`)."""
import pytest
from playwright.sync_api import expect

from helpers import page_login, serious_accessibility_violations

pytestmark = pytest.mark.browser

DOCS = "/groups/secret/documents/"


def test_several_files_are_chosen_or_dropped_at_once_and_keep_their_names(
        chromium, live_server, cast):
    page = chromium.new_context().new_page()
    page_login(page, live_server, "member")
    page.goto(f"{live_server}{DOCS}")
    zone = page.get_by_role("region", name="Upload files")
    expect(zone).to_be_visible()
    assert serious_accessibility_violations(page) == []
    zone.get_by_label("choose files").set_input_files([
        {"name": "observation-rubric-v2.pdf", "mimeType": "application/pdf",
         "buffer": b"%PDF-1.4\n%%EOF\n"},
        {"name": "budget.csv", "mimeType": "text/csv", "buffer": b"year,amount\n"}])
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="observation-rubric-v2.pdf")).to_be_visible()
    expect(page.get_by_role("link", name="budget.csv")).to_be_visible()

    # Dropped: a DataTransfer with a file, as a desktop drag gives it.
    handle = page.evaluate_handle("""() => {
        const data = new DataTransfer();
        data.items.add(new File(["notes"], "meeting notes.txt", {type: "text/plain"}));
        return data; }""")
    page.locator(".dropzone").dispatch_event("drop", {"dataTransfer": handle})
    expect(page.get_by_role("link", name="meeting notes.txt")).to_be_visible()

    items = {d["title"]: d["id"] for d in cast.api["member"].get(f"/api{DOCS}").json}
    download = cast.api["member"].get(
        f"/api{DOCS}{items['observation-rubric-v2.pdf']}/download")
    assert download.headers["Content-Disposition"] == \
        'attachment; filename="observation-rubric-v2.pdf"'
