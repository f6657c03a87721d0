"""In real Chromium, the whole referral: a member asks, an admin reads the candidates with
their reasons and invites the best, the expert accepts and answers, the member closes it
with an outcome; the roster, the referral pages and the overview have no serious or
critical accessibility violation."""
from datetime import date, timedelta
import re

import pytest

from helpers import page_login, serious_accessibility_violations
from referral_helpers import notices
from workspace.content.roster import set_expert

pytestmark = pytest.mark.browser


def test_a_referral_from_question_to_outcome_in_the_browser(chromium, live_server, site):
    site.add_user("rohan", admin=True, name="Rohan Admin")
    site.add_user("amara", name="Amara Member")
    site.add_user("sara", name="Sara Expert")
    site.add_user("tomas", name="Tomas Away")
    with site.open() as root:
        for login, available in (("sara", True), ("tomas", False)):
            profile = root["people"][login]
            profile.update(expertise=["teacher-development"], countries=["tz"],
                           languages=["sw"])
            set_expert(root["experts"], profile, "rohan", True, 2, available)

    amara = chromium.new_context().new_page()
    page_login(amara, live_server, "amara")
    amara.goto(f"{live_server}/experts/")
    assert amara.get_by_text("Sara Expert").is_visible()
    assert serious_accessibility_violations(amara) == []
    amara.get_by_role("link", name="Ask for expertise").click()
    amara.get_by_label("Your question").fill("How should rural mentors be paired with "
                                             "newly qualified teachers?")
    amara.get_by_label("Themes").select_option(label="Teacher development")
    amara.get_by_label("Countries").select_option(label="Tanzania")
    amara.get_by_label("Languages").select_option("sw")
    amara.get_by_label("Needed by").fill((date.today() + timedelta(days=14)).isoformat())
    assert serious_accessibility_violations(amara) == []
    amara.get_by_role("button", name="Ask").click()
    amara.wait_for_url("**/referrals/000001/")
    assert amara.get_by_text("new", exact=True).is_visible()
    assert serious_accessibility_violations(amara) == []

    rohan = chromium.new_context().new_page()
    page_login(rohan, live_server, "rohan")
    rohan.goto(f"{live_server}/referrals/")
    rohan.get_by_role("link", name="How should rural mentors").click()
    rows = rohan.locator("section[aria-labelledby=c-h] tbody tr")
    assert "Sara Expert" in rows.nth(0).inner_text()  # Tomas is away: never first
    assert "cannot take it now" in rows.nth(1).inner_text()
    assert "Teacher development" in rows.nth(0).inner_text()
    assert serious_accessibility_violations(rohan) == []
    rohan.get_by_role("button", name="Invite Sara Expert").click()
    assert rohan.get_by_text("sara is invited.").is_visible()
    assert rohan.get_by_text("sara responds by").is_visible()

    links = [re.search(r"Decline: (\S+)", text) for to, subject, text in notices(site)
             if to == "sara@example.org"]
    decline = [found.group(1) for found in links if found][-1]
    mail_reader = chromium.new_context().new_page()  # the link works without logging in
    mail_reader.goto(live_server + decline[decline.index("/referrals/"):])
    assert mail_reader.get_by_text("Why do you decline?").is_visible()
    assert serious_accessibility_violations(mail_reader) == []

    sara = chromium.new_context().new_page()
    page_login(sara, live_server, "sara")
    sara.goto(f"{live_server}/referrals/000001/")
    assert serious_accessibility_violations(sara) == []
    sara.get_by_role("button", name="Accept").click()
    sara.get_by_label("Your answer (Markdown)").fill("Pair them by **subject** first.")
    sara.get_by_role("button", name="Post the answer").click()
    assert sara.locator(".post strong").inner_text() == "subject"

    amara.reload()
    assert amara.locator(".post strong").inner_text() == "subject"
    amara.get_by_label("Outcome").select_option("resolved")
    amara.get_by_role("button", name="Close the referral").click()
    assert amara.get_by_text("Outcome: Resolved.").is_visible()
    assert serious_accessibility_violations(amara) == []

    rohan.goto(f"{live_server}/referrals/@@overview")
    assert rohan.get_by_text("Median time to a first answer").is_visible()
    assert rohan.locator("svg.chart rect").count() > 5
    assert serious_accessibility_violations(rohan) == []
