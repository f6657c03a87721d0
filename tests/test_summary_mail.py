"""A published Discussion Summary reaches the group by mail under its question, through
the mailgroup's outbox, with a real SMTP server on loopback receiving what is sent."""
import pytest

from test_mail_accounts import settings  # noqa: F401 (the site sends to the sink)
from test_mail_flow import Sink, free_port  # noqa: F401 (the sink fixture's parts)
from test_mail_flow import sink  # noqa: F401

BOARDS = "/api/groups/secret/boards"
TOPIC = f"{BOARDS}/general/topics/reading"
SUMMARY = f"{TOPIC}/summary"
DOMAIN = "lists.example.org"


@pytest.fixture
def consultation(cast, app, sink):  # noqa: F811
    """`secret`'s mail on; member (from Kenya) asked `reading` and replied (000001);
    observer takes no mail; every mail the question itself caused is already in."""
    manager, member = cast.api["manager"], cast.api["member"]
    manager.put_json("/api/groups/secret/mail", {"enabled": True, "moderation": "none"})
    cast.api["observer"].put_json("/api/groups/secret/subscription", {"delivery": "none"})
    member.put_json("/api/people/member", {"country": "KE"})
    manager.post_json(BOARDS, {"id": "general", "title": "General"}, status=201)
    member.post_json(f"{BOARDS}/general/consultations", {
        "id": "reading", "title": "How do you teach reading?", "body": "Tell us."},
        status=201)
    member.post_json(f"{TOPIC}/replies", {"body": "Phonics first."}, status=201)
    assert app.registry.workspace_mail.settle(20)
    sink.messages.clear()
    yield cast
    app.registry.workspace_mail.stop()


def publish(cast, body, **extra):
    manager = cast.api["manager"]
    base = manager.get(SUMMARY).json["version"]
    manager.put_json(SUMMARY, {"body": body, "base_version": base})
    manager.post_json(f"{SUMMARY}/publish", extra)


def settle(app):
    assert app.registry.workspace_mail.settle(20)


def test_a_published_summary_is_mailed_under_the_question_with_readable_citations(
        consultation, sink, app):
    publish(consultation, "Most start with phonics [[reply:1]].\n")
    (message,) = sink.wait_for("member@example.org")
    question_id = message["In-Reply-To"].strip()
    assert question_id.endswith(f".0.secret@{DOMAIN}>")
    assert message["References"].strip() == question_id
    assert message["Message-ID"] != question_id
    assert message["Subject"] == "Re: [Secret] How do you teach reading?"
    assert "Manager via Secret" in str(message["From"])
    assert message["List-Id"].endswith(f"<secret.{DOMAIN}>")
    text = message.get_body(("plain",)).get_content()
    assert "Discussion Summary of “How do you teach reading?” is published" in text
    assert "Most start with phonics (Member, Kenya [1])." in text
    assert "[1] http" in text and "/groups/secret/boards/general/reading/000001/" in text
    assert "[[reply:" not in text
    html = message.get_body(("html",)).get_content()
    assert ">Member, Kenya</a>" in html
    assert sink.wait_for("manager@example.org")  # the publisher reads their list too


def test_the_question_s_message_id_is_the_one_the_summary_answers(consultation, sink, app):
    """The consultation itself went to the manager earlier: the summary names its id."""
    sink.messages.clear()
    consultation.api["member"].post_json(f"{BOARDS}/general/consultations", {
        "id": "maths", "title": "Maths?", "body": "Ask."}, status=201)
    (question,) = sink.wait_for("manager@example.org")
    manager = consultation.api["manager"]
    manager.post_json(f"{BOARDS}/general/topics/maths/summary/publish", {})
    messages = sink.wait_for("manager@example.org", 2)
    assert messages[1]["In-Reply-To"] == question["Message-ID"]


def test_observer_without_mail_and_outsider_get_nothing_and_a_draft_goes_to_no_one(
        consultation, sink, app):
    manager = consultation.api["manager"]
    manager.put_json(SUMMARY, {"body": "A draft [[reply:1]].\n", "base_version": 1})
    settle(app)
    assert sink.messages == []  # a draft is the managers' own
    manager.post_json(f"{SUMMARY}/publish", {})
    sink.wait_for("member@example.org")
    settle(app)
    recipients = {r for _, rcpts, _ in sink.messages for r in rcpts}
    assert recipients == {"member@example.org", "manager@example.org"}


