"""/reconcile against a real `kg serve`: every answer validates against the W3C Reconciliation API 0.2 JSON
Schemas (vendored in tests/data/reconciliation-api, W3C licence), and a batch of names as a spreadsheet sends
them (full names, short forms, English, pinyin, typos) finds the right entities."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from kg.namespaces import CANONICAL_BASE

SCHEMAS = Path(__file__).resolve().parent / "data" / "reconciliation-api" / "0.2" / "schemas"


@pytest.fixture(scope="module")
def validators() -> dict[str, Draft7Validator]:
    docs = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS.glob("*.json")}
    registry = Registry().with_resources(
        (doc["$id"], Resource.from_contents(doc, default_specification=DRAFT7))
        for doc in docs.values() if "$id" in doc)
    return {name: Draft7Validator(doc, registry=registry) for name, doc in docs.items()}


def check(validators, schema: str, value) -> None:
    errors = [e.message for e in validators[schema].iter_errors(value)]
    assert errors == [], (schema, errors[:3])


def test_manifest_validates(embedded_server, validators):
    manifest = requests.get(embedded_server + "reconcile", timeout=30).json()
    check(validators, "manifest", manifest)
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == CANONICAL_BASE + "id/"


#: (name as typed in a spreadsheet, the entity it must find first)
BATCH = [
    ("东软集团", "id/org/neusoft"),
    ("东软", "id/org/neusoft"),
    ("Neusoft", "id/org/neusoft"),
    ("dongruan", "id/org/neusoft"),
    ("Nuesoft Corporation", "id/org/neusoft"),
    ("大连理工大学", "id/org/dlut"),
    ("Dalian University of Technology", "id/org/dlut"),
    ("大连市民政局", "id/org/dalian-civil-affairs-bureau"),
    ("教育部", "id/org/ministry-of-education"),
    ("Xidian University", "id/org/xidian-university"),
    ("大连市", "id/division/210200"),
]


def test_a_spreadsheet_batch_finds_the_right_entities(embedded_server, validators):
    queries = {f"q{i}": {"query": name} for i, (name, _) in enumerate(BATCH)}
    answer = requests.post(embedded_server + "reconcile", data={"queries": json.dumps(queries)}, timeout=30).json()
    check(validators, "reconciliation-result-batch", answer)
    for i, (name, expected) in enumerate(BATCH):
        result = answer[f"q{i}"]["result"]
        assert result, name
        assert result[0]["id"] == CANONICAL_BASE + expected, (name, result[:2])


def test_type_constraint_and_exact_match(embedded_server, validators):
    agency = CANONICAL_BASE + "def/ontology#GovernmentAgency"
    queries = {"q0": {"query": "大连市卫生健康委员会", "type": agency, "limit": 3}}
    answer = requests.get(embedded_server + "reconcile", params={"queries": json.dumps(queries)}, timeout=30).json()
    check(validators, "reconciliation-result-batch", answer)
    result = answer["q0"]["result"]
    constrained = {"q0": {"query": "东软", "properties": [{"pid": "http://www.w3.org/2000/01/rdf-schema#label",
                                                             "v": "东软集团"}]}}
    scored = requests.post(embedded_server + "reconcile", data={"queries": json.dumps(constrained)}, timeout=30)
    assert scored.status_code == 200, scored.text
    check(validators, "reconciliation-result-batch", scored.json())
    assert scored.json()["q0"]["result"][0]["id"] == CANONICAL_BASE + "id/org/neusoft"
    assert all(agency in [ty["id"] for ty in c["type"]] for c in result)
    assert result[0]["match"] is True


def test_suggest_preview_and_bad_json(embedded_server, validators):
    suggest = requests.get(embedded_server + "reconcile/suggest/entity", params={"prefix": "东软"}, timeout=30).json()
    check(validators, "suggest-entities-response", suggest)
    assert suggest["result"]
    types = requests.get(embedded_server + "reconcile/suggest/type", params={"prefix": "agency"}, timeout=30).json()
    check(validators, "suggest-types-response", types)
    props = requests.get(embedded_server + "reconcile/suggest/property", params={"prefix": "run"}, timeout=30).json()
    check(validators, "suggest-properties-response", props)
    card = requests.get(embedded_server + "reconcile/preview", params={"id": CANONICAL_BASE + "id/org/neusoft"},
                        timeout=30)
    assert card.status_code == 200 and "东软" in card.text
    bad = requests.get(embedded_server + "reconcile", params={"queries": "{not json"}, timeout=30)
    assert bad.status_code == 400 and "JSON" in bad.text


def test_data_extension_fetches_indicator_values(embedded_server, validators):
    agency = CANONICAL_BASE + "id/org/dalian-civil-affairs-bureau"
    proposal = requests.get(embedded_server + "reconcile/propose_properties",
                            params={"type": CANONICAL_BASE + "def/ontology#GovernmentAgency"}, timeout=30).json()
    check(validators, "data-extension-property-proposal", proposal)
    indicator = CANONICAL_BASE + "def/indicator/urban-minimum-living-standard"
    extend = {"ids": [agency], "properties": [{"id": indicator}]}
    answer = requests.post(embedded_server + "reconcile", data={"extend": json.dumps(extend)}, timeout=30).json()
    check(validators, "data-extension-response", answer)
    values = sorted(cell["float"] for cell in answer["rows"][agency][indicator])
    assert values == [750.0, 972.0] or {750.0, 972.0} <= set(values), values
