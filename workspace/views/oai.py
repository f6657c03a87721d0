"""OAI-PMH 2.0 at `/oai` (DESIGN.md, "The Collection"): harvesters collect what managers
published to the public web, as `oai_dc`.

Verbs: Identify, ListMetadataFormats, ListSets (no sets), ListIdentifiers, ListRecords
(pages of `PAGE` with resumption tokens) and GetRecord; bad arguments answer the
protocol's own errors (badVerb, badArgument, cannotDisseminateFormat, idDoesNotExist,
noRecordsMatch, badResumptionToken, noSetHierarchy). Harvesters are anonymous: the view
needs no permission, and it only ever reads the library's list of public records
(content/library.py: what is public now, kept with each change), so nothing else can be
reached.
"""
import base64
from datetime import datetime, timezone
import json
import re
from xml.etree import ElementTree as ET

from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from ..content.roster import country_name
from ..content.site import Site
from ..content.vocabulary import themes_of

PAGE = 100
OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
for prefix, uri in (("", OAI), ("oai_dc", OAI_DC), ("dc", DC), ("xsi", XSI)):
    ET.register_namespace(prefix, uri)

VERBS = {  # verb: (required, optional) arguments
    "Identify": ((), ()),
    "ListMetadataFormats": ((), ("identifier",)),
    "ListSets": ((), ()),
    "ListIdentifiers": (("metadataPrefix",), ("from", "until", "set")),
    "ListRecords": (("metadataPrefix",), ("from", "until", "set")),
    "GetRecord": (("identifier", "metadataPrefix"), ()),
}
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class OAIError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


def q(ns, tag):
    return f"{{{ns}}}{tag}"


def sub(parent, ns, tag, text=None, **attrs):
    element = ET.SubElement(parent, q(ns, tag), attrs)
    if text is not None:
        element.text = str(text)
    return element


def oai_date(stamp):
    """A stored datestamp (ISO, microseconds, UTC) at the protocol's granularity."""
    return stamp[:19] + "Z"


def bound(value, end):
    """A `from`/`until` argument as a comparable stored stamp; badArgument if it is not
    a date or a UTC time at seconds."""
    if DAY.match(value):
        value = value + ("T23:59:59" if end else "T00:00:00")
    elif SECOND.match(value):
        value = value[:-1]
    else:
        raise OAIError("badArgument", f"Not a UTC datestamp: {value}")
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise OAIError("badArgument", f"Not a date: {value}")
    return value + (".999999+99" if end else "")


