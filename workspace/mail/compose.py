"""Messages as they leave: a group's post for each reader, digests, and personal notices.

Group mail is built once per post (`PostMessage`) and then per recipient only what
differs (the reply address, the unsubscribe link, the envelope sender), so that a post to
thousands of readers costs little more than writing the files. MIME is written here by
hand on purpose: base64 bodies and RFC 2047 headers made with the standard library's
helpers, which keeps that per-recipient step to a string join.

Threading in every client: a stable Message-ID per post, In-Reply-To/References naming the
topic's opening post, the same subject with "Re:", and Thread-Topic/Thread-Index for
Outlook's conversation view.
"""
import base64
from datetime import datetime, timezone
from email.header import Header
from email.utils import format_datetime, formataddr
from functools import cached_property
import hashlib
import html
import secrets

from pyramid.traversal import find_interface, resource_path

from ..content.board import Reply, Topic
from ..content.group import Group
from .keys import bounce_local, reply_key, token

WRAP = 76


def header(value):
    """An RFC 2047 encoded header value when it is not plain ASCII."""
    value = " ".join(str(value).split())
    if value.isascii():
        return value
    return Header(value, "utf-8").encode(maxlinelen=998)


def address(name, addr):
    return formataddr((" ".join(str(name).split()), addr), charset="utf-8")


def b64(text):
    data = base64.encodebytes(text.encode("utf-8")).decode("ascii")
    return data.replace("\n", "\r\n")


def mime(headers, text, html_body=None, boundary=None):
    """The whole message: `headers` (name, value) pairs, a text part and an HTML one
    (between `boundary` lines: a fresh one unless given)."""
    lines = [f"{name}: {value}" for name, value in headers]
    lines.append("MIME-Version: 1.0")
    if html_body is None:
        lines += ["Content-Type: text/plain; charset=utf-8",
                  "Content-Transfer-Encoding: base64", "", b64(text)]
    else:
        boundary = boundary or "=_" + secrets.token_hex(12)
        lines += [f'Content-Type: multipart/alternative; boundary="{boundary}"', "",
                  f"--{boundary}", "Content-Type: text/plain; charset=utf-8",
                  "Content-Transfer-Encoding: base64", "", b64(text),
                  f"--{boundary}", "Content-Type: text/html; charset=utf-8",
                  "Content-Transfer-Encoding: base64", "", b64(html_body),
                  f"--{boundary}--", ""]
    return "\r\n".join(lines).encode("ascii")


def message_id(settings, gid, topic, seq):
    return f"<{topic.uid}.{seq}.{gid}@{settings.domain}>"


def parse_message_id(settings, value):
    """(topic uid, seq, group id) of one of our Message-IDs, else None."""
    value = (value or "").strip().strip("<>")
    local, _, domain = value.rpartition("@")
    parts = local.split(".")
    if domain.lower() != settings.domain or len(parts) != 3 or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1]), parts[2]


def thread_index(topic, seq):
    """Outlook's Thread-Index: 22 bytes for the topic, 5 more per reply."""
    seed = hashlib.sha256(topic.uid.encode()).digest()
    data = seed[:22] + (seq.to_bytes(5, "big") if seq else b"")
    return base64.b64encode(data).decode("ascii")


def seq_of(post):
    return int(post.__name__) if isinstance(post, Reply) else 0


def web_url(settings, obj):
    return settings.public_url + resource_path(obj).rstrip("/") + "/"


def unsubscribe_url(settings, gid, login):
    return f"{settings.public_url}/unsubscribe/{token(settings.secret, 'unsub', gid, login)}"


def subject_prefix(group):
    title = " ".join(group.title.split())
    return f"[{title[:40]}]"


def envelope_sender(settings, login):
    return f"{bounce_local(settings.secret, login)}@{settings.domain}"


