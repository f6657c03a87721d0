"""HTML mail as Markdown (markdownify on a cleaned tree), so that an HTML-only message
becomes a post like any other and trimming reads quotes (`>`) and signatures in it."""
import re

from bs4 import BeautifulSoup
from markdownify import markdownify

SIGNATURES = ("gmail_signature", "moz-signature", "x_signature", "signature")


def html_to_markdown(html):
    soup = BeautifulSoup(html or "", "html.parser")
    for tag in soup(["script", "style", "head", "title", "meta", "link", "img"]):
        tag.decompose()
    for tag in soup.find_all(True):
        ident = " ".join(tag.get("class", []) + [tag.get("id", "")]).lower()
        if any(name in ident.split() or ident.startswith(name) for name in SIGNATURES):
            tag.insert_before("\n-- \n")
        if tag.name == "div" and re.search(r"divRplyFwdMsg|appendonsend", ident, re.I):
            tag.insert_before("\n________________________________\n")
    text = markdownify(str(soup), heading_style="ATX", bullets="-", strip=["span", "font"])
    text = re.sub(r"[ \t\u00a0]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
