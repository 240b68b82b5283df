"""Lexical checks on user SPARQL before anything runs: no updates, no SERVICE outside the allow-list, no vendor
functions, no store system graphs, bounded nesting.

This is the friendly first refusal (403/400 with a message); the guarantee that no request leaves the host is
the query child's own network namespace (kg.store.sandbox). The guard reads the text as the engine
(pyoxigraph's spargebra) does, in ONE reading:

* keywords are matched case-insensitively *without* a word boundary, as the engine's PEG grammar does, so any
  code token that starts with ``SERVICE`` is a SERVICE (``SERVICESILENT<…>``, ``SERVICEex:x``);
* ``\\u`` escapes are decoded only inside IRIs and strings (the engine does not pre-decode the query), and a
  backslash anywhere else is refused: the engine would reject it too;
* the scanner is linear: each position is matched once by one anchored pattern without nested quantifiers,
  and strings, IRIs and comments are single tokens; when unsure (an unterminated string) it reads code, so its
  mistakes can only refuse a query, never hide a keyword.
"""

from __future__ import annotations

import functools
import re
import typing as t
from dataclasses import dataclass, field
from urllib.parse import urljoin

from kg.errors import QueryError, QueryRefused

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
#: Deepest nesting of { ( [ accepted: thousands of nested groups overflow the engine's stack.
MAX_DEPTH = 64
#: Namespaces whose functions may be called by IRI: XSD casts (SPARQL 1.1 §17.5) and the project's own. SPARQL's
#: built-ins are keywords; XPath functions by IRI (``fn:doc`` crashes Virtuoso, scripts/virtuoso.sh) are not SPARQL.
FUNCTION_NAMESPACES = ("http://www.w3.org/2001/XMLSchema#", "https://w3id.org/dalian-kg/")
#: Prefixes a store predefines for its vendor functions (Virtuoso: bif:, sql:), refused even undeclared.
VENDOR_PREFIXES = frozenset({"bif", "sql"})
#: IRIs of a store's own system graphs and vocabularies (Virtuoso's virtrdf#, …): never readable here.
SYSTEM_IRI_PREFIXES = ("http://www.openlinksw.com/", "bif:", "sql:", "virtrdf:")

