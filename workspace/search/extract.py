"""Text out of uploaded files (PDF, DOCX, ODT, HTML, plain text), for the index only.

Each extractor is a well-kept library; a file that cannot be read yields no text (and a
log line), never an error that would stop the indexer. Any member can upload a file, so
the work one file can cause is bounded: a zip-based file (DOCX, ODT) whose parts would
unpack past MAX_UNPACKED is refused before anything is read, and every extractor runs in
a worker process with a time limit and a memory limit, so a crafted PDF or document can
neither hold the indexer for long nor grow the app's own memory.
"""
import io
import logging
import multiprocessing
import os
import resource
import threading
import zipfile

log = logging.getLogger(__name__)

MAX_CHARS = 2_000_000  # text beyond this is not indexed: a bound on one entry's size
MAX_UNPACKED = 16 * 1024 * 1024  # the XML a DOCX or ODT may unpack to (a 2,000-page
# report has about 10 MB of it; a zip bomb has hundreds)
EXTRACT_SECONDS = 20
START_SECONDS = 120
WORKER_MEMORY = 1024 * 1024 * 1024  # address space of the extraction worker

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
HTML = "text/html"
EXTENSIONS = {".pdf": PDF, ".docx": DOCX, ".odt": ODT, ".html": HTML, ".htm": HTML,
              ".txt": "text/plain", ".md": "text/markdown", ".csv": "text/csv"}


def kind_of(filename, content_type):
    content_type = (content_type or "").split(";")[0].strip().lower()
    if content_type in (PDF, DOCX, ODT, HTML) or content_type.startswith("text/"):
        return content_type
    return EXTENSIONS.get(os.path.splitext(filename or "")[1].lower(), content_type)


def pdf_text(data):
    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(data))
    parts, size = [], 0
    for page in reader.pages:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size > MAX_CHARS:
            break
    return "\n".join(parts)


def docx_text(data):
    """The body's paragraphs and tables, then each section's page headers and footers
    (first-page and even-page ones too), where reports keep titles and references."""
    import docx
    document = docx.Document(io.BytesIO(data))
    parts = block_text(document)
    seen = set()
    for section in document.sections:
        for part in (section.header, section.first_page_header, section.even_page_header,
                     section.footer, section.first_page_footer, section.even_page_footer):
            if part.is_linked_to_previous or id(part.part) in seen:
                continue  # a linked header is the previous section's: read once
            seen.add(id(part.part))
            parts.extend(block_text(part))
    return "\n".join(parts)


def block_text(container):
    """The text of a DOCX body, header or footer: paragraphs, then table cells."""
    parts = [p.text for p in container.paragraphs]
    for table in container.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return parts


def odt_text(data):
    from odf import teletype, text
    from odf.opendocument import load
    document = load(io.BytesIO(data))
    return "\n".join(teletype.extractText(element)
                     for tag in (text.H, text.P)
                     for element in document.getElementsByType(tag))


def html_text(data):
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(data, "lxml")
    for element in soup(["script", "style"]):
        element.decompose()
    return soup.get_text(" ")


def plain_text(data):
    return data.decode("utf-8", errors="replace")


EXTRACTORS = {PDF: pdf_text, DOCX: docx_text, ODT: odt_text, HTML: html_text}
ZIPPED = (DOCX, ODT)


class Unreadable(Exception):
    """This file's text is not extracted (too big unpacked, too slow, too much memory)."""


def check_unpacked_size(data):
    """Unreadable when the zip archive `data` would unpack past MAX_UNPACKED (read from
    its directory, before anything is decompressed)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise Unreadable("not a zip archive") from exc
    if unpacked > MAX_UNPACKED:
        raise Unreadable(f"unpacks to {unpacked} bytes")


def extract_in_worker(kind, data):
    """What the worker runs: the text, cut at MAX_CHARS."""
    if kind in ZIPPED:
        check_unpacked_size(data)
    extractor = EXTRACTORS.get(kind) or plain_text
    return extractor(data)[:MAX_CHARS]


def extract_text(blob, filename, content_type):
    """The text of an uploaded file (a ZODB blob), '' when its kind has no extractor or
    the file is unreadable."""
    kind = kind_of(filename, content_type)
    if kind not in EXTRACTORS and not kind.startswith("text/"):
        return ""
    try:
        with blob.open("r") as stream:
            data = stream.read()
        if kind in ZIPPED:
            check_unpacked_size(data)  # here too: a bomb is not even sent to the worker
        return worker.run(extract_in_worker, kind, data)
    except Exception:  # a broken upload must not stop the indexer
        log.warning("could not extract text from %s (%s)", filename, kind, exc_info=True)
        return ""


def _serve(connection, memory):
    """The worker's loop: run each (function, args) it is sent, send back the outcome."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    connection.send("ready")
    while True:
        try:
            function, args = connection.recv()
        except EOFError:
            return
        try:
            connection.send((True, function(*args)))
        except Exception as exc:  # MemoryError included: the worker goes on
            connection.send((False, f"{type(exc).__name__}: {exc}"))


class Worker:
    """One long-lived worker process (spawned, so it shares no threads or locks with the
    app) that runs one call at a time; a call past its time limit kills it, and the next
    call starts a fresh one."""

    def __init__(self, seconds=EXTRACT_SECONDS, memory=WORKER_MEMORY):
        self.seconds, self.memory = seconds, memory
        self.process = self.connection = None
        self.lock = threading.Lock()

    def _start(self):
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, self.memory),
                                       daemon=True, name="workspace-extract")
        self.process.start()
        child.close()
        # Starting a worker imports the extractors (seconds on a busy machine): that is
        # not the file's time, so the call's limit starts once the worker is ready.
        if not self.connection.poll(START_SECONDS) or self.connection.recv() != "ready":
            self.stop()
            raise Unreadable("the extraction worker did not start")

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.join()
            self.connection.close()
            self.process = self.connection = None

    def run(self, function, *args):
        """`function(*args)` in the worker; Unreadable if it fails or overruns."""
        with self.lock:
            if self.process is None or not self.process.is_alive():
                self._start()
            self.connection.send((function, args))
            if not self.connection.poll(self.seconds):
                self.stop()
                raise Unreadable(f"took over {self.seconds} s")
            try:
                ok, value = self.connection.recv()
            except EOFError:  # the worker died (e.g. killed for its memory)
                self.stop()
                raise Unreadable("the extraction worker died")
            if not ok:
                raise Unreadable(value)
            return value


worker = Worker()
