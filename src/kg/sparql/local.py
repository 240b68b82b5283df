"""``kg query``: run a SPARQL query file against the local reasoned graph, in this process.

The same guard as the endpoint applies (no updates, no SERVICE outside the allow-list); there is no time
or row limit, since the user can stop the command. ``table`` prints a plain text table for SELECT/ASK and
Turtle for graphs; the other names are the endpoint's ``format`` names.
"""

from __future__ import annotations

from dataclasses import replace

import pyoxigraph as ox

from kg import negotiate
from kg.config import Settings
from kg.errors import QueryError
from kg.namespaces import CANONICAL_BASE
from kg.sparql.guard import check_query
from kg.store import QueryRequest, open_store


def format_table(body: bytes) -> str:
    """SPARQL JSON results → an aligned text table (terms in N-Triples syntax), or ``true``/``false``."""
    results = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    if isinstance(results, ox.QueryBoolean):
        return f"{bool(results)}".lower() + "\n"
    names = [v.value for v in results.variables]
    rows = [["" if term is None else str(term) for term in solution] for solution in results]
    widths = [max([len(name), *(len(row[i]) for row in rows)]) for i, name in enumerate(names)]
    lines = [" | ".join(name.ljust(w) for name, w in zip(names, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})\n"


def run_local_query(settings: Settings, query_text: str, fmt: str) -> str:
    """Run ``query_text`` on the local graph and return it serialised in ``fmt`` (see kg.cli)."""
    kind = negotiate.kind_of(check_query(query_text, allowlist=settings.service_allowlist).form)
    table = fmt == "table"
    if table:
        media_type = negotiate.JSON if kind != "graph" else negotiate.TURTLE
    else:
        media_type = negotiate.format_media_type(kind, fmt)
        if media_type is None or media_type == negotiate.HTML:
            raise QueryError(f"format {fmt!r} is not available for this query")
    # locally there is no served address: keep the canonical IRIs the files and examples are written with
    store = open_store(replace(settings, store_url="", base_iri=settings.base_iri or CANONICAL_BASE))
    try:
        response = store.execute(QueryRequest(query=query_text, media_type=media_type, max_rows=0), isolated=False)
    finally:
        store.close()
    if table and kind != "graph":
        return format_table(response.body)
    return response.body.decode("utf-8")