_NAME_CHARS = r"\w\-.:%\u00b7\u0300-\u036f\u203f\u2040"
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
             |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
             |'(?:[^'\\\n\r]|\\.)*'
             |"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f\u2040]+)
  | (?P<bnode>_:[\w\-.\u00b7\u0300-\u036f\u203f\u2040]+)
  | (?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
  | (?P<name>[""" + _NAME_CHARS + r"""]+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_OPEN, _CLOSE = "{([", "})]"


class Token(t.NamedTuple):
    """One lexical token: ``kind`` is word, pname, string, iri, var, bnode, lang, number or other (a tuple: the
    tokeniser makes one per token of a query up to its length limit, and a tuple is the cheapest to make)."""

    kind: str
    text: str
    #: Offset of the token in the query text.
    start: int = 0


@dataclass
class QueryInfo:
    """What the guard learnt: the query form and the SERVICE IRIs (all allowed, else it raised), and its reading of
    the text (tokens, prefixes and base) for the SPARQL layer's own extensions (kg.sparql.textquery)."""

    form: str
    services: list[str] = field(default_factory=list)
    #: The query names its own dataset (FROM / FROM NAMED), so the default graph is not the union.
    dataset_clause: bool = False
    tokens: list[Token] = field(default_factory=list, repr=False)
    #: Every keyword-like token, upper-cased (``CONTAINS``, ``GRAPH``, ``FILTER``, …).
    words: frozenset[str] = field(default_factory=frozenset, repr=False)
    prefixes: dict[str, str] = field(default_factory=dict, repr=False)
    base: str = ""


def _classify(text: str) -> str:
    if ":" in text:
        return "pname"
    if text[0].isdigit() or text[0] in ".-":
        return "number"
    return "word"


def tokenize(text: str) -> list[Token]:
    """Split SPARQL text into significant tokens (comments and white space dropped), in linear time.

    >>> [t.text for t in tokenize('SELECT * { ?s <x#y> "SERVICE" } # LOAD')]
    ['SELECT', '*', '{', '?s', '<x#y>', '"SERVICE"', '}']
    >>> [t.kind for t in tokenize("ASK { ?s ex:load 'it''s' }")]
    ['word', 'other', 'var', 'pname', 'string', 'string', 'other']
    """
    tokens = []
    position, end = 0, len(text)
    make = tuple.__new__  # Token(...) without its Python-level __new__: this loop runs once per token
    while position < end:
        match = _TOKEN.match(text, position)
        assert match is not None  # the last alternative matches any character
        kind = match.lastgroup or "other"
        start, position = position, match.end()
        if kind in ("space", "comment"):
            continue
        value = match.group()
        tokens.append(make(Token, (_classify(value) if kind == "name" else kind, value, start)))
    return tokens


def decode_uchars(text: str) -> str:
    r"""Decode ``\uXXXX`` / ``\UXXXXXXXX`` escapes (invalid code points are left as written).

    >>> decode_uchars(r"http://x/\u0041")
    'http://x/A'
    """

    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()

    return _UCHAR.sub(replace, text)


def resolve(base: str, iri: str) -> str:
    """``iri`` resolved against ``base`` (RFC 3986), keeping an empty fragment, which ``urljoin`` drops: a namespace
    such as ``<http://www.w3.org/2001/XMLSchema#>`` stays itself whatever the base.

    >>> resolve("http://h/sparql", "http://www.w3.org/2001/XMLSchema#"), resolve("http://h/sparql", "def/text#")
    ('http://www.w3.org/2001/XMLSchema#', 'http://h/def/text#')
    """
    if len(iri) > _REMEMBERED_IRI:
        return _resolve(base, iri)
    return _resolve_remembered(base, iri)


#: IRIs up to this length are resolved once per (base, IRI) and remembered (a query's PREFIX IRIs and the endpoint's
#: base repeat from request to request; ``urljoin`` was ~10 µs each, twice per IRI of a query).
_REMEMBERED_IRI = 256


def _resolve(base: str, iri: str) -> str:
    joined = urljoin(base, iri)
    return joined + "#" if iri.endswith("#") and not joined.endswith("#") else joined


_resolve_remembered = functools.lru_cache(maxsize=4096)(_resolve)


def keyword(token: Token) -> str:
    """The token as an upper-case keyword, or "" when it is not a bare word (a name, a string, an IRI…).

    >>> [keyword(t) for t in tokenize('select "ask" ?x')]
    ['SELECT', '', '']
    """
    return token.text.upper() if token.kind == "word" else ""


def query_form(tokens: list[Token]) -> str | None:
    """The first query-form keyword, or "UPDATE" if an update keyword comes first; None if neither occurs.

    >>> query_form(tokenize("PREFIX select: <x> ask { ?s ?p ?o }"))
    'ASK'
    >>> query_form(tokenize("CLEAR ALL"))
    'UPDATE'
    """
    for token in tokens:
        word = keyword(token)
        if word in QUERY_FORMS:
            return word
        if word in UPDATE_KEYWORDS:
            return "UPDATE"
    return None


def iri_value(token: Token, prefixes: dict[str, str], base: str) -> str | None:
    """The IRI an iri or pname token stands for (None for an undeclared prefix)."""
    if token.kind == "iri":
        return resolve(base, decode_uchars(token.text[1:-1]))
    prefix, _, local = token.text.partition(":")
    namespace = prefixes.get(prefix)
    return None if namespace is None else namespace + (re.sub(r"\\(.)", r"\1", local) if "\\" in local else local)


def _declarations(tokens: list[Token], base: str) -> tuple[dict[str, str], str]:
    """PREFIX and BASE declarations, in order (a later BASE resolves later relative IRIs)."""
    prefixes: dict[str, str] = {}
    for i, token in enumerate(tokens[:-1]):
        word = keyword(token)
        if word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 1].kind == "pname" and tokens[i + 2].kind == "iri":
            prefixes[tokens[i + 1].text.rstrip(":")] = resolve(base, decode_uchars(tokens[i + 2].text[1:-1]))
        elif word == "BASE" and tokens[i + 1].kind == "iri":
            base = resolve(base, decode_uchars(tokens[i + 1].text[1:-1]))
    return prefixes, base


def service_targets(tokens: list[Token], base: str = "") -> list[str | None]:
    """The IRI after each SERVICE (``None`` for a variable or anything not resolvable to an IRI).

    A code token that starts with SERVICE is a SERVICE to the engine, whatever is glued to it.

    >>> service_targets(tokenize("PREFIX e: <http://e/> SELECT * { SERVICE SILENT e:s {} SERVICE ?x {} }"))
    ['http://e/s', None]
    >>> service_targets(tokenize("PREFIX e: <http://e/> SELECT * { SERVICESILENT<http://x/>{} SERVICEe:y {} }"))
    ['http://x/', 'http://e/y']
    """
    declared: tuple[dict[str, str], str] | None = None  # read once a SERVICE is found (most queries have none)
    targets: list[str | None] = []
    for i, token in enumerate(tokens):
        if token.kind not in ("word", "pname") or not token.text.upper().startswith("SERVICE"):
            continue
        declared = declared or _declarations(tokens, base)
        rest = token.text[len("SERVICE"):]
        if rest.upper().startswith("SILENT"):
            rest = rest[len("SILENT"):]
        following = tokens[i + 1:]
        if not rest and following and keyword(following[0]).startswith("SILENT"):
            rest = following[0].text[len("SILENT"):]
            following = following[1:]
        if rest:
            target: Token | None = Token("pname" if ":" in rest else "word", rest)
        else:
            target = following[0] if following else None
        if target is not None and target.kind in ("iri", "pname"):
            targets.append(iri_value(target, *declared))
        else:
            targets.append(None)
    return targets


def _check_structure(tokens: list[Token], prefixes: dict[str, str], base: str, extensions: frozenset[str]) -> None:
    """Nesting depth, backslashes outside strings and IRIs, vendor functions and system graphs (``extensions``: the
    endpoint's own property IRIs, which may be followed by a list)."""
    depth = 0
    for i, token in enumerate(tokens):
        if token.kind == "other":
            if token.text in _OPEN:
                depth += 1
                if depth > MAX_DEPTH:
                    raise QueryError(f"the query nests groups and expressions deeper than {MAX_DEPTH} levels")
            elif token.text in _CLOSE:
                depth = max(0, depth - 1)
            elif token.text == "\\":
                raise QueryError("escape sequences are only allowed inside strings and IRIs")
        if token.kind in ("iri", "pname"):
            prefix = token.text.partition(":")[0]
            value = iri_value(token, prefixes, base)
            if token.kind == "pname" and prefix in VENDOR_PREFIXES and prefix not in prefixes:
                value = prefix + ":" + token.text.partition(":")[2]
            if value is not None and value.startswith(SYSTEM_IRI_PREFIXES):
                raise QueryRefused(f"{token.text} belongs to the store's own system vocabulary and is not available")
            called = i + 1 < len(tokens) and tokens[i + 1].text == "("
            if called and value not in extensions and (value is None or not value.startswith(FUNCTION_NAMESPACES)):
                raise QueryError(f"the function {token.text} is not available: only SPARQL 1.1 built-ins, XSD casts "
                                 "and the project's own functions can be called")


def check_query(text: str, *, allowlist: tuple[str, ...] | list[str] = (), base: str = "",
                extensions: frozenset[str] = frozenset()) -> QueryInfo:
    """Refuse updates and SERVICE calls to endpoints not in ``allowlist``; return the query form. ``extensions`` are
    the IRIs of the endpoint's own property functions (``dkgtext:query ( "text" 10 )`` is not a function call).

    :raises QueryRefused: an update, LOAD, a SERVICE to a variable or a non-allowed IRI, a system graph (403).
    :raises QueryError: no query form keyword, too deep nesting, a vendor function, a stray escape (400).

    >>> check_query("SELECT * { ?s ?p 'SERVICE <http://x/>' }").form
    'SELECT'
    >>> check_query("SELECT * { SERVICE <http://evil.example/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    kg.errors.QueryRefused: SERVICE <http://evil.example/> is not allowed: this endpoint makes no outbound requests
    """
    tokens = tokenize(text)
    words = {keyword(t) for t in tokens} - {""}
    updates = sorted(words & UPDATE_KEYWORDS)
    if updates:
        raise QueryRefused(f"updates are not accepted here (found {updates[0]}): the endpoint is read-only")
    prefixes, resolved_base = _declarations(tokens, base)
    _check_structure(tokens, prefixes, resolved_base, extensions)
    services: list[str] = []
    for target in service_targets(tokens, base):
        if target is None:
            raise QueryRefused("SERVICE with a variable or unresolvable endpoint is not allowed")
        if target not in allowlist:
            raise QueryRefused(f"SERVICE <{target}> is not allowed: this endpoint makes no outbound requests")
        services.append(target)
    form = query_form(tokens)
    if form is None:
        raise QueryError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    dataset_clause = any(word.startswith("FROM") for word in words)
    return QueryInfo(form=form, services=sorted(set(services)), dataset_clause=dataset_clause, tokens=tokens,
                     words=frozenset(words),
                     prefixes=prefixes, base=resolved_base)
