"""A query result → bytes in the negotiated format, stopping at the row limit (used where the result is produced).

pyoxigraph's ``QuerySolutions.serialize`` always writes every remaining solution, so a result cut at
``max_rows`` cannot go through it. These writers produce the same four W3C formats (JSON, XML, CSV, TSV)
from the rows actually kept; tests parse them back with ``pyoxigraph.parse_query_results`` and SPARQLWrapper.
Boolean and graph results use pyoxigraph's serialisers. The formats are kg.formats'.
"""

from __future__ import annotations

import functools
import itertools
import json
import time
import typing as t
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.formats import CSV, JSON, RDF_FORMATS, TSV, TURTLE, XML, serialize_triples
from kg.store import QueryResponse

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

Row = t.Sequence["ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None"]


def _json_term(term: t.Any) -> dict[str, t.Any]:
    """A term as a JSON object (RDF-star triples; :func:`_json_text` writes the usual terms faster, the same bytes)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {k: _json_term(getattr(term, k)) for k in ("subject", "predicate", "object")},
        }
    out: dict[str, t.Any] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


_quoted = json.encoder.encode_basestring  # what json.dumps(..., ensure_ascii=False) writes a string with (C)


def _json_text(term: t.Any) -> str:
    """A term as JSON text, as ``json.dumps(_json_term(term), ensure_ascii=False, separators=(",", ":"))`` writes it,
    three times faster: no dict and no encoder set up per row (at 8 µs a row of three terms, writing 3,461 rows
    took 28 ms)."""
    kind = type(term)
    if kind is ox.NamedNode:
        return '{"type":"uri","value":' + _quoted(term.value) + "}"
    if kind is ox.Literal:
        language = term.language
        if language:
            return '{"type":"literal","value":' + _quoted(term.value) + ',"xml:lang":' + _quoted(language) + "}"
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return '{"type":"literal","value":' + _quoted(term.value) + "}"
        return '{"type":"literal","value":' + _quoted(term.value) + ',"datatype":' + _quoted(datatype) + "}"
    if kind is ox.BlankNode:
        return '{"type":"bnode","value":' + _quoted(term.value) + "}"
    return json.dumps(_json_term(term), ensure_ascii=False, separators=(",", ":"))


def _json_head(variables: list[str]) -> str:
    return json.dumps({"head": {"vars": variables}}, separators=(",", ":"))[:-1] + ',"results":{"bindings":['


def _json_keys(variables: list[str]) -> list[str]:
    return [_quoted(v) + ":" for v in variables]


def _json_row(keys: list[str], row: Row, first: bool) -> str:
    body = ",".join([key + _json_text(term) for key, term in zip(keys, row, strict=True) if term is not None])
    return ("{" if first else ",{") + body + "}"


def write_json(variables: list[str], rows: t.Iterable[Row]) -> bytes:
    """SPARQL 1.1 Query Results JSON.

    >>> write_json(["s"], [[ox.Literal("猫", language="zh")], [None]])
    b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"\xe7\x8c\xab","xml:lang":"zh"}},{}]}}'
    """
    return _write(WRITERS[JSON], variables, rows, None, None)[0]


def _xml_term(term: t.Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        parts = "".join(f"<{k}>{_xml_term(getattr(term, k))}</{k}>" for k in ("subject", "predicate", "object"))
        return f"<triple>{parts}</triple>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _xml_head(variables: list[str]) -> str:
    names = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
    return f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>{names}</head><results>'


def _xml_row(variables: list[str], row: Row, first: bool) -> str:
    bindings = "".join(f"<binding name={quoteattr(v)}>{_xml_term(term)}</binding>"
                       for v, term in zip(variables, row, strict=True) if term is not None)
    return f"<result>{bindings}</result>"


def _csv_field(term: t.Any) -> str:
    if term is None:
        text = ""
    elif isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    elif isinstance(term, ox.Triple):
        text = str(term)
    else:
        text = term.value
    if any(c in text for c in ',"\r\n'):
        text = '"' + text.replace('"', '""') + '"'
    return text


def _csv_row(variables: list[str], row: Row, first: bool) -> str:
    return ",".join(_csv_field(term) for term in row) + "\r\n"


def write_csv(variables: list[str], rows: t.Iterable[Row]) -> bytes:
    """SPARQL 1.1 CSV (lexical forms only; CRLF line ends).

    >>> write_csv(["a", "b"], [[ox.NamedNode("http://x/"), ox.Literal('say "hi", ok')]])
    b'a,b\\r\\nhttp://x/,"say ""hi"", ok"\\r\\n'
    """
    return _write(WRITERS[CSV], variables, rows, None, None)[0]


def _tsv_row(variables: list[str], row: Row, first: bool) -> str:
    return "\t".join("" if term is None else str(term) for term in row) + "\n"


def write_tsv(variables: list[str], rows: t.Iterable[Row]) -> bytes:
    """SPARQL 1.1 TSV (terms in N-Triples/Turtle syntax, tabs and newlines escaped by it).

    >>> write_tsv(["a"], [[ox.Literal("1\\t2")], [None]])
    b'?a\\n"1\\\\t2"\\n\\n'
    """
    return _write(WRITERS[TSV], variables, rows, None, None)[0]


@dataclass(frozen=True)
class RowWriter:
    """One results format as a head, a text per row and a tail, so that rows can be counted and sized as written."""

    head: t.Callable[[list[str]], str]
    #: The row writer's first argument, made once from the variables.
    row: t.Callable[[t.Any, Row, bool], str]
    tail: str
    context: t.Callable[[list[str]], t.Any] = lambda variables: variables


#: Media type → the writer of SELECT results.
WRITERS: dict[str, RowWriter] = {
    JSON: RowWriter(_json_head, _json_row, "]}}", _json_keys),
    XML: RowWriter(_xml_head, _xml_row, "</results></sparql>"),
    CSV: RowWriter(lambda variables: ",".join(variables) + "\r\n", _csv_row, ""),
    TSV: RowWriter(lambda variables: "\t".join("?" + v for v in variables) + "\n", _tsv_row, ""),
}


def _write(writer: RowWriter, variables: list[str], rows: t.Iterable[Row], max_rows: int | None,
           max_bytes: int | None) -> tuple[bytes, int, bool]:
    """(body, rows written, truncated): rows until ``max_rows`` or until the next would pass ``max_bytes``."""
    parts = [writer.head(variables).encode()]
    size = len(parts[0]) + len(writer.tail)
    count, truncated = 0, False
    context = writer.context(variables)
    for row in rows:
        if max_rows is not None and count >= max_rows:
            truncated = True
            break
        piece = writer.row(context, row, count == 0).encode()
        if max_bytes is not None and size + len(piece) > max_bytes:
            truncated = True
            break
        parts.append(piece)
        size += len(piece)
        count += 1
    parts.append(writer.tail.encode())
    return b"".join(parts), count, truncated


#: Not a media type anyone can ask for: the result as pyoxigraph terms, for the query page (never negotiated).
TERMS = "application/x.kg-terms"

#: Media type → pyoxigraph format for ASK results.
BOOLEAN_FORMATS: dict[str, ox.QueryResultsFormat] = {
    JSON: ox.QueryResultsFormat.JSON,
    XML: ox.QueryResultsFormat.XML,
    CSV: ox.QueryResultsFormat.CSV,
    TSV: ox.QueryResultsFormat.TSV,
}

#: Media type → pyoxigraph format for graphs.
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {f.media_type: f.rdf for f in RDF_FORMATS if f.rdf is not None}


def write_boolean(answer: bool, media_type: str) -> QueryResponse:
    """An ASK answer (JSON when ``media_type`` is not a results format)."""
    if media_type == TERMS:
        return QueryResponse(b"", TERMS, "ASK", row_count=1, terms=answer)
    media_type = media_type if media_type in BOOLEAN_FORMATS else JSON
    return QueryResponse(_boolean_body(answer, media_type), media_type, "ASK", row_count=1)


@functools.cache
def _boolean_body(answer: bool, media_type: str) -> bytes:
    """pyoxigraph's serialisation of a boolean result (eight possible answers, each written once per process)."""
    result = ox.parse_query_results(b'{"head":{},"boolean":%s}' % (b"true" if answer else b"false"),
                                    format=ox.QueryResultsFormat.JSON)
    return result.serialize(format=BOOLEAN_FORMATS[media_type]) or b""


