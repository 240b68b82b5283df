"""The remote store: any SPARQL 1.1 endpoint (tested with Virtuoso 7.2) behind the :class:`kg.store.Store` interface.

Queries go over HTTP (kg.store.client); answers are parsed once into pyoxigraph terms, so callers get the same term
types as from the embedded store. Behaviour that needs care with Virtuoso (reference/virtuoso.md):

* **Default graph.** Without FROM, Virtuoso's default graph is the union of *every* graph, its own system graphs
  included (``virtrdf#`` with ~2,500 triples, ``ldp#``, ``localuriqaserver``). To answer like the embedded store
  (union of the project's named graphs), queries that name no dataset are sent with ``default-graph-uri`` and
  ``named-graph-uri`` set to the project's graphs: those under ``{base}data/``, or, if there are none, every graph
  that is not a system graph. Like pyoxigraph's union, the merge keeps duplicates (a triple in two graphs is two rows).
* **Time limit.** The ``timeout`` parameter (ms) makes Virtuoso stop a query (see kg.store.client for its answers).
* **Blank nodes** come back as ``nodeID://b123``, which is not a valid blank node label: rewritten to ``b123``.
* **Row limits.** Virtuoso's ``maxrows`` parameter (row limit + 1) stops a SELECT early; CONSTRUCT ignores it and
  is capped by the server's ``ResultSetMaxRows`` (scripts/virtuoso.sh: 100,000).

Known differences from the embedded store (tests/test_remote_store.py compares the rest): ``GRAPH ?g {}`` (an empty
pattern) finds no graphs on Virtuoso (write ``GRAPH ?g { ?s ?p ?o }``); ORDER BY between literals of different
languages is implementation-defined and differs; blank node labels differ (as between any two stores).
Loading data into the store is kg.store.bulkload's job.
"""

from __future__ import annotations

import hashlib
import json
import math
import multiprocessing
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox

from kg.config import Settings
from kg.errors import KgError, QueryTimeout, StoreUnavailable
from kg.formats import JSON, NTRIPLES, XML
from kg.queries import query as app_query
from kg.queries import union_parts
from kg.store import QueryRequest, QueryResponse, Row, Term
from kg.store.bindings import bind_values, has_dataset_clause, sparql_term
from kg.store.client import Dataset, SparqlClient, json_term, load_json, parse_triples, parse_xml_rows
from kg.store.results import write_boolean, write_graph, write_solutions
from kg.store.rewrite import ask_as_select, count_star_as_count_one, fence_graphs

#: How long the graph list and data version are reused before asking the store again.
CACHE_SECONDS = 5.0
#: After the store stopped answering, queries fail at once for this long before it is asked again.
DOWN_SECONDS = 5.0
#: Threads per process sending the parts of a query at once (a page sends at most four; requests beyond wait).
UNION_THREADS = 8
#: A store that cannot answer ``ASK {}`` within this is hung, not busy.
PROBE_SECONDS = 1.0
#: Graphs Virtuoso keeps for itself; they never belong to the served data.
SYSTEM_GRAPH_PREFIXES = (
    "http://www.openlinksw.com/",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/",
    "http://localhost:8890/",
    "urn:",
    "virtrdf:",
)


def graph_counts(client: SparqlClient, timeout: float) -> dict[str, int]:
    """Triples per named graph of the store (one cheap scan)."""
    doc = load_json(client.send(app_query("store_graph_counts"), JSON, ([], []), timeout))
    return {b["g"]["value"]: int(b["n"]["value"]) for b in doc["results"]["bindings"]}


def _rows(doc: dict) -> tuple[list[str], list[tuple[Term | None, ...]]]:
    names = list(doc.get("head", {}).get("vars", []))
    rows = [tuple(json_term(b[n]) if n in b else None for n in names) for b in doc["results"]["bindings"]]
    return names, rows


