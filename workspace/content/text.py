"""Markdown to safe HTML, for documents, posts and anything else people write.

markdown-it-py renders (CommonMark plus tables and strikethrough, raw HTML off); nh3
then keeps only harmless tags and attributes and http(s)/mailto links, whatever was typed.
What CommonMark means is kept through the allow-list: the number an ordered list starts
at (`<ol start>`), and a table column's alignment, which markdown-it writes as
`style="text-align:..."`: the only style kept, and only with one of its three values.
"""
import re

from markdown_it import MarkdownIt
import nh3

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}
                 ).enable(["table", "strikethrough"])

ALLOWED_TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3",
                "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong",
                "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"},
                      "th": {"align", "style"}, "td": {"align", "style"}, "code": {"class"},
                      "ol": {"start"}}
ALIGNMENT = re.compile(r"text-align:\s*(left|center|right);?\Z")
START = re.compile(r"\d{1,9}\Z")


def keep_attribute(tag, name, value):
    """The value kept for an allowed attribute, or None to drop it."""
    if name == "style":
        match = ALIGNMENT.match(value.strip())
        return f"text-align:{match.group(1)}" if match else None
    if name == "start":
        return value if START.match(value) else None
    return value


def sanitise_html(html):
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     attribute_filter=keep_attribute, filter_style_properties={"text-align"},
                     url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer nofollow")


def render_markdown(source):
    """Sanitised HTML for Markdown `source`: no script, no event handlers, no js: URLs."""
    return sanitise_html(_md.render(source or ""))
