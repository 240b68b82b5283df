"""Namespaces and the one prefix map used by data, queries, pages and the query editor."""

from __future__ import annotations

import re

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, QB, RDF, RDFS, SDO, SKOS, TIME, VOID, XSD

#: The canonical base every file in ontology/, data/ and queries/ is written against, and the base of every IRI the
#: service publishes (store, dumps, CSV, VoID), whatever host serves it. ``Settings.canonical_base`` (from
#: ``KG_CANONICAL_BASE``) may move the data to another base at build time; the vocabulary moves with it.
CANONICAL_BASE = "https://w3id.org/dalian-kg/"

DKG = Namespace(CANONICAL_BASE + "def/ontology#")
SCHEMA = Namespace("http://schema.org/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")

ONTOLOGY_IRI = CANONICAL_BASE + "def/ontology"
DATASET_IRI = CANONICAL_BASE + "data/livelihood-14fyp"

#: Named graphs of the store (see docs/design.md).
GRAPH_ONTOLOGY = CANONICAL_BASE + "data/ontology"
GRAPH_ASSERTED = CANONICAL_BASE + "data/asserted"
GRAPH_LINKS = CANONICAL_BASE + "data/links"
GRAPH_INFERRED = CANONICAL_BASE + "data/inferred"

_ = (DCAT, DCTERMS, FOAF, ORG, OWL, PROV, QB, RDF, RDFS, SDO, SKOS, TIME, VOID, XSD)

#: Standard prefixes; the project's own are added by :func:`prefixes_for` for a given base.
STANDARD_PREFIXES: dict[str, str] = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "prov": str(PROV),
    "org": str(ORG),
    "adms": "http://www.w3.org/ns/adms#",  # adms:identifier, the codes of the graph's code lists (Neusoft's stock code)
    "qb": str(QB),
    "time": "http://www.w3.org/2006/time#",
    "schema": str(SCHEMA),
    "foaf": str(FOAF),
    "void": str(VOID),
    "dcat": str(DCAT),
    "sd": str(SD),
    "sdmx-dimension": str(SDMX_DIMENSION),
    "sdmx-measure": str(SDMX_MEASURE),
    "sdmx-attribute": str(SDMX_ATTRIBUTE),
    "wd": str(WD),
    "wdt": str(WDT),
}

#: The project's own prefixes, relative to the base.
OWN_PREFIXES: dict[str, str] = {
    "dkg": "def/ontology#",
    "ind": "def/indicator/",
    "unit": "def/unit/",
    "kind": "def/value-kind/",
    "qual": "def/qualifier/",
    "obs": "id/obs/",
    "orgs": "id/org/",
    "person": "id/person/",
    "program": "id/program/",
    "article": "id/article/",
    "period": "id/period/",
    "division": "id/division/",
    "place": "id/place/",
    "product": "id/product/",
    "award": "id/award/",
    "event": "id/event/",
    "initiative": "id/initiative/",
    "area": "def/policy-area/",
    "interp": "def/interpretation/",
    "segment": "def/market-segment/",
    "dkgtext": "def/text#",  # the endpoint's full-text extension (kg.sparql.textquery), not a data vocabulary
}


def prefixes_for(base: str = CANONICAL_BASE) -> dict[str, str]:
    """Return the full prefix map with the project's prefixes under ``base``.

    >>> prefixes_for("http://localhost:5000/")["orgs"]
    'http://localhost:5000/id/org/'
    """
    return {**{name: base + path for name, path in OWN_PREFIXES.items()}, **STANDARD_PREFIXES}


def rebase(iri: str, base: str) -> str:
    """Move an IRI from the canonical base to ``base``; other IRIs are returned unchanged.

    >>> rebase("https://w3id.org/dalian-kg/id/org/neusoft", "http://127.0.0.1:5000/")
    'http://127.0.0.1:5000/id/org/neusoft'
    >>> rebase("http://www.wikidata.org/entity/Q74881", "http://127.0.0.1:5000/")
    'http://www.wikidata.org/entity/Q74881'
    """
    if iri.startswith(CANONICAL_BASE):
        return base + iri[len(CANONICAL_BASE) :]
    return iri


def sparql_prologue(base: str = CANONICAL_BASE) -> str:
    """PREFIX lines for every prefix, for query editors and generated queries."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes_for(base).items())


def rebase_bytes(data: bytes, base: str) -> bytes:
    """Move every ``<canonical…>`` IRI of an N-Triples/N-Quads document to ``base``.

    >>> rebase_bytes(b'<https://w3id.org/dalian-kg/id/x> <http://p> "a" .', "http://h/")
    b'<http://h/id/x> <http://p> "a" .'
    """
    if base == CANONICAL_BASE:
        return data
    return data.replace(b"<" + CANONICAL_BASE.encode(), b"<" + base.encode())


def compact(iri: str, prefixes: dict[str, str]) -> str | None:
    """The prefixed name of ``iri`` under the longest matching namespace, or None.

    >>> compact("http://x/id/org/neusoft", {"orgs": "http://x/id/org/", "x": "http://x/"})
    'orgs:neusoft'
    """
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return None
    name = next(n for n, ns in prefixes.items() if ns == best)
    local = iri[len(best) :]
    return f"{name}:{local}" if re.fullmatch(r"[\w.-]*", local) else None
