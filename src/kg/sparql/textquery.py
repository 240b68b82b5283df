"""The endpoint's full-text extension: ``?s dkgtext:query "东软"`` finds the IRIs whose names contain a text, from
the store's text index (kg.sparql.textindex), as Fuseki's ``text:query`` and Virtuoso's ``bif:contains`` do.

    PREFIX dkgtext: <https://w3id.org/dalian-kg/def/text#>
    SELECT ?s ?score ?label WHERE {
      (?s ?score) dkgtext:query ("东软" 10) .
      ?s rdfs:label ?label
    } ORDER BY DESC(?score)

The subject is a variable, or a list of two: the IRI and its score (1 for the whole name, above 0.5 for a prefix,
else a substring; longer names score less). The object is the text (a plain string, escapes allowed), or a list of
the text and the most IRIs wanted (default :data:`DEFAULT_LIMIT`, at most :data:`MAX_LIMIT`), best first. The
pattern is a triple of its own, ended by ``.`` or ``}``.

Before the query reaches any store, each such pattern is replaced by a ``VALUES ?s { … }`` block (``VALUES (?s
?score) { (… 1.0000) }`` with a score) of the index's hits (without hits, a group with no solution), so the rest
of the query joins with them on either backend. The block holds only IRIs read from the store and serialised by
pyoxigraph (which refuses ``<``, ``>``, quotes, braces and spaces in an IRI) and decimal numbers written here: the
searched text is never copied into the query, so nothing in it can change the query. Anything else using the
property is refused (400).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import QueryError
from kg.namespaces import CANONICAL_BASE
from kg.sparql.guard import SYSTEM_IRI_PREFIXES, QueryInfo, Token, iri_value, keyword
from kg.sparql.textindex import TextIndex

#: The extension's namespace, under the data's base (the canonical base, kg.namespaces.CANONICAL_BASE).
TEXT_NAMESPACE = "def/text#"
PREFIX = "dkgtext"
DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000
#: A change to the query text: the span [start, end) replaced (an insertion when empty).
Edit = tuple[int, int, str]
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_USE = f'write it as `?s {PREFIX}:query "text" .` or `(?s ?score) {PREFIX}:query ("text" 10) .`'


def text_query_iris(base: str) -> frozenset[str]:
    """The IRIs of the extension's property under the data's base and the canonical base (one, unless the data was
    moved to another base).

    >>> sorted(text_query_iris("http://h/"))
    ['http://h/def/text#query', 'https://w3id.org/dalian-kg/def/text#query']
    """
    return frozenset({base + TEXT_NAMESPACE + "query", CANONICAL_BASE + TEXT_NAMESPACE + "query"})


@dataclass(frozen=True)
class TextPattern:
    """One use of the extension: the span of query text it takes, its variables, the text and the limit."""

    start: int
    end: int
    subject: str
    score: str | None
    text: str
    limit: int = DEFAULT_LIMIT


def string_value(token: Token) -> str:
    r"""The value of a SPARQL string token (quotes removed, ``\n``-style and ``\u`` escapes decoded).

    >>> string_value(Token("string", r"'\u4e1c\"软\"'")), string_value(Token("string", '\"\"\"a"b\"\"\"'))
    ('东"软"', 'a"b')
    """
    quote = 3 if token.text[:3] in ('"""', "'''") else 1
    body = token.text[quote:-quote]

    def decode(match: re.Match[str]) -> str:
        if match.group(3) is not None:
            if match.group(3) not in _ECHAR:
                raise QueryError(f"invalid escape \\{match.group(3)} in the search text")
            return _ECHAR[match.group(3)]
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryError("invalid \\u escape in the search text")
        return chr(code)

    return _ESCAPE.sub(decode, body)


def _at(tokens: list[Token], i: int) -> str:
    return tokens[i].text if 0 <= i < len(tokens) else ""


def _is_var(tokens: list[Token], i: int) -> bool:
    return 0 <= i < len(tokens) and tokens[i].kind == "var"


def _word(tokens: list[Token], i: int) -> str:
    return keyword(tokens[i]) if 0 <= i < len(tokens) else ""


def _subject(tokens: list[Token], i: int) -> tuple[int, str, str | None]:
    """Where the subject before the property at ``i`` starts, its variable and the score's."""
    if _is_var(tokens, i - 1):
        return i - 1, tokens[i - 1].text, None
    if _at(tokens, i - 1) == ")" and _at(tokens, i - 3) == "(" and _is_var(tokens, i - 2):
        return i - 3, tokens[i - 2].text, None
    if _at(tokens, i - 1) == ")" and _at(tokens, i - 4) == "(" and _is_var(tokens, i - 3) and _is_var(tokens, i - 2):
        if tokens[i - 3].text[1:] == tokens[i - 2].text[1:]:
            raise QueryError(f"{PREFIX}:query needs two different variables for the IRI and its score")
        return i - 4, tokens[i - 3].text, tokens[i - 2].text
    raise QueryError(f"the subject of {PREFIX}:query must be a variable or (?s ?score): {_USE}")


