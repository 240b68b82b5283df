"""Query text sent to Virtuoso rewritten where Virtuoso would answer wrongly (measured in tests/test_remote_store.py).

Virtuoso 7.2 gets two kinds of query wrong: it answers ``true`` (or counts a row) for a pattern without projected
variables that has no solution — ``ASK { VALUES ?x { 1 } FILTER(?x = 2) }`` — and, when the dataset's named graphs
are given, it matches a ground pattern inside ``GRAPH <g>`` for a graph ``g`` that is not among them. So:

* an ASK is sent as ``SELECT ?kg_ask WHERE { … BIND(1 AS ?kg_ask) }`` with ``maxrows=1``: true when a row comes back;
* ``COUNT(*)`` in the outer SELECT is sent as ``COUNT(?kg_one)`` with ``BIND(1 AS ?kg_one)`` (Virtuoso counts one
  solution of a pattern it finds empty; ``COUNT`` of a variable bound in every solution is the same number);
* ``GRAPH <g> {`` for a ``g`` outside the named graphs is sent as ``GRAPH <g> { FILTER(false)`` — the same empty
  answer the SPARQL semantics give, without Virtuoso's shortcut.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Strings and comments (skipped), IRIs, prefixed names, words and braces, as the SPARQL grammar reads them.
_TOKENS = re.compile(
    r"""(?P<skip>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''|\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"|\#[^\n\r]*)
      |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      |(?P<pname>(?:[A-Za-z][\w.-]*)?:[\w.:%-]*)
      |(?P<word>[A-Za-z_]\w*)|(?P<open>\{)|(?P<close>\})""",
    re.VERBOSE | re.DOTALL,
)
ASK_VARIABLE = "kg_ask"
ONE_VARIABLE = "kg_one"
_COUNT_STAR = re.compile(r"COUNT\s*\(\s*\*\s*\)", re.IGNORECASE)


def _tokens(query: str) -> list[re.Match[str]]:
    return [m for m in _TOKENS.finditer(query) if m.lastgroup != "skip"]


def _prefixes(tokens: list[re.Match[str]]) -> dict[str, str]:
    found = {}
    for i, token in enumerate(tokens[:-2]):
        if token.lastgroup == "word" and token.group().upper() == "PREFIX" and tokens[i + 2].lastgroup == "iri":
            found[tokens[i + 1].group().rstrip(":")] = tokens[i + 2].group()[1:-1]
    return found


def ask_as_select(query: str) -> str:
    """An ASK query as a SELECT that has a row exactly when the ASK is true.

    >>> ask_as_select("PREFIX ask: <x:> ASK { VALUES ?x { 1 } FILTER(?x = 2) }")
    'PREFIX ask: <x:> SELECT ?kg_ask { VALUES ?x { 1 } FILTER(?x = 2)  BIND(1 AS ?kg_ask) }'
    """
    tokens = _tokens(query)
    ask = next((i for i, t in enumerate(tokens) if t.lastgroup == "word" and t.group().upper() == "ASK"), None)
    if ask is None:
        return query
    depth, opened = 0, None
    for token in tokens[ask + 1:]:
        if token.lastgroup == "open":
            if depth == 0 and opened is None:
                opened = token
            depth += 1
        elif token.lastgroup == "close":
            depth -= 1
            if depth == 0 and opened is not None:
                start, end = tokens[ask].span()
                close = token.start()
                return (query[:start] + f"SELECT ?{ASK_VARIABLE}" + query[end:close]
                        + f" BIND(1 AS ?{ASK_VARIABLE}) " + query[close:])
    return query


def count_star_as_count_one(query: str) -> str:
    """``COUNT(*)`` of the outer SELECT counted over a variable bound in every solution.

    >>> count_star_as_count_one("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s")
    'SELECT (COUNT(?kg_one) AS ?n) WHERE { ?s ?p ?o  BIND(1 AS ?kg_one) } GROUP BY ?s'
    """
    tokens = _tokens(query)
    form = next((i for i, t in enumerate(tokens) if t.lastgroup == "word" and t.group().upper() == "SELECT"), None)
    opened = next((i for i in range(form or 0, len(tokens)) if tokens[i].lastgroup == "open"), None)
    if form is None or opened is None:
        return query
    close = _closing(tokens, opened)
    head = query[tokens[form].end():tokens[opened].start()]
    if close is None or not _COUNT_STAR.search(head):
        return query
    head = _COUNT_STAR.sub(f"COUNT(?{ONE_VARIABLE})", head)
    where_end = tokens[close].start()
    return (query[:tokens[form].end()] + head + query[tokens[opened].start():where_end]
            + f" BIND(1 AS ?{ONE_VARIABLE}) " + query[where_end:])


def _closing(tokens: list[re.Match[str]], opened: int) -> int | None:
    """Index of the token closing the brace at ``tokens[opened]``."""
    depth = 0
    for j in range(opened, len(tokens)):
        kind = tokens[j].lastgroup
        depth += 1 if kind == "open" else -1 if kind == "close" else 0
        if depth == 0:
            return j
    return None


def fence_graphs(query: str, named_graphs: Iterable[str]) -> str:
    """Make every ``GRAPH <g> { … }`` match nothing for a ``g`` outside ``named_graphs`` (what SPARQL says it matches):
    it becomes ``{ GRAPH <g> { … } FILTER(false) }`` (a FILTER inside the graph's own group is not enough for
    Virtuoso when the group's pattern is ground).

    >>> fence_graphs("ASK { GRAPH <http://a/> { <s> <p> <o> } GRAPH <http://b/> {} }", ["http://b/"])
    'ASK { { GRAPH <http://a/> { <s> <p> <o> } FILTER(false) } GRAPH <http://b/> {} }'
    """
    named = set(named_graphs)
    tokens = _tokens(query)
    prefixes = _prefixes(tokens)
    spans = []
    for i, token in enumerate(tokens[:-2]):
        if token.lastgroup != "word" or token.group().upper() != "GRAPH" or tokens[i + 2].lastgroup != "open":
            continue
        target = tokens[i + 1]
        if target.lastgroup == "iri":
            iri = target.group()[1:-1]
        elif target.lastgroup == "pname" and target.group().split(":", 1)[0] in prefixes:
            prefix, local = target.group().split(":", 1)
            iri = prefixes[prefix] + local
        else:
            continue
        close = _closing(tokens, i + 2)
        if iri not in named and close is not None:
            spans.append((token.start(), tokens[close].end()))
    outermost = [(a, b) for a, b in spans if not any(c < a and b <= d for c, d in spans)]
    for start, end in sorted(outermost, reverse=True):  # from the end: earlier offsets stay valid
        query = query[:start] + "{ " + query[start:end] + " FILTER(false) }" + query[end:]
    return query
