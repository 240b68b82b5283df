"""Files → an rdflib Dataset whose named graphs keep ontology, asserted data and links apart."""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from kg.config import Settings
from kg.namespaces import GRAPH_ASSERTED, GRAPH_LINKS, GRAPH_ONTOLOGY


def source_files(settings: Settings) -> dict[str, list[Path]]:
    """The input files of each named graph, in a stable order (the closure cache is keyed on their content)."""
    root = settings.root
    ontology = [p for p in sorted((root / "ontology").glob("*.ttl")) if p.name != "shapes.ttl"]
    asserted = [root / "data" / "triples.ttl"]
    links = [p for p in [root / "data" / "links.ttl"] if p.exists()]
    return {GRAPH_ONTOLOGY: ontology, GRAPH_ASSERTED: asserted, GRAPH_LINKS: links}


def load_dataset(settings: Settings) -> Dataset:
    """Parse every input file into its named graph."""
    dataset = Dataset()
    for graph_iri, paths in source_files(settings).items():
        graph = dataset.graph(URIRef(graph_iri))
        for path in paths:
            graph.parse(path, format="turtle")
    return dataset


def union_graph(dataset: Dataset, *, exclude: tuple[str, ...] = ()) -> Graph:
    """All triples of the named graphs but ``exclude`` in one plain Graph (what the reasoner and SHACL see)."""
    union = Graph()
    for prefix, namespace in dataset.namespaces():
        union.bind(prefix, namespace, override=False)
    skipped = {URIRef(iri) for iri in exclude}
    for s, p, o, g in dataset.quads((None, None, None, None)):
        if g not in skipped and getattr(g, "identifier", g) not in skipped:
            union.add((s, p, o))
    return union
