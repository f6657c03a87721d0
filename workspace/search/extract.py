"""Text out of uploaded files (PDF, DOCX, ODT, HTML, plain text), for the index only.

Each extractor is a well-kept library; a file that cannot be read yields no text (and a
log line), never an error that would stop the indexer.
"""
import io
import logging
import os

log = logging.getLogger(__name__)

MAX_CHARS = 2_000_000  # text beyond this is not indexed: a bound on one entry's size

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
    import docx
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


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


def extract_text(blob, filename, content_type):
    """The text of an uploaded file (a ZODB blob), '' when its kind has no extractor."""
    kind = kind_of(filename, content_type)
    extractor = EXTRACTORS.get(kind) or (plain_text if kind.startswith("text/") else None)
    if extractor is None:
        return ""
    try:
        with blob.open("r") as stream:
            data = stream.read()
        return extractor(data)[:MAX_CHARS]
    except Exception:  # a broken upload must not stop the indexer
        log.warning("could not extract text from %s (%s)", filename, kind, exc_info=True)
        return ""