class RemoteStore:
    """A SPARQL 1.1 endpoint behind the :class:`kg.store.Store` interface; holds no connection, only a short cache."""

    def __init__(self, settings: Settings, *, url: str | None = None) -> None:
        self.url = url or settings.store_url
        if not self.url:
            raise ValueError("RemoteStore needs a SPARQL endpoint URL (KG_STORE_URL / kg serve --store)")
        self.client = SparqlClient(self.url)
        self.base = settings.base
        self._timeout = settings.query_timeout
        self._lock = threading.Lock()
        self._cached_at = -math.inf
        self._graphs: list[str] = []
        self._version = ""
        # shared by the worker processes forked after the store was opened: one finds out, all stop waiting
        self._down_until = multiprocessing.RawValue("d", -1.0)
        self._default_is_ours = False
        self._threads: ThreadPoolExecutor | None = None
        self._threads_owner = 0
        self._threads_lock = threading.Lock()

    # -- the app's own queries

    def select(self, query: str, bindings: dict[str, Term] | None = None, *, limit: int | None = None) -> list[Row]:
        text = bind_values(query, bindings)
        names, rows = parse_xml_rows(self._send(text, XML, self._dataset(text), self._timeout, limit))
        rows = rows[:limit] if limit is not None else rows
        return [{n: term for n, term in zip(names, row, strict=True) if term is not None} for row in rows]

    def select_union(self, query: str) -> list[Row]:
        """The parts at once, one HTTP request each: Virtuoso evaluates a UNION's parts one after the other (an entity
        page's seven: 39-58 ms at 1 M quads), and the slowest part alone takes 14-18 ms."""
        parts = union_parts(query)
        if len(parts) == 1:
            return self.select(parts[0])
        return [row for rows in self._pool().map(self.select, parts) for row in rows]

    def _pool(self) -> ThreadPoolExecutor:
        """This process's threads for the parts (a page's threads started anew cost 1.7 ms a page; a process
        forked from this one starts its own)."""
        with self._threads_lock:
            if self._threads is None or self._threads_owner != os.getpid():
                self._threads = ThreadPoolExecutor(UNION_THREADS, thread_name_prefix="kg-union")
                self._threads_owner = os.getpid()
            return self._threads

    def ask(self, query: str, bindings: dict[str, Term] | None = None) -> bool:
        doc = self._results_json(ask_as_select(bind_values(query, bindings)), maxrows=1)
        return bool(doc["results"]["bindings"])

    def construct(self, query: str, bindings: dict[str, Term] | None = None) -> list[ox.Triple]:
        return parse_triples(self._send(bind_values(query, bindings), NTRIPLES, self._dataset(query), self._timeout))

    # -- the public endpoint

    def execute(self, request: QueryRequest) -> QueryResponse:
        """Forward with the request's dataset and time limit, cut at ``max_rows``, serialise once.

        Answers like ``EmbeddedStore.execute``: same media type fallbacks, relative IRIs resolved against
        ``request.base_iri``; ``timeout`` None (the local CLI) means the configured query timeout.
        """
        query = request.query
        if request.base_iri:  # the Protocol has no base parameter: a leading BASE (the query's own BASE wins)
            query = f"BASE {sparql_term(ox.NamedNode(request.base_iri))}\n{query}"
        timeout = request.timeout or self._timeout
        if request.default_graph_uris or request.named_graph_uris:
            dataset: Dataset = (list(request.default_graph_uris), list(request.named_graph_uris))
        elif request.has_dataset_clause:
            dataset = ([], [])
        else:
            # Virtuoso's DESCRIBE over its default dataset leaves some graphs out: name them for it
            dataset = self._default_dataset(named=request.form == "DESCRIBE")
        limit = request.max_rows
        maxrows = None if limit is None else limit + 1
        if dataset[0] or dataset[1]:
            query = fence_graphs(query, dataset[1])
        if request.form in ("CONSTRUCT", "DESCRIBE"):
            triples = parse_triples(self._send(query, NTRIPLES, dataset, timeout, maxrows))
            return write_graph(triples, request.media_type, limit, request.form, request.max_bytes)
        if request.form == "ASK":  # Virtuoso's own ASK answers true for some empty patterns (kg.store.rewrite)
            doc = load_json(self._send(ask_as_select(query), JSON, dataset, timeout, 1))
            return write_boolean(bool(doc["results"]["bindings"]), request.media_type)
        doc = load_json(self._send(count_star_as_count_one(query), JSON, dataset, timeout, maxrows))
        if request.media_type == JSON and request.max_bytes is None:  # already as asked: cut, write back once
            bindings = doc["results"]["bindings"]
            truncated = limit is not None and len(bindings) > limit
            doc["results"]["bindings"] = bindings[:limit] if truncated else bindings
            body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
            return QueryResponse(body, JSON, "SELECT", truncated, len(doc["results"]["bindings"]))
        names, rows = _rows(doc)
        return write_solutions(names, rows, request.media_type, limit, request.max_bytes)

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
            counts = load_json(self._send(app_query("store_graph_counts"), JSON, ([], []), self._timeout))
            counts = {b["g"]["value"]: int(b["n"]["value"]) for b in counts["results"]["bindings"]}
            own = sorted(g for g in counts if g.startswith(self.base + "data/"))
            if not own:
                own = sorted(g for g in counts if not g.startswith(SYSTEM_GRAPH_PREFIXES))
            self._graphs = own
            # the store's own default dataset is exactly the served graphs (the hardened Virtuoso keeps its system
            # graphs private): then queries go without dataset parameters, which Virtuoso evaluates wrongly
            # (property paths inside joins lose solutions when default-graph-uri lists several graphs)
            self._default_is_ours = bool(own) and set(counts) == set(own)
            digest = hashlib.sha256("\n".join(f"{g} {counts[g]}" for g in own).encode())
            self._version = digest.hexdigest()[:16]
            self._cached_at = time.monotonic()

    def _dataset(self, query: str) -> Dataset:
        """The project's graphs as default and named graphs, unless the query names its own dataset."""
        if has_dataset_clause(query):
            return [], []
        return self._default_dataset()

    def _default_dataset(self, *, named: bool = False) -> Dataset:
        """No parameters when the store's default dataset is the served graphs (unless ``named``), else those graphs
        named as default and named graphs."""
        graphs = self._served_graphs()
        return ([], []) if self._default_is_ours and not named else (graphs, graphs)

    def _served_graphs(self) -> list[str]:
        """:meth:`graphs`, or one graph that does not exist when the store holds none (no dataset at all would
        mean Virtuoso's union of its system graphs)."""
        return self.graphs() or [self.base + "data/"]

    def _results_json(self, query: str, maxrows: int | None = None) -> dict:
        return load_json(self._send(query, JSON, self._dataset(query), self._timeout, maxrows))

    def _send(self, query: str, accept: str, dataset: Dataset, timeout: float, maxrows: int | None = None) -> bytes:
        """Send through the client, failing at once while the store is known to be down or hung.

        A query that runs out of time is the query's fault unless the store cannot answer ``ASK {}`` quickly
        either: then it is hung (stopped, swapping, deadlocked), and for :data:`DOWN_SECONDS` nothing waits for it.
        """
        left = self._down_until.value - time.monotonic()
        if left > 0:
            raise StoreUnavailable(f"the triple store is not answering; it is asked again in {math.ceil(left)} s",
                                   retry_after=math.ceil(left))
        try:
            return self.client.send(query, accept, dataset, timeout, maxrows)
        except QueryTimeout:  # a refused connection fails fast by itself; a hung store is what needs remembering
            if not self._answers():
                self._mark_down()
                raise StoreUnavailable("the triple store stopped answering", retry_after=int(DOWN_SECONDS)) from None
            raise

    def _answers(self) -> bool:
        try:
            self.client.send("ASK {}", JSON, ([], []), PROBE_SECONDS)
        except KgError:
            return False
        return True

    def _mark_down(self) -> None:
        self._down_until.value = time.monotonic() + DOWN_SECONDS

    def close(self) -> None:
        with self._lock:
            self._cached_at = -math.inf
