"""Markdown renders as CommonMark says, through the sanitiser: an ordered list keeps the
number it starts at, a table its columns' alignment; nothing else of style gets through."""
import pytest

from workspace.content.text import render_markdown, sanitise_html


def test_an_ordered_list_starts_at_its_first_number():
    html = render_markdown("3. third\n4. fourth\n")
    assert '<ol start="3">' in html and html.count("<li>") == 2


def test_a_list_starting_at_one_has_no_start():
    assert "<ol>" in render_markdown("1. first\n2. second\n")


def test_table_columns_keep_their_alignment():
    html = render_markdown("| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n")
    for align in ("left", "center", "right"):
        assert html.count(f'style="text-align:{align}"') == 2  # head and body cell
    assert html.count("<td>") == 1  # the column with no alignment has none


@pytest.mark.parametrize("style", ["color:red", "text-align:left;position:fixed",
                                   "text-align:justify", "background:url(x)",
                                   "text-align:expression(alert(1))"])
def test_no_other_style_gets_through(style):
    html = sanitise_html(f'<table><tr><td style="{style}">x</td></tr></table>')
    assert "style" not in html.replace('style="text-align:left"', "")
    assert "position" not in html and "url" not in html and "expression" not in html


@pytest.mark.parametrize("start", ['"x"', '"1;alert(1)"', '"-1"', '"99999999999"'])
def test_a_start_that_is_not_a_number_is_dropped(start):
    assert "start" not in sanitise_html(f"<ol start={start}><li>a</li></ol>")


@pytest.mark.parametrize("source, html", [
    # CommonMark spec examples (0.31.2) around lists and emphasis, as they render
    ("- foo\n- bar\n+ baz\n", "<ul>\n<li>foo</li>\n<li>bar</li>\n</ul>\n<ul>\n<li>baz</li>\n</ul>\n"),
    ("1. foo\n2. bar\n3) baz\n", '<ol>\n<li>foo</li>\n<li>bar</li>\n</ol>\n<ol start="3">\n<li>baz</li>\n</ol>\n'),
    ("123456789. ok\n", '<ol start="123456789">\n<li>ok</li>\n</ol>\n'),
    ("*foo bar*\n", "<p><em>foo bar</em></p>\n"),
    ("~~gone~~\n", "<p><s>gone</s></p>\n"),
])
def test_commonmark_examples_render_exactly(source, html):
    assert render_markdown(source) == html
