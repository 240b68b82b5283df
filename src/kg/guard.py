"""Lexical checks on user SPARQL before anything runs: no updates, no SERVICE outside the allow-list.

pyoxigraph has no switch for SERVICE (it makes the HTTP call) and runs LOAD, so the rule "no outbound requests"
is enforced here, on the query text. The tokeniser follows the SPARQL 1.1 grammar's terminals (comments, short
and long strings, IRIs, variables, blank nodes, language tags, prefixed names). When it is unsure it treats text as
code, so its mistakes can only refuse a query, never let a keyword through hidden in what it took for a string.
pyoxigraph does not process ``\\u`` escapes outside strings and IRIs, but the text is checked both as written and
with the escapes decoded, so either reading of it is covered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from kg.errors import QueryError, QueryRefused

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})

_PN = r"[^\W\d][\w\-.\u00b7\u0300-\u036f\u203f\u2040]*"
_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
             |\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
             |'(?:[^'\\\n\r]|\\.)*'
             |"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f\u2040]+)
  | (?P<bnode>_:[\w\-.\u00b7\u0300-\u036f\u203f\u2040]+)
  | (?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
  | (?P<pname>(?:"""
    + _PN
    + r""")?:(?:[\w\-:.%\u00b7\u0300-\u036f\u203f\u2040]|\\[^\s])*)
  | (?P<word>[^\W\d]\w*)
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class Token:
    """One lexical token: ``kind`` is a group name of the tokeniser, ``text`` the source text."""

    kind: str
    text: str


@dataclass
class QueryInfo:
    """What the guard learnt: the query form and the SERVICE IRIs (all allowed, else it raised)."""

    form: str
    services: list[str] = field(default_factory=list)
    #: The query names its own dataset (FROM / FROM NAMED), so the default graph is not the union.
    dataset_clause: bool = False


def tokenize(text: str) -> list[Token]:
    """Split SPARQL text into significant tokens (comments and white space dropped).

    >>> [t.text for t in tokenize('SELECT * { ?s <x#y> "SERVICE" } # LOAD')]
    ['SELECT', '*', '{', '?s', '<x#y>', '"SERVICE"', '}']
    >>> [t.kind for t in tokenize("ASK { ?s ex:load 'it''s' }")]
    ['word', 'other', 'var', 'pname', 'string', 'string', 'other']
    """
    tokens = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("comment", "space"):
            tokens.append(Token(kind, match.group()))
    return tokens


def decode_uchars(text: str) -> str:
    r"""Decode ``\uXXXX`` / ``\UXXXXXXXX`` escapes (invalid code points are left as written).

    >>> decode_uchars(r"\u0053ERVICE")
    'SERVICE'
    """

    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()

    return _UCHAR.sub(replace, text)


def query_form(tokens: list[Token]) -> str | None:
    """The first query-form keyword, or "UPDATE" if an update keyword comes first; None if neither occurs.

    >>> query_form(tokenize("PREFIX select: <x> ask { ?s ?p ?o }"))
    'ASK'
    >>> query_form(tokenize("CLEAR ALL"))
    'UPDATE'
    """
    for token in tokens:
        if token.kind != "word":
            continue
        word = token.text.upper()
        if word in QUERY_FORMS:
            return word
        if word in UPDATE_KEYWORDS:
            return "UPDATE"
    return None


def _declared_prefixes(tokens: list[Token], base: str) -> dict[str, str]:
    prefixes: dict[str, str] = {}
    for i, token in enumerate(tokens[:-2]):
        if token.kind == "word" and token.text.upper() == "PREFIX" and tokens[i + 1].kind == "pname":
            if tokens[i + 2].kind == "iri":
                prefixes[tokens[i + 1].text.rstrip(":")] = urljoin(base, tokens[i + 2].text[1:-1])
        elif token.kind == "word" and token.text.upper() == "BASE" and tokens[i + 1].kind == "iri":
            base = urljoin(base, tokens[i + 1].text[1:-1])
    return prefixes


def _declared_base(tokens: list[Token], base: str) -> str:
    for i, token in enumerate(tokens[:-1]):
        if token.kind == "word" and token.text.upper() == "BASE" and tokens[i + 1].kind == "iri":
            base = urljoin(base, tokens[i + 1].text[1:-1])
    return base


def service_targets(tokens: list[Token], base: str = "") -> list[str | None]:
    """The IRI after each SERVICE keyword (``None`` for a variable or anything not resolvable to an IRI).

    >>> service_targets(tokenize("PREFIX e: <http://e/> SELECT * { SERVICE SILENT e:s {} SERVICE ?x {} }"))
    ['http://e/s', None]
    """
    prefixes = _declared_prefixes(tokens, base)
    base = _declared_base(tokens, base)
    targets: list[str | None] = []
    for i, token in enumerate(tokens):
        if token.kind != "word" or token.text.upper() != "SERVICE":
            continue
        j = i + 1
        if j < len(tokens) and tokens[j].kind == "word" and tokens[j].text.upper() == "SILENT":
            j += 1
        target = tokens[j] if j < len(tokens) else None
        if target is not None and target.kind == "iri":
            targets.append(urljoin(base, decode_uchars(target.text[1:-1])))
        elif target is not None and target.kind == "pname":
            prefix, _, local = target.text.partition(":")
            namespace = prefixes.get(prefix)
            targets.append(namespace + re.sub(r"\\(.)", r"\1", local) if namespace is not None else None)
        else:
            targets.append(None)
    return targets


def check_query(text: str, *, allowlist: tuple[str, ...] | list[str] = (), base: str = "") -> QueryInfo:
    """Refuse updates and SERVICE calls to endpoints not in ``allowlist``; return the query form.

    :raises QueryRefused: an update, LOAD, a SERVICE to a variable or a non-allowed IRI (403).
    :raises QueryError: no query form keyword at all (400).

    >>> check_query("SELECT * { ?s ?p 'SERVICE <http://x/>' }").form
    'SELECT'
    >>> check_query("SELECT * { SERVICE <http://evil.example/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    kg.errors.QueryRefused: SERVICE <http://evil.example/> is not allowed: this endpoint makes no outbound requests
    """
    readings = [text] if "\\" not in text else [text, decode_uchars(text)]
    form: str | None = None
    services: list[str] = []
    dataset_clause = False
    for reading in readings:
        tokens = tokenize(reading)
        words = {t.text.upper() for t in tokens if t.kind == "word"}
        updates = sorted(words & UPDATE_KEYWORDS)
        if updates:
            raise QueryRefused(f"updates are not accepted here (found {updates[0]}): the endpoint is read-only")
        for target in service_targets(tokens, base):
            if target is None:
                raise QueryRefused("SERVICE with a variable or unresolvable endpoint is not allowed")
            if target not in allowlist:
                raise QueryRefused(f"SERVICE <{target}> is not allowed: this endpoint makes no outbound requests")
            services.append(target)
        form = form or query_form(tokens)
        dataset_clause = dataset_clause or "FROM" in words
    if form is None:
        raise QueryError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return QueryInfo(form=form, services=sorted(set(services)), dataset_clause=dataset_clause)

