"""`workspace import-groups FILE.csv` and `workspace import-people FILE.csv [--invite]`.

Bulk administration for a site the size of Egypt's (DESIGN.md, Scale): each row creates
or updates what it names (a group: `id,title,description,visibility`; a person:
`login,name,email,country,organisation,groups`, where `groups` reads
`school-123:member;network-7:observer`) and grants the roles it lists. Running a file
again changes nothing that is already as the file says, so an import that stopped half
way is finished by running it again. A bad row is reported by its line number and
skipped; the good rows are imported. The exit status is 1 when rows were skipped.

Everything goes through the content functions a page or the API calls (`add_group`,
`grant_role`, ...), so every account, group and role is audited as done by
`command-line` and queued for the search index, which the site applies when it runs.
Rows are committed in batches of BATCH; a batch that conflicts with the running site
(over ZEO or RelStorage) is simply run again. Imported people have no password: they
choose one from an invitation (`--invite`: a mail to each person of the file who has
no password and was not invited yet, those imported earlier without `--invite` too,
queued with the row and marked on the person, so running the file again mails nobody
twice) or by resetting their password.
"""
from collections import Counter
import csv
import itertools
import os
import re
import sys
import time

from pyramid.paster import bootstrap, setup_logging
import transaction
from ZODB.POSException import ConflictError

from ..content.group import ROLES, VISIBILITIES, add_group, change_group, grant_role
from ..content.ids import MAX_LEN, is_reserved, is_slug
from ..content.events import notify
from ..content.people import AccountCreated, Profile, change_profile
from ..content.site import appmaker
from .accounts import ACTOR

