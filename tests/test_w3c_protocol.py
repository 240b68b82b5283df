"""The W3C SPARQL 1.1 Protocol test suite, run from its manifest against a real `kg serve`.

Every test of tests/data/w3c/sparql11-protocol/protocol/manifest.ttl (vendored) becomes one pytest case. Query-side
tests must pass as written. This endpoint is read-only, so on update-side tests every update request must be
refused (4xx), and the queries that follow must answer normally and show the store unchanged (their expected
``true`` would need the refused update, so ``false`` is required).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import rdflib
import requests
from rdflib import RDF, Namespace
from rdflib.collection import Collection

MANIFEST = Path(__file__).resolve().parent / "data" / "w3c" / "sparql11-protocol" / "protocol" / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")

RESULT_TYPES = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"}
RDF_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
             "application/ld+json": "json-ld", "application/n-quads": "nquads"}


def load_tests() -> list[tuple[str, list[dict]]]:
    """(test name, [request dict]) for every manifest entry, in manifest order."""
    graph = rdflib.Graph().parse(MANIFEST, format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for test in Collection(graph, graph.value(manifest, MF.entries)):
        action = graph.value(test, MF.action)
        requests_ = []
        for req in Collection(graph, graph.value(action, HT.requests)):
            body = graph.value(req, HT.body)
            headers = {}
            header_list = graph.value(req, HT.headers)
            if header_list is not None:
                for header in Collection(graph, header_list):
                    headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
            resp = graph.value(req, HT.resp)
            boolean = graph.value(resp, MF.expectedBoolean)
            fmt = graph.value(resp, MF.expectedFormat)
            requests_.append({
                "method": str(graph.value(req, HT.methodName)),
                "path": str(graph.value(req, HT.absolutePath)),
                "headers": headers,
                "body": None if body is None else str(graph.value(body, CNT.chars)).encode(
                    str(graph.value(body, CNT.characterEncoding) or "UTF-8")),
                "statuses": {str(s).rsplit("StatusCode", 1)[1][0] for s in graph.objects(resp, MF.expectedStatus)},
                "boolean": None if boolean is None else boolean.toPython(),
                "format": None if fmt is None else str(fmt),
            })
        tests.append((str(test).rsplit("#", 1)[1], requests_))
    return tests


def is_update(req: dict) -> bool:
    """An update request: sparql-update body, or an update/using-* parameter in the URL or form body."""
    if req["headers"].get("content-type", "").startswith("application/sparql-update"):
        return True
    params = parse_qs(urlsplit(req["path"]).query)
    if req["body"] is not None and req["headers"].get("content-type") == "application/x-www-form-urlencoded":
        params.update(parse_qs(req["body"].decode("utf-8", "replace")))
    return "update" in params or any(name.startswith("using-") for name in params)


def read_boolean(response: requests.Response) -> bool:
    media_type = response.headers["Content-Type"].split(";")[0]
    if media_type == "application/sparql-results+json":
        return json.loads(response.content)["boolean"]
    assert media_type == "application/sparql-results+xml", media_type
    root = ET.fromstring(response.content)
    return root.find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"


def check_format(response: requests.Response, expected: str) -> None:
    media_type = response.headers["Content-Type"].split(";")[0]
    if expected == "boolean":
        assert media_type in ("application/sparql-results+json", "application/sparql-results+xml")
        read_boolean(response)
    elif expected == "tabular":
        assert media_type in RESULT_TYPES
    elif expected == "RDF":
        assert media_type in RDF_TYPES
        rdflib.Graph().parse(data=response.content, format=RDF_TYPES[media_type])
    else:
        pytest.fail(f"unknown expected format {expected!r}")


TESTS = load_tests()


def test_manifest_has_every_test() -> None:
    assert len(TESTS) == 34


@pytest.mark.parametrize(("name", "steps"), TESTS, ids=[name for name, _ in TESTS])
def test_protocol(w3c_server: str, name: str, steps: list[dict]) -> None:
    update_side = any(is_update(step) for step in steps)
    for step in steps:
        assert step["path"].startswith("/sparql/")
        url = w3c_server + step["path"][1:]
        response = requests.request(step["method"], url, data=step["body"], headers=step["headers"], timeout=30)
        status_class = str(response.status_code)[0]
        assert "Traceback" not in response.text
        if is_update(step):
            assert status_class == "4", (name, response.status_code, response.text)
            continue
        assert status_class in step["statuses"], (name, response.status_code, response.text)
        if step["format"]:
            check_format(response, step["format"])
        if step["boolean"] is not None:
            expected = step["boolean"] if not update_side else False  # the refused update changed nothing
            assert read_boolean(response) is expected, name
