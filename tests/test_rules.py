"""The cheap SPARQL-rule closure (for bulk data) derives every instance-level inference owlrl derives here."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.config import Settings
from kg.graph.build import build_dataset
from kg.graph.rules import rule_closure
from kg.namespaces import GRAPH_INFERRED, GRAPH_LINKS, GRAPH_ONTOLOGY

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
#: Schema-level (TBox) entailments — owlrl's scm-* rules — which the bulk closure deliberately leaves out.
SCHEMA_PREDICATES = {
    f"http://www.w3.org/2000/01/rdf-schema#{name}" for name in ("subClassOf", "subPropertyOf", "domain", "range")
} | {f"http://www.w3.org/2002/07/owl#{name}" for name in ("equivalentClass", "equivalentProperty")}


#: owlrl also types the W3C built-ins it meets (rdf:langString a rdfs:Datatype): not facts about our data.
BUILT_IN_VOCABULARIES = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2001/XMLSchema#")


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(build_dataset(Settings.from_env())), format=ox.RdfFormat.N_QUADS)
    return store


def test_rules_cover_owlrl_on_instances(store):
    inferred, links, ontology = (ox.NamedNode(g) for g in (GRAPH_INFERRED, GRAPH_LINKS, GRAPH_ONTOLOGY))
    base = [q for q in store.quads_for_pattern(None, None, None, None) if q.graph_name not in (inferred, links)]
    ontology_terms = {q.subject for q in store.quads_for_pattern(None, None, None, ontology)}
    owlrl_instances = {
        q.triple
        for q in store.quads_for_pattern(None, None, None, inferred)
        if q.predicate.value not in SCHEMA_PREDICATES
        and q.subject not in ontology_terms
        and not q.subject.value.startswith(BUILT_IN_VOCABULARIES)
    }
    derived = set(rule_closure(base))
    assert len(owlrl_instances) > 1000
    assert owlrl_instances - derived == set()


def test_rules_reach_a_fixpoint_on_a_transitive_chain():
    data = """
    @prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix : <http://example.org/> .
    :in a owl:TransitiveProperty . :partOf rdfs:subPropertyOf :in . :in owl:inverseOf :contains .
    :a :partOf :b . :b :partOf :c . :c :partOf :d .
    """
    derived = set(rule_closure(ox.parse(data.encode(), format=ox.RdfFormat.TURTLE)))
    ex = "http://example.org/"
    assert ox.Triple(ox.NamedNode(ex + "a"), ox.NamedNode(ex + "in"), ox.NamedNode(ex + "d")) in derived
    assert ox.Triple(ox.NamedNode(ex + "d"), ox.NamedNode(ex + "contains"), ox.NamedNode(ex + "a")) in derived
