"""The W3C RDF Data Cube integrity constraints (IC-1 … IC-21), run as the spec writes them: SPARQL ASK.

The spec's checks assume a *normalised* cube (§10.2), so the data is copied into a scratch pyoxigraph store,
normalised with the spec's two SPARQL Update phases, and then every IC query runs; an ASK that returns true
means the constraint is violated. The queries live in ``kg/queries/datacube/``.
"""

from __future__ import annotations

import re
from importlib import resources

import pyoxigraph as ox

_QUERIES = resources.files("kg") / "queries" / "datacube"
_PCP_PLACEHOLDER = "<http://example.org/pcp>"
_SAFE_IRI = re.compile(r"^[^<>\"{}|^`\\\x00-\x20]+$")


def _read(name: str) -> str:
    return (_QUERIES / name).read_text(encoding="utf-8")


def normalised_copy(quads: ox.Store | list[ox.Quad]) -> ox.Store:
    """A scratch store with every triple in its default graph, normalised per Data Cube §10.2."""
    scratch = ox.Store()
    source = quads.quads_for_pattern(None, None, None, None) if isinstance(quads, ox.Store) else quads
    scratch.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in source)
    scratch.update(_read("normalise-phase1.ru"))
    scratch.update(_read("normalise-phase2.ru"))
    return scratch


def integrity_violations(store: ox.Store) -> dict[str, bool]:
    """Run every IC on a normalised store; the value is True where the constraint is violated."""
    results: dict[str, bool] = {}
    for path in sorted(p for p in _QUERIES.iterdir() if re.fullmatch(r"ic-\d\d[ab]?\.rq", p.name)):
        name = path.name.removesuffix(".rq").upper()
        text = path.read_text(encoding="utf-8")
        if _PCP_PLACEHOLDER in text:
            queries = (text.replace(_PCP_PLACEHOLDER, f"<{pcp}>") for pcp in _hierarchy_properties(store))
            results[name] = any(bool(store.query(query)) for query in queries)
        else:
            results[name] = bool(store.query(text))
    return results


def _hierarchy_properties(store: ox.Store) -> list[str]:
    """Parent-child properties of the hierarchical code lists (IRIs from the data, checked before use)."""
    rows = store.query(_read("hierarchical-lists.rq"))
    return [row["pcp"].value for row in rows if _SAFE_IRI.match(row["pcp"].value)]
