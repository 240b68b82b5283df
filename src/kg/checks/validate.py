"""``kg validate``: every check that makes the data trustworthy, returning problems instead of printing them.

1. SHACL shapes (ontology/shapes.ttl, pySHACL) over ontology + data + the OWL 2 RL inferences;
2. every dkg:quote is verbatim in its article (kg.checks.check_quotes);
3. every observation's value agrees with the tested normaliser (kg.checks.check_values);
4. every relation is asserted in its one canonical direction (kg.checks.check_directions);
5. the OWL 2 RL closure is consistent (kg.reason.inconsistencies).
"""

from __future__ import annotations

from rdflib import Graph, URIRef

from kg.checks.values import check_directions, check_quotes, check_values
from kg.config import Settings
from kg.graph.articles import load_articles
from kg.graph.build import reasoned_dataset
from kg.graph.load import union_graph
from kg.graph.reason import inconsistencies
from kg.namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY
from kg.queries import query


def shacl_problems(data: Graph, shapes: Graph) -> list[str]:
    """Run pySHACL and return one line per violation (focus node, path, message)."""
    from pyshacl import validate as shacl_validate

    conforms, report, _ = shacl_validate(data, shacl_graph=shapes, inference="none", advanced=True)
    if conforms:
        return []
    rows = report.query(query("shacl_violations"))
    return [f"SHACL {row.focus} {row.path or ''}: {row.message or ''}".strip() for row in rows]


def validate_all(settings: Settings) -> list[str]:
    """All problems found in the graph; an empty list means it conforms."""
    dataset = reasoned_dataset(settings)
    inferred = dataset.graph(URIRef(GRAPH_INFERRED))
    everything = union_graph(dataset)
    asserted_and_ontology = union_graph(dataset, exclude=(GRAPH_INFERRED,))
    shapes = Graph().parse(settings.ontology_dir / "shapes.ttl", format="turtle")
    problems = shacl_problems(everything, shapes)
    problems += list(check_quotes(everything, load_articles(settings.articles_dir)))
    problems += list(check_values(everything))
    problems += list(check_directions(dataset.graph(URIRef(GRAPH_ASSERTED)), dataset.graph(URIRef(GRAPH_ONTOLOGY))))
    problems += inconsistencies(inferred, asserted_and_ontology)
    return problems