def write_solutions(variables: list[str], rows: t.Iterable[Row], media_type: str, limit: int | None,
                    max_bytes: int | None = None) -> QueryResponse:
    """SELECT rows, at most ``limit`` of them and ``max_bytes`` of body (``truncated`` says whether more were there)."""
    if media_type == TERMS:  # sized as TSV would write them
        _, count, truncated = _write(WRITERS[TSV], variables, (kept := list(itertools.islice(
            rows, None if limit is None else limit + 1))), limit, max_bytes)
        return QueryResponse(b"", TERMS, "SELECT", truncated, count, terms=(variables, kept[:count]))
    media_type = media_type if media_type in WRITERS else JSON
    body, count, truncated = _write(WRITERS[media_type], variables, rows, limit, max_bytes)
    return QueryResponse(body, media_type, "SELECT", truncated=truncated, row_count=count)


def _fit_triples(triples: t.Iterable[ox.Triple], limit: int | None, max_bytes: int | None) -> tuple[list, bool]:
    """The triples that fit ``limit`` and (as N-Triples lines) ``max_bytes``, and whether any were left out."""
    kept: list[ox.Triple] = []
    size = 0
    for triple in triples:
        if limit is not None and len(kept) >= limit:
            return kept, True
        size += len(str(triple).encode()) + 3
        if max_bytes is not None and size > max_bytes:
            return kept, True
        kept.append(triple)
    return kept, False