def _object(tokens: list[Token], i: int) -> tuple[int, str, int]:
    """The token after the object that follows the property at ``i``, the text and the limit."""
    limit = DEFAULT_LIMIT
    if _at(tokens, i + 1) == "(":
        if i + 2 >= len(tokens) or tokens[i + 2].kind != "string":
            raise QueryError(f"{PREFIX}:query's list starts with the text to search: {_USE}")
        text, after = string_value(tokens[i + 2]), i + 3
        if after < len(tokens) and tokens[after].kind == "number":
            if not tokens[after].text.isdigit() or not 1 <= int(tokens[after].text) <= MAX_LIMIT:
                raise QueryError(f"{PREFIX}:query's limit must be a whole number from 1 to {MAX_LIMIT}")
            limit, after = int(tokens[after].text), after + 1
        if _at(tokens, after) != ")":
            raise QueryError(f"{PREFIX}:query's list holds the text and an optional limit: {_USE}")
        after += 1
    elif i + 1 < len(tokens) and tokens[i + 1].kind == "string":
        text, after = string_value(tokens[i + 1]), i + 2
    else:
        raise QueryError(f"the object of {PREFIX}:query must be a string or a list (\"text\" limit): {_USE}")
    if after < len(tokens) and (tokens[after].kind == "lang" or tokens[after].text == "^"):
        raise QueryError(f"the text of {PREFIX}:query is a plain string, without a language tag or datatype")
    return after, text, limit


def _template(tokens: list[Token]) -> tuple[int, int]:
    """The token span of a CONSTRUCT's template (empty for other forms)."""
    form = next((i for i in range(len(tokens)) if _word(tokens, i) == "CONSTRUCT"), None)
    opened = next((i for i in range(form, len(tokens)) if tokens[i].text == "{"), None) if form is not None else None
    if opened is None:
        return 0, 0
    depth = 0
    for j in range(opened, len(tokens)):
        depth += {"{": 1, "}": -1}.get(tokens[j].text, 0) if tokens[j].kind == "other" else 0
        if depth == 0:
            return opened, j
    return opened, len(tokens)


def text_patterns(info: QueryInfo, base: str) -> list[TextPattern]:
    """Every use of the extension in a query the guard read (``info``), checked.

    :raises QueryError: a use that is not one of the documented patterns (400).
    """
    own = text_query_iris(base)
    tokens, found = info.tokens, []
    template: tuple[int, int] | None = None  # found when a use is (most queries have none)
    for i, token in enumerate(tokens):
        if token.kind not in ("iri", "pname") or iri_value(token, info.prefixes, info.base) not in own:
            continue
        if _word(tokens, i - 2) == "PREFIX" or _word(tokens, i - 1) == "BASE":
            continue  # the property's IRI declared as a namespace or base
        template = template or _template(tokens)
        if template[0] < i < template[1]:
            raise QueryError(f"{PREFIX}:query is a pattern of the WHERE clause, not a triple of a template")
        first, subject, score = _subject(tokens, i)
        if _at(tokens, first - 1) not in ("{", ".", "}", ")"):
            raise QueryError(f"{PREFIX}:query must start a triple pattern of its own: {_USE}")
        after, text, limit = _object(tokens, i)
        if _at(tokens, after) not in (".", "}"):
            raise QueryError(f"{PREFIX}:query must be a triple of its own, ended by '.' or '}}': {_USE}")
        last = tokens[after - 1]
        found.append(TextPattern(tokens[first].start, last.start + len(last.text), subject, score, text, limit))
    return found


def values_block(pattern: TextPattern, index: TextIndex) -> str:
    """The ``VALUES`` block of a pattern's hits (IRIs serialised by pyoxigraph, scores as decimals); without hits, a
    group that binds the variables and has no solution (an empty ``VALUES`` compiles, in Virtuoso, to a system table
    its public endpoint refuses). Store system IRIs are left out, as the guard refuses them in queries.
    """
    hits = [h for h in index.find(pattern.text, limit=pattern.limit) if not h.entry.iri.startswith(SYSTEM_IRI_PREFIXES)]
    iris = [str(ox.NamedNode(h.entry.iri)) for h in hits]
    if not hits:
        score = f"BIND(0.0 AS {pattern.score}) " if pattern.score else ""
        return f" {{ BIND(<{CANONICAL_BASE}{TEXT_NAMESPACE}query> AS {pattern.subject}) {score}FILTER(false) }} "
    if pattern.score is None:
        head, rows = pattern.subject, iris
    else:
        head = f"({pattern.subject} {pattern.score})"
        rows = [f"({iri} {hit.score:.4f})" for iri, hit in zip(iris, hits, strict=True)]
    return f" VALUES {head} {{ {' '.join(rows)}{' ' if rows else ''}}} "


def text_query_edits(patterns: list[TextPattern], index: TextIndex) -> list[Edit]:
    """Each pattern replaced by its ``VALUES`` block, as an edit of the query text (kg.sparql.request applies them)."""
    return [(pattern.start, pattern.end, values_block(pattern, index)) for pattern in patterns]


def apply_edits(text: str, edits: list[Edit]) -> str:
    """``text`` with each (start, end, replacement) applied, from the last (earlier offsets stay valid; of two at one
    offset, the replacement of a span goes before an insertion there).

    >>> apply_edits("ab{cd}", [(3, 3, "V "), (3, 5, "X")])
    'ab{V X}'
    """
    for start, end, replacement in sorted(edits, key=lambda edit: (edit[0], edit[1]), reverse=True):
        text = text[:start] + replacement + text[end:]
    return text
