"""A streaming SELECT's answer written by pyoxigraph's own serialiser, without a Python pass over its terms.

The SPARQL layer hands over the query asking for one row more than it may answer (kg.sparql.streaming's
``streaming_form``: every row binds every variable). Written by the engine, the answer's rows are counted in its
bytes, which no literal can fake: JSON escapes every ``"`` inside strings, so ``{"type":`` opens a term and only
a term (each row has one per variable; an RDF-star triple term, which nests more, is left to the row writer), XML
escapes ``<``, so ``<result>`` opens a row, and TSV escapes line breaks, so each row is a line. An answer with more
rows than allowed, or more bytes, is None: the row writer (kg.store.results) then cuts it at a row boundary.
In-process at 1 M quads (disk mode), an entity lookup of 12 rows, query and answer: 0.169 ms written row by row,
0.096 ms natively (the same bytes in JSON); through the app, a hub lookup of 50 rows 0.52 -> 0.39 ms.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.formats import CSV, TSV, XML
from kg.store import QueryResponse
from kg.store.results import BOOLEAN_FORMATS as RESULTS_FORMATS

#: Media type → pyoxigraph's format (kg.store.results' table), for the formats whose rows can be counted in the
#: bytes (not CSV: a quoted field keeps its line breaks).
FORMATS = {media_type: f for media_type, f in RESULTS_FORMATS.items() if media_type != CSV}


def count_rows(body: bytes, media_type: str, variables: int) -> int | None:
    """The rows of an answer pyoxigraph wrote in ``media_type`` with every row binding all ``variables`` (None when
    they cannot be counted so).

    >>> body = b'{"head":{"vars":["o"]},"results":{"bindings":[{"o":{"type":"literal","value":"{\\\\"type\\\\":"}}]}}'
    >>> from kg.formats import JSON
    >>> count_rows(body, JSON, 1), count_rows(body.replace(b"literal", b"triple"), JSON, 1)
    (1, None)
    """
    if media_type == XML:
        return body.count(b"<result>")
    if media_type == TSV:
        return body.count(b"\n") - 1
    if variables < 1 or b'"type":"triple"' in body:
        return None
    terms = body.count(b'{"type":')
    return terms // variables if terms % variables == 0 else None


def write_natively(result: ox.QuerySolutions, media_type: str, most: int,
                   max_bytes: int | None) -> QueryResponse | None:
    """The answer in ``media_type`` if it has at most ``most`` rows and ``max_bytes`` bytes, else None."""
    body = result.serialize(format=FORMATS[media_type]) or b""
    rows = count_rows(body, media_type, len(result.variables))
    if rows is None or rows > most or (max_bytes is not None and len(body) > max_bytes):
        return None
    return QueryResponse(body, media_type, "SELECT", truncated=False, row_count=rows)
