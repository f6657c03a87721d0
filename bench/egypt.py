"""An Egypt-shaped site (DESIGN.md, Scale): teachers in schools and networks.

    .venv/bin/python bench/egypt.py DIR --people 10000 [--via import|fast]

Makes DIR/development.ini (a copy of ours, every path under DIR) and a site shaped as
Imagine Education's programme in Egypt, scaled to `--people` (877,002 for the real one):
one school group per 23 teachers (38,000 at full size) and one network group per 11
schools (3,500), all private; every teacher a member of their school and an observer
of their network; and the three people bench_egypt.py measures:

    teacher      a member of one school and one network (2 groups)
    facilitator  the manager of 12 schools
    supervisor   an observer of 400 schools and networks

plus an admin, one open community group everyone reads, and in every school a document
and a board with a topic, so that group pages and searches have something to show.

`--via import` (the default) writes DIR/groups.csv and DIR/people.csv and runs
`workspace import-groups` and `workspace import-people` on them, printing their rate;
`--via fast` builds the same site in-process without events (nothing is audited or
queued for search), for quick rebuilds. Either way the search index is then built with
`workspace reindex`, which is what a real site does after a bulk import (`--no-search`:
none, and search off; at 870,000 people the index build takes over an hour here).
"""
import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
FULL_PEOPLE = 877_002
TEACHERS_PER_SCHOOL = 23
SCHOOLS_PER_NETWORK = 11
FACILITATOR_SCHOOLS = 12
SUPERVISOR_GROUPS = 400
FIRST = ("Mohamed Ahmed Mahmoud Mostafa Ali Hassan Ibrahim Omar Khaled Youssef Amr Tarek "
         "Karim Sherif Hany Walid Fatma Aya Mona Nour Heba Sara Mariam Yasmin Salma Dina "
         "Reem Eman Rania Shaimaa Noha Amira Laila Hoda Nadia Samira Ghada Marwa").split()
LAST = ("Hassan Mohamed Ahmed Ali Mahmoud Ibrahim Abdelrahman Samir Fathy Adel Gamal Salah "
        "Mansour Saad Farouk Nasser Zaki Hamdy Ragab Shawky Soliman Lotfy Fouad Kamal "
        "Radwan Eid Hegazy Badawi Morsi Sabry Naguib Osman Tawfik Helmy Younis").split()
GOVERNORATES = ("Cairo Giza Alexandria Qalyubia Sharqia Dakahlia Beheira Gharbia Monufia "
                "Kafr-El-Sheikh Fayoum Beni-Suef Minya Asyut Sohag Qena Luxor Aswan "
                "Ismailia Suez Port-Said Damietta Matrouh Red-Sea").split()