def test_digest_readers_get_it_at_once_and_none_readers_do_not(consultation, sink, app):
    consultation.api["member"].put_json("/api/groups/secret/subscription",
                                        {"delivery": "weekly"})
    consultation.api["manager"].put_json("/api/groups/secret/subscription",
                                         {"delivery": "none"})
    publish(consultation, "Phonics [[reply:1]].\n")
    (message,) = sink.wait_for("member@example.org")
    assert "Phonics (Member, Kenya [1])" in message.get_body(("plain",)).get_content()
    settle(app)
    assert sink.to("manager@example.org") == []


def test_republishing_mails_again_only_after_new_versions_and_says_updated(
        consultation, sink, app):
    publish(consultation, "First take.\n")
    sink.wait_for("member@example.org")
    manager = consultation.api["manager"]
    manager.post_json(f"{SUMMARY}/publish", {"public": True})  # same text, now public
    settle(app)
    assert len(sink.to("member@example.org")) == 1
    publish(consultation, "Second take [[reply:1]].\n")
    first, second = sink.wait_for("member@example.org", 2)
    text = second.get_body(("plain",)).get_content()
    assert "was updated (version 3)" in text and "Second take" in text
    assert second["In-Reply-To"] == first["In-Reply-To"]
    assert second["Message-ID"] != first["Message-ID"]


def test_a_summary_unpublished_before_sending_goes_to_no_one(consultation, sink, app):
    worker = app.registry.workspace_mail
    worker.stop()  # nothing fans out until the summary is taken back
    publish(consultation, "Soon gone.\n")
    consultation.api["manager"].post_json(f"{SUMMARY}/publish", {"published": False})
    from workspace.mail.worker import MailWorker
    fresh = app.registry.workspace_mail = MailWorker(worker.db, worker.settings,
                                                     app.registry)
    fresh.start()
    assert fresh.settle(20)
    assert sink.messages == []


def test_a_citation_of_someone_who_chose_not_to_be_named_shows_only_their_country(
        consultation, sink, app):
    consultation.api["member"].put_json("/api/people/member/citation", {"named": False})
    publish(consultation, "Phonics [[reply:1]].\n")
    (message,) = sink.wait_for("manager@example.org")
    text = message.get_body(("plain",)).get_content()
    assert "(a member from Kenya [1])" in text and "Member," not in text


def test_the_page_publishes_a_new_version_and_says_it_is_mailed(consultation, sink, app):
    publish(consultation, "First take.\n")
    sink.wait_for("member@example.org")
    browser = consultation.html("manager")
    page = browser.get("/groups/secret/boards/general/reading/summary/")
    assert "mails it to the group's mail readers" in page.text
    assert "Publish version" not in page.text  # nothing new to publish
    manager = consultation.api["manager"]
    manager.put_json(SUMMARY, {"body": "Second take.\n", "base_version": 2})
    page = browser.get("/groups/secret/boards/general/reading/summary/")
    (form,) = [f for f in page.forms.values() if f.action.endswith("@@publish")]
    done = form.submit("publish", value="group").follow()
    assert "Published to the group. Its mail readers get it under the question." in \
        done.text
    first, second = sink.wait_for("member@example.org", 2)
    assert "was updated (version 3)" in second.get_body(("plain",)).get_content()


def test_a_summary_published_before_announcing_existed_is_mailed_only_when_it_changes(
        consultation, sink, app, site):
    publish(consultation, "Old take.\n")
    sink.wait_for("member@example.org")
    settle(app)
    sink.messages.clear()
    with site.open() as root:  # as stored before: published, never announced
        summary = root["groups"]["secret"]["boards"]["general"]["reading"].summary
        del summary.announced_version
        assert summary.announced_version is None and summary.published_version == 2
    consultation.api["manager"].post_json(f"{SUMMARY}/publish", {"public": True})
    settle(app)
    assert sink.messages == []
    publish(consultation, "New take.\n")
    (message,) = sink.wait_for("member@example.org")
    assert "was updated (version 3)" in message.get_body(("plain",)).get_content()
