"""One SPARQL query over HTTP to an external store, and the store's answers and errors in our terms.

Every failure becomes a :class:`kg.errors.KgError`: the store's own errors are mapped by their SQL state (Virtuoso,
reference/virtuoso.md): permissions 403, the query's own faults 400, time limits 503, the rest 503. Virtuoso's
"anytime" answer (200 with partial results and ``X-SQL-State: S1TAT``) is a timeout, never a result.
"""

from __future__ import annotations

import json
import math
import re
import socket
import urllib.error
import urllib.parse

import pyoxigraph as ox
from SPARQLWrapper import POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException, URITooLong

from kg.errors import KgError, QueryError, QueryRefused, QueryTimeout, QueryTooLong, StoreUnavailable

#: Connecting to the store must not take longer than this (a dead host fails fast).
CONNECT_TIMEOUT = 2.0

Dataset = tuple[list[str], list[str]]


class StoreUnreachable(StoreUnavailable):
    """No answer at all: the connection failed or broke (as opposed to an error the store answered with)."""


class SparqlClient:
    """POSTs queries to one endpoint URL; holds no connection."""

    def __init__(self, url: str) -> None:
        self.url = url
        parts = urllib.parse.urlsplit(url)
        self._address = (parts.hostname or "127.0.0.1", parts.port or (443 if parts.scheme == "https" else 80))

    def send(self, query: str, accept: str, dataset: Dataset, timeout: float,
             maxrows: int | None = None) -> bytes:
        """POST one query with its dataset (default and named graph IRIs) and time limit; return the body.

        ``maxrows`` (Virtuoso's parameter; other stores ignore it) stops a SELECT early, so a query without LIMIT
        over millions of triples costs ``max_rows`` rows, not a time-out.

        :raises QueryError: the store rejected the query (400). :raises QueryRefused: not permitted (403).
        :raises QueryTimeout: over the time limit (503). :raises StoreUnavailable: down or failing (503).
        """
        try:  # fail fast on a dead host: the HTTP timeout below is the (longer) query time limit
            socket.create_connection(self._address, timeout=CONNECT_TIMEOUT).close()
        except OSError as e:
            raise StoreUnreachable(f"the triple store at {self.url} cannot be reached: {e}") from None
        wrapper = SPARQLWrapper(self.url)
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)
        wrapper.setQuery(query)
        wrapper.addCustomHttpHeader("Accept", accept)
        for graph in dataset[0]:
            wrapper.addParameter("default-graph-uri", graph)
        for graph in dataset[1]:
            wrapper.addParameter("named-graph-uri", graph)
        wrapper.addParameter("timeout", str(max(1, int(timeout * 1000))))
        if maxrows is not None:
            wrapper.addParameter("maxrows", str(maxrows))
        wrapper.setTimeout(max(1, math.ceil(timeout + 2)))
        try:
            response = wrapper.query().response
            headers = response.headers
            body = response.read()
        except QueryBadFormed as e:
            raise QueryError(store_message(e)) from None
        except URITooLong as e:
            raise QueryTooLong(store_message(e)) from None
        except SPARQLWrapperException as e:
            raise classify(store_message(e)) from None
        except urllib.error.HTTPError as e:
            raise classify(f"HTTP {e.code}: {e.read()[:500].decode(errors='replace')}") from None
        except TimeoutError:
            raise QueryTimeout(f"the query ran longer than {timeout:g} s") from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            if isinstance(reason, TimeoutError | socket.timeout):
                raise QueryTimeout(f"the query ran longer than {timeout:g} s") from None
            raise StoreUnreachable(f"the triple store at {self.url} failed: {reason}") from None
        if headers.get("X-SQL-State", "") == "S1TAT":  # Virtuoso's "anytime" answer: partial results
            raise QueryTimeout(f"the query ran longer than {timeout:g} s (the store returned partial results)")
        return body


def store_message(error: Exception) -> str:
    """The store's own message from a SPARQLWrapper exception (its text ends with ``Response:\\nb'…'``)."""
    text = str(error)
    message = text.split("Response:", 1)[-1].strip()
    if message.startswith(("b'", 'b"')):
        message = message[2:-1]
    return " ".join(message.replace("\\n", " ").split())[:500] or text


#: Virtuoso reports errors as "Virtuoso <SQLSTATE> Error <code>: <text>" (e.g. "Virtuoso 07S01 Error SR183: …").
_VIRTUOSO_STATE = re.compile(r"Virtuoso ([0-9A-Z]{5}) Error ")
#: The store refused the query: privileges, security restrictions, the gate of scripts/virtuoso.sh (KG403).
_STORE_REFUSED = re.compile(r"SR186|SQ070|SR159|KG403|permission|not allowed|security restriction|restricted to", re.I)
#: The store's time limits.
_STORE_TIMED_OUT = re.compile(r"S1TAT|S1T00|SR171|SR203|HY008|SQLCancel|timed? ?out|estimated execution time", re.I)
#: The store could not read the query.
_STORE_SYNTAX = re.compile(r"SP0\d\d|SPARQL compiler|syntax", re.I)
#: SQLSTATE classes whose cause is the query itself: dynamic SQL (07: wrong arguments, SR183), cardinality (21),
#: data exceptions (22: bad value, division by zero, result too long), syntax or access rule (2A, 37: SQ074,
#: SP030/SP031; 42: unknown function or column). Connection (08), rollback (40), memory (HY), anything else: the
#: store's own trouble.
_CLIENT_STATES = ("07", "21", "22", "2A", "37", "42")


