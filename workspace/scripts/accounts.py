"""Account commands: add-user, token, has-admin. What they change is audited as done by
`command-line`."""
import sys

from ..content.ids import is_slug
from ..content.people import add_person, check_password_rules, new_api_token
from .site import open_site

ACTOR = "command-line"  # who the audit log says did it


def add_user(args):
    password = sys.stdin.readline().rstrip("\r\n")
    if not is_slug(args.login):
        sys.exit("A login is 1 to 64 characters: a-z, 0-9 and '-'.")
    try:
        check_password_rules(password, (args.login, args.name, args.email))
    except ValueError as exc:
        sys.exit(str(exc))
    with open_site(args.config) as site:
        if args.login in site["people"]:
            sys.exit(f"The login {args.login} is taken.")
        add_person(site["people"], args.login, args.name, args.email, password,
                   admin=args.admin, actor=ACTOR)
    print(f"Created {args.login}.")


def token(args):
    with open_site(args.config) as site:
        profile = site["people"].get(args.login)
        if profile is None or not profile.active:
            sys.exit(f"No active account {args.login}.")
        secret = new_api_token(profile, ACTOR, "command line")[1]
    print(secret)


def has_admin(args):
    """Exit 0 when the site has an active admin, 1 when not (used by `make run`)."""
    with open_site(args.config) as site:
        found = any(p.admin and p.active for p in site["people"].values())
    return 0 if found else 1


def register(commands):
    cmd = commands.add_parser("add-user", help="create an account; password from stdin")
    cmd.add_argument("login")
    cmd.add_argument("--name", required=True)
    cmd.add_argument("--email", required=True)
    cmd.add_argument("--admin", action="store_true")
    cmd.set_defaults(run=add_user)
    cmd = commands.add_parser("token", help="print a new API token for an account")
    cmd.add_argument("login")
    cmd.set_defaults(run=token)
    cmd = commands.add_parser("has-admin", help="exit 0 if the site has an admin")
    cmd.set_defaults(run=has_admin)
