"""A cheap closure for bulk data: the few OWL 2 RL rules this ontology needs, as SPARQL Update on pyoxigraph.

owlrl's fixpoint is superlinear (about 57 s at 100 k triples here, reference/engines.md), fine for the
project's own few thousand triples (kg.graph.reason, cached) but not for large datasets served next to them.
These rules — cax-sco, cax-eqc, prp-spo1, prp-spo2 (two-step chains), prp-inv, prp-trp, prp-symp, prp-dom/rng —
run in a scratch store until nothing new appears; tests/test_rules.py checks they derive every
instance-level owlrl inference on the project's graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources

import pyoxigraph as ox

_RULES = resources.files("kg") / "queries" / "rules"
_MARK = ox.NamedNode("urn:kg:inferred")
MAX_ROUNDS = 20


def rule_texts() -> list[str]:
    """The SPARQL Update rules, in file order."""
    files = sorted((p for p in _RULES.iterdir() if p.name.endswith(".ru")), key=lambda p: p.name)
    return [p.read_text(encoding="utf-8") for p in files]


def rule_closure(triples: Iterable[ox.Triple | ox.Quad]) -> list[ox.Triple]:
    """The triples the rules add to ``triples`` (ontology axioms must be among them)."""
    scratch = ox.Store()
    scratch.bulk_extend(
        ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples
    )
    rules = rule_texts()
    size = -1
    for _ in range(MAX_ROUNDS):
        for rule in rules:
            scratch.update(rule)
        new_size = len(list(scratch.quads_for_pattern(None, None, None, _MARK)))
        if new_size == size:
            break
        size = new_size
    return [q.triple for q in scratch.quads_for_pattern(None, None, None, _MARK)]
