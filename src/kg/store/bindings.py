"""The app's own query text for a store that cannot bind variables: values become a ``VALUES`` block, written by
one escaping helper (pyoxigraph's N-Triples serialisation of the term), never pasted as text.

Also a scanner that finds the outermost WHERE group and FROM clauses outside strings, IRIs and comments.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from kg.store import Term

_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
#: Strings, IRIs and comments (skipped when looking for keywords and braces), then the tokens that matter.
_SCAN = re.compile(
    r"""(?P<skip>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''|\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"|<[^<>"{}|^`\\\x00-\x20]*>|\#[^\n\r]*)
      |(?P<word>[A-Za-z]+)|(?P<open>\{)|(?P<close>\})""",
    re.VERBOSE | re.DOTALL,
)


def sparql_term(term: Term) -> str:
    """The one escaping helper: a term as SPARQL text (pyoxigraph writes N-Triples syntax, escapes included).

    >>> sparql_term(ox.Literal('say "hi"', language="zh"))
    '"say \\\\"hi\\\\""@zh'
    >>> sparql_term(ox.NamedNode("http://example.org/a"))
    '<http://example.org/a>'
    """
    if isinstance(term, ox.NamedNode | ox.Literal):
        return str(term)
    raise ValueError(f"only IRIs and literals can be bound, not {term!r}")


def bind_values(query: str, bindings: dict[str, Term] | None) -> str:
    """Put ``VALUES`` for the bindings at the start of the query's WHERE group (like pyoxigraph's substitutions).

    The app's own queries only; values are serialised by :func:`sparql_term`, never pasted.

    >>> bind_values("SELECT ?l WHERE { ?s rdfs:label ?l }", {"s": ox.NamedNode("http://x/a")})
    'SELECT ?l WHERE { VALUES (?s) { (<http://x/a>) } ?s rdfs:label ?l }'
    >>> bind_values("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": ox.NamedNode("http://x/a")})
    'CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?s) { (<http://x/a>) } ?s ?p ?o }'
    """
    if not bindings:
        return query
    names = list(bindings)
    for name in names:
        if not _VARIABLE.match(name):
            raise ValueError(f"not a variable name: {name!r}")
    block = "VALUES ({}) {{ ({}) }}".format(
        " ".join("?" + n for n in names), " ".join(sparql_term(bindings[n]) for n in names)
    )
    position = _where_brace(query)
    if position is None:  # no group at all (DESCRIBE <x>): a trailing VALUES is still valid SPARQL
        return f"{query}\n{block}"
    return f"{query[:position + 1]} {block}{query[position + 1:]}"


def _where_brace(query: str) -> int | None:
    """Offset of the ``{`` opening the outermost WHERE group (the first top-level one after WHERE, or after ASK/
    SELECT/DESCRIBE when the keyword is left out)."""
    depth = 0
    form = None
    after_where = False
    for match in _SCAN.finditer(query):
        kind = match.lastgroup
        if kind == "word" and depth == 0:
            word = match.group().upper()
            if form is None and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                form = word
            elif word == "WHERE":
                after_where = True
        elif kind == "open":
            if depth == 0 and (after_where or form in ("SELECT", "ASK", "DESCRIBE")):
                return match.start()
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
    return None


def has_dataset_clause(query: str) -> bool:
    """Whether the query names its own dataset (FROM / FROM NAMED), outside strings, IRIs and comments.

    >>> has_dataset_clause('SELECT * FROM <http://g> { ?s ?p "FROM" }'), has_dataset_clause("ASK {} # from")
    (True, False)
    """
    return any(m.lastgroup == "word" and m.group().upper() == "FROM" for m in _SCAN.finditer(query))
