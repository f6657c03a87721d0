"""Citations of library records for reference managers (BibTeX, RIS, CSL-JSON) and their
schema.org description (JSON-LD), as plain functions over a record's fields."""
import json
import re

from .collection import Resource

BIBTEX_TYPES = {"publication": "book", "research": "techreport", "guide": "manual",
                "special-report": "techreport", "country-report-card": "techreport"}
RIS_TYPES = {"publication": "BOOK", "research": "RPRT", "guide": "GEN",
             "special-report": "RPRT", "country-report-card": "RPRT", "case-study": "CASE",
             "link": "ELEC", "tool": "COMP"}
SCHEMA_TYPES = {"publication": "Book", "research": "ScholarlyArticle", "guide": "HowTo",
                "tool": "SoftwareApplication", "case-study": "Article", "link": "WebPage",
                "discussion-summary": "Report"}


def record_of(item):
    """(title, fields) of a Resource or Summary, the fields a Resource's."""
    if isinstance(item, Resource):
        return item.title, item.fields
    return item.title, {"type": "discussion-summary", "authors": (), "abstract": "",
                        "year": (item.published_at or item.modified).year, "publisher": "",
                        "url": "", "licence": "", "languages": (), "countries": ()}


def _bib_escape(text):
    return re.sub(r"([{}\\%&$#_])", r"\\\1", str(text))


def bibtex(item, url):
    title, f = record_of(item)
    key = re.sub(r"[^a-z0-9]+", "", item.__name__ or "record")[:40] + str(f.get("year") or "")
    lines = [f"  title = {{{_bib_escape(title)}}}", f"  url = {{{_bib_escape(url)}}}"]
    if f.get("authors"):
        lines.append("  author = {" + " and ".join(_bib_escape(a) for a in f["authors"]) +
                     "}")
    for field, name in (("year", "year"), ("publisher", "publisher"),
                        ("abstract", "abstract")):
        if f.get(field):
            lines.append(f"  {name} = {{{_bib_escape(f[field])}}}")
    return f"@{BIBTEX_TYPES.get(f['type'], 'misc')}{{{key},\n" + ",\n".join(lines) + "\n}\n"


def ris(item, url):
    title, f = record_of(item)
    out = [f"TY  - {RIS_TYPES.get(f['type'], 'GEN')}", f"TI  - {title}"]
    out += [f"AU  - {a}" for a in f.get("authors") or ()]
    if f.get("year"):
        out.append(f"PY  - {f['year']}")
    if f.get("publisher"):
        out.append(f"PB  - {f['publisher']}")
    if f.get("abstract"):
        out.append("AB  - " + " ".join(f["abstract"].split()))
    out += [f"LA  - {code}" for code in f.get("languages") or ()]
    out += [f"UR  - {url}", "ER  - "]
    return "\r\n".join(line.replace("\n", " ") for line in out) + "\r\n"


def csl_json(item, url):
    title, f = record_of(item)
    data = {"id": item.__name__, "type": "report" if f["type"] in (
        "research", "special-report", "country-report-card", "discussion-summary")
        else "book" if f["type"] == "publication" else "document",
        "title": title, "URL": url,
        "author": [{"literal": a} for a in f.get("authors") or ()]}
    if f.get("year"):
        data["issued"] = {"date-parts": [[f["year"]]]}
    if f.get("publisher"):
        data["publisher"] = f["publisher"]
    if f.get("abstract"):
        data["abstract"] = f["abstract"]
    return json.dumps([data], ensure_ascii=False, indent=2)


def json_ld(item, url):
    """schema.org JSON-LD, safe to put in a <script> element."""
    title, f = record_of(item)
    data = {"@context": "https://schema.org",
            "@type": SCHEMA_TYPES.get(f["type"], "CreativeWork"), "name": title, "url": url}
    if f.get("abstract"):
        data["abstract"] = f["abstract"]
    if f.get("authors"):
        data["author"] = [{"@type": "Person", "name": a} for a in f["authors"]]
    if f.get("year"):
        data["datePublished"] = str(f["year"])
    if f.get("publisher"):
        data["publisher"] = {"@type": "Organization", "name": f["publisher"]}
    if f.get("licence"):
        data["license"] = f["licence"]
    if f.get("languages"):
        data["inLanguage"] = list(f["languages"])
    if f.get("countries"):
        data["spatialCoverage"] = [{"@type": "Country", "identifier": c.upper()}
                                   for c in f["countries"]]
    found = item.file if isinstance(item, Resource) else None
    if found is not None:
        data["encoding"] = {"@type": "MediaObject", "name": found.filename,
                            "encodingFormat": found.content_type,
                            "contentSize": str(found.size),
                            "contentUrl": url.rstrip("/") + "/@@download"}
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


FORMATS = {"bibtex": (bibtex, "application/x-bibtex", "bib"),
           "ris": (ris, "application/x-research-info-systems", "ris"),
           "csl": (csl_json, "application/vnd.citationstyles.csl+json", "json")}
