"""Which queries the engine answers row by row with bounded work per row, read from the guard's tokens.

A query is *streaming* when it is one triple pattern (or none) under ASK or a plain SELECT, or a DESCRIBE of a few
IRIs: pyoxigraph answers it from one index range, lazily, so the time to each next row is bounded (no sort, no
hash, no join, no filter that could reject every row it reads), and a loop over the rows can stop it at a deadline.
Such a query may run in a serving process that is confined from the network like a query child (kg.store.embedded);
anything else, or anything this reading is unsure of, goes to the child. So a mistake here can only send a cheap
query the slow way.

Not streaming (measured at 1 M quads, RocksDB): a variable repeated in the pattern (``?x ?p ?x`` reads every quad
before its first row: 308 ms), a large OFFSET (skipped inside the engine: 30 ms for 100,000), DISTINCT, ORDER BY,
aggregates, FILTER, paths, OPTIONAL, UNION, GRAPH, sub-queries, dataset clauses, blank nodes, the full-text extension.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.sparql.guard import QueryInfo, Token, keyword

#: Largest OFFSET a streaming query may have: the engine skips it before the first row (10,000: ~3 ms at 1 M quads).
MAX_OFFSET = 10_000
#: Most IRIs one streaming DESCRIBE may name.
MAX_DESCRIBED = 16
#: Most rows of a streaming SELECT the engine's own serialiser writes (kg.store.native); a bigger answer is written
#: row by row, where the deadline can stop it.
NATIVE_ROWS = 10_000

_INTEGER = re.compile(r"\d+")
_NUMBER = re.compile(r"[-]?(?:\d+\.?\d*|\.\d+)(?:[eE]\d+)?")
_NODE = ("iri", "pname")


def _prologue_end(tokens: list[Token]) -> int:
    """Index of the first token after the PREFIX / BASE declarations (or -1 when they are malformed)."""
    i = 0
    while i < len(tokens):
        word = keyword(tokens[i])
        if word == "PREFIX":
            if i + 2 >= len(tokens) or tokens[i + 1].kind != "pname" or tokens[i + 2].kind != "iri":
                return -1
            i += 3
        elif word == "BASE":
            if i + 1 >= len(tokens) or tokens[i + 1].kind != "iri":
                return -1
            i += 2
        else:
            return i
    return i


def _term(tokens: list[Token], i: int, position: str) -> tuple[int, str | None]:
    """(index after the term at ``i``, its variable name or None); index -1 when it is not a term allowed in
    ``position`` (subject, predicate or object)."""
    if i >= len(tokens):
        return -1, None
    token = tokens[i]
    if token.kind == "var":
        return i + 1, token.text[1:]
    if token.kind in _NODE:
        return i + 1, None
    if position == "predicate":
        return (i + 1 if token.kind == "word" and token.text == "a" else -1), None
    if position != "object":
        return -1, None
    if token.kind == "number":
        return (i + 1 if _NUMBER.fullmatch(token.text) else -1), None
    if token.kind == "word":
        return (i + 1 if keyword(token) in ("TRUE", "FALSE") else -1), None
    if token.kind != "string":
        return -1, None
    if i + 1 < len(tokens) and tokens[i + 1].kind == "lang":
        return i + 2, None
    if i + 1 < len(tokens) and tokens[i + 1].text == "^":
        typed = i + 3 < len(tokens) and tokens[i + 2].text == "^" and tokens[i + 3].kind in _NODE
        return (i + 4 if typed else -1), None
    return i + 1, None


def _group(tokens: list[Token], i: int) -> tuple[int, list[str]]:
    """(index after ``[WHERE] { [s p o [.]] }`` at ``i``, the pattern's variables); index -1 unless it is that, with
    no variable repeated."""
    if i < len(tokens) and keyword(tokens[i]) == "WHERE":
        i += 1
    if i >= len(tokens) or tokens[i].text != "{":
        return -1, []
    i += 1
    if i < len(tokens) and tokens[i].text == "}":
        return i + 1, []
    names = []
    for position in ("subject", "predicate", "object"):
        i, name = _term(tokens, i, position)
        if i < 0:
            return -1, []
        if name is not None:
            names.append(name)
    if len(set(names)) != len(names):
        return -1, []
    if i < len(tokens) and tokens[i].text == ".":
        i += 1
    return (i + 1, names) if i < len(tokens) and tokens[i].text == "}" else (-1, [])


def _modifiers(tokens: list[Token], i: int) -> dict[str, int] | None:
    """The LIMIT and OFFSET from ``i`` to the end (at most one of each, OFFSET at most :data:`MAX_OFFSET`), or None
    when anything else is there."""
    seen: dict[str, int] = {}
    while i < len(tokens):
        word = keyword(tokens[i])
        if word not in ("LIMIT", "OFFSET") or word in seen or i + 1 >= len(tokens):
            return None
        value = tokens[i + 1].text
        if not _INTEGER.fullmatch(value) or (word == "OFFSET" and int(value) > MAX_OFFSET):
            return None
        seen[word] = int(value)
        i += 2
    return seen


@dataclass(frozen=True)
class Select:
    """A streaming SELECT as read: its projection (None for ``*``), its pattern's variables, its LIMIT and OFFSET,
    and the token where they start (the query's end when it has neither)."""

    projected: list[str] | None
    bound: list[str]
    limit: int | None
    offset: int
    tail: int


def _read(info: QueryInfo) -> Select | bool:
    """The streaming SELECT the guard read, True for another streaming form, False when not streaming."""
    tokens = info.tokens
    i = _prologue_end(tokens)
    if i < 0 or i >= len(tokens):
        return False
    form = keyword(tokens[i])
    i += 1
    if form == "DESCRIBE":
        described = tokens[i:]
        return 0 < len(described) <= MAX_DESCRIBED and all(t.kind in _NODE for t in described)
    if form == "ASK":
        return _group(tokens, i)[0] == len(tokens)
    if form != "SELECT":
        return False
    projected: list[str] | None = None
    if i < len(tokens) and tokens[i].text == "*":
        i += 1
    else:
        start = i
        while i < len(tokens) and tokens[i].kind == "var":
            i += 1
        if i == start:
            return False
        projected = [token.text[1:] for token in tokens[start:i]]
    i, bound = _group(tokens, i)
    modifiers = _modifiers(tokens, i) if i >= 0 else None
    if modifiers is None:
        return False
    return Select(projected, bound, modifiers.get("LIMIT"), modifiers.get("OFFSET", 0), i)


def is_streaming(info: QueryInfo) -> bool:
    """Whether the query the guard read is streaming (see the module's docstring).

    >>> from kg.sparql.guard import check_query
    >>> is_streaming(check_query("PREFIX e: <http://e/> SELECT ?p ?o WHERE { e:x ?p ?o } LIMIT 10"))
    True
    >>> is_streaming(check_query("SELECT DISTINCT ?p WHERE { ?s ?p ?o }"))
    False
    """
    return _read(info) is not False


def streaming_form(info: QueryInfo, text: str, max_rows: int | None) -> tuple[bool, tuple[str, int] | None]:
    """Whether the query the guard read (``text``) is streaming, and, for a streaming SELECT whose every projected
    variable is bound by its pattern, the same query asking for one row more than it may answer with that bound ``n``
    (the least of its LIMIT, ``max_rows`` and :data:`NATIVE_ROWS`): the engine's own serialiser may then write its
    answer when it has at most ``n`` rows (kg.store.native), since every row binds every variable and can be counted
    in the bytes. The query is read once for both.

    >>> from kg.sparql.guard import check_query
    >>> query = "SELECT ?o { <http://e/x> ?p ?o } OFFSET 2 # a comment"
    >>> streaming_form(check_query(query), query, 100)
    (True, ('SELECT ?o { <http://e/x> ?p ?o } \\nLIMIT 101 OFFSET 2\\n', 100))
    >>> streaming_form(check_query("ASK { ?s ?p ?o }"), "ASK { ?s ?p ?o }", 100)
    (True, None)
    """
    select = _read(info)
    if select is False:
        return False, None
    if not isinstance(select, Select) or not select.bound:
        return True, None
    if select.projected is not None and not set(select.projected) <= set(select.bound):
        return True, None
    most = min(n for n in (select.limit, max_rows, NATIVE_ROWS) if n is not None)
    asked = most + 1 if select.limit is None or select.limit > most else most
    cut = info.tokens[select.tail].start if select.tail < len(info.tokens) else len(text)
    return True, (f"{text[:cut]}\nLIMIT {asked}" + (f" OFFSET {select.offset}" if select.offset else "") + "\n", most)
