"""The OWL 2 RL closure (owlrl), kept apart from the asserted triples.

owlrl adds axiomatic triples about RDF/OWL itself and triples with literal subjects (which no RDF syntax can
serialise, see reference/engines.md); both are dropped, so the inferred graph holds only new facts about
the things in our data and ontology.
"""

from __future__ import annotations

import owlrl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

#: Inferred triples on these predicates are noise for readers (every class is its own subclass, and so on).
_TRIVIAL = {
    (RDFS.subClassOf, True),
    (RDFS.subPropertyOf, True),
    (OWL.equivalentClass, True),
    (OWL.equivalentProperty, True),
    (OWL.sameAs, True),
}


def infer(asserted: Graph) -> Graph:
    """Return the triples the OWL 2 RL closure adds to ``asserted`` (literal subjects and reflexive triples dropped)."""
    closure = Graph()
    for triple in asserted:
        closure.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure)
    inferred = Graph()
    for s, p, o in closure:
        if isinstance(s, Literal) or (s, p, o) in asserted:
            continue
        if s == o and (p, True) in _TRIVIAL:
            continue
        if p == RDF.type and o in (OWL.Thing, RDFS.Resource):
            continue
        if not _mentions_own_term(s, o, asserted):
            continue
        inferred.add((s, p, o))
    return inferred


def _mentions_own_term(s: URIRef | BNode, o: object, asserted: Graph) -> bool:
    """Keep only triples about subjects that occur in the input (drops owlrl's facts about rdf:/owl: built-ins)."""
    return (s, None, None) in asserted or (None, None, s) in asserted


def inconsistencies(inferred: Graph, asserted: Graph) -> list[str]:
    """OWL 2 RL error signals: members of owl:Nothing, and owlrl's own error reports."""
    problems = [f"{s} is a member of owl:Nothing" for s in inferred.subjects(RDF.type, OWL.Nothing)]
    problems += [f"{s} is a member of owl:Nothing" for s in asserted.subjects(RDF.type, OWL.Nothing)]
    error_predicate = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")
    problems += [str(o) for o in inferred.objects(None, error_predicate)]
    return problems
