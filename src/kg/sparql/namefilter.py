"""``FILTER CONTAINS`` over names, answered from the text index (kg.sparql.textindex) instead of a scan of every name:

    SELECT ?s ?label WHERE { ?s rdfs:label ?label FILTER(CONTAINS(LCASE(?label), "neusoft")) }

The engine reads every label for it (1 M quads: 160 ms). When a group of a query holds, at its own level, a triple
``?s P ?name`` (``P`` a name property of the index, kg.sparql.textrows.NAME_PROPERTIES) and a FILTER that requires
``CONTAINS(?name, "text")`` — or ``STRSTARTS``, ``STRENDS``, ``REGEX`` with a plain pattern (flags none or ``"i"``),
the name and the text perhaps in ``LCASE``/``STR``, alone or as an operand of ``&&`` — then in every solution the
filter keeps, ``?s`` is an IRI with a name whose folded form contains the folded text: one of the IRIs the index
finds for it. Joining the group with ``VALUES ?s { those IRIs }`` therefore changes no answer (bag, OPTIONAL and
MINUS alike: the filter drops every other solution anyway), and the engine reads only their names (0.13 ms).

Exact only when the index holds every name the query can see, so the query is left as written under GRAPH or
SERVICE, with a dataset of its own (FROM, the protocol's graphs), on a store where a blank node has a name or a name
is not a literal (the index holds IRIs' literal names only), when the text folds to nothing, or when over
:data:`MOST_CANDIDATES` IRIs would be listed. The reading is token-level and conservative: anything unsure (a path,
a blank-node subject, ``UCASE(?name)``, a language tag on the text, other regex flags) forgoes the speed-up, never
changes an answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import QueryError
from kg.namespaces import CANONICAL_BASE
from kg.sparql.guard import SYSTEM_IRI_PREFIXES, QueryInfo, Token, iri_value, keyword
from kg.sparql.textindex import TextIndex
from kg.sparql.textquery import TEXT_NAMESPACE, Edit, string_value
from kg.sparql.textrows import NAME_PROPERTIES, names_unindexed
from kg.store import Store
from kg.store.memo import memo

#: Functions whose truth requires the name to contain the text (``REGEX`` with a pattern free of metacharacters: it
#: then matches where CONTAINS does; with the flag ``"i"`` where CONTAINS does in some case of each ASCII letter).
NAME_FUNCTIONS = frozenset({"CONTAINS", "STRSTARTS", "STRENDS", "REGEX"})
#: Calls around the name or the text that keep the rewrite exact: ``LCASE`` maps each character to itself or its
#: lower case, and the index's keys are case-folded (every character folds as its lower case does, in full Unicode);
#: ``STR`` gives a name's own text, as the index holds every name (:func:`names_all_indexed`). Not ``UCASE``: a
#: character can upper-case to a letter it does not fold to (``ı`` to ``I``).
WRAPPERS = frozenset({"LCASE", "STR"})
_REGEX_SPECIAL = frozenset("\\|.-^?*+{}()[]$")
#: Above this many IRIs, the scan is left to the engine (a longer VALUES block costs more than it saves).
MOST_CANDIDATES = 2000
#: Name filters given the index's IRIs in one query (each costs a lookup; the rest are left to the engine).
MOST_FILTERS = 4
_OPENERS, _CLOSERS = "{([", "})]"
#: What may come just before the subject of a triple pattern (the end of the group's previous element).
_BEFORE_SUBJECT = frozenset({"{", ".", "}", ")"})
_TERMS = frozenset({"var", "iri", "pname", "bnode", "number", "string"})


@dataclass(frozen=True)
class NameFilter:
    """A group whose ``subject`` variable has a name that must contain ``text``; ``at`` is the offset just after the
    group's ``{``, where its ``VALUES`` block goes."""

    at: int
    subject: str
    text: str


def name_filters(info: QueryInfo) -> list[NameFilter]:
    """Every group of the query the guard read (``info``) with a name filter, when the index can answer them (at most
    :data:`MOST_FILTERS`). Linear in the query's length: a long query cannot make this step slow."""
    tokens = info.tokens
    if not info.words & NAME_FUNCTIONS or info.dataset_clause:
        return []
    if any(t.kind in ("word", "pname") and t.text.upper().startswith(("GRAPH", "SERVICE")) for t in tokens):
        return []
    match = _matches(tokens)
    if match is None:
        return []
    found: dict[NameFilter, None] = {}
    for opened, members in _groups(tokens, match):
        required: dict[str, list[str]] = {}
        for i, token in enumerate(members):
            if keyword(tokens[token]) == "FILTER":
                for var, text in _filter_requires(tokens, match, members, i):
                    required.setdefault(var, []).append(text)
        if not required:
            continue
        for subject, name in _name_triples(tokens, members, info):
            for text in required.get(name, ()):
                found[NameFilter(tokens[opened].start + 1, subject, text)] = None
                if len(found) >= MOST_FILTERS:
                    return list(found)
    return list(found)