def write_graph(triples: t.Iterable[ox.Triple], media_type: str, limit: int | None, form: str,
                max_bytes: int | None = None) -> QueryResponse:
    """CONSTRUCT/DESCRIBE triples, at most ``limit`` of them and ``max_bytes`` of body (Turtle when ``media_type``
    is not an RDF format). Formats wordier than N-Triples (JSON-LD, RDF/XML) drop more triples until they fit."""
    kept, truncated = _fit_triples(triples, limit, max_bytes)
    if media_type == TERMS:
        rows = [(t.subject, t.predicate, t.object) for t in kept]
        return QueryResponse(b"", TERMS, form, truncated, len(kept), terms=(["subject", "predicate", "object"], rows))
    media_type = media_type if media_type in GRAPH_FORMATS else TURTLE
    body = serialize_triples(kept, GRAPH_FORMATS[media_type])
    while max_bytes is not None and len(body) > max_bytes and kept:
        kept, truncated = kept[: len(kept) * max_bytes // len(body) * 9 // 10], True
        body = serialize_triples(kept, GRAPH_FORMATS[media_type])
    return QueryResponse(body, media_type, form, truncated=truncated, row_count=len(kept))


class PastDeadline(Exception):
    """Rows were still coming at the deadline :func:`write_result` was given (kg.store.embedded's streaming run)."""


def _until(items: t.Iterable[t.Any], deadline: float) -> t.Iterator[t.Any]:
    """``items``, raising :class:`PastDeadline` once the monotonic clock passes ``deadline`` (checked every 64)."""
    for n, item in enumerate(items):
        if not n & 63 and time.monotonic() > deadline:
            raise PastDeadline
        yield item


def write_result(result: t.Any, media_type: str, limit: int | None, form: str,
                 max_bytes: int | None = None, deadline: float | None = None) -> QueryResponse:
    """A pyoxigraph query result (boolean, solutions or triples) in ``media_type``, within the limits; with a
    ``deadline`` (monotonic seconds) the rows stop there (:class:`PastDeadline`)."""
    if isinstance(result, ox.QueryBoolean):
        return write_boolean(bool(result), media_type)
    if isinstance(result, ox.QuerySolutions):
        rows: t.Iterable[t.Any] = (tuple(s) for s in result)
        rows = rows if deadline is None else _until(rows, deadline)
        return write_solutions([v.value for v in result.variables], rows, media_type, limit, max_bytes)
    triples = result if deadline is None else _until(result, deadline)
    return write_graph(triples, media_type, limit, "DESCRIBE" if form == "DESCRIBE" else "CONSTRUCT", max_bytes)
