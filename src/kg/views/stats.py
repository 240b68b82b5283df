"""``kg stats``: what is in the graph, counted from the built store (the queries are in ``kg/queries/stats_*.rq``)."""

from __future__ import annotations

from kg.namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_LINKS, GRAPH_ONTOLOGY, compact, prefixes_for, rebase
from kg.queries import query
from kg.store import Store

#: Short names of the named graphs (under the canonical base).
GRAPH_NAMES = {GRAPH_ASSERTED: "asserted", GRAPH_INFERRED: "inferred", GRAPH_LINKS: "links",
               GRAPH_ONTOLOGY: "ontology", GRAPH_ASSERTED.rsplit("/", 1)[0] + "/catalog": "catalog"}


def collect_stats(store: Store) -> dict[str, list[tuple[str, int]]]:
    """Counts by named graph, by class and by responsible organisation."""
    base = store.base
    names = {rebase(iri, base): name for iri, name in GRAPH_NAMES.items()}
    graphs = [(names.get(r["g"].value, r["g"].value), int(r["triples"].value))
              for r in store.select(query("sd_graph_sizes", base))]
    prefixes = prefixes_for(base)
    classes = [(compact(r["class"].value, prefixes) or r["class"].value, int(r["n"].value))
               for r in store.select(query("stats_entities_per_class", base))]
    per_org = [(r["name"].value if "name" in r else r["org"].value, int(r["n"].value))
               for r in store.select(query("stats_observations_per_org", base))]
    return {
        "triples per graph": sorted(graphs),
        "entities per class": classes,
        "observations per organisation": per_org,
    }


def format_stats(store: Store) -> str:
    """The counts as aligned text tables."""
    lines: list[str] = []
    for title, rows in collect_stats(store).items():
        lines.append(title)
        width = max((len(name) for name, _ in rows), default=0)
        lines.extend(f"  {name.ljust(width)}  {count:>7}" for name, count in rows)
        if title == "triples per graph":
            lines.append(f"  {'total'.ljust(width)}  {sum(count for _, count in rows):>7}")
    return "\n".join(lines)
