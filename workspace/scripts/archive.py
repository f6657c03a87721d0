"""Archive commands: `export-group G DIR` writes a group's whole archive (a folder, or a
zip when DIR ends in .zip) and `import-group DIR` restores one into this site. What they
do is audited as done by `command-line`."""
import sys

from tqdm import tqdm

from ..archive import ArchiveInvalid, GroupExported, export_group, import_group
from ..archive.store import FolderOut, ZipOut
from ..content.events import notify
from .site import open_site

ACTOR = "command-line"


def export(args):
    with open_site(args.config) as site:
        group = site["groups"].get(args.group)
        if group is None:
            sys.exit(f"No group {args.group}.")
        with tqdm(desc=f"Exporting {args.group}", unit=" items", disable=args.quiet) as bar:
            def progress(section, name):
                bar.set_postfix_str(f"{section}: {name}"[:60])
                bar.update(1)
            try:
                if args.dir.endswith(".zip"):
                    with open(args.dir, "xb") as stream:
                        counts = export_group(group, ZipOut(stream, f"{args.group}/"), progress)
                else:
                    counts = export_group(group, FolderOut(args.dir), progress)
            except (ArchiveInvalid, FileExistsError) as exc:
                sys.exit(str(exc))
        notify(GroupExported(ACTOR, group, args.dir))
    print(f"Exported {args.group} to {args.dir}: " +
          ", ".join(f"{n} {kind}" for kind, n in counts.items()) + ".")


def import_(args):
    try:
        with open_site(args.config) as site:
            group = import_group(site, args.dir, ACTOR, gid=args.id,
                                 file_limit=args.max_file_size * 1024 * 1024)
            gid = group.__name__
    except ArchiveInvalid as exc:
        sys.exit(f"Nothing imported. {exc}")
    print(f"Imported the group {gid} from {args.dir}. Its members without an account "
          "have one now, with no password: they set one by a password reset.")


def register(commands):
    cmd = commands.add_parser("export-group", help="write a group's whole archive")
    cmd.add_argument("group")
    cmd.add_argument("dir", help="an empty or new folder, or a new file NAME.zip")
    cmd.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    cmd.set_defaults(run=export)
    cmd = commands.add_parser("import-group", help="restore a group from its archive")
    cmd.add_argument("dir", help="the archive's folder or .zip")
    cmd.add_argument("--id", help="the group's id here (default: the archive's)")
    cmd.add_argument("--max-file-size", type=int, default=50, metavar="MB",
                     help="the largest file version taken (default 50 MB)")
    cmd.set_defaults(run=import_)
