"""OAI-PMH at /oai: the six verbs, resumption tokens, the protocol's errors, deleted
records, and leak probes: nothing but what is on the public web is ever harvested."""
from xml.etree import ElementTree as ET

import pytest

from workspace.views import oai as oai_module

NS = {"o": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/"}
OPEN = "/api/groups/commons/collection"
SECRET = "/api/groups/secret/collection"


def harvest(cast, query, who="anonymous"):
    response = cast.api[who].get(f"/oai?{query}")
    assert response.content_type == "text/xml"
    return ET.fromstring(response.body)


def error_code(tree):
    error = tree.find("o:error", NS)
    return error.get("code") if error is not None else None


@pytest.fixture
def records(cast, site):
    site.add_group("commons", "open", {"manager": "manager", "member": "member"})
    for n in range(5):
        cast.api["manager"].post_json(OPEN, {
            "id": f"r{n}", "title": f"Public record {n}", "type": "guide",
            "authors": ["A. Okafor"], "countries": ["ke"], "abstract": "Openly shared"})
        cast.api["manager"].post_json(f"{OPEN}/r{n}/publish", {"public": True})
    cast.api["manager"].post_json(OPEN, {"id": "unpublished", "title": "Vellichor draft"})
    cast.api["member"].post_json(SECRET, {"id": "hidden", "title": "Sonder secret"})
    return 5


def test_identify_and_metadata_formats(cast, records):
    tree = harvest(cast, "verb=Identify")
    assert tree.find("o:Identify/o:protocolVersion", NS).text == "2.0"
    assert tree.find("o:Identify/o:granularity", NS).text == "YYYY-MM-DDThh:mm:ssZ"
    tree = harvest(cast, "verb=ListMetadataFormats")
    assert tree.find("o:ListMetadataFormats/o:metadataFormat/o:metadataPrefix",
                     NS).text == "oai_dc"


def test_list_records_and_get_record_in_oai_dc(cast, records):
    tree = harvest(cast, "verb=ListRecords&metadataPrefix=oai_dc")
    found = tree.findall("o:ListRecords/o:record", NS)
    assert len(found) == 5
    titles = {r.find(".//dc:title", NS).text for r in found}
    assert titles == {f"Public record {n}" for n in range(5)}
    assert found[0].find(".//dc:creator", NS).text == "A. Okafor"
    assert found[0].find(".//dc:coverage", NS).text == "Kenya"
    identifier = found[0].find("o:header/o:identifier", NS).text
    one = harvest(cast, f"verb=GetRecord&metadataPrefix=oai_dc&identifier={identifier}")
    assert one.find(".//dc:title", NS).text.startswith("Public record")
    ids = harvest(cast, "verb=ListIdentifiers&metadataPrefix=oai_dc")
    assert len(ids.findall("o:ListIdentifiers/o:header", NS)) == 5


def test_resumption_tokens_page_through_every_record(cast, records, monkeypatch):
    monkeypatch.setattr(oai_module, "PAGE", 2)
    seen, query = [], "verb=ListRecords&metadataPrefix=oai_dc"
    while True:
        tree = harvest(cast, query)
        seen += [h.text for h in tree.findall(".//o:header/o:identifier", NS)]
        token = tree.find("o:ListRecords/o:resumptionToken", NS)
        if token is None or not token.text:
            break
        query = f"verb=ListRecords&resumptionToken={token.text}"
    assert len(seen) == len(set(seen)) == 5


@pytest.mark.parametrize("query,code", [
    ("verb=Dance", "badVerb"), ("", "badVerb"), ("verb=Identify&verb=Identify", "badVerb"),
    ("verb=ListRecords", "badArgument"),
    ("verb=ListRecords&metadataPrefix=marc", "cannotDisseminateFormat"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=yesterday", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2026-13-45", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&until=1990-01-01", "noRecordsMatch"),
    ("verb=ListRecords&resumptionToken=garbage", "badResumptionToken"),
    ("verb=ListRecords&resumptionToken=x&metadataPrefix=oai_dc", "badArgument"),
    ("verb=ListSets", "noSetHierarchy"),
    ("verb=ListRecords&metadataPrefix=oai_dc&set=a", "noSetHierarchy"),
    ("verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:localhost:/groups/secret/"
     "collection/hidden", "idDoesNotExist"),
    ("verb=GetRecord&metadataPrefix=oai_dc&identifier=nonsense", "idDoesNotExist"),
    ("verb=Identify&extra=1", "badArgument"),
])
def test_bad_arguments_answer_oai_errors(cast, records, query, code):
    assert error_code(harvest(cast, query)) == code


@pytest.mark.parametrize("who", ["anonymous", "member", "admin"])
def test_leak_probe_nothing_private_or_unpublished_is_harvested(cast, records, who):
    body = cast.api[who].get("/oai?verb=ListRecords&metadataPrefix=oai_dc").text
    assert "Vellichor" not in body and "Sonder" not in body and "secret" not in body
    assert "unpublished" not in body


def test_a_record_taken_off_the_web_is_harvested_as_deleted(cast, records):
    cast.api["manager"].post_json(f"{OPEN}/r0/publish", {"public": False})
    tree = harvest(cast, "verb=ListIdentifiers&metadataPrefix=oai_dc")
    deleted = [h for h in tree.findall("o:ListIdentifiers/o:header", NS)
               if h.get("status") == "deleted"]
    assert len(deleted) == 1 and deleted[0].find("o:identifier", NS).text.endswith("/r0")
    body = cast.api["anonymous"].get("/oai?verb=ListRecords&metadataPrefix=oai_dc").text
    assert "Public record 0" not in body