def shape(people):
    """(schools, networks) for `people` teachers."""
    schools = max(SUPERVISOR_GROUPS, -(-people // TEACHERS_PER_SCHOOL))
    return schools, max(1, -(-schools // SCHOOLS_PER_NETWORK))


def make_ini(folder, search=True):
    """A copy of development.ini in `folder` (without search: no index folder)."""
    os.makedirs(folder, exist_ok=True)
    ini = os.path.join(folder, "development.ini")
    shutil.copy(os.path.join(HERE, "development.ini"), ini)
    if not search:
        with open(ini) as f:
            text = f.read()
        with open(ini, "w") as f:
            f.write(text.replace("workspace.index_dir = %(here)s/var/index",
                                 "workspace.index_dir ="))
    return ini


def group_rows(schools, networks, rng):
    yield {"id": "commons", "title": "Lighthouse Commons",
           "description": "The programme's open community", "visibility": "open"}
    for n in range(networks):
        yield {"id": f"network-{n}", "title": f"Lighthouse Network {n} {rng.choice(GOVERNORATES)}",
               "description": f"The schools of network {n}", "visibility": "private"}
    for n in range(schools):
        yield {"id": f"school-{n}", "title": f"{rng.choice(LAST)} School {n}",
               "description": f"A school of {rng.choice(GOVERNORATES)}", "visibility": "private"}


def special_people(schools, networks):
    """The people bench_egypt.py logs in as, with their roles."""
    facilitated = {f"school-{n}": "manager" for n in range(FACILITATOR_SCHOOLS)}
    supervised = {f"school-{n}": "observer"
                  for n in range(0, min(schools, SUPERVISOR_GROUPS - networks // 10))}
    supervised.update({f"network-{n}": "observer"
                       for n in range(SUPERVISOR_GROUPS - len(supervised))
                       if n < networks})
    return [("teacher", "Mona Hassan", {"school-0": "member", "network-0": "observer"}),
            ("facilitator", "Karim Adel", facilitated),
            ("supervisor", "Hoda Mansour", supervised)]


def people_rows(people, schools, networks, rng):
    for login, name, roles in special_people(schools, networks):
        yield {"login": login, "name": name, "email": f"{login}@example.org", "country": "EG",
               "organisation": "Ministry of Education",
               "groups": ";".join(f"{g}:{r}" for g, r in roles.items())}
    for n in range(people):
        school = n % schools
        yield {"login": f"t{n}", "name": f"{rng.choice(FIRST)} {rng.choice(LAST)} "
                                         f"{rng.choice(LAST)}",
               "email": f"t{n}@schools.example.org", "country": "EG",
               "organisation": f"School {school}",
               "groups": f"school-{school}:member;network-{school % networks}:observer;"
                         "commons:member" if n % 50 == 0 else
                         f"school-{school}:member;network-{school % networks}:observer"}


def write_csv(path, rows, columns):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, columns)
        writer.writeheader()
        count = 0
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def run(ini, *args):
    started = time.monotonic()
    result = subprocess.run([f"{BIN}/workspace", "-c", ini, *args], text=True,
                            stdout=subprocess.PIPE)
    print(result.stdout.strip())
    return time.monotonic() - started


def build_fast(ini, groups_csv, people_csv):
    """The site of the two CSV files, in-process and without events."""
    import transaction
    from ZODB import DB
    from zodburi import resolve_uri
    from workspace.content.group import Group
    from workspace.content.people import Profile
    from workspace.content.site import appmaker
    from workspace.scripts.index import site_settings
    factory, dbkw = resolve_uri(site_settings(ini)["zodbconn.uri"])
    os.makedirs(os.path.join(os.path.dirname(ini), "var", "blobs"), exist_ok=True)
    db = DB(factory(), **dbkw)
    conn = db.open()
    site = appmaker(conn.root())
    groups, people = site["groups"], site["people"]
    with open(groups_csv, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            groups.add(row["id"], Group(row["title"], row["description"], row["visibility"]),
                       send_events=False)
    transaction.commit()
    with open(people_csv, encoding="utf-8") as f:
        for n, row in enumerate(csv.DictReader(f), 1):
            profile = Profile(row["login"], row["name"], row["email"])
            profile.country, profile.organisation = row["country"], row["organisation"]
            people.add(row["login"], profile, send_events=False)
            for part in row["groups"].split(";"):
                gid, _, role = part.partition(":")
                groups[gid].roles[row["login"]] = role
                profile.groups[gid] = role
            if n % 5000 == 0:
                transaction.commit()
                conn.cacheMinimize()
                print(f"\r{n} people", end="", flush=True)
    transaction.commit()
    print()
    conn.close()
    db.close()


def add_content(ini, schools):
    """A document and a topic in every school, and an admin (through the content
    functions of an ordinary save, so they are queued for search)."""
    from pyramid.paster import bootstrap
    import transaction
    from workspace.content.board import Board, Topic
    from workspace.content.document import Document
    from workspace.content.people import Profile
    from workspace.content.site import appmaker
    from workspace.search import disable_background_indexer
    disable_background_indexer()
    env = bootstrap(ini)
    db = env["registry"]._zodb_databases[""]
    conn = db.open()
    site = appmaker(conn.root())
    rng = random.Random(5)
    if "admin" not in site["people"]:
        admin = Profile("admin", "Site Admin", "admin@example.org", admin=True)
        admin.set_password("bench password egypt")
        site["people"].add("admin", admin)
    for login in ("teacher", "facilitator", "supervisor"):
        site["people"][login].set_password("bench password egypt")
    for n in range(schools):
        group = site["groups"][f"school-{n}"]
        if "plan" in group["documents"]:
            continue
        doc = Document(f"School plan {n}", f"The {rng.choice(GOVERNORATES)} plan: literacy "
                       f"numeracy assessment teacher training {rng.choice(FIRST)}", "t0")
        group["documents"].add("plan", doc)
        board = group["boards"].add("talk", Board("Talk", ""))
        board.add("welcome", Topic("Welcome", f"Welcome to school {n}", "t0"))
        if n % 1000 == 999:
            transaction.commit()
            conn.cacheMinimize()
    transaction.commit()
    conn.close()
    env["closer"]()
    db.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--via", choices=("import", "fast"), default="import")
    parser.add_argument("--no-search", action="store_true",
                        help="no search index (its build is what takes longest at 870k)")
    args = parser.parse_args()
    folder = os.path.abspath(args.directory)
    if os.path.exists(os.path.join(folder, "var")):
        sys.exit(f"{folder} already holds a site: choose a new folder.")
    ini = make_ini(folder, search=not args.no_search)
    rng = random.Random(1)
    schools, networks = shape(args.people)
    groups_csv, people_csv = os.path.join(folder, "groups.csv"), os.path.join(folder, "people.csv")
    group_count = write_csv(groups_csv, group_rows(schools, networks, rng),
                            ("id", "title", "description", "visibility"))
    people_count = write_csv(people_csv, people_rows(args.people, schools, networks, rng),
                             ("login", "name", "email", "country", "organisation", "groups"))
    print(f"{people_count} people, {group_count} groups ({schools} schools, {networks} "
          f"networks)")
    started = time.monotonic()
    if args.via == "import":
        run(ini, "import-groups", "--quiet", groups_csv)
        seconds = run(ini, "import-people", "--quiet", people_csv)
        print(f"import rate: {people_count / seconds:.0f} people/s including start-up")
    else:
        build_fast(ini, groups_csv, people_csv)
    add_content(ini, schools)
    print(f"site built in {time.monotonic() - started:.0f} s")
    if not args.no_search:
        run(ini, "reindex", "--quiet")
    print(f"ready: {ini}")


if __name__ == "__main__":
    main()
