"""Content negotiation for SPARQL results: tables of media types per result kind, and pure functions over them.

A result kind is ``"solutions"`` (SELECT), ``"boolean"`` (ASK) or ``"graph"`` (CONSTRUCT/DESCRIBE and the
service description). Clients choose with the ``Accept`` header (q-values and wildcards) or with a ``format``
parameter (a short name or a full media type), which wins over Accept. ``text/html`` is offered for every kind:
browsers get the query UI. ASK results in CSV/TSV are served only when asked for explicitly (no standard defines
them; the body is pyoxigraph's bare ``true``/``false``); wildcards never select them.
No Flask import: these functions are used by the web layer and the CLI alike.
"""

from __future__ import annotations

from dataclasses import dataclass

HTML = "text/html"
JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
NQUADS = "application/n-quads"
JSONLD = "application/ld+json"
RDFXML = "application/rdf+xml"

#: Media types each kind can be served in, in server preference order (the first is the default).
RESULT_FORMATS: dict[str, tuple[str, ...]] = {
    "solutions": (JSON, XML, CSV, TSV),
    "boolean": (JSON, XML, CSV, TSV),
    "graph": (TURTLE, NTRIPLES, JSONLD, RDFXML, NQUADS),
}

#: Served only when named explicitly (never through a wildcard).
EXPLICIT_ONLY: dict[str, frozenset[str]] = {"boolean": frozenset({CSV, TSV})}

#: Other names clients use for a media type we serve, per kind.
MEDIA_ALIASES: dict[str, dict[str, str]] = {
    "solutions": {"application/json": JSON, "application/xml": XML, "text/xml": XML, "text/plain": TSV},
    "boolean": {"application/json": JSON, "application/xml": XML, "text/xml": XML},
    "graph": {
        "application/x-turtle": TURTLE,
        "application/turtle": TURTLE,
        "text/plain": NTRIPLES,
        "text/n-triples": NTRIPLES,
        "application/json": JSONLD,
        "application/xml": RDFXML,
        "text/xml": RDFXML,
        "text/n-quads": NQUADS,
        "text/x-nquads": NQUADS,
    },
}

#: ``format`` parameter names → media type, per kind.
FORMAT_NAMES: dict[str, dict[str, str]] = {
    "solutions": {"json": JSON, "xml": XML, "csv": CSV, "tsv": TSV, "html": HTML},
    "graph": {
        "turtle": TURTLE, "ttl": TURTLE, "ntriples": NTRIPLES, "nt": NTRIPLES, "nquads": NQUADS, "nq": NQUADS,
        "jsonld": JSONLD, "json-ld": JSONLD, "json": JSONLD, "rdfxml": RDFXML, "rdf": RDFXML, "xml": RDFXML,
        "html": HTML,
    },
}
FORMAT_NAMES["boolean"] = FORMAT_NAMES["solutions"]

#: Media types that have text content, sent with ``; charset=utf-8``.
TEXT_TYPES = frozenset({CSV, TSV, TURTLE, NTRIPLES, NQUADS, HTML})


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> int:
        """Specificity of the match (2 exact, 1 ``type/*``, 0 ``*/*``) or -1."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header; malformed entries and q-values are skipped, never fatal.

    >>> parse_accept("text/html, application/xml;q=0.9, */*;q=0.8")[1]
    MediaRange(type='application', subtype='xml', q=0.9)
    >>> parse_accept("")
    []
    """
    ranges: list[MediaRange] = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        main, slash, sub = fields[0].lower().partition("/")
        if not slash or not main or not sub:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(main, sub, q))
    return ranges


def _quality(ranges: list[MediaRange], media_type: str, aliases: list[str], *, explicit_only: bool) -> float:
    """The q of the most specific range matching ``media_type`` (wildcards allowed unless ``explicit_only``)
    or one of its ``aliases`` (exact names only); 0 when none matches."""
    best_spec, best_q = -1, 0.0
    for r in ranges:
        for name in [media_type, *aliases]:
            spec = r.matches(name)
            if spec < 2 and (explicit_only or name != media_type):
                continue
            if spec > best_spec or (spec == best_spec and r.q > best_q):
                best_spec, best_q = spec, r.q
    return best_q if best_spec >= 0 else 0.0


