"""Markdown to safe HTML, for documents, posts and anything else people write.

markdown-it-py renders (CommonMark plus tables and strikethrough, raw HTML off); nh3
then keeps only harmless tags and attributes and http(s)/mailto links, whatever was typed.
"""
from markdown_it import MarkdownIt
import nh3

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}
                 ).enable(["table", "strikethrough"])

ALLOWED_TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3",
                "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong",
                "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"},
                      "th": {"align"}, "td": {"align"}, "code": {"class"}}


def sanitise_html(html):
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")


def render_markdown(source):
    """Sanitised HTML for Markdown `source`: no script, no event handlers, no js: URLs."""
    return sanitise_html(_md.render(source or ""))
