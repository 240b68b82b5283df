"""Content negotiation: the one Accept picker, used by every route (/sparql, entity IRIs, VoID, the CLI).

:func:`pick` chooses among offered media types: highest q wins, ties go to the server's order, a type in
``explicit`` (HTML) counts only when the client names it, never through ``*/*``. The offers come from the one
format table (kg.formats); :func:`negotiate` adds the ``format`` parameter of the SPARQL Protocol and the rule that
ASK results in CSV/TSV are served only when asked for by name (no standard defines them). No Flask import.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from kg.formats import HTML, HTML_PAGE, JSON, RDF_FORMATS, TURTLE, Format, formats_of

#: Media types served for a result kind only when named explicitly (never through a wildcard).
EXPLICIT_ONLY: dict[str, frozenset[str]] = {"boolean": frozenset({"text/csv", "text/tab-separated-values"})}


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
    for part in (header or "").split(",")[:64]:
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


def _quality(ranges: list[MediaRange], media_type: str, aliases: tuple[str, ...], *, explicit_only: bool) -> float:
    """The q of the most specific range matching ``media_type`` (wildcards allowed unless ``explicit_only``)
    or one of its ``aliases`` (exact names only); 0 when none matches."""
    best_spec, best_q = -1, 0.0
    for r in ranges:
        for name in (media_type, *aliases):
            spec = r.matches(name)
            if spec < 2 and (explicit_only or name != media_type):
                continue
            if spec > best_spec or (spec == best_spec and r.q > best_q):
                best_spec, best_q = spec, r.q
    return best_q if best_spec >= 0 else 0.0


def pick(accept: str | None, offered: tuple[Format | str, ...] | list[Format | str], default: str | None, *,
         explicit: frozenset[str] = frozenset({HTML}), any_type: bool = True) -> str | None:
    """The offered media type the Accept header prefers; ``default`` when none is acceptable or there is no header.

    Highest q wins, ties go to the order of ``offered`` (the server's preference). A :class:`Format`'s aliases
    count as its name (exact matches only). Types in ``explicit`` count only when named, never through ``*/*``;
    ``any_type=False`` ignores ``*/*`` altogether, so a client naming nothing it prefers gets ``default``.

    >>> pick("text/turtle;q=0.9, text/html;q=0.9", [*RDF_FORMATS, HTML], HTML, any_type=False)
    'text/turtle'
    >>> pick("*/*", [*RDF_FORMATS, HTML], HTML, any_type=False)
    'text/html'
    >>> pick("application/json", RDF_FORMATS, None)
    'application/ld+json'
    >>> pick("image/png", ["text/turtle"], "text/html")
    'text/html'
    """
    if not accept or not accept.strip():
        return default
    ranges = [r for r in parse_accept(accept) if any_type or r.type != "*"]
    best, best_q = default, 0.0
    for offer in offered:
        media_type, aliases = (offer.media_type, offer.aliases) if isinstance(offer, Format) else (offer, ())
        q = _quality(ranges, media_type, aliases, explicit_only=media_type in explicit)
        if q > best_q:
            best, best_q = media_type, q
    return best


@functools.lru_cache(maxsize=512)
def negotiate(kind: str, accept: str | None, format_param: str | None = None) -> str | None:
    """The response media type for a result of ``kind`` ("solutions", "boolean", "graph"); None means 406.

    Remembered for the last 512 distinct inputs (a client sends the same Accept header with every request: parsing
    and matching it was ~20 µs of a small query's answer, twice, for the query page check and the result format).

    The ``format`` parameter wins; then the Accept header (no header or an empty one: the kind's default).
    ``text/html`` (the query page) counts only when the client names it, as browsers do.

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
    formats = formats_of(kind)
    if not accept or not accept.strip():
        return formats[0].media_type
    explicit = frozenset({HTML}) | EXPLICIT_ONLY.get(kind, frozenset())
    return pick(accept, [*formats, HTML_PAGE], None, explicit=explicit)


def format_media_type(kind: str, name: str) -> str | None:
    """Resolve a ``format`` parameter (short name, media type or alias) for ``kind``; None if unknown.

    >>> format_media_type("graph", "nt")
    'application/n-triples'
    >>> format_media_type("solutions", "application/sparql-results+xml")
    'application/sparql-results+xml'
    >>> format_media_type("graph", "csv") is None
    True
    """
    key = name.strip().lower()
    if key == "html" or key == HTML:
        return HTML
    media_type = key.split(";")[0].strip()
    for fmt in formats_of(kind):
        if key in fmt.names or media_type == fmt.media_type or media_type in fmt.aliases:
            return fmt.media_type
    return None


def pick_entity_format(accept: str | None) -> str:
    """HTML or an RDF media type for an entity IRI: HTML by default and on ``*/*`` (browsers and curl).

    >>> pick_entity_format("application/rdf+xml;q=0.9, text/turtle")
    'text/turtle'
    >>> pick_entity_format("text/html;q=0.1, application/ld+json;q=0.2")
    'application/ld+json'
    >>> pick_entity_format("*/*")
    'text/html'
    """
    return pick(accept, [*RDF_FORMATS, HTML_PAGE], HTML, any_type=False) or HTML


def pick_description_format(accept: str | None) -> str:
    """HTML or an RDF media type for a description a machine usually wants (VoID): Turtle by default.

    >>> pick_description_format("text/html,application/xhtml+xml,*/*;q=0.8")
    'text/html'
    >>> pick_description_format("text/turtle;q=0.9, text/html;q=0.9")
    'text/turtle'
    """
    return pick(accept, [*RDF_FORMATS, HTML_PAGE], TURTLE) or TURTLE


def kind_of(query_form: str) -> str:
    """The result kind of a query form.

    >>> kind_of("DESCRIBE")
    'graph'
    """
    return {"SELECT": "solutions", "ASK": "boolean"}.get(query_form, "graph")


__all__ = ["HTML", "JSON", "TURTLE", "negotiate", "pick", "pick_entity_format", "pick_description_format",
           "format_media_type", "kind_of", "parse_accept"]