def negotiate(kind: str, accept: str | None, format_param: str | None = None) -> str | None:
    """Choose the response media type for ``kind``; None means nothing acceptable (406).

    The ``format`` parameter wins; otherwise the highest q wins and ties go to server preference.
    ``text/html`` counts only when the client names it (browsers do), never through ``*/*``.

    >>> negotiate("solutions", None)
    'application/sparql-results+json'
    >>> negotiate("graph", "application/rdf+xml;q=0.5, text/turtle;q=0.9")
    'text/turtle'
    >>> negotiate("solutions", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    'text/html'
    >>> negotiate("boolean", "text/csv")
    'text/csv'
    >>> negotiate("graph", "image/png") is None
    True
    >>> negotiate("solutions", "text/html", "csv")
    'text/csv'
    """
    if format_param:
        return format_media_type(kind, format_param)
    ranges = parse_accept(accept) if accept and accept.strip() else [MediaRange("*", "*", 1.0)]
    aliases = MEDIA_ALIASES.get(kind, {})
    candidates = [*RESULT_FORMATS[kind], HTML]
    best: str | None = None
    best_q = 0.0
    for media_type in candidates:
        names = [alias for alias, target in aliases.items() if target == media_type]
        explicit = media_type == HTML or media_type in EXPLICIT_ONLY.get(kind, ())
        q = _quality(ranges, media_type, names, explicit_only=explicit)
        if q > best_q:
            best, best_q = media_type, q
    return best


def pick(accept: str | None, offered: tuple[str, ...] | list[str], default: str,
         aliases: dict[str, str] | None = None, explicit: frozenset[str] = frozenset({HTML}),
         any_type: bool = True) -> str:
    """The one Accept picker for callers outside the result tables (entity IRIs, VoID): highest q wins,
    ties go to the order of ``offered`` (the server's preference), ``default`` when nothing matches or no header.
    Types in ``explicit`` (HTML, as for /sparql) count only when the client names them, never through ``*/*``;
    ``any_type=False`` ignores ``*/*`` altogether, so a client naming nothing it prefers gets ``default``.

    >>> pick("text/turtle;q=0.9, text/html;q=0.9", ("text/turtle", "text/html"), "text/html")
    'text/turtle'
    >>> pick("*/*", ("text/turtle", "text/html"), "text/html")
    'text/turtle'
    >>> pick("image/png", ("text/turtle",), "text/html")
    'text/html'
    """
    if not accept or not accept.strip():
        return default
    ranges = [r for r in parse_accept(accept) if any_type or r.type != "*"]
    best, best_q = default, 0.0
    for media_type in offered:
        names = [alias for alias, target in (aliases or {}).items() if target == media_type]
        q = _quality(ranges, media_type, names, explicit_only=media_type in explicit)
        if q > best_q:
            best, best_q = media_type, q
    return best


def format_media_type(kind: str, name: str) -> str | None:
    """Resolve a ``format`` parameter (short name or media type) for ``kind``; None if unknown.

    >>> format_media_type("graph", "nt")
    'application/n-triples'
    >>> format_media_type("solutions", "application/sparql-results+xml")
    'application/sparql-results+xml'
    >>> format_media_type("graph", "csv") is None
    True
    """
    key = name.strip().lower()
    if key in FORMAT_NAMES[kind]:
        return FORMAT_NAMES[kind][key]
    media_type = key.split(";")[0].strip()
    media_type = MEDIA_ALIASES.get(kind, {}).get(media_type, media_type)
    return media_type if media_type in RESULT_FORMATS[kind] or media_type == HTML else None


def content_type(media_type: str) -> str:
    """The Content-Type header value for a negotiated media type.

    >>> content_type("text/turtle")
    'text/turtle; charset=utf-8'
    >>> content_type("application/sparql-results+json")
    'application/sparql-results+json'
    """
    return f"{media_type}; charset=utf-8" if media_type in TEXT_TYPES else media_type


def kind_of(query_form: str) -> str:
    """The result kind of a query form.

    >>> kind_of("DESCRIBE")
    'graph'
    """
    return {"SELECT": "solutions", "ASK": "boolean"}.get(query_form, "graph")
