"""A group's whole archive in open formats, for when a community ends or moves.

`export_group(group, out)` writes a folder (or a zip) that a person reads with no special
software and `import_group(site, source)` restores into another site, whole:

    README.html               what is here, linked
    group.json                the group (id, title, description, visibility)
    catalogue.json            every item in Dublin Core terms (title, creator, date, type...)
    members.csv               login, name, email, country, organisation, role
    documents/index.md        the documents and files, linked
    documents/<id>/           a document: v0001.md, v0002.md... (every revision) and
                              history.json (version, title, author, date, change note)
    documents/<id>/           a file: v0001-<name>... (every upload) and history.json
    discussions/<board>/      board.json, and per topic <topic>.md (the thread to read)
                              and <topic>.json (the same, exactly, with edits)
    discussions/discussions.mbox   every post as a mail, threaded, for a mail client
    calendar/calendar.ics     the calendar (RFC 5545), and events.json (ids, authors)
    whiteboards/<id>.excalidraw, <id>.svg, <id>.json (its versions, each a .excalidraw
                              in <id>.versions/)
    collection/<id>/          a Resource: v0001.md... (every revision's text), its files
                              in files/, history.json (each revision's title, fields, file,
                              author, date, change note) and dublin-core.json
    summaries/<board>/<topic>/  a consultation's Discussion Summary, the same way (its
                              citations are reply ids, which an import keeps), with
                              summary.md to read, each citation a link to its reply
    mail.json                 the mailgroup's settings (on or off, moderation, the board
                              mail starts topics in, each member's delivery)
    trash.json                what the trash held: a list for the record; an import does
                              not bring it back (the new site's trash starts empty)

Not in an archive: held mail waiting for moderation, the mail log and reply keys (they
belong to the old site's address), read marks, notifications and the audit log (the new
site audits the import itself).

Export, import into a fresh site, export again: the same files (but trash.json). The
archive is read as untrusted input: sizes, counts and nesting are bounded, every name is
checked, and any problem raises `ArchiveInvalid` before the caller commits anything.
"""


from ..content.events import Audited


class GroupExported(Audited):
    """Someone took a group's whole archive (members' addresses included)."""
    action = "group_exported"


class GroupImported(Audited):
    """Someone imported a group from an archive (details: what it held)."""
    action = "group_imported"


class ArchiveInvalid(ValueError):
    """An archive that cannot be imported as a whole; `where` names the file at fault."""

    def __init__(self, message, where=""):
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where


FORMAT = "workspace-group-archive"
FORMAT_VERSION = 1

from .export import export_group  # noqa: E402
from .restore import import_group  # noqa: E402

__all__ = ["ArchiveInvalid", "GroupExported", "GroupImported", "export_group",
           "import_group"]
