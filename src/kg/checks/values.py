"""Data checks that need no reasoning: quotes are verbatim, numbers match their printed text.

They run on an rdflib graph holding the asserted data plus the code lists, so they work on one part file as
well as on the whole graph (``kg validate`` runs them with SHACL and the OWL 2 RL consistency check).
``check_directions`` needs the asserted graph apart from the inferred one, which SHACL (run on the union) cannot see.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF

from kg.graph.articles import Article
from kg.graph.normalise import normalise
from kg.namespaces import CANONICAL_BASE, DKG, PROV, QB, SDMX_ATTRIBUTE, SDMX_MEASURE


def check_quotes(graph: Graph, articles: dict[str, Article]) -> Iterator[str]:
    """Every dkg:quote is a verbatim substring of the text of the article its node was quoted from."""
    by_iri = {URIRef(a.iri): a for a in articles.values()}
    for node, quote in graph.subject_objects(DKG.quote):
        sources = list(graph.objects(node, PROV.wasQuotedFrom))
        if not sources:
            yield f"{node}: dkg:quote without prov:wasQuotedFrom"
            continue
        texts = [by_iri[s].text for s in sources if s in by_iri]
        if len(texts) != len(sources):
            yield f"{node}: prov:wasQuotedFrom names an unknown article {sources}"
            continue
        if not any(str(quote) in text for text in texts):
            yield f"{node}: quote not found verbatim in {[str(s) for s in sources]}: {quote!s}"


def check_values(graph: Graph) -> Iterator[str]:
    """Every observation's obsValue, unit and qualifier agree with the normaliser applied to its verbatim text."""
    for obs in graph.subjects(RDF.type, QB.Observation):
        verbatim = graph.value(obs, DKG.verbatimValue)
        value = graph.value(obs, SDMX_MEASURE.obsValue)
        unit = graph.value(obs, SDMX_ATTRIBUTE.unitMeasure)
        if verbatim is None or value is None or unit is None:
            yield f"{obs}: needs dkg:verbatimValue, sdmx-measure:obsValue and sdmx-attribute:unitMeasure"
            continue
        try:
            quantity = normalise(str(verbatim))
        except ValueError as exc:
            yield f"{obs}: {exc}"
            continue
        try:
            stored = Decimal(str(value))
        except InvalidOperation:
            yield f"{obs}: obsValue {value!r} is not a decimal"
            continue
        if stored != quantity.value:
            yield f"{obs}: obsValue {stored} but {verbatim!s} normalises to {quantity.value}"
        written = {str(w) for w in graph.objects(unit, DKG.writtenAs)}
        if quantity.unit_word not in written:
            yield f"{obs}: unit {unit} is written as {sorted(written)}, but the text has {quantity.unit_word!r}"
        qualifier = graph.value(obs, DKG.qualifier)
        expected = URIRef(CANONICAL_BASE + "def/qualifier/" + quantity.qualifier) if quantity.qualifier else None
        if qualifier != expected:
            yield f"{obs}: qualifier {qualifier} but {verbatim!s} implies {expected}"
        if isinstance(value, Literal) and value.datatype != URIRef("http://www.w3.org/2001/XMLSchema#decimal"):
            yield f"{obs}: obsValue must be xsd:decimal, is {value.datatype}"


def check_directions(asserted: Graph, ontology: Graph) -> Iterator[str]:
    """Each relation is asserted in one direction: the ontology writes each inverse pair once, ``canonical
    owl:inverseOf derived``, and the data (and its evidence nodes) use only the canonical property; the reasoner
    adds the other direction."""
    canonical = {derived: p for p, derived in ontology.subject_objects(OWL.inverseOf)}
    for derived in list(canonical):
        if derived in set(canonical.values()):
            yield f"{derived}: owl:inverseOf is written in both directions in the ontology; write the pair once"
    for s, p, o in asserted:
        if p in canonical:
            yield f"{s}: {p} is the inferred direction, assert {o} {canonical[p]} {s} instead"
    for node, p in asserted.subject_objects(RDF.predicate):
        if p in canonical:
            yield f"{node}: the evidence reifies the inferred direction {p}, reify {canonical[p]} instead"
