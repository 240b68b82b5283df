"""The remote store: any SPARQL 1.1 endpoint (tested with Virtuoso 7.2) behind the :class:`kg.store.Store` interface.

Queries go over HTTP with SPARQLWrapper; answers are parsed with pyoxigraph, so callers get the same term
types as from the embedded store. Behaviour that needs care with Virtuoso (reference/virtuoso.md):

* **Default graph.** Without FROM, Virtuoso's default graph is the union of *every* graph, its own system graphs
  included (``virtrdf#`` with ~2,500 triples, ``ldp#``, ``localuriqaserver``). To answer like the embedded store
  (union of the project's named graphs), queries that name no dataset are sent with ``default-graph-uri`` and
  ``named-graph-uri`` set to the project's graphs: those under ``{base}data/``, or, if there are none, every graph
  that is not a system graph. Like pyoxigraph's union, the merge keeps duplicates (a triple in two graphs is two rows).
* **Time limit.** The ``timeout`` parameter (ms) makes Virtuoso stop a query, but it then answers 200 with
  *partial* results and ``X-SQL-State: S1TAT``; that header is turned into :class:`QueryTimeout`.
* **Blank nodes** come back as ``nodeID://b123``, which is not a valid blank node label: rewritten to ``b123``.
* **Loading** uses the Graph Store Protocol (DELETE, then POST in chunks) for triples without blank nodes. A
  blank node shared by several graphs (evidence nodes: asserted + inferred) would split into one node per request,
  so quads with blank nodes go in one ``INSERT {GRAPH…} WHERE {}`` per connected group instead; Virtuoso rejects
  blank nodes in INSERT DATA and reports a bogus SR002 error after a multi-graph INSERT that did succeed, so the
  load checks the per-graph triple counts at the end instead of trusting that answer.
* **Row limits.** Virtuoso's ``maxrows`` parameter (row limit + 1) stops a SELECT early; CONSTRUCT ignores it and
  is capped by the server's ``ResultSetMaxRows`` (scripts/virtuoso.sh: 100,000).

Known differences from the embedded store (tests/test_remote_store.py compares the rest): ``GRAPH ?g {}`` (an empty
pattern) finds no graphs on Virtuoso (write ``GRAPH ?g { ?s ?p ?o }``); ORDER BY between literals of different
languages is implementation-defined and differs; blank node labels differ (as between any two stores).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
from SPARQLWrapper import POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException, URITooLong

from kg.config import Settings
from kg.errors import KgError, QueryError, QueryRefused, QueryTimeout, QueryTooLong, StoreUnavailable
from kg.guard import check_query
from kg.store import QueryRequest, QueryResponse, Row, Term

JSON_RESULTS = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
#: Connecting to the store must not take longer than this (a dead host fails fast, reference: issue 6).
CONNECT_TIMEOUT = 2.0
#: How long the graph list and data version are reused before asking the store again.
CACHE_SECONDS = 5.0
#: Graphs Virtuoso keeps for itself; they never belong to the served data.
SYSTEM_GRAPH_PREFIXES = (
    "http://www.openlinksw.com/",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/",
    "http://localhost:8890/",
    "urn:",
    "virtrdf:",
)
#: Counts per graph: the graph list for the default graph and the data version in one cheap scan.
GRAPH_COUNTS_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
#: Triples per Graph Store Protocol POST when loading.
CHUNK_TRIPLES = 50_000
#: Quads per INSERT template (Virtuoso compiles each into SQL and stops at 10,000 lines of it).
BLANK_BATCH = 200

_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
#: Strings, IRIs and comments (skipped when looking for keywords and braces), then the tokens that matter.
_SCAN = re.compile(
    r"""(?P<skip>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''|\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"|<[^<>"{}|^`\\\x00-\x20]*>|\#[^\n\r]*)
      |(?P<word>[A-Za-z]+)|(?P<open>\{)|(?P<close>\})""",
    re.VERBOSE | re.DOTALL,
)


# --- terms and query text ------------------------------------------------------------------------------------


def sparql_term(term: Term) -> str:
    """The one escaping helper: a term as SPARQL text (pyoxigraph writes N-Triples syntax, escapes included).

    >>> sparql_term(ox.Literal('say "hi"', language="zh"))
    '"say \\\\"hi\\\\""@zh'
    >>> sparql_term(ox.NamedNode("http://example.org/a"))
    '<http://example.org/a>'
    """
    if isinstance(term, ox.NamedNode | ox.Literal):
        return str(term)
    raise ValueError(f"only IRIs and literals can be bound, not {term!r}")


def bind_values(query: str, bindings: dict[str, Term] | None) -> str:
    """Put ``VALUES`` for the bindings at the start of the query's WHERE group (like pyoxigraph's substitutions).

    The app's own queries only; values are serialised by :func:`sparql_term`, never pasted.

    >>> bind_values("SELECT ?l WHERE { ?s rdfs:label ?l }", {"s": ox.NamedNode("http://x/a")})
    'SELECT ?l WHERE { VALUES (?s) { (<http://x/a>) } ?s rdfs:label ?l }'
    >>> bind_values("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": ox.NamedNode("http://x/a")})
    'CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?s) { (<http://x/a>) } ?s ?p ?o }'
    """
    if not bindings:
        return query
    names = list(bindings)
    for name in names:
        if not _VARIABLE.match(name):
            raise ValueError(f"not a variable name: {name!r}")
    block = "VALUES ({}) {{ ({}) }}".format(
        " ".join("?" + n for n in names), " ".join(sparql_term(bindings[n]) for n in names)
    )
    position = _where_brace(query)
    if position is None:  # no group at all (DESCRIBE <x>): a trailing VALUES is still valid SPARQL
        return f"{query}\n{block}"
    return f"{query[:position + 1]} {block}{query[position + 1:]}"


def _where_brace(query: str) -> int | None:
    """Offset of the ``{`` opening the outermost WHERE group (the first top-level one after WHERE, or after ASK/
    SELECT/DESCRIBE when the keyword is left out)."""
    depth = 0
    form = None
    after_where = False
    for match in _SCAN.finditer(query):
        kind = match.lastgroup
        if kind == "word" and depth == 0:
            word = match.group().upper()
            if form is None and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                form = word
            elif word == "WHERE":
                after_where = True
        elif kind == "open":
            if depth == 0 and (after_where or form in ("SELECT", "ASK", "DESCRIBE")):
                return match.start()
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
    return None


def has_dataset_clause(query: str) -> bool:
    """Whether the query names its own dataset (FROM / FROM NAMED), outside strings, IRIs and comments.

    >>> has_dataset_clause('SELECT * FROM <http://g> { ?s ?p "FROM" }'), has_dataset_clause("ASK {} # from")
    (True, False)
    """
    return any(m.lastgroup == "word" and m.group().upper() == "FROM" for m in _SCAN.finditer(query))


def _fix_blank_nodes(doc: dict) -> None:
    """Virtuoso labels blank nodes ``nodeID://b123``; pyoxigraph wants a plain label."""
    for binding in doc.get("results", {}).get("bindings", []):
        for value in binding.values():
            if value.get("type") == "bnode" and "://" in value.get("value", ""):
                value["value"] = re.sub(r"[^A-Za-z0-9_]", "_", value["value"].split("://", 1)[1])


# --- the store ------------------------------------------------------------------------------------------------


class RemoteStore:
    """A SPARQL 1.1 endpoint behind the :class:`kg.store.Store` interface; holds no connection, only a short cache."""

    def __init__(self, settings: Settings, *, url: str | None = None) -> None:
        self.settings = settings
        self.url = url or settings.store_url
        if not self.url:
            raise ValueError("RemoteStore needs a SPARQL endpoint URL (KG_STORE_URL / kg serve --store)")
        parts = urllib.parse.urlsplit(self.url)
        self._address = (parts.hostname or "127.0.0.1", parts.port or (443 if parts.scheme == "https" else 80))
        self.base = settings.base
        self._lock = threading.Lock()
        self._cached_at = -math.inf
        self._graphs: list[str] = []
        self._version = ""

    @classmethod
    def open(cls, settings: Settings) -> RemoteStore:
        """Same as the constructor (symmetry with ``EmbeddedStore.open``); checks nothing until the first query."""
        return cls(settings)

    # -- the app's own queries

    def select(self, query: str, bindings: dict[str, Term] | None = None, *, limit: int | None = None) -> list[Row]:
        doc = self._results_json(bind_values(query, bindings), limit)
        if limit is not None:
            doc["results"]["bindings"] = doc["results"]["bindings"][:limit]
        solutions = ox.parse_query_results(json.dumps(doc).encode(), ox.QueryResultsFormat.JSON)
        names = [v.value for v in solutions.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in solutions]

    def ask(self, query: str, bindings: dict[str, Term] | None = None) -> bool:
        doc = self._results_json(bind_values(query, bindings))
        return bool(doc.get("boolean"))

    def construct(self, query: str, bindings: dict[str, Term] | None = None) -> list[ox.Triple]:
        body, _ = self._send(bind_values(query, bindings), N_TRIPLES, self._dataset(query), self._timeout())
        return _parse_triples(body)

    # -- the public endpoint

    def execute(self, request: QueryRequest, *, isolated: bool = True) -> QueryResponse:
        """Guard, forward with the request's dataset and time limit, cut at ``max_rows`` and re-serialise.

        Answers like ``EmbeddedStore.execute``: same media type fallbacks, ``max_rows`` 0 = no limit, relative
        IRIs resolved against ``request.base_iri``. ``isolated`` is accepted for symmetry: the store's own
        time limit always applies.
        """
        from kg import results

        if len(request.query.encode()) > self.settings.max_query_length:
            raise QueryTooLong(f"the query is longer than {self.settings.max_query_length} bytes")
        info = check_query(request.query, allowlist=self.settings.service_allowlist, base=request.base_iri or "")
        query = request.query
        if request.base_iri:  # the Protocol has no base parameter: a leading BASE (the query's own BASE wins)
            query = f"BASE {sparql_term(ox.NamedNode(request.base_iri))}\n{query}"
        timeout = request.timeout or self.settings.query_timeout
        if request.default_graph_uris or request.named_graph_uris:
            dataset = (list(request.default_graph_uris), list(request.named_graph_uris))
        elif info.dataset_clause or has_dataset_clause(query):
            dataset = ([], [])
        else:
            graphs = self._served_graphs()
            dataset = (graphs, graphs)
        limit = self.settings.max_rows if request.max_rows is None else request.max_rows
        limit = limit or None
        maxrows = None if limit is None else limit + 1
        if info.form in ("CONSTRUCT", "DESCRIBE"):
            body, _ = self._send(query, N_TRIPLES, dataset, timeout, maxrows)
            triples = _parse_triples(body)
            truncated = limit is not None and len(triples) > limit
            triples = triples[:limit] if truncated else triples
            media_type = request.media_type if request.media_type in results.GRAPH_FORMATS else "text/turtle"
            out = ox.serialize(triples, format=results.GRAPH_FORMATS[media_type])
            return QueryResponse(out or b"", media_type, info.form, truncated, len(triples))
        body, _ = self._send(query, JSON_RESULTS, dataset, timeout, maxrows)
        doc = _load_json(body)
        if info.form == "ASK" or "boolean" in doc:
            media_type = request.media_type if request.media_type in results.BOOLEAN_FORMATS else JSON_RESULTS
            answer = ox.parse_query_results(json.dumps(doc).encode(), ox.QueryResultsFormat.JSON)
            out = answer.serialize(format=results.BOOLEAN_FORMATS[media_type])
            return QueryResponse(out or b"", media_type, "ASK", False, 1)
        rows = doc["results"]["bindings"]
        truncated = limit is not None and len(rows) > limit
        doc["results"]["bindings"] = rows[:limit] if truncated else rows
        solutions = ox.parse_query_results(json.dumps(doc).encode(), ox.QueryResultsFormat.JSON)
        names = [v.value for v in solutions.variables]
        kept = [tuple(s[n] for n in names) for s in solutions]
        media_type = request.media_type if request.media_type in results.SOLUTION_WRITERS else JSON_RESULTS
        out = results.SOLUTION_WRITERS[media_type](names, kept)
        return QueryResponse(out, media_type, "SELECT", truncated, len(kept))

    # -- versions and graphs

    def data_version(self) -> str:
        self._refresh()
        return self._version

    def graphs(self) -> list[str]:
        """The named graphs that make up the served data (the default graph is their union)."""
        self._refresh()
        return list(self._graphs)

    def _refresh(self) -> None:
        with self._lock:
            if time.monotonic() - self._cached_at < CACHE_SECONDS:
                return
            body, _ = self._send(GRAPH_COUNTS_QUERY, JSON_RESULTS, ([], []), self._timeout())
            counts = {b["g"]["value"]: int(b["n"]["value"]) for b in _load_json(body)["results"]["bindings"]}
            own = sorted(g for g in counts if g.startswith(self.base + "data/"))
            if not own:
                own = sorted(g for g in counts if not g.startswith(SYSTEM_GRAPH_PREFIXES))
            self._graphs = own
            digest = hashlib.sha256("\n".join(f"{g} {counts[g]}" for g in own).encode())
            self._version = digest.hexdigest()[:16]
            self._cached_at = time.monotonic()

    def _dataset(self, query: str) -> tuple[list[str], list[str]]:
        """The project's graphs as default and named graphs, unless the query names its own dataset."""
        if has_dataset_clause(query):
            return [], []
        graphs = self._served_graphs()
        return graphs, graphs

    def _served_graphs(self) -> list[str]:
        """:meth:`graphs`, or one graph that does not exist when the store holds none (no dataset at all would
        mean Virtuoso's union of its system graphs)."""
        return self.graphs() or [self.base + "data/"]

    def _timeout(self) -> float:
        return self.settings.query_timeout

    # -- HTTP

    def _results_json(self, query: str, maxrows: int | None = None) -> dict:
        body, _ = self._send(query, JSON_RESULTS, self._dataset(query), self._timeout(), maxrows)
        return _load_json(body)

    def _send(self, query: str, accept: str, dataset: tuple[list[str], list[str]], timeout: float,
              maxrows: int | None = None):
        """POST one query; every failure becomes a :class:`KgError` (503 when the store is down or slow).

        ``maxrows`` (Virtuoso's parameter; other stores ignore it) stops a SELECT early, so a query without LIMIT
        over millions of triples costs ``max_rows`` rows, not a time-out.
        """
        try:  # fail fast on a dead host: the HTTP timeout below is the (longer) query time limit
            socket.create_connection(self._address, timeout=CONNECT_TIMEOUT).close()
        except OSError as e:
            raise StoreUnavailable(f"the triple store at {self.url} cannot be reached: {e}") from None
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
            raise QueryError(_store_message(e)) from None
        except URITooLong as e:
            raise QueryTooLong(_store_message(e)) from None
        except SPARQLWrapperException as e:
            raise _classify(_store_message(e)) from None
        except urllib.error.HTTPError as e:
            raise _classify(f"HTTP {e.code}: {e.read()[:500].decode(errors='replace')}") from None
        except TimeoutError:
            raise QueryTimeout(f"the query ran longer than {timeout:g} s") from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            if isinstance(reason, TimeoutError | socket.timeout):
                raise QueryTimeout(f"the query ran longer than {timeout:g} s") from None
            raise StoreUnavailable(f"the triple store at {self.url} failed: {reason}") from None
        state = headers.get("X-SQL-State", "")
        if state == "S1TAT":  # Virtuoso's "anytime" answer: partial results after the timeout
            raise QueryTimeout(f"the query ran longer than {timeout:g} s (the store returned partial results)")
        return body, headers

    def close(self) -> None:
        with self._lock:
            self._cached_at = -math.inf


def _store_message(error: Exception) -> str:
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


def _classify(message: str) -> KgError:
    """Virtuoso's SQL states → our errors: refusals 403, time limits 503, errors caused by the query 400, the rest
    (the store down, out of memory, deadlocks, anything unrecognised) 503."""
    if _STORE_REFUSED.search(message):
        return QueryRefused(f"the store refused the query: {message}")
    if _STORE_TIMED_OUT.search(message):
        return QueryTimeout(f"the query exceeded the store's time limit: {message}")
    state = _VIRTUOSO_STATE.search(message)
    if (state and state[1].startswith(_CLIENT_STATES)) or _STORE_SYNTAX.search(message):
        return QueryError(message)
    return StoreUnavailable(f"the triple store failed: {message}")


def _load_json(body: bytes) -> dict:
    try:
        doc = json.loads(body)
    except ValueError as e:
        raise StoreUnavailable(f"the triple store sent an unreadable answer: {e}") from None
    _fix_blank_nodes(doc)
    return doc


def _parse_triples(body: bytes) -> list[ox.Triple]:
    try:
        return [q.triple for q in ox.parse(body, ox.RdfFormat.N_TRIPLES)]
    except (SyntaxError, ValueError) as e:
        raise StoreUnavailable(f"the triple store sent unreadable N-Triples: {e}") from None


# --- loading --------------------------------------------------------------------------------------------------


def credentials(settings: Settings) -> tuple[str, str]:
    """(user, password) of the store's private write side: KG_STORE_USER / KG_STORE_PASSWORD, never the repo.

    For the local development instance of scripts/virtuoso.sh the password file it keeps (mode 600, under the
    git-ignored cache directory, or $VDIR) is used when KG_STORE_PASSWORD is not set.
    """
    user = os.environ.get("KG_STORE_USER", "dba")
    password = os.environ.get("KG_STORE_PASSWORD")
    if not password:
        vdir = Path(os.environ.get("VDIR", settings.cache_dir / "virtuoso"))
        secret = vdir / "dba-password"
        if secret.exists():
            password = secret.read_text().strip()
    if not password:
        raise StoreUnavailable("set KG_STORE_PASSWORD (and KG_STORE_USER, default dba) for the store's write side")
    return user, password


def write_urls(url: str, update_url: str | None) -> tuple[str, str]:
    """(Graph Store endpoint, SPARQL Update endpoint) of the private write side, derived Virtuoso-style from ``url``.

    >>> write_urls("http://127.0.0.1:8890/sparql", None)
    ('http://127.0.0.1:8890/sparql-graph-crud-auth', 'http://127.0.0.1:8890/sparql-auth')
    """
    root = url.rstrip("/")
    root = root[: -len("/sparql")] if root.endswith("/sparql") else root
    graph_store = update_url if update_url and "graph-crud" in update_url else root + "/sparql-graph-crud-auth"
    update = update_url if update_url and "graph-crud" not in update_url else root + "/sparql-auth"
    return graph_store, update


class _Writer:
    """HTTP digest-authenticated requests to the write side (a fresh handler per request: urllib's reuse of a
    digest nonce across requests drew sporadic 401s from Virtuoso)."""

    def __init__(self, url: str, user: str, password: str, timeout: float = 300.0) -> None:
        self._url, self._user, self._password = url, user, password
        self._timeout = timeout

    def send(self, method: str, url: str, body: bytes | None = None, content_type: str | None = None,
             ok_codes: tuple[int, ...] = ()) -> bytes:
        for attempt in range(3):
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            manager.add_password(None, self._url, self._user, self._password)
            opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(manager))
            request = urllib.request.Request(url, data=body, method=method)
            if content_type:
                request.add_header("Content-Type", content_type)
            try:
                with opener.open(request, timeout=self._timeout) as response:
                    return response.read()
            except urllib.error.HTTPError as e:
                text = e.read()[:800].decode(errors="replace")
                if e.code in ok_codes:
                    return text.encode()
                if e.code == 401 and attempt < 2:
                    continue
                raise StoreUnavailable(f"{method} {url}: HTTP {e.code}: {text}") from None
            except (urllib.error.URLError, OSError) as e:
                raise StoreUnavailable(f"{method} {url}: {getattr(e, 'reason', e)}") from None
        raise AssertionError("unreachable")


def _blank_components(quads: list[ox.Quad]) -> dict[str, str]:
    """Blank node label → a representative label of its connected group (union–find over shared quads)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for q in quads:
        labels = [term.value for term in (q.subject, q.object) if isinstance(term, ox.BlankNode)]
        for label in labels:
            find(label)
        if len(labels) == 2:
            parent[find(labels[0])] = find(labels[1])
    return {label: find(label) for label in parent}


def _insert_template(quads: list[ox.Quad]) -> str:
    """``INSERT { GRAPH <g> { … } … } WHERE {}``: blank nodes in a template stay one node across its graphs."""
    by_graph: dict[str, list[str]] = defaultdict(list)
    for q in quads:
        terms = [q.subject, q.predicate, q.object]
        by_graph[q.graph_name.value].append(
            " ".join(f"_:{x.value}" if isinstance(x, ox.BlankNode) else sparql_term(x) for x in terms) + " ."
        )
    groups = " ".join(f"GRAPH <{g}> {{ {' '.join(lines)} }}" for g, lines in by_graph.items())
    return f"INSERT {{ {groups} }} WHERE {{}}"


def served_nquads(settings: Settings) -> bytes:
    """Exactly what the embedded store serves: the reasoned graph at the served base plus the catalog graph."""
    from kg.publish import publish

    return publish(settings).path("dataset.nq").read_bytes()


def load_into(settings: Settings, url: str, *, update_url: str | None = None) -> dict[str, int]:
    """Replace the project's named graphs in the store at ``url`` with the served dataset; return triples per graph.

    Idempotent: each graph is deleted first, so loading twice leaves the same triples.
    """
    from tqdm import tqdm

    started = time.monotonic()
    user, password = credentials(settings)
    graph_store, update = write_urls(url, update_url)
    writer = _Writer(graph_store, user, password)
    updater = _Writer(update, user, password)
    quads = list(ox.parse(served_nquads(settings), ox.RdfFormat.N_QUADS))
    plain: dict[str, list[ox.Triple]] = defaultdict(list)
    blank: list[ox.Quad] = []
    for q in quads:
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
            blank.append(q)
        else:
            plain[q.graph_name.value].append(q.triple)
    graphs = sorted({q.graph_name.value for q in quads})
    expected = {g: 0 for g in graphs}
    for q in quads:
        expected[q.graph_name.value] += 1
    with tqdm(total=len(quads), unit="triple", desc="load", disable=len(quads) < 200_000) as bar:
        for graph in graphs:
            target = f"{graph_store}?{urllib.parse.urlencode({'graph-uri': graph})}"
            writer.send("DELETE", target, ok_codes=(404,))
            triples = plain.get(graph, [])
            for start in range(0, len(triples), CHUNK_TRIPLES):
                chunk = triples[start:start + CHUNK_TRIPLES]
                writer.send("POST", target, ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES), "text/turtle")
                bar.update(len(chunk))
        groups: dict[str, list[ox.Quad]] = defaultdict(list)
        components = _blank_components(blank)
        for q in blank:
            label = q.subject.value if isinstance(q.subject, ox.BlankNode) else q.object.value
            groups[components[label]].append(q)
        batch: list[ox.Quad] = []
        for group in [*groups.values(), []]:
            if batch and (not group or len(batch) + len(group) > BLANK_BATCH):
                body = urllib.parse.urlencode({"query": _insert_template(batch)}).encode()
                # Virtuoso answers a multi-graph INSERT with a bogus SR002 after doing it: counts are checked below
                updater.send("POST", update, body, "application/x-www-form-urlencoded", ok_codes=(500,))
                bar.update(len(batch))
                batch = []
            batch.extend(group)
    store = RemoteStore(settings, url=url)
    body, _ = store._send(GRAPH_COUNTS_QUERY, JSON_RESULTS, ([], []), 600.0)
    counts = {b["g"]["value"]: int(b["n"]["value"]) for b in _load_json(body)["results"]["bindings"]}
    wrong = {g: (counts.get(g, 0), n) for g, n in expected.items() if counts.get(g, 0) != n}
    if wrong:
        raise StoreUnavailable(f"load incomplete (graph: (in store, expected)): {wrong}")
    seconds = time.monotonic() - started
    print(f"loaded {len(graphs)} graphs, {len(quads)} triples into {url} in {seconds:.1f} s")
    return expected