def encode_token(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def decode_token(token):
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if not (isinstance(data, dict) and set(data) == {"after", "from", "until"}
                and all(isinstance(v, (str, list, type(None))) for v in data.values())):
            raise ValueError(token)
        return data
    except (ValueError, TypeError, UnicodeError):
        raise OAIError("badResumptionToken", "The resumption token is not valid.")


class Harvest:
    """One OAI-PMH request over the site's library."""

    def __init__(self, request):
        self.request = request
        self.site = request.site
        self.library = self.site["library"]
        self.host = request.host.split(":")[0]
        self.themes = themes_of(self.site)

    # identifiers -----------------------------------------------------------------------
    def identifier(self, path):
        return f"oai:{self.host}:{path}"

    def path_of(self, identifier):
        prefix = f"oai:{self.host}:"
        if not identifier.startswith(prefix):
            raise OAIError("idDoesNotExist", "No such record.")
        return identifier[len(prefix):]

    def listed(self, path):
        """The library's record of a public item at `path` (kind, title, facets, words,
        changed, group id), or None: harvesting reads these, never the items."""
        return self.library.records.get(path)

    # the answer ----------------------------------------------------------------------
    def answer(self):
        request = self.request
        params = request.POST if request.method == "POST" else request.GET
        root = ET.Element(q(OAI, "OAI-PMH"))
        root.set(q(XSI, "schemaLocation"),
                 f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
        sub(root, OAI, "responseDate",
            datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
        request_el = sub(root, OAI, "request", self.request.path_url)
        try:
            verb = self.check(params)
            for key, value in params.items():
                request_el.set(key, value)
            getattr(self, verb)(root, params)
        except OAIError as exc:
            sub(root, OAI, "error", exc.message, code=exc.code)
        body = ET.tostring(root, encoding="unicode", xml_declaration=False)
        return Response('<?xml version="1.0" encoding="UTF-8"?>\n' + body,
                        content_type="text/xml", charset="utf-8")

    def check(self, params):
        verbs = params.getall("verb")
        if len(verbs) != 1 or verbs[0] not in VERBS:
            raise OAIError("badVerb", "Give one of the verbs " + ", ".join(VERBS) + ".")
        verb = verbs[0]
        required, optional = VERBS[verb]
        keys = [k for k in params.keys() if k != "verb"]
        if len(keys) != len(set(keys)):
            raise OAIError("badArgument", "An argument is repeated.")
        if "resumptionToken" in keys and verb in ("ListIdentifiers", "ListRecords"):
            if keys != ["resumptionToken"]:
                raise OAIError("badArgument", "resumptionToken is an exclusive argument.")
            return verb
        unknown = set(keys) - set(required) - set(optional)
        missing = set(required) - set(keys)
        if unknown or missing:
            raise OAIError("badArgument", "Unknown or missing arguments: " +
                           ", ".join(sorted(unknown | missing)))
        prefix = params.get("metadataPrefix")
        if prefix is not None and prefix != "oai_dc":
            raise OAIError("cannotDisseminateFormat", "Only oai_dc is offered.")
        if "set" in keys:
            raise OAIError("noSetHierarchy", "This repository has no sets.")
        return verb

    # verbs --------------------------------------------------------------------------
    def Identify(self, root, params):
        el = sub(root, OAI, "Identify")
        sub(el, OAI, "repositoryName", self.site.title)
        sub(el, OAI, "baseURL", self.request.path_url)
        sub(el, OAI, "protocolVersion", "2.0")
        sub(el, OAI, "adminEmail", self.request.registry.settings.get(
            "workspace.admin_email", f"admin@{self.host}"))
        first = self.library.changes.minKey() if len(self.library.changes) else None
        sub(el, OAI, "earliestDatestamp", oai_date(first[0]) if first else
            "1970-01-01T00:00:00Z")
        sub(el, OAI, "deletedRecord", "transient")
        sub(el, OAI, "granularity", "YYYY-MM-DDThh:mm:ssZ")

    def ListMetadataFormats(self, root, params):
        if "identifier" in params and self.public_stamp(
                self.path_of(params["identifier"])) is None:
            raise OAIError("idDoesNotExist", "No such record.")
        el = sub(sub(root, OAI, "ListMetadataFormats"), OAI, "metadataFormat")
        sub(el, OAI, "metadataPrefix", "oai_dc")
        sub(el, OAI, "schema", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
        sub(el, OAI, "metadataNamespace", OAI_DC)

    def ListSets(self, root, params):
        raise OAIError("noSetHierarchy", "This repository has no sets.")

    def ListIdentifiers(self, root, params):
        self.listing(root, params, "ListIdentifiers", records=False)

    def ListRecords(self, root, params):
        self.listing(root, params, "ListRecords", records=True)

    def GetRecord(self, root, params):
        path = self.path_of(params["identifier"])
        stamp = self.public_stamp(path)
        if stamp is None:
            raise OAIError("idDoesNotExist", "No such record.")
        self.record(sub(root, OAI, "GetRecord"), stamp, path, True, records=True)

    # listing -------------------------------------------------------------------------
    def public_stamp(self, path):
        stamp = self.library.public.get(path)
        return stamp if stamp is not None and self.listed(path) is not None else None

    def listing(self, root, params, verb, records):
        if "resumptionToken" in params:
            state = decode_token(params["resumptionToken"])
        else:
            state = {"after": None,
                     "from": bound(params["from"], False) if "from" in params else None,
                     "until": bound(params["until"], True) if "until" in params else None}
            if state["from"] and state["until"] and state["from"] > state["until"]:
                raise OAIError("badArgument", "from is after until.")
        low = tuple(state["after"]) if state["after"] else (state["from"] or "", "")
        keys = self.library.changes.keys(min=low, excludemin=bool(state["after"]))
        out, last, more = None, None, False
        for key in keys:
            if state["until"] and key[0] > state["until"]:
                break
            if out is None:
                out = sub(root, OAI, verb)
            if last is not None and sum(1 for _ in out) >= PAGE:
                more = True
                break
            self.record(out, key[0], key[1], self.library.changes[key], records)
            last = key
        if out is None:
            if state["after"]:
                out = sub(root, OAI, verb)
            else:
                raise OAIError("noRecordsMatch", "No records match.")
        if more or state["after"]:
            token = encode_token(dict(state, after=list(last))) if more else ""
            sub(out, OAI, "resumptionToken", token)

    def record(self, parent, stamp, path, public, records):
        listed = self.listed(path) if public else None
        target = sub(parent, OAI, "record") if records else parent
        header = sub(target, OAI, "header", **({} if listed is not None else
                                               {"status": "deleted"}))
        sub(header, OAI, "identifier", self.identifier(path))
        sub(header, OAI, "datestamp", oai_date(stamp))
        if records and listed is not None:
            self.dublin_core(sub(target, OAI, "metadata"), path, listed[1], listed[2])

    def dublin_core(self, parent, path, title, fields):
        dc = sub(parent, OAI_DC, "dc")
        dc.set(q(XSI, "schemaLocation"),
               f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
        themes = self.themes
        sub(dc, DC, "title", title)
        for author in fields.get("authors") or ():
            sub(dc, DC, "creator", author)
        for theme in fields.get("themes") or ():
            sub(dc, DC, "subject", themes.label(theme))
        if fields.get("abstract"):
            sub(dc, DC, "description", fields["abstract"])
        if fields.get("publisher"):
            sub(dc, DC, "publisher", fields["publisher"])
        if fields.get("year"):
            sub(dc, DC, "date", fields["year"])
        sub(dc, DC, "type", fields["type"])
        sub(dc, DC, "identifier", self.request.application_url + path + "/")
        if fields.get("url"):
            sub(dc, DC, "identifier", fields["url"])
        for code in fields.get("languages") or ():
            sub(dc, DC, "language", code)
        for code in fields.get("countries") or ():
            sub(dc, DC, "coverage", country_name(code))
        if fields.get("licence"):
            sub(dc, DC, "rights", fields["licence"])


@view_config(context=Site, name="oai", request_method=("GET", "POST"),
             permission=NO_PERMISSION_REQUIRED, require_csrf=False)
def oai(context, request):
    """The OAI-PMH endpoint (harvesters may GET or POST a form; nothing changes)."""
    return Harvest(request).answer()
