"""Load + reason + cache: the one step between the files and any store.

The cached N-Quads file holds every named graph (ontology, asserted, links, inferred) under the canonical
base. It is keyed on a SHA-256 of the input files' content, so start-up after the first build only parses it
(pyoxigraph parses N-Quads 10–17× faster than rdflib, reference/engines.md) and an edit to any input rebuilds.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from rdflib import Dataset, URIRef

from kg.config import Settings
from kg.graph.load import article_files, load_dataset, source_files, union_graph
from kg.graph.reason import infer
from kg.namespaces import GRAPH_INFERRED, GRAPH_LINKS

#: Bump when reason.py changes what it derives, so old caches are not reused.
REASONER_VERSION = "3"


def input_digest(settings: Settings) -> str:
    """SHA-256 over the reasoner version and every input file's name and bytes."""
    digest = hashlib.sha256(REASONER_VERSION.encode())
    for graph_iri, paths in source_files(settings).items():
        digest.update(graph_iri.encode())
        for path in paths:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for path in article_files(settings):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def cached_path(settings: Settings) -> Path:
    """Where the closure for the current inputs lives (it may not exist yet)."""
    return settings.cache_dir / f"dataset-{input_digest(settings)[:16]}.nq"


def build_dataset(settings: Settings, *, force: bool = False) -> Path:
    """Return the N-Quads file of the reasoned dataset, computing and caching it if needed."""
    target = cached_path(settings)
    if target.exists() and not force:
        return target
    dataset = build_reasoned(settings)
    settings.cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    dataset.serialize(tmp, format="nquads", encoding="utf-8")
    tmp.replace(target)
    return target


def reasoned_dataset(settings: Settings) -> Dataset:
    """The reasoned dataset as an rdflib Dataset, read from the cache (built first if needed)."""
    dataset = Dataset()
    dataset.parse(build_dataset(settings), format="nquads")
    return dataset


def build_reasoned(settings: Settings) -> Dataset:
    """Parse the inputs and add the inferred named graph."""
    dataset = load_dataset(settings)
    inferred_graph = dataset.graph(URIRef(GRAPH_INFERRED))
    # The links graph is left out of reasoning: it must stay droppable, and owl:sameAs would copy every fact
    # about a place onto its Wikidata IRI (OWL 2 RL eq-rep-*), doubling the graph for no reader's benefit.
    reasoned_over = union_graph(dataset, exclude=(GRAPH_LINKS,))
    for triple in infer(reasoned_over):
        inferred_graph.add(triple)
    return dataset
