"""Referral mail: the invitation with its signed Accept and Decline links, reminders
before deadlines; answers, follow-up questions and the acceptance (with the question
again) are workspace/mail/referrals.py's, which also takes people's replies by mail: every
one of these mails has the person's signed reply address.

Every notice is queued with the referral as its `check` (workspace/mail sends it only if
the person may still read the referral when it goes out), after the change commits. The
signed links name the referral, the expert, the invitation (its time) and the action, with
an HMAC of the site's mail secret: nothing is looked up to trust one, and a link of an
earlier invitation names nothing once the expert is invited again.
"""
from ...content.referrals import DECLINE_REASONS
from ...mail import mail_settings
from ...mail.keys import read_token, token
from ...mail.referrals import page_url, referral_notice

PURPOSE = "referral-respond"
ACTIONS = ("accept", "decline")


def respond_token(settings, referral, invitation, action):
    return token(settings.secret, PURPOSE, referral.__name__, invitation.login,
                 invitation.stamp, action)


def read_respond_token(referral, value):
    """(invitation, action) a genuine link for this referral names, else None."""
    settings = mail_settings()
    parts = read_token(settings.secret, PURPOSE, value, 4)
    if parts is None or parts[0] != referral.__name__ or parts[3] not in ACTIONS:
        return None
    invitation = referral.invitations.get(parts[1])
    if invitation is None or invitation.stamp != parts[2]:
        return None
    return invitation, parts[3]


def mail_invitation(referral, invitation, people):
    settings = mail_settings()
    links = {action: page_url(settings, referral, "@@respond") + "?t="
             + respond_token(settings, referral, invitation, action) for action in ACTIONS}
    text = (f"You are invited to answer an expert referral:\n\n{referral.question}\n\n"
            f"Please respond by {invitation.respond_by:%Y-%m-%d %H:%M} UTC; the answer is "
            f"needed by {referral.needed_by:%Y-%m-%d}.\n\n"
            f"Accept: {links['accept']}\nDecline: {links['decline']}\n"
            f"(declining, you may say why: {', '.join(DECLINE_REASONS.values()).lower()})\n\n"
            f"The referral: {page_url(settings, referral)}/\n")
    return referral_notice(referral, people.get(invitation.login),
                           f"Expert referral: {referral.title}", text,
                           what="answer (once you accepted)")


REMINDERS = {
    "respond": ("Please respond: {title}", "Please accept or decline this referral before "
                "{at:%Y-%m-%d %H:%M} UTC:\n\n{url}/\n"),
    "answer": ("The answer is due: {title}", "The answer to this referral is needed by "
               "{at:%Y-%m-%d}:\n\n{url}/\n"),
}


def mail_reminders(due, people):
    """Mail the reminders `deadline_sweep` found due; returns how many were queued."""
    settings = mail_settings()
    sent = 0
    for kind, referral, login in due:
        if kind not in REMINDERS:
            continue
        at = (referral.invitations[login].respond_by if kind == "respond"
              else referral.needed_by)
        subject, text = (part.format(title=referral.title, at=at,
                                     url=page_url(settings, referral))
                         for part in REMINDERS[kind])
        sent += bool(referral_notice(referral, people.get(login), subject, text))
    return sent