class PostMessage:
    """One post as mail: what every copy shares; `for_reader(profile)` is one copy."""

    def __init__(self, settings, post, author_name):
        self.settings = settings
        self.post = post
        self.topic = find_interface(post, Topic)
        self.group = find_interface(post, Group)
        gid = self.gid = self.group.__name__
        self.seq = seq_of(post)
        title = self.topic.title
        subject = f"{subject_prefix(self.group)} {title}"
        if self.seq:
            subject = "Re: " + subject
        self.url = web_url(settings, post if self.seq == 0 else self.topic) + (
            f"#reply-{post.__name__}" if self.seq else "")
        self.shared = [
            ("From", address(f"{author_name} via {self.group.title}",
                             settings.group_address(gid))),
            ("To", address(self.group.title, settings.group_address(gid))),
            ("Subject", header(subject)),
            ("Date", format_datetime(post.created)),
            ("Message-ID", message_id(settings, gid, self.topic, self.seq)),
        ]
        if self.seq:
            first = message_id(settings, gid, self.topic, 0)
            self.shared += [("In-Reply-To", first), ("References", first)]
        self.shared += self.list_headers(self.seq)
        self.text = (post.body or "").strip()
        self.html = post.html

    def list_headers(self, seq):
        """The thread's and the list's headers (mail/summaries.py sends under a topic
        too)."""
        settings, gid = self.settings, self.gid
        return [
            ("Thread-Topic", header(self.topic.title)),
            ("Thread-Index", thread_index(self.topic, seq)),
            ("List-Id", f"{header(self.group.title)} <{settings.list_id(gid)}>"),
            ("List-Post", f"<mailto:{settings.group_address(gid)}>"),
            ("List-Archive", f"<{web_url(settings, self.group['boards'])}>"),
            ("List-Help", f"<{web_url(settings, self.group['mail'])}>"),
            ("Precedence", "list"),
            ("X-Loop", settings.group_address(gid)),
        ]

    @cached_property
    def boundary(self):
        """One MIME boundary for every copy: the parts are base64, which never holds it."""
        return "=_" + secrets.token_hex(12)

    def for_reader(self, profile):
        """(envelope sender, recipient, message bytes) of `profile`'s copy."""
        settings, login = self.settings, profile.login
        key = reply_key(settings.secret, self.gid, self.topic.uid, self.seq, login)
        unsubscribe = unsubscribe_url(settings, self.gid, login)
        headers = self.shared + [
            ("Reply-To", f"<{self.gid}+{key}@{settings.domain}>"),
            ("List-Unsubscribe", f"<{unsubscribe}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ]
        settings_url = web_url(settings, self.group["mail"])
        text = (f"{self.text}\n\n-- \nReply to this message to answer in the group, or read "
                f"it on the web: {self.url}\nYour mail settings: {settings_url}\n"
                f"Stop mail from {self.group.title}: {unsubscribe}\n")
        body_html = (f"{self.html}<hr><p style=\"font-size:small;color:#555\">Reply to this "
                     f"message to answer in the group, or <a href=\"{html.escape(self.url)}\">"
                     f"read it on the web</a>. <a href=\"{html.escape(settings_url)}\">Your "
                     f"mail settings</a> · <a href=\"{html.escape(unsubscribe)}\">Stop mail "
                     f"from {html.escape(self.group.title)}</a></p>")
        return (envelope_sender(settings, login), profile.email,
                mime(headers, text, body_html, self.boundary))


def notice(settings, to_address, subject, text, login=None, extra_headers=()):
    """(envelope sender, recipient, bytes) of a personal notice from the site."""
    headers = [("From", address("Workspace", settings.sender)),
               ("To", to_address), ("Subject", header(subject)),
               ("Date", format_datetime(datetime.now(timezone.utc))),
               ("Message-ID", f"<{secrets.token_hex(12)}@{settings.domain}>"),
               ("Auto-Submitted", "auto-generated"), *extra_headers]
    sender = envelope_sender(settings, login) if login else settings.sender
    return sender, to_address, mime(headers, text)

