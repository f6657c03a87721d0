"""The mail settings of one site, read once from the ini file (DESIGN.md: E-mail).

`workspace.public_url`, `workspace.mail_domain`, `mail.host`/`mail.port`/`mail.username`/
`mail.password`/`mail.tls`/`mail.default_sender` (pyramid_mailer's names),
`workspace.mail_listen`, `workspace.bounce_threshold`, and ours: `workspace.mail_dir`
(the outgoing and inbound spools; default: beside the search index), `workspace.mail_secret`
(or WORKSPACE_MAIL_SECRET: the HMAC key of reply keys and mail links; default: derived
from the session secret), `workspace.mail_authserv_id` (the authserv-id of the MTA whose
Authentication-Results we trust), `workspace.mail_max_bytes`, `workspace.digest_hour`.
"""
from dataclasses import dataclass
import hashlib
import hmac
import os

from pyramid.settings import asbool


@dataclass(frozen=True)
class MailSettings:
    public_url: str
    domain: str
    host: str
    port: int
    username: str
    password: str
    tls: bool
    sender: str
    listen: str
    bounce_threshold: int
    secret: bytes
    directory: str
    authserv_id: str
    max_bytes: int
    max_attachments: int
    max_recipients: int
    digest_hour: int

    @property
    def outgoing_dir(self):
        return os.path.join(self.directory, "out")

    @property
    def inbound_dir(self):
        return os.path.join(self.directory, "in")

    @property
    def sending(self):
        """Whether this process hands mail to an SMTP server."""
        return bool(self.host)

    def group_address(self, gid):
        return f"{gid}@{self.domain}"

    def list_id(self, gid):
        return f"{gid}.{self.domain}"


def mail_directory(settings):
    if settings.get("workspace.mail_dir"):
        return settings["workspace.mail_dir"]
    index = settings.get("workspace.index_dir")
    return os.path.join(os.path.dirname(index.rstrip("/")), "mail") if index else "var/mail"


def mail_secret(settings):
    secret = os.environ.get("WORKSPACE_MAIL_SECRET") or settings.get("workspace.mail_secret")
    if secret:
        return secret.encode("utf-8")
    session = (os.environ.get("WORKSPACE_SESSION_SECRET")
               or settings.get("workspace.session_secret") or "")
    return hmac.new(session.encode("utf-8"), b"workspace mail keys", hashlib.sha256).digest()


def read_settings(settings):
    domain = settings.get("workspace.mail_domain", "localhost").strip().lower()
    return MailSettings(
        public_url=settings.get("workspace.public_url", "http://127.0.0.1:6543").rstrip("/"),
        domain=domain,
        host=settings.get("mail.host", "").strip(),
        port=int(settings.get("mail.port", 25)),
        username=settings.get("mail.username", ""),
        password=settings.get("mail.password", ""),
        tls=asbool(settings.get("mail.tls", False)),
        sender=settings.get("mail.default_sender", f"workspace@{domain}"),
        listen=settings.get("workspace.mail_listen", "").strip(),
        bounce_threshold=int(settings.get("workspace.bounce_threshold", 3)),
        secret=mail_secret(settings),
        directory=mail_directory(settings),
        authserv_id=settings.get("workspace.mail_authserv_id", "").strip(),
        max_bytes=int(settings.get("workspace.mail_max_bytes", 25 * 1024 * 1024)),
        max_attachments=int(settings.get("workspace.mail_max_attachments", 10)),
        max_recipients=int(settings.get("workspace.mail_max_recipients", 20)),
        digest_hour=int(settings.get("workspace.digest_hour", 6)),
    )