def names_all_indexed(store: Store) -> bool:
    """Whether the text index holds every name of ``store`` as text (each is a literal of an IRI), once per data
    version."""
    return not memo(store, "unindexed-names", names_unindexed)


def name_filter_edits(filters: list[NameFilter], index: TextIndex) -> list[Edit]:
    """The ``VALUES`` block of each filter's IRIs, as an insertion (offset, offset, text); none for a filter the index
    cannot answer in few enough IRIs. Without any, a group that binds the subject and has no solution (an empty
    ``VALUES`` compiles, in Virtuoso, to a system table its public endpoint refuses)."""
    edits = []
    for found in filters:
        iris = index.holding(found.text, MOST_CANDIDATES)
        if iris is None or any(iri.startswith(SYSTEM_IRI_PREFIXES) for iri in iris):
            continue
        if not iris:
            block = f" {{ BIND(<{CANONICAL_BASE}{TEXT_NAMESPACE}query> AS {found.subject}) FILTER(false) }} "
        else:
            block = f" VALUES {found.subject} {{ {' '.join(sorted(str(ox.NamedNode(i)) for i in iris))} }} "
        edits.append((found.at, found.at, block))
    return edits


def _matches(tokens: list[Token]) -> dict[int, int] | None:
    """Each bracket's partner (both ways), or None if they do not pair up (the engine will say why)."""
    match: dict[int, int] = {}
    stack: list[int] = []
    for i, token in enumerate(tokens):
        if token.kind != "other":
            continue
        if token.text in _OPENERS:
            stack.append(i)
        elif token.text in _CLOSERS:
            if not stack or _OPENERS.index(tokens[stack[-1]].text) != _CLOSERS.index(token.text):
                return None
            match[stack[-1]], match[i] = i, stack[-1]
            stack.pop()
    return None if stack else match


def _groups(tokens: list[Token], match: dict[int, int]) -> list[tuple[int, list[int]]]:
    """Each ``{ … }``: its opening token and its members, the tokens at its own level (a bracketed part within is its
    two brackets)."""
    groups = []
    for opened, token in enumerate(tokens):
        if token.kind == "other" and token.text == "{":
            members, i = [], opened + 1
            while i < match[opened]:
                members.append(i)
                if tokens[i].kind == "other" and tokens[i].text in _OPENERS:
                    members.append(match[i])
                    i = match[i]
                i += 1
            groups.append((opened, members))
    return groups


def _filter_requires(tokens: list[Token], match: dict[int, int], members: list[int], i: int) -> list[tuple[str, str]]:
    """(variable, text) of each name function the FILTER at ``members[i]`` requires to be true."""
    if i + 1 >= len(members):
        return []
    start = members[i + 1]
    if tokens[start].text == "(":
        return _requires(tokens, match, start + 1, match[start])
    if keyword(tokens[start]) in NAME_FUNCTIONS and tokens[start + 1].text == "(":
        return _requires(tokens, match, start, match[start + 1] + 1)
    return []


def _requires(tokens: list[Token], match: dict[int, int], lo: int, hi: int) -> list[tuple[str, str]]:
    """What the expression ``tokens[lo:hi]`` requires: a name function call, a bracketed expression, or ``&&`` of
    them (an ``||`` at its own level requires nothing)."""
    if hi - lo >= 2 and tokens[lo].text == "(" and match.get(lo) == hi - 1:
        return _requires(tokens, match, lo + 1, hi - 1)
    operands, start, i = [], lo, lo
    while i < hi:
        text = tokens[i].text if tokens[i].kind == "other" else ""
        if text and text in _OPENERS:
            i = match[i]
        elif text == "|":
            return []
        elif text == "&" and i + 1 < hi and tokens[i + 1].text == "&":
            operands.append((start, i))
            start, i = i + 2, i + 1
        i += 1
    if operands:
        operands.append((start, hi))
        return [pair for a, b in operands for pair in _requires(tokens, match, a, b)]
    return _name_call(tokens, match, lo, hi)


