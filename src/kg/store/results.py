"""A query result → bytes in the negotiated format, stopping at the row limit (used where the result is produced).

pyoxigraph's ``QuerySolutions.serialize`` always writes every remaining solution, so a result cut at
``max_rows`` cannot go through it. These writers produce the same four W3C formats (JSON, XML, CSV, TSV)
from the rows actually kept; tests parse them back with ``pyoxigraph.parse_query_results`` and SPARQLWrapper.
Boolean and graph results use pyoxigraph's serialisers. The formats are kg.formats'.
"""

from __future__ import annotations

import itertools
import json
import typing as t
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.formats import CSV, JSON, RDF_FORMATS, TSV, TURTLE, XML, serialize_triples
from kg.store import QueryResponse

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

Row = t.Sequence["ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None"]


def _json_term(term: t.Any) -> dict[str, t.Any]:
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


def write_json(variables: list[str], rows: t.Iterable[Row]) -> bytes:
    """SPARQL 1.1 Query Results JSON.

    >>> write_json(["s"], [[ox.Literal("猫", language="zh")], [None]])
    b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"\\xe7\\x8c\\xab","xml:lang":"zh"}},{}]}}'
    """
    bindings = [{v: _json_term(term) for v, term in zip(variables, row, strict=True) if term is not None}
                for row in rows]
    doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


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


def write_xml(variables: list[str], rows: t.Iterable[Row]) -> bytes:
    """SPARQL Query Results XML."""
    parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    parts += [f"<variable name={quoteattr(v)}/>" for v in variables]
    parts.append("</head><results>")
    for row in rows:
        parts.append("<result>")
        for v, term in zip(variables, row, strict=True):
            if term is not None:
                parts.append(f"<binding name={quoteattr(v)}>{_xml_term(term)}</binding>")
        parts.append("</result>")
    parts.append("</results></sparql>")
    return "".join(parts).encode()


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


def write_csv(variables: list[str], rows: t.Iterable[Row]) -> bytes:
    """SPARQL 1.1 CSV (lexical forms only; CRLF line ends).

    >>> write_csv(["a", "b"], [[ox.NamedNode("http://x/"), ox.Literal('say "hi", ok')]])
    b'a,b\\r\\nhttp://x/,"say ""hi"", ok"\\r\\n'
    """
    lines = [",".join(variables)]
    lines += [",".join(_csv_field(term) for term in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


def write_tsv(variables: list[str], rows: t.Iterable[Row]) -> bytes:
    """SPARQL 1.1 TSV (terms in N-Triples/Turtle syntax, tabs and newlines escaped by it).

    >>> write_tsv(["a"], [[ox.Literal("1\\t2")], [None]])
    b'?a\\n"1\\\\t2"\\n\\n'
    """
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join("" if term is None else str(term) for term in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


#: Not a media type anyone can ask for: the result as pyoxigraph terms, for the query page (never negotiated).
TERMS = "application/x.kg-terms"

#: Media type → writer for SELECT results.
SOLUTION_WRITERS: dict[str, t.Callable[[list[str], t.Iterable[Row]], bytes]] = {
    JSON: write_json,
    XML: write_xml,
    CSV: write_csv,
    TSV: write_tsv,
}

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
    result = ox.parse_query_results(b'{"head":{},"boolean":%s}' % (b"true" if answer else b"false"),
                                    format=ox.QueryResultsFormat.JSON)
    body = result.serialize(format=BOOLEAN_FORMATS[media_type]) or b""
    return QueryResponse(body, media_type, "ASK", row_count=1)


def write_solutions(variables: list[str], rows: t.Iterable[Row], media_type: str, limit: int | None) -> QueryResponse:
    """SELECT rows, at most ``limit`` of them (``truncated`` says whether more were there)."""
    kept = list(itertools.islice(rows, None if limit is None else limit + 1))
    truncated = limit is not None and len(kept) > limit
    kept = kept[:limit] if truncated else kept
    if media_type == TERMS:
        return QueryResponse(b"", TERMS, "SELECT", truncated, len(kept), terms=(variables, list(kept)))
    media_type = media_type if media_type in SOLUTION_WRITERS else JSON
    body = SOLUTION_WRITERS[media_type](variables, kept)
    return QueryResponse(body, media_type, "SELECT", truncated=truncated, row_count=len(kept))


def write_graph(triples: t.Iterable[ox.Triple], media_type: str, limit: int | None, form: str) -> QueryResponse:
    """CONSTRUCT/DESCRIBE triples, at most ``limit`` of them (Turtle when ``media_type`` is not an RDF format)."""
    kept = list(itertools.islice(triples, None if limit is None else limit + 1))
    truncated = limit is not None and len(kept) > limit
    kept = kept[:limit] if truncated else kept
    if media_type == TERMS:
        rows = [(t.subject, t.predicate, t.object) for t in kept]
        return QueryResponse(b"", TERMS, form, truncated, len(kept), terms=(["subject", "predicate", "object"], rows))
    media_type = media_type if media_type in GRAPH_FORMATS else TURTLE
    body = serialize_triples(kept, GRAPH_FORMATS[media_type])
    return QueryResponse(body, media_type, form, truncated=truncated, row_count=len(kept))


def write_result(result: t.Any, media_type: str, limit: int | None, form: str) -> QueryResponse:
    """A pyoxigraph query result (boolean, solutions or triples) in ``media_type``."""
    if isinstance(result, ox.QueryBoolean):
        return write_boolean(bool(result), media_type)
    if isinstance(result, ox.QuerySolutions):
        return write_solutions([v.value for v in result.variables], (tuple(s) for s in result), media_type, limit)
    return write_graph(result, media_type, limit, "DESCRIBE" if form == "DESCRIBE" else "CONSTRUCT")
