"""Loading a published dataset into an external store through its private, authenticated write side.

Uses the Graph Store Protocol (DELETE, then POST in chunks) for triples without blank nodes. A blank node shared
by several graphs (evidence nodes: asserted + inferred) would split into one node per request, so quads with blank
nodes go in one ``INSERT {GRAPH…} WHERE {}`` per connected group instead; Virtuoso rejects blank nodes in INSERT DATA
and reports a bogus SR002 error after a multi-graph INSERT that did succeed, so the load checks the per-graph triple
counts at the end instead of trusting that answer. The public endpoint never writes: this is ``kg load`` only.
"""

from __future__ import annotations

import typing as t
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from kg.config import Settings
from kg.errors import StoreUnavailable
from kg.formats import rdf_format_for
from kg.store.bindings import sparql_term
from kg.store.client import SparqlClient
from kg.store.remote import graph_counts

#: Triples per Graph Store Protocol POST when loading.
CHUNK_TRIPLES = 50_000
#: Quads per INSERT template (Virtuoso compiles each into SQL and stops at 10,000 lines of it).
BLANK_BATCH = 200


def credentials(settings: Settings) -> tuple[str, str]:
    """(user, password) of the store's private write side: KG_STORE_USER / KG_STORE_PASSWORD, never the repo.

    For the local development instance of scripts/virtuoso.sh the password file it keeps (mode 600, in
    ``settings.virtuoso_dir``) is used when KG_STORE_PASSWORD is not set.
    """
    user, password = settings.store_user, settings.store_password
    if not password:
        secret = settings.virtuoso_dir / "dba-password"
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


def read_quads(files: t.Sequence[Path]) -> list[ox.Quad]:
    """Every quad of ``files`` (parsed by extension); a store's graphs are named, so the files' must be too.

    :raises ValueError: a triple outside a named graph (Turtle, N-Triples, or TriG's default graph).
    """
    quads: list[ox.Quad] = []
    for path in files:
        for quad in ox.parse(path=str(path), format=rdf_format_for(path), base_iri=path.resolve().as_uri()):
            if isinstance(quad.graph_name, ox.DefaultGraph):
                raise ValueError(f"{path}: a triple outside a named graph ({quad.triple}); name its graph (TriG or "
                                 "N-Quads) to load it into an external store")
            quads.append(quad)
    return quads


def load_into(settings: Settings, url: str, files: t.Sequence[Path], *, update_url: str | None = None,
              progress: t.Callable[[int], None] | None = None) -> dict[str, int]:
    """Replace the named graphs of ``files`` in the store at ``url`` with their triples; return triples per graph.

    Idempotent: each graph is deleted first, so loading twice leaves the same triples. ``progress`` is called with
    the number of triples sent after each request (the CLI draws a bar with it).

    :raises StoreUnavailable: the store refused a request, or holds other counts than were sent.
    """
    tick = progress or (lambda n: None)
    user, password = credentials(settings)
    graph_store, update = write_urls(url, update_url)
    writer = _Writer(graph_store, user, password)
    updater = _Writer(update, user, password)
    quads = read_quads(files)
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
    for graph in graphs:
        target = f"{graph_store}?{urllib.parse.urlencode({'graph-uri': graph})}"
        writer.send("DELETE", target, ok_codes=(404,))
        triples = plain.get(graph, [])
        for start in range(0, len(triples), CHUNK_TRIPLES):
            chunk = triples[start:start + CHUNK_TRIPLES]
            writer.send("POST", target, ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES), "text/turtle")
            tick(len(chunk))
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
            tick(len(batch))
            batch = []
        batch.extend(group)
    counts = graph_counts(SparqlClient(url), 600.0)
    wrong = {g: (counts.get(g, 0), n) for g, n in expected.items() if counts.get(g, 0) != n}
    if wrong:
        raise StoreUnavailable(f"load incomplete (graph: (in store, expected)): {wrong}")
    return expected
