"""File text for the index: real documents are read; what one upload can cost is bounded."""
import io
import logging
import time
import tracemalloc
import zipfile

import docx
import pytest
from ZODB.blob import Blob

from workspace.search.extract import DOCX, Unreadable, Worker, extract_text


def blob_of(data):
    blob = Blob()
    with blob.open("w") as stream:
        stream.write(data)
    return blob


def real_docx(text):
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bomb_docx(unpacked_mb=27):
    """A DOCX-shaped archive of a few tens of KB whose document.xml unpacks to MBs."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        paragraph = "<w:p><w:r><w:t>bomb</w:t></w:r></w:p>"
        body = paragraph * (unpacked_mb * 1024 * 1024 // len(paragraph))
        archive.writestr("word/document.xml", f"<w:document><w:body>{body}</w:body>"
                                              "</w:document>")
    return out.getvalue()


def test_a_real_docx_is_read():
    assert "induction" in extract_text(blob_of(real_docx("Teacher induction")), "a.docx",
                                       DOCX)


def test_a_zip_bomb_docx_is_refused_before_anything_is_unpacked(caplog):
    data = zip_bomb_docx()
    assert len(data) < 200 * 1024
    tracemalloc.start()
    with caplog.at_level(logging.WARNING):
        text = extract_text(blob_of(data), "bomb.docx", DOCX)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert text == ""
    assert "unpacks to" in caplog.text
    assert peak < 4 * len(data) + 2 * 1024 * 1024  # never decompressed here


def test_an_extraction_past_its_time_limit_is_stopped_and_the_next_one_runs():
    worker = Worker(seconds=1)
    try:
        with pytest.raises(Unreadable, match="took over"):
            worker.run(time.sleep, 30)
        assert worker.process is None  # the overrunning worker was killed
        assert worker.run(len, "four") == 4
    finally:
        worker.stop()


def test_an_extraction_past_its_memory_limit_fails_in_the_worker_not_here():
    worker = Worker(memory=512 * 1024 * 1024)
    try:
        with pytest.raises(Unreadable, match="MemoryError"):
            worker.run(bytearray, 2 * 1024 * 1024 * 1024)
        assert worker.run(len, "ok") == 2  # the same worker goes on
    finally:
        worker.stop()

