"""``FILTER CONTAINS`` over names, answered from the text index (kg.sparql.textindex) instead of a scan of every name:

    SELECT ?s ?label WHERE { ?s rdfs:label ?label FILTER(CONTAINS(LCASE(?label), "neusoft")) }

The engine reads every label for it (1 M quads: 160-285 ms). When a group of a query holds, at its own level, a
triple ``?s P ?name`` (``P`` a name property of the index, kg.sparql.textrows.NAME_PROPERTIES, or alternatives of
them, ``P1|P2``) and a FILTER that requires ``CONTAINS(?name, "text")`` — or ``STRSTARTS``, ``STRENDS``, ``REGEX``
with a plain pattern (flags none or ``"i"``), the name and the text perhaps in ``LCASE``/``STR``, alone, as an
operand of ``&&``, or ``||`` of such calls on names of ``?s`` (kg.sparql.filterclauses) — then in every solution the
filter keeps, ``?s`` is an IRI with a name whose folded form contains a folded text: one of the IRIs the index finds
for them. Joining the group with ``VALUES ?s { those IRIs }`` therefore changes no answer (bag, OPTIONAL and MINUS
alike: the filter drops every other solution anyway), and the engine reads only their names (0.13 ms).

Exact only when the index holds every name the query can see, so the query is left as written under GRAPH or
SERVICE, with a dataset of its own (FROM, the protocol's graphs), on a store where a blank node has a name or a name
is not a literal (the index holds IRIs' literal names only), when a text folds to nothing, or when over
:data:`MOST_CANDIDATES` IRIs would be listed. The reading is token-level and conservative: anything unsure (another
path, a blank-node subject, ``UCASE(?name)``, a language tag on the text, other regex flags) forgoes the speed-up,
never changes an answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.namespaces import CANONICAL_BASE
from kg.sparql.filterclauses import CLOSERS, NAME_FUNCTIONS, OPENERS, filter_requires
from kg.sparql.guard import SYSTEM_IRI_PREFIXES, QueryInfo, Token, iri_value, keyword
from kg.sparql.textindex import TextIndex
from kg.sparql.textquery import TEXT_NAMESPACE, Edit
from kg.sparql.textrows import NAME_PROPERTIES, names_unindexed
from kg.store import Store
from kg.store.memo import memo

#: Above this many IRIs, the scan is left to the engine (a longer VALUES block costs more than it saves).
MOST_CANDIDATES = 2000
#: Name filters given the index's IRIs in one query (each costs a lookup; the rest are left to the engine).
MOST_FILTERS = 4
#: What may come just before the subject of a triple pattern (the end of the group's previous element).
_BEFORE_SUBJECT = frozenset({"{", ".", "}", ")"})
_TERMS = frozenset({"var", "iri", "pname", "bnode", "number", "string"})


@dataclass(frozen=True)
class NameFilter:
    """A group whose ``subject`` variable has a name that must contain ``text``; ``at`` is the offset just after the
    group's ``{``, where its ``VALUES`` block goes."""

    at: int
    subject: str
    #: The name contains one of these (a filter's ``||`` gives several).
    texts: tuple[str, ...]


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
        clauses = [clause for i, token in enumerate(members) if keyword(tokens[token]) == "FILTER"
                   for clause in filter_requires(tokens, match, members, i)]
        if not clauses:
            continue
        subjects: dict[str, dict[str, None]] = {}  # name variable -> the subjects it names, in order
        for subject, name in _name_triples(tokens, members, info):
            subjects.setdefault(name, {})[subject] = None
        for clause in clauses:
            for subject in subjects.get(clause[0][0], {}):
                if all(subject in subjects.get(var, {}) for var, _ in clause):
                    texts = tuple(dict.fromkeys(text for _, text in clause))
                    found[NameFilter(tokens[opened].start + 1, subject, texts)] = None
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
        iris = _holding_any(index, found.texts)
        if iris is None or len(iris) > MOST_CANDIDATES or any(i.startswith(SYSTEM_IRI_PREFIXES) for i in iris):
            continue
        if not iris:
            block = f" {{ BIND(<{CANONICAL_BASE}{TEXT_NAMESPACE}query> AS {found.subject}) FILTER(false) }} "
        else:
            block = f" VALUES {found.subject} {{ {' '.join(sorted(str(ox.NamedNode(i)) for i in iris))} }} "
        edits.append((found.at, found.at, block))
    return edits


def _holding_any(index: TextIndex, texts: tuple[str, ...]) -> set[str] | None:
    """The IRIs with a key holding one of ``texts``; None as soon as one text is held by too many (the rest need no
    lookup) or folds to nothing."""
    iris: set[str] = set()
    for text in texts:
        held = index.holding(text, MOST_CANDIDATES)
        if held is None:
            return None
        iris |= held
    return iris


def _matches(tokens: list[Token]) -> dict[int, int] | None:
    """Each bracket's partner (both ways), or None if they do not pair up (the engine will say why)."""
    match: dict[int, int] = {}
    stack: list[int] = []
    for i, token in enumerate(tokens):
        if token.kind != "other":
            continue
        if token.text in OPENERS:
            stack.append(i)
        elif token.text in CLOSERS:
            if not stack or OPENERS.index(tokens[stack[-1]].text) != CLOSERS.index(token.text):
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
                if tokens[i].kind == "other" and tokens[i].text in OPENERS:
                    members.append(match[i])
                    i = match[i]
                i += 1
            groups.append((opened, members))
    return groups


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
        for verbs, obj in _plain_pairs(tokens, members, start + 1):
            last = verbs[-1]
            if (obj.kind == "var" and obj.start > last.start + len(last.text)
                    and all(verb.kind in ("iri", "pname") and iri_value(verb, info.prefixes, info.base)
                            in NAME_PROPERTIES for verb in verbs)):
                found.append((subject, obj.text[1:]))  # (``P?name`` with nothing between could be the path ``P?``)
    return found


def _plain_pairs(tokens: list[Token], members: list[int], i: int) -> list[tuple[list[Token], Token]]:
    """The (verbs, object) pairs of the plain triples from ``members[i]`` on — a verb is a term or alternatives of
    IRIs, ``P1|P2`` — up to the first token that does not fit (and without an object cut short there: a term followed
    by anything but ``,``, ``;`` or the block's end)."""
    pairs: list[tuple[list[Token], Token]] = []
    n = len(members)
    while i < n:
        verbs = [tokens[members[i]]]
        if verbs[0].kind not in ("iri", "pname", "var") and keyword(verbs[0]) != "A":
            return pairs
        i += 1
        while i + 1 < n and tokens[members[i]].text == "|" and tokens[members[i + 1]].kind in ("iri", "pname"):
            verbs.append(tokens[members[i + 1]])
            i += 2
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
            pairs.append((verbs, obj))
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