BATCH = 5000  # rows per transaction (1,000: a third fewer rows per second of CPU)
IMPORT_CACHE = 300_000  # objects kept between batches (emptied after each, a file whose rows
# go round the schools read every school again per batch: 1,263 rows/s at 877,000 people)
ATTEMPTS = 5  # a batch that conflicts with the running site is run again this often
GROUP_COLUMNS = ("id", "title", "description", "visibility")
PEOPLE_COLUMNS = ("login", "name", "email", "country", "organisation", "groups")
EMAIL = re.compile(r"^[^@\s]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
LIMITS = {"title": 200, "description": 5000, "name": 200, "email": 254, "country": 100,
          "organisation": 200}


class BadRow(ValueError):
    """A row that cannot be imported; the message says why, in the operator's words."""


def invitation_hook():
    """The mail module's `InviteOnce`: it queues, in the transaction of the row, a mail
    with a link to choose a password to a person not invited yet, and marks them (sent
    after commit by the site, never twice)."""
    from ..mail.invitations import InviteOnce
    return InviteOnce(ACTOR)


# reading rows ------------------------------------------------------------------------------

def read_rows(path, columns):
    """Yield (line number, {column: value}) of a CSV file with a header naming `columns`
    (in any order; more columns are ignored). Exits when the header lacks one."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = [c for c in columns if c not in (reader.fieldnames or ())]
        if missing:
            sys.exit(f"{path}: the first line must name the columns {','.join(columns)} "
                     f"(missing: {', '.join(missing)}).")
        for row in reader:
            yield reader.line_num, {c: (row.get(c) or "").strip() for c in columns}


def count_lines(path):
    with open(path, "rb") as f:
        return max(0, sum(1 for _ in f) - 1)


def checked_length(row, field, required=False):
    value = row[field]
    if required and not value:
        raise BadRow(f"{field} is empty")
    if len(value) > LIMITS[field]:
        raise BadRow(f"{field} is longer than {LIMITS[field]} characters")
    return value


def checked_id(value, what):
    if not is_slug(value) or is_reserved(value):
        raise BadRow(f"{what} {value!r} is not an id (1 to {MAX_LEN} characters: a-z, 0-9 "
                     "and '-', not a reserved page name)")
    return value


def group_row(row):
    """The fields of a valid group row; BadRow otherwise."""
    visibility = row["visibility"] or "private"
    if visibility not in VISIBILITIES:
        raise BadRow(f"visibility {visibility!r} is not one of {', '.join(VISIBILITIES)}")
    return {"id": checked_id(row["id"], "id"), "title": checked_length(row, "title", True),
            "description": checked_length(row, "description"), "visibility": visibility}


def person_row(row, groups):
    """The fields and roles ({group id: role}) of a valid person row; BadRow otherwise."""
    email = checked_length(row, "email", True)
    if not EMAIL.match(email):
        raise BadRow(f"email {email!r} is not an e-mail address")
    roles = {}
    for part in filter(None, (p.strip() for p in row["groups"].split(";"))):
        gid, _, role = part.partition(":")
        gid, role = gid.strip(), (role.strip() or "member")
        if role not in ROLES:
            raise BadRow(f"role {role!r} (in {part!r}) is not one of {', '.join(ROLES)}")
        if gid not in groups:
            raise BadRow(f"there is no group {gid!r} (import the groups first)")
        roles[gid] = role
    return {"login": checked_id(row["login"].lower(), "login"),
            "name": checked_length(row, "name", True), "email": email,
            "country": checked_length(row, "country"),
            "organisation": checked_length(row, "organisation")}, roles


# applying rows -----------------------------------------------------------------------------

def import_group(site, row):
    """Create or update one group; returns 'created', 'updated' or None (as it was)."""
    fields = group_row(row)
    groups, gid = site["groups"], fields.pop("id")
    group = groups.get(gid)
    if group is None:
        add_group(groups, fields["title"], fields["description"], fields["visibility"],
                  gid=gid, actor=ACTOR)
        return "created"
    return "updated" if change_group(group, ACTOR, **fields) else None


def import_person(site, row, invite=None):
    """Create or update one person, grant the roles the row lists and, with `invite`
    (an `InviteOnce`), invite them; returns ('created', 'updated' or None (as it was),
    then 'invited' when an invitation was queued)."""
    fields, roles = person_row(row, site["groups"])
    people, login = site["people"], fields.pop("login")
    profile = people.get(login)
    outcome = None
    if profile is None:
        profile = Profile(login, fields["name"], fields["email"])  # no password yet
        profile.country, profile.organisation = fields["country"], fields["organisation"]
        people.add(login, profile)
        notify(AccountCreated(ACTOR, profile, "imported"))
        outcome = "created"
    else:
        changed = {k: v for k, v in fields.items() if getattr(profile, k) != v}
        if changed:
            change_profile(profile, ACTOR, **changed)
            outcome = "updated"
    groups = site["groups"]
    for gid, role in roles.items():
        if profile.groups.get(gid) != role:
            grant_role(groups[gid], profile, role, ACTOR)
            outcome = outcome or "updated"
    # after the roles: they say what the invitation is to
    if invite is not None and invite(profile, new=outcome == "created"):
        return outcome, "invited"
    return (outcome,)


def run_import(ini, path, columns, apply_row, quiet=False, label="rows", also=()):
    """Apply `apply_row(site, row)` (it returns the row's outcome, then what else it
    did) to every row of `path` in batches; report bad rows and the counts, with those
    of `also` ((what, words) pairs); returns the exit status."""
    from tqdm import tqdm
    if not os.path.exists(path):
        sys.exit(f"{path}: no such file.")
    setup_logging(ini)
    env = bootstrap(ini)
    db = env["registry"]._zodb_databases[""]
    db.setCacheSize(IMPORT_CACHE)
    db.setCacheSizeBytes(0)
    counts = Counter()
    bad = []
    started, cpu = time.monotonic(), time.process_time()
    rows = read_rows(path, columns)
    try:
        with tqdm(total=count_lines(path), unit=" rows", desc=label, disable=quiet,
                  file=sys.stderr) as bar:
            while True:
                batch = list(itertools.islice(rows, BATCH))  # (line, row) pairs
                if not batch:
                    break
                outcomes = apply_batch(db, batch, apply_row, bad)
                for tallies in outcomes:
                    counts.update(tallies)
                bar.update(len(batch))
    finally:
        env["closer"]()
        db.close()
    seconds, cpu = time.monotonic() - started, time.process_time() - cpu
    done = counts["created"] + counts["updated"] + counts[None]
    for line, message in bad:
        print(f"{path}, line {line}: {message}; skipped", file=sys.stderr)
    others = "".join(f"{counts[what]} {words}, " for what, words in also)
    print(f"{label}: {counts['created']} created, {counts['updated']} updated, "
          f"{counts[None]} unchanged, {others}{len(bad)} bad rows skipped, in {seconds:.1f} s "
          f"({(done + len(bad)) / max(seconds, 1e-9):.0f} rows/s; "
          f"{(done + len(bad)) / max(cpu, 1e-9):.0f} per second of CPU).")
    return 1 if bad else 0


def apply_batch(db, batch, apply_row, bad):
    """Apply the rows of one batch in one transaction (again on a conflict); returns
    their outcomes, and adds (line, message) of the bad ones to `bad`."""
    for attempt in range(ATTEMPTS):
        conn = db.open()
        try:
            site = appmaker(conn.root())
            outcomes, refused = [], []
            for line, row in batch:
                try:
                    outcomes.append(apply_row(site, row))
                except BadRow as exc:
                    refused.append((line, str(exc)))
            transaction.commit()
            bad.extend(refused)
            return outcomes
        except ConflictError:
            transaction.abort()
            if attempt == ATTEMPTS - 1:
                raise
        finally:
            transaction.abort()
            conn.close()
    return []


def import_groups_command(args):
    return run_import(args.config, args.file, GROUP_COLUMNS,
                      lambda site, row: (import_group(site, row),),
                      quiet=args.quiet, label="groups")


def import_people_command(args):
    invite = invitation_hook() if args.invite else None
    return run_import(args.config, args.file, PEOPLE_COLUMNS,
                      lambda site, row: import_person(site, row, invite),
                      quiet=args.quiet, label="people",
                      also=[("invited", "invitations sent")] if args.invite else ())


def register(commands):
    cmd = commands.add_parser("import-groups", help="create or update groups from a CSV "
                              "file (id,title,description,visibility)")
    cmd.add_argument("file")
    cmd.add_argument("--quiet", action="store_true", help="no progress bar")
    cmd.set_defaults(run=import_groups_command)
    cmd = commands.add_parser("import-people", help="create or update people and their "
                              "roles from a CSV file (login,name,email,country,"
                              "organisation,groups)")
    cmd.add_argument("file")
    cmd.add_argument("--invite", action="store_true",
                     help="mail an invitation to choose a password to each person "
                     "without one who was not invited yet")
    cmd.add_argument("--quiet", action="store_true", help="no progress bar")
    cmd.set_defaults(run=import_people_command)
