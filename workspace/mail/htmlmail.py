"""HTML mail as Markdown (markdownify on a cleaned tree), so that an HTML-only message
becomes a post like any other and trimming reads quotes (`>`) and signatures in it.

Anyone may send HTML, so the work is bounded: past MAX_HTML characters the tags are
only stripped (one regex pass; parsing and converting cost about 12 µs a character),
and below MAX_DEPTH levels of nesting an element becomes its text (markdownify recurses
once or twice per level and stops with RecursionError near 500)."""
import html as htmllib
import re

from bs4 import BeautifulSoup
from markdownify import MarkdownConverter

SIGNATURES = ("gmail_signature", "moz-signature", "x_signature", "signature")
MAX_HTML = 200_000
MAX_DEPTH = 60
TAG = re.compile(r"<[^<>]*>")  # no `<` inside, so each try stops at the next one


def html_to_markdown(html):
    html = html or ""
    if len(html) > MAX_HTML:
        return tidy(htmllib.unescape(TAG.sub(" ", html)))
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "head", "title", "meta", "link", "img"]):
        tag.decompose()
    flatten_deep(soup)
    for tag in soup.find_all(True):
        ident = " ".join(tag.get("class", []) + [tag.get("id", "")]).lower()
        if any(name in ident.split() or ident.startswith(name) for name in SIGNATURES):
            tag.insert_before("\n-- \n")
        if tag.name == "div" and re.search(r"divRplyFwdMsg|appendonsend", ident, re.I):
            tag.insert_before("\n________________________________\n")
    converter = MarkdownConverter(heading_style="ATX", bullets="-", strip=["span", "font"])
    return tidy(converter.convert_soup(soup))


def flatten_deep(soup):
    """Elements MAX_DEPTH levels down hold only their text (read without recursion)."""
    depth = {id(soup): 0}
    deep = []
    for tag in soup.find_all(True):
        level = depth.get(id(tag.parent), 0) + 1
        depth[id(tag)] = level
        if level == MAX_DEPTH and tag.find(True) is not None:
            deep.append(tag)
    for tag in deep:
        tag.string = tag.get_text(" ")


def tidy(text):
    """No spaces at line ends (by line: a regex on a long run of spaces is quadratic),
    at most one blank line in a row."""
    text = "\n".join(line.rstrip(" \t\u00a0") for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