def _name_call(tokens: list[Token], match: dict[int, int], lo: int, hi: int) -> list[tuple[str, str]]:
    """(variable, text) of the call ``tokens[lo:hi]`` if it is a name function of a variable's name and a text —
    each may be wrapped in :data:`WRAPPERS` — and, for ``REGEX``, a pattern without metacharacters and flags absent
    or ``"i"`` with an ASCII pattern."""
    function = keyword(tokens[lo])
    if function not in NAME_FUNCTIONS or hi - lo < 6 or tokens[lo + 1].text != "(" or match.get(lo + 1) != hi - 1:
        return []
    arguments = _arguments(tokens, match, lo + 2, hi - 1)
    if len(arguments) not in (2, 3) or len(arguments) == 3 and function != "REGEX":
        return []
    name, needle = (_unwrapped(tokens, match, *span) for span in arguments[:2])
    if name is None or needle is None or tokens[name].kind != "var" or tokens[needle].kind != "string":
        return []
    try:
        text = string_value(tokens[needle])
        flags = [string_value(tokens[a]) for a, b in arguments[2:] if b == a + 1 and tokens[a].kind == "string"]
    except QueryError:
        return []
    if function == "REGEX" and (_REGEX_SPECIAL & set(text) or len(flags) != len(arguments) - 2
                                or flags not in ([], ["i"]) or flags and not text.isascii()):
        return []
    return [(tokens[name].text[1:], text)]


def _arguments(tokens: list[Token], match: dict[int, int], lo: int, hi: int) -> list[tuple[int, int]]:
    """The spans of the comma-separated arguments in ``tokens[lo:hi]`` (none if one is empty)."""
    spans, start, i = [], lo, lo
    while i < hi:
        if tokens[i].kind == "other" and tokens[i].text in _OPENERS:
            i = match[i]
        elif tokens[i].kind == "other" and tokens[i].text == ",":
            spans.append((start, i))
            start = i + 1
        i += 1
    spans.append((start, hi))
    return [] if any(a >= b for a, b in spans) else spans


def _unwrapped(tokens: list[Token], match: dict[int, int], lo: int, hi: int) -> int | None:
    """The single token ``tokens[lo:hi]`` is, inside any calls of :data:`WRAPPERS`; None if it is anything else."""
    while hi - lo >= 4 and keyword(tokens[lo]) in WRAPPERS and tokens[lo + 1].text == "(" \
            and match.get(lo + 1) == hi - 1:
        lo, hi = lo + 2, hi - 1
    return lo if hi == lo + 1 else None


def _name_triples(tokens: list[Token], members: list[int], info: QueryInfo) -> list[tuple[str, str]]:
    """(subject variable, name variable) of each triple ``?s P ?name`` at the group's level, ``P`` a name property,
    read only in the plain form ``?s verb object (, object)* (; verb object (, object)*)*`` with every term a single
    token (a literal may carry a language tag or ``^^`` and a datatype): each block of triples is read once, from a
    variable after the start of the group or after ``.``, ``}`` or ``)``, up to the first token that does not fit."""
    found = []
    for start in range(len(members)):
        if tokens[members[start]].kind != "var" or start > 0 and tokens[members[start - 1]].text not in _BEFORE_SUBJECT:
            continue
        subject = tokens[members[start]].text
        for verb, obj in _plain_pairs(tokens, members, start + 1):
            if (obj.kind == "var" and verb.kind in ("iri", "pname") and obj.start > verb.start + len(verb.text)
                    and iri_value(verb, info.prefixes, info.base) in NAME_PROPERTIES):
                found.append((subject, obj.text[1:]))  # (``P?name`` with nothing between could be the path ``P?``)
    return found


def _plain_pairs(tokens: list[Token], members: list[int], i: int) -> list[tuple[Token, Token]]:
    """The (verb, object) pairs of the plain triples from ``members[i]`` on, up to the first token that does not fit
    (and without an object cut short there: a term followed by anything but ``,``, ``;`` or the block's end)."""
    pairs: list[tuple[Token, Token]] = []
    n = len(members)
    while i < n:
        verb = tokens[members[i]]
        if verb.kind not in ("iri", "pname", "var") and keyword(verb) != "A":
            return pairs
        i += 1
        while True:
            obj = tokens[members[i]] if i < n else None
            if obj is None or obj.kind not in _TERMS or obj.text == ".":  # a lone "." reads as a number token
                return pairs
            if obj.kind == "string" and i + 1 < n:
                following = tokens[members[i + 1]]
                if following.kind == "lang":
                    i += 1
                elif following.text == "^":
                    datatype = tokens[members[i + 3]] if i + 3 < n else None
                    if tokens[members[i + 2]].text != "^" or datatype is None or datatype.kind not in ("iri", "pname"):
                        return pairs
                    i += 3
            pairs.append((verb, obj))
            i += 1
            if i >= n or tokens[members[i]].text not in (",", ";"):
                return pairs
            if tokens[members[i]].text == ",":
                i += 1
                continue
            while i < n and tokens[members[i]].text == ";":
                i += 1
            break
    return pairs
