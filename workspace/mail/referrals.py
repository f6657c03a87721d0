"""Referral mail that people answer from their mail client.

Every mail about a referral to its requester or one of its experts carries a signed
personal Reply-To (`referrals+<key>@<mail_domain>`, keys.referral_key: the referral and
the person). A reply from that person, from their own address, is trimmed (trim.py) and
goes into the referral through the same content functions the web calls: the
requester's as a question back, an accepted expert's as an answer, with the same state
rules. Anything else changes nothing and gets a mail back saying why: an expert who has
not accepted, a referral that is closed, a key used from another address. Nobody else can
write into a referral by mail, since nobody else is given a key.
"""
from email.utils import parseaddr
import logging

from ..content import referrals as rf
from . import mail_settings
from .inbound import body_of, discarded, dmarc_failed
from .keys import REFERRAL_LOCAL, read_referral_key, referral_key
from .outbox import queue_notice
from .trim import nearly_all_removed, trim

log = logging.getLogger(__name__)
HINT = ("\n-- \nReply to this mail to {what}: your reply goes into the referral, without "
        "the quoted text. Or use the page: {url}/\n")


def reply_address(settings, referral, login):
    key = referral_key(settings.secret, referral.__name__, login)
    return f"{REFERRAL_LOCAL}+{key}@{settings.domain}"


def page_url(settings, referral, *elements):
    return "/".join([settings.public_url, "referrals", referral.__name__, *elements])


def referral_notice(referral, profile, subject, text, what=None):
    """Queue a notice about `referral` to `profile`, sent only if they may still read
    it then; with `what` (what a reply does), a hint and their reply address."""
    if profile is None or not profile.email:
        return False
    settings = mail_settings()
    if what:
        text += HINT.format(what=what, url=page_url(settings, referral))
    return queue_notice(referral, settings, profile.email, subject, text,
                        login=profile.login, check=referral,
                        reply_to=reply_address(settings, referral, profile.login))


def mail_answer(referral, people, author):
    """The requester gets the answer just posted (the referral's last post)."""
    return referral_notice(referral, people.get(referral.requester),
                           f"An answer to your referral: {referral.title}",
                           f"{author} answered your question:\n\n{referral.posts[-1]['body']}"
                           "\n\nRead it, ask back or close the referral on its page.\n",
                           what="ask back")


def mail_question(referral, people):
    """The experts who accepted get the requester's question back (the last post)."""
    for login in referral.accepted():
        referral_notice(referral, people.get(login), f"A follow-up question: {referral.title}",
                        f"The requester asks back:\n\n{referral.posts[-1]['body']}\n",
                        what="answer")


def mail_accepted(referral, people, login):
    """The expert who accepted gets the question again, to answer by replying."""
    return referral_notice(
        referral, people.get(login), f"You took the referral: {referral.title}",
        f"Thank you for taking this referral. The question:\n\n{referral.question}\n\n"
        f"The answer is needed by {referral.needed_by:%Y-%m-%d}.\n", what="answer")


def take_referral_reply(site, state, settings, message, key):
    """A reply to referral mail; returns what became of it (`answered`, `asked back`,
    `refused`, `discarded`)."""
    found = read_referral_key(settings.secret, key)
    referrals = site.get("referrals")
    referral = referrals.get(found[0]) if found and referrals is not None else None
    if referral is None:
        return discarded(message, "a reply key of no referral")
    login = found[1]
    address = parseaddr(str(message.get("From", "")))[1].strip().lower()
    subject = " ".join(str(message.get("Subject", "")).split())[:200]
    profile = site["people"].get(login)

    def refuse(why):
        if address:
            queue_notice(referral, settings, address, f"Re: {subject}"[:200],
                         f"Your reply “{subject}” was not added to the referral. {why}\n")
        log.info("referral mail from %s refused: %s", address, why)
        return "refused"

    if (state.login_of(address) != login or profile is None or not profile.active
            or dmarc_failed(message, settings)):
        return refuse("This reply address was made for another person's address.")
    text, attachments = body_of(message)
    kept, removed = trim(text, subject)
    url = page_url(settings, referral) + "/"
    if nearly_all_removed(kept, removed):
        return refuse("Without the quoted text nothing was left: write above the quoted "
                      f"mail, or on the page: {url}")
    body = kept.strip()
    if attachments:
        body += f"\n\n({len(attachments)} attachments were not kept: a referral holds text.)"
    try:
        return add_by_mail(site, referral, profile, body[:rf.MAX_POST])
    except rf.StateError as exc:
        return refuse(f"{exc.message} The referral: {url}")


def add_by_mail(site, referral, profile, body):
    """The requester asks back; an expert who accepted answers. StateError otherwise."""
    if profile.login == referral.requester:
        rf.ask_back(referral, profile.login, body)
        mail_question(referral, site["people"])
        return "asked back"
    invitation = referral.invitations.get(profile.login)
    if invitation is None:
        raise rf.StateError("not_invited", "Only the requester and its experts write in a "
                                           "referral.")
    if invitation.state_at(rf.now_utc()) == "invited" and referral.state in rf.OPEN_STATES:
        raise rf.StateError("not_accepted", "Accept the invitation first (the Accept link "
                                            "of the invitation mail), then reply with your "
                                            "answer.")
    rf.add_answer(referral, site["experts"], profile.login, body)
    mail_answer(referral, site["people"], profile.title)
    return "answered"
