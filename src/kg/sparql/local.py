"""``kg query``: run a SPARQL query file against the local reasoned graph, in this process.

The same guard as the endpoint applies (kg.sparql.request: no updates, no SERVICE outside the allow-list); there
is no time or row limit, since the user can stop the command. ``table`` prints a plain text table for SELECT/ASK and
Turtle for graphs; the other names are the endpoint's ``format`` names.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.config import Settings
from kg.sparql.request import prepare_query
from kg.store import Store


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


def run_local_query(store: Store, settings: Settings, query_text: str, fmt: str) -> str:
    """Run ``query_text`` on ``store`` in this process and return it serialised in ``fmt`` (see kg.cli).

    :raises KgError: the guard's refusals, a syntax error, or a format this kind of result has not (406).
    """
    request = prepare_query(query_text, settings, store=store, format_param=None if fmt == "table" else fmt,
                            local=True)
    response = store.execute(request)
    if fmt == "table" and request.form in ("SELECT", "ASK"):
        return format_table(response.body)
    return response.body.decode("utf-8")
