"""`workspace backup DIR` and `workspace restore DIR`: database, blobs and search index.

Backup runs while the site is serving. It takes the index writer lock (pausing the
site's indexer for a moment), opens the database read-only (a snapshot at that instant)
and copies the index generation in use; then it copies every transaction of that snapshot,
blobs included, into a fresh FileStorage in DIR (`ZODB copyTransactionsFrom`). The copied
index is therefore never ahead of the copied database, and whatever it is behind by is in
the copied queue: after a restore the indexer applies it, and the start-up reconciliation
checks the rest.

Restore runs while the site is stopped (it needs the FileStorage lock); it keeps the data
it replaces beside it (`*.before-restore-<time>`), so a restore can be undone by hand.

On RelStorage (PostgreSQL: several machines) backup works the same way, from the
database server, into the same FileStorage folder; restore copies it into a new, empty
database (`createdb`, then point the ini at it: the old one stays as it was) and puts
the index in this machine's folder; the other machines rebuild theirs when they start.

DIR holds: manifest.json, Data.fs, blobs/, index/<generation>/.
"""
from datetime import datetime, timezone
import json
import os
import shutil
import sys
import time
from urllib.parse import parse_qs, urlsplit

from ZODB.FileStorage import FileStorage
from ZODB.POSException import StorageError
from ZODB.utils import tid_repr, z64
from zodburi import resolve_uri

from ..search.store import CURRENT
from .index import index_store, open_database, site_settings

MANIFEST = "manifest.json"


def file_storage_paths(ini):
    """(Data.fs path, blob dir) of the site; exits for a database that is not a file."""
    uri = urlsplit(site_settings(ini)["zodbconn.uri"])
    if uri.scheme != "file":
        sys.exit("restore writes a FileStorage: point the ini at file://...Data.fs "
                 "(back up a ZEO server's FileStorage on the server).")
    blob_dirs = parse_qs(uri.query).get("blobstorage_dir", [])
    return uri.path, (blob_dirs[0] if blob_dirs else None)


def backup_storage(folder, **options):
    """The FileStorage (with its blobs) of a backup folder."""
    return FileStorage(os.path.join(folder, "Data.fs"),
                       blob_dir=os.path.join(folder, "blobs"), **options)


def backup(args):
    target = os.path.abspath(args.directory)
    if os.path.exists(target) and os.listdir(target):
        sys.exit(f"{target} is not empty: back up into a new folder.")
    os.makedirs(os.path.join(target, "blobs"), exist_ok=True)
    store = index_store(args.config)
    started = time.monotonic()
    with open_database(args.config) as db:
        with store.writer_lock():
            storage = db.storage
            last = storage.lastTransaction()
            generation = store.current_name()
            if generation:
                shutil.copytree(os.path.join(store.directory, generation),
                                os.path.join(target, "index", generation))
        destination = backup_storage(target, create=True)
        try:
            destination.copyTransactionsFrom(storage)
        finally:
            destination.close()
    manifest = {"created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "last_transaction": tid_repr(last), "index_generation": generation,
                "source": os.path.abspath(args.config)}
    with open(os.path.join(target, MANIFEST), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
    print(f"Backed up to {target} in {time.monotonic() - started:.1f} s "
          f"(last transaction {manifest['last_transaction']}).")


def set_aside(path, stamp):
    if path and os.path.exists(path):
        os.replace(path, f"{path}.before-restore-{stamp}")


def restore(args):
    source = os.path.abspath(args.directory)
    try:
        with open(os.path.join(source, MANIFEST), encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError):
        sys.exit(f"{source} is not a workspace backup (no readable {MANIFEST}).")
    if urlsplit(site_settings(args.config)["zodbconn.uri"]).scheme != "file":
        return restore_into_database(args.config, source, manifest)
    data_fs, blob_dir = file_storage_paths(args.config)
    if os.path.exists(data_fs):
        try:  # taking the lock proves the site is not running
            FileStorage(data_fs, read_only=False).close()
        except StorageError:
            sys.exit("The site is running: stop it before restoring.")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    os.makedirs(os.path.dirname(data_fs), exist_ok=True)
    set_aside(data_fs, stamp)
    set_aside(data_fs + ".index", stamp)
    for leftover in (data_fs + ".tmp", data_fs + ".lock"):
        if os.path.exists(leftover):
            os.remove(leftover)
    shutil.copy2(os.path.join(source, "Data.fs"), data_fs)
    if blob_dir:
        set_aside(blob_dir, stamp)
        shutil.copytree(os.path.join(source, "blobs"), blob_dir)
    restore_index(args.config, source, manifest, stamp)
    print(f"Restored the backup of {manifest['created']} "
          f"(last transaction {manifest['last_transaction']}); the replaced data is kept "
          f"beside it as *.before-restore-{stamp}.")


def restore_into_database(ini, source, manifest):
    """Copy the backup into the (new, empty) database the ini names, e.g. RelStorage."""
    factory, _ = resolve_uri(site_settings(ini)["zodbconn.uri"])
    storage = factory()
    try:
        if storage.lastTransaction() != z64:
            sys.exit("The database is not empty: create a new one (createdb), point the "
                     "ini at it and restore into that; the old database stays as it is.")
        backup = backup_storage(source, read_only=True)
        try:
            storage.copyTransactionsFrom(backup)
        finally:
            backup.close()
    finally:
        storage.close()
    restore_index(ini, source, manifest, time.strftime("%Y%m%d-%H%M%S"))
    print(f"Restored the backup of {manifest['created']} (last transaction "
          f"{manifest['last_transaction']}) into the database of {ini}.")


def restore_index(ini, source, manifest, stamp):
    """Put the backup's index generation in use in this machine's index folder (none in
    the backup: the site builds one when it starts)."""
    store = index_store(ini)
    generation = manifest.get("index_generation")
    with store.writer_lock():
        if generation and os.path.isdir(os.path.join(source, "index", generation)):
            restored = f"gen-restored-{stamp}-{os.getpid()}"
            shutil.copytree(os.path.join(source, "index", generation),
                            os.path.join(store.directory, restored))
            store.publish(restored)
        else:  # no index in the backup: the site builds one when it starts
            current = os.path.join(store.directory, CURRENT)
            if os.path.exists(current):
                os.remove(current)


def register(commands):
    cmd = commands.add_parser("backup", help="consistent backup of database, blobs and "
                              "search index into a new folder (works while serving)")
    cmd.add_argument("directory")
    cmd.set_defaults(run=backup)
    cmd = commands.add_parser("restore", help="replace database, blobs and search index "
                              "with a backup (site stopped)")
    cmd.add_argument("directory")
    cmd.set_defaults(run=restore)
