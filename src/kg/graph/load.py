"""Files → an rdflib Dataset whose named graphs keep ontology, asserted data and links apart."""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef

from kg.config import Settings
from kg.graph.articles import load_articles
from kg.namespaces import GRAPH_ASSERTED, GRAPH_LINKS, GRAPH_ONTOLOGY, SCHEMA


def source_files(settings: Settings) -> dict[str, list[Path]]:
    """The input files of each named graph, in a stable order (the closure cache is keyed on their content)."""
    ontology = [p for p in sorted(settings.ontology_dir.glob("*.ttl")) if p.name != "shapes.ttl"]
    asserted = [settings.data_dir / "triples.ttl"]
    links = [p for p in [settings.data_dir / "links.ttl"] if p.exists()]
    return {GRAPH_ONTOLOGY: ontology, GRAPH_ASSERTED: asserted, GRAPH_LINKS: links}


def article_files(settings: Settings) -> list[Path]:
    """The source page's article files (their text is part of the data: ``schema:articleBody``)."""
    return sorted(settings.articles_dir.glob("*.txt"))


def load_dataset(settings: Settings) -> Dataset:
    """Parse every input file into its named graph, and add each article's text as printed to the asserted graph.

    With the text in the graph, every quote can be checked against its source by anyone holding a dump, and pages
    read articles from the store like everything else.
    """
    dataset = Dataset()
    for graph_iri, paths in source_files(settings).items():
        graph = dataset.graph(URIRef(graph_iri))
        for path in paths:
            graph.parse(path, format="turtle")
    asserted = dataset.graph(URIRef(GRAPH_ASSERTED))
    for article in load_articles(settings.articles_dir).values():
        asserted.add((URIRef(article.iri), SCHEMA.articleBody, Literal(article.body, lang="zh")))
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
