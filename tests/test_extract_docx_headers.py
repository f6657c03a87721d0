"""A DOCX's page headers and footers are searchable text, like its body."""
import io

import docx

from workspace.search.extract import docx_text, extract_in_worker, DOCX


def report():
    document = docx.Document()
    document.add_paragraph("The body of the report.")
    section = document.sections[0]
    section.header.paragraphs[0].text = "Ministry of Education: teacher census 2026"
    section.footer.paragraphs[0].text = "Reference MOE-TC-2026-114"
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "Cover header: confidential draft"
    table = section.header.add_table(1, 1, width=docx.shared.Inches(4))
    table.cell(0, 0).text = "Header table cell"
    second = document.add_section()
    second.header.is_linked_to_previous = False
    second.header.paragraphs[0].text = "Annex header"
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def test_page_headers_and_footers_are_extracted():
    text = docx_text(report())
    for words in ("The body of the report.", "teacher census 2026", "MOE-TC-2026-114",
                  "Cover header", "Header table cell", "Annex header"):
        assert words in text
    assert text.count("teacher census 2026") == 1  # a linked header is read once


def test_headers_come_through_the_bounded_extractor():
    assert "MOE-TC-2026-114" in extract_in_worker(DOCX, report())
