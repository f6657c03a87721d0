"""Where an archive's files go and come from: a folder or a zip, behind one small interface.

Writing is deterministic (sorted names, fixed zip timestamps) so that two exports of the
same content are the same bytes. Reading treats the archive as untrusted: a name must be a
plain relative path inside it (no `..`, no absolute path, no symbolic link), and every read
is bounded, as are the number of entries and, for a zip, what it unpacks to.
"""
import os
import pathlib
import posixpath
import shutil
import zipfile

from . import ArchiveInvalid

MAX_ENTRIES = 200_000
MAX_UNPACKED = 20 * 1024 ** 3  # what a zip may unpack to in all
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def safe_name(name):
    """`name` as a relative posix path inside the archive; ArchiveInvalid otherwise."""
    if not isinstance(name, str) or not name or len(name) > 1000 or "\\" in name \
            or "\x00" in name:
        raise ArchiveInvalid("Not a file name an archive may hold.", str(name)[:100])
    normal = posixpath.normpath(name)
    if normal.startswith(("/", "../")) or normal in ("..", ".") or normal != name.rstrip("/"):
        raise ArchiveInvalid("A name leaves the archive.", name[:100])
    return normal


class FolderOut:
    """Writes the archive into a folder (made if missing; it must be empty)."""

    def __init__(self, root):
        self.root = pathlib.Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        if any(self.root.iterdir()):
            raise ArchiveInvalid("Export into an empty folder.", str(root))

    def write(self, name, data):
        path = self.root / safe_name(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def copy(self, name, stream):
        path = self.root / safe_name(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as out:
            shutil.copyfileobj(stream, out, 1 << 20)

    def close(self):
        pass


class ZipOut:
    """Writes the archive as a zip into a binary stream (a file, a temporary file)."""

    def __init__(self, stream, prefix=""):
        self.zip = zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.prefix = prefix

    def info(self, name):
        info = zipfile.ZipInfo(self.prefix + safe_name(name), ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info

    def write(self, name, data):
        self.zip.writestr(self.info(name), data)

    def copy(self, name, stream):
        with self.zip.open(self.info(name), "w", force_zip64=True) as out:
            shutil.copyfileobj(stream, out, 1 << 20)

    def close(self):
        self.zip.close()


class FolderIn:
    """Reads an archive folder."""

    def __init__(self, root):
        self.root = pathlib.Path(root).resolve()
        if not self.root.is_dir():
            raise ArchiveInvalid("No such folder.", str(root))
        count = 0
        for _, dirs, files in os.walk(self.root):
            count += len(dirs) + len(files)
            if count > MAX_ENTRIES:
                raise ArchiveInvalid(f"An archive holds at most {MAX_ENTRIES} files.")

    def path(self, name):
        path = self.root / safe_name(name)
        for part in [path, *path.parents]:
            if part == self.root:
                break
            if part.is_symlink():
                raise ArchiveInvalid("Symbolic links are not read.", name)
        return path

    def exists(self, name):
        return self.path(name).is_file()

    def read(self, name, limit):
        path = self.path(name)
        if not path.is_file():
            raise ArchiveInvalid("Missing.", name)
        if path.stat().st_size > limit:
            raise ArchiveInvalid(f"Larger than {limit} bytes.", name)
        return path.read_bytes()

    def names(self, folder):
        """The names of the files and folders right inside `folder`, sorted."""
        path = self.path(folder) if folder else self.root
        return sorted(p.name for p in path.iterdir()) if path.is_dir() else []


class ZipIn:
    """Reads an archive zip (as `FolderOut` would have written it, perhaps in one folder)."""

    def __init__(self, path):
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ArchiveInvalid(f"Not a zip archive ({exc}).", str(path))
        infos = self.zip.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ArchiveInvalid(f"An archive holds at most {MAX_ENTRIES} files.")
        if sum(i.file_size for i in infos) > MAX_UNPACKED:
            raise ArchiveInvalid("This zip unpacks to too much.")
        entries = {safe_name(i.filename): i for i in infos if not i.is_dir()}
        tops = {n.split("/")[0] for n in entries}
        # A zip of the archive's folder has it under one top folder: read inside it.
        prefix = f"{tops.pop()}/" if len(tops) == 1 and "group.json" not in entries else ""
        self.files = {n[len(prefix):]: i for n, i in entries.items()}

    def exists(self, name):
        return safe_name(name) in self.files

    def read(self, name, limit):
        info = self.files.get(safe_name(name))
        if info is None:
            raise ArchiveInvalid("Missing.", name)
        if info.file_size > limit:
            raise ArchiveInvalid(f"Larger than {limit} bytes.", name)
        with self.zip.open(info) as stream:
            data = stream.read(limit + 1)
        if len(data) > limit:
            raise ArchiveInvalid(f"Larger than {limit} bytes.", name)
        return data

    def names(self, folder):
        prefix = f"{safe_name(folder)}/" if folder else ""
        return sorted({n[len(prefix):].split("/")[0] for n in self.files
                       if n.startswith(prefix)})


def open_archive(source):
    """A reader for a folder or a .zip file."""
    path = pathlib.Path(source)
    if path.is_file():
        return ZipIn(path)
    return FolderIn(path)