def classify(message: str) -> KgError:
    """Virtuoso's SQL states → our errors: refusals 403, time limits 503, errors caused by the query 400, the rest
    (the store down, out of memory, deadlocks, anything unrecognised) 503.

    >>> type(classify("Virtuoso HY008 Error SR203: Async statement killed by SQLCancel")).__name__
    'QueryTimeout'
    >>> type(classify("Virtuoso 37000 Error SQ074: Line 1: syntax error")).__name__
    'QueryError'

    Virtuoso repeats the whole query after its message: the client gets the message only.

    >>> str(classify("Virtuoso 42000 Error The estimated execution time 9 (sec) exceeds. SPARQL query: ASK {}"))
    "the query exceeded the store's time limit: Virtuoso 42000 Error The estimated execution time 9 (sec) exceeds."
    """
    message = message.split(" SPARQL query:", 1)[0].strip()
    if _STORE_REFUSED.search(message):
        return QueryRefused(f"the store refused the query: {message}")
    if _STORE_TIMED_OUT.search(message):
        return QueryTimeout(f"the query exceeded the store's time limit: {message}")
    state = _VIRTUOSO_STATE.search(message)
    if (state and state[1].startswith(_CLIENT_STATES)) or _STORE_SYNTAX.search(message):
        return QueryError(message)
    return StoreUnavailable(f"the triple store failed: {message}")


def load_json(body: bytes) -> dict:
    """A SPARQL JSON results document, with Virtuoso's ``nodeID://b123`` blank nodes as plain labels."""
    try:
        doc = json.loads(body)
    except ValueError as e:
        raise StoreUnavailable(f"the triple store sent an unreadable answer: {e}") from None
    for binding in doc.get("results", {}).get("bindings", []):
        for value in binding.values():
            if value.get("type") == "bnode":
                value["value"] = plain_bnode(value.get("value", ""))
    return doc


def plain_bnode(label: str) -> str:
    """Virtuoso's ``nodeID://b123`` as a valid blank node label (``b123``); other labels as they are.

    >>> plain_bnode("nodeID://b123"), plain_bnode("b7")
    ('b123', 'b7')
    """
    return re.sub(r"[^A-Za-z0-9_]", "_", label.split("://", 1)[1]) if "://" in label else label


_BNODE = re.compile(rb"<bnode>([^<]*)</bnode>")


def parse_xml_rows(body: bytes) -> tuple[list[str], list[tuple[ox.NamedNode | ox.BlankNode | ox.Literal | None, ...]]]:
    """A SPARQL XML results document as variable names and rows of pyoxigraph terms, parsed by pyoxigraph: from
    Virtuoso, 12.9 + 2.0 ms (fetch + parse) for an answer of 544 rows that takes 7.3 + 1.1 ms so, its JSON writer
    being the slower. Virtuoso's ``nodeID://b123`` blank nodes become plain labels (:func:`plain_bnode`)."""
    try:
        if b"<bnode>" in body:
            body = _BNODE.sub(lambda m: b"<bnode>" + plain_bnode(m[1].decode()).encode() + b"</bnode>", body)
        answer = ox.parse_query_results(body, format=ox.QueryResultsFormat.XML)
        if isinstance(answer, ox.QueryBoolean):
            raise ValueError("a boolean where solutions were asked for")
        names = [v.value for v in answer.variables]
        return names, [tuple(solution) for solution in answer]
    except (SyntaxError, ValueError) as e:
        raise StoreUnavailable(f"the triple store sent an unreadable answer: {e}") from None


def parse_triples(body: bytes) -> list[ox.Triple]:
    """An N-Triples answer as triples."""
    try:
        return [q.triple for q in ox.parse(body, ox.RdfFormat.N_TRIPLES)]
    except (SyntaxError, ValueError) as e:
        raise StoreUnavailable(f"the triple store sent unreadable N-Triples: {e}") from None


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def json_term(value: dict) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple:
    """One SPARQL JSON term as a pyoxigraph term (the answer is parsed once, not re-serialised to be parsed again).

    >>> json_term({"type": "literal", "value": "猫", "xml:lang": "zh"})
    <Literal value=猫 language=zh>
    """
    kind = value.get("type")
    try:
        if kind == "uri":
            return ox.NamedNode(value["value"])
        if kind == "bnode":
            return ox.BlankNode(value["value"])
        if kind in ("literal", "typed-literal"):
            if "xml:lang" in value:
                return ox.Literal(value["value"], language=value["xml:lang"])
            datatype = value.get("datatype", _XSD_STRING)
            return ox.Literal(value["value"], datatype=ox.NamedNode(datatype))
        if kind == "triple":
            parts = value["value"]
            return ox.Triple(json_term(parts["subject"]), json_term(parts["predicate"]), json_term(parts["object"]))
    except (KeyError, ValueError, TypeError) as e:
        raise StoreUnavailable(f"the triple store sent an unreadable term {value!r}: {e}") from None
    raise StoreUnavailable(f"the triple store sent an unknown term type {kind!r}")
