"""The consultations' pages: asking through the form, writing the summary with a
citation, publishing it, reading it anonymously once it is public, and who may see and
do what."""
import pytest

from helpers import WHOS, csrf_of

BOARDS = "/api/groups/secret/boards"
TOPIC_PAGE = "/groups/secret/boards/general/reading"
SUMMARY_PAGE = f"{TOPIC_PAGE}/summary"


@pytest.fixture
def consultation(cast):
    cast.api["manager"].post_json(BOARDS, {"id": "general", "title": "General"})
    cast.api["member"].post_json(f"{BOARDS}/general/consultations", {
        "id": "reading", "title": "How do you teach reading?", "body": "Tell us."})
    cast.api["member"].put_json("/api/people/member", {"name": "Amara Okafor",
                                                       "country": "KE"})
    cast.api["member"].post_json(f"{BOARDS}/general/topics/reading/replies",
                                 {"body": "Phonics first."})
    return TOPIC_PAGE


def test_a_member_asks_a_consultation_with_the_form(cast):
    cast.api["manager"].post_json(BOARDS, {"id": "general", "title": "General"})
    browser = cast.html("member")
    form = browser.get("/groups/secret/boards/general/@@new-consultation").forms["form"]
    form["title"], form["body"] = "Which textbooks?", "For grade 1."
    response = form.submit("create")
    assert response.status_int == 302
    info = cast.api["member"].get(f"{BOARDS}/general/topics/which-textbooks/consultation")
    assert info.json["kind"] == "consultation"


def test_managers_write_a_summary_with_a_citation_and_publish_it(cast, consultation):
    browser = cast.html("manager")
    form = browser.get(f"{SUMMARY_PAGE}/@@edit").forms["form"]
    form["body"] = "Start with phonics [[reply:000001]].\n"
    assert form.submit("save").status_int == 302
    page = browser.get(SUMMARY_PAGE)
    assert "Amara Okafor, Kenya" in page.text and "#r000001" in page.text
    (publish,) = [f for f in page.forms.values() if f.action.endswith("@@publish")]
    publish.submit("publish", value="public")
    anonymous = cast.html("anonymous").get(SUMMARY_PAGE)
    assert "Amara Okafor, Kenya" in anonymous.text
    assert "application/ld+json" in anonymous.text
    assert "Edit the summary" not in anonymous.text


def test_a_bad_citation_is_shown_beside_the_text_and_saves_nothing(cast, consultation):
    form = cast.html("manager").get(f"{SUMMARY_PAGE}/@@edit").forms["form"]
    form["body"] = "See [[reply:000042]].\n"
    response = form.submit("save")
    assert response.status_int == 200 and "Not a reply of this consultation" in response.text
    assert cast.api["manager"].get(
        f"{BOARDS}/general/topics/reading/summary").json["version"] == 1


@pytest.mark.parametrize("who,status", list(zip(WHOS, (302, 404, 404, 404, 200, 404))))
def test_a_draft_summary_page_is_for_managers_only(cast, consultation, who, status):
    cast.html(who).get(SUMMARY_PAGE, status=status)


@pytest.mark.parametrize("who,status", list(zip(WHOS, (302, 404, 200, 200, 200, 404))))
def test_a_published_summary_page_is_read_like_its_group(cast, consultation, who, status):
    cast.api["manager"].post_json(f"{BOARDS}/general/topics/reading/summary/publish", {})
    cast.html(who).get(SUMMARY_PAGE, status=status)


@pytest.mark.parametrize("who,status", list(zip(WHOS, (302, 404, 403, 403, 302, 404))))
def test_only_managers_close_a_consultation_by_form(cast, consultation, who, status):
    browser = cast.html(who)
    token = getattr(browser, "csrf", None) or "x"
    browser.post(f"{TOPIC_PAGE}/@@close", {"csrf_token": token}, status=status)


@pytest.mark.parametrize("who,status", list(zip(WHOS, (302, 404, 403, 200, 200, 404))))
def test_the_new_consultation_form_matrix(cast, consultation, who, status):
    cast.html(who).get("/groups/secret/boards/general/@@new-consultation", status=status)


def test_a_person_chooses_not_to_be_named_on_their_page(cast, consultation):
    cast.api["manager"].put_json(f"{BOARDS}/general/topics/reading/summary",
                                 {"body": "See [[reply:000001]]\n", "base_version": 1})
    browser = cast.html("member")
    form = browser.get("/people/member/@@citation").forms["form"]
    assert form["named"].checked
    form["named"] = False
    assert form.submit("save").status_int == 302
    page = cast.html("manager").get(SUMMARY_PAGE)
    assert "a member from Kenya" in page.text and "Amara" not in page.text
    cast.html("observer").get("/people/member/@@citation", status=403)
