"""Defence in depth at the store: the private Virtuoso of scripts/virtuoso.sh attacked directly on its public /sparql,
as the anonymous SPARQL user kg uses, past kg's own guard (issue 10, items 4 and 5).

Every attack is refused there or bounded, opens no connection (a loopback listener counts them), keeps Virtuoso's
resident memory under the bound its configuration implies (measured from /proc/PID/status and printed), and leaves
it answering a cheap query. A watchdog kills the server by PID should it ever run away. Loopback only."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kg.config import Settings
from kg.errors import QueryError, QueryRefused
from kg.store import QueryRequest
from kg.store.remote import RemoteStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
from listener import Listener  # noqa: E402
from virtuoso import VirtuosoServer, virtuoso_server  # noqa: E402

pytestmark = pytest.mark.virtuoso

MIB = 1 << 20
#: Resident memory of an idle server besides its page cache and per-query limits (code, threads, caches): measured
#: ~150 MiB with 20,000 buffers; the bound allows for more.
BASELINE = 256 * MIB
#: The timeout (ms) the bombs carry, as kg passes its own time limit.
TIMEOUT_MS = 3000


def rss(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def proc_status(pid: int, field: str) -> str:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        return next(line.split(":", 1)[1].strip() for line in status if line.startswith(field + ":"))


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def size(text: str) -> int:
    """A virtuoso.ini size: 256M, 1G or bytes."""
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(text[:-1]) * units[text[-1].upper()] if text[-1].upper() in units else int(text)


class Watchdog:
    """Samples the server's RSS every 20 ms while active; past ``kill_at`` it SIGKILLs the server (by PID)."""

    def __init__(self, pid: int, kill_at: int) -> None:
        self.pid, self.kill_at = pid, kill_at
        self.peak = rss(pid)
        self.killed = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            try:
                now = rss(self.pid)
            except OSError:
                return
            self.peak = max(self.peak, now)
            if now > self.kill_at:
                os.kill(self.pid, signal.SIGKILL)
                self.killed = True
                return

    def __enter__(self) -> Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def post(url: str, client_timeout: float = 10, **params: str) -> tuple[int, bytes]:
    """POST a form to the store the way kg does; (status, body). A client time-out gives (0, b"")."""
    data = urllib.parse.urlencode(params).encode()
    request = urllib.request.Request(url, data=data, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=client_timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except TimeoutError:
        return 0, b""


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def answers(server: VirtuosoServer) -> bool:
    """The server still answers a cheap query over the project's data."""
    status, body = post(server.url, query="ASK { ?s ?p ?o }")
    return status == 200 and json.loads(body)["boolean"] is True


@pytest.fixture(scope="module")
def server() -> VirtuosoServer:
    with virtuoso_server(load=True) as running:
        yield running


@pytest.fixture(scope="module")
def bound(server: VirtuosoServer) -> int:
    """The memory the configuration allows: page cache + MaxQueryMem + both compilation pools + baseline."""
    limits = server.limits
    return (server.buffers * 8192 + size(limits["MAX_QUERY_MEM"]) + int(limits["MAX_MEM_POOL_SIZE"])
            + int(limits["MAX_SPARQL_MEM_POOL_SIZE"]) + BASELINE)


@pytest.fixture
def listener() -> Listener:
    opened = Listener()
    yield opened
    opened.close()


def test_the_server_runs_confined(server: VirtuosoServer, listener: Listener) -> None:
    """The OS, not the query text, keeps Virtuoso from connecting out: even dba's own http_get reaches nobody."""
    assert proc_status(server.pid, "NoNewPrivs") == "1"
    assert proc_status(server.pid, "Seccomp") == "2"  # a filter is installed
    done = subprocess.run(
        ["isql-vt", f"127.0.0.1:{server.isql_port}", "dba", server.password,
         f"exec=select http_get ('http://127.0.0.1:{listener.port}/ssrf');"],
        capture_output=True, text=True, timeout=30)
    assert "HC001" in done.stdout + done.stderr or "Error" in done.stdout + done.stderr
    time.sleep(0.2)
    assert listener.connections == 0
    assert answers(server)


#: Vendor functions through every spelling Virtuoso reads; each ran (or crashed the server) before the hardening.
FUNCTION_BOMBS = {
    "http_get": 'SELECT (bif:http_get("http://127.0.0.1:{port}/full-read") AS ?x) {{}}',
    "http_client": 'SELECT (bif:http_client("http://127.0.0.1:{port}/") AS ?x) {{}}',
    "http_get-iri": 'SELECT (<http://www.openlinksw.com/schemas/bif#http_get>("http://127.0.0.1:{port}/") AS ?x) {{}}',
    "http_get-prefix": 'PREFIX b: <bif:> SELECT (b:http_get("http://127.0.0.1:{port}/") AS ?x) {{}}',
    "nested-http_get": 'SELECT (bif:http_get(bif:concat("http://127.0.0.1:{port}/", bif:http_get("http://127.0.0.1:'
                       '{port}/"))) AS ?x) {{}}',
    "exec": 'SELECT (bif:exec("checkpoint") AS ?x) {{}}',
    "exec-in-filter": 'SELECT * {{ ?s ?p ?o FILTER(bif:exec("checkpoint") = 0) }} LIMIT 1',
    "file_stat": 'SELECT (bif:file_stat("/etc/passwd") AS ?x) {{}}',
    "file_dirlist": 'SELECT (bif:file_dirlist("/etc", 1) AS ?x) {{}}',
    "sequence_set": 'SELECT (bif:sequence_set("kg", 1, 0) AS ?x) {{}}',
    "delay": 'SELECT (bif:delay(30) AS ?x) {{}}',
    "bif_metadata-crash": 'SELECT (bif:bif_metadata("no_such_function") AS ?x) {{}}',
    "fn-doc-crash": 'PREFIX fn: <http://www.w3.org/2005/xpath-functions#> '
                    'SELECT (fn:doc("http://127.0.0.1:{port}/x") AS ?x) {{}}',
    "fn-doc-file": 'PREFIX fn: <http://www.w3.org/2005/xpath-functions#> '
                   'SELECT (fn:doc("file:///etc/hostname") AS ?x) {{}}',
    "sql-procedure": 'SELECT (sql:RDF_SPONGE_UP(<http://127.0.0.1:{port}/>, bif:vector()) AS ?x) {{}}',
    "define-sponge": 'DEFINE get:soft "replace" SELECT * FROM <http://127.0.0.1:{port}/data> {{ ?s ?p ?o }}',
    "define-other": 'DEFINE input:grab-all "yes" SELECT * {{ ?s ?p ?o }} LIMIT 1',
    "service": 'SELECT * {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}',
    "load": 'LOAD <http://127.0.0.1:{port}/data.ttl>',
    "insert": 'INSERT DATA {{ GRAPH <http://example.org/g> {{ <http://example.org/a> <http://example.org/b> 1 }} }}',
}


@pytest.mark.parametrize("name", list(FUNCTION_BOMBS))
def test_vendor_functions_are_refused_at_the_store(server: VirtuosoServer, listener: Listener, name: str) -> None:
    query = FUNCTION_BOMBS[name].format(port=listener.port)
    started = time.monotonic()
    status, body = post(server.url, query=query, timeout=str(TIMEOUT_MS))
    seconds = time.monotonic() - started
    print(f"{name}: {status} in {seconds:.2f} s: {body[:160].decode(errors='replace').strip()}")
    assert status == 403, body
    assert b"KG403" in body
    assert seconds < 2
    time.sleep(0.1)
    assert listener.connections == 0
    assert answers(server)


def rows(server: VirtuosoServer, query: str) -> list[dict]:
    status, body = post(server.url, query=query)
    assert status == 200, body[:300]
    return json.loads(body)["results"]["bindings"]


def test_system_graphs_are_private(server: VirtuosoServer) -> None:
    """Nothing of Virtuoso's own graphs is readable; the project's graphs are. (Their names still show in
    ``SELECT DISTINCT ?g { GRAPH ?g {…} }``: Virtuoso answers that from the graph list, not the triples.)"""
    virtrdf = "http://www.openlinksw.com/schemas/virtrdf#"
    for query in (f"SELECT (COUNT(*) AS ?n) FROM <{virtrdf}> {{ ?s ?p ?o }}",
                  f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{virtrdf}> {{ ?s ?p ?o }} }}",
                  "SELECT (COUNT(*) AS ?n) { GRAPH <http://www.w3.org/ns/ldp#> { ?s ?p ?o } }",
                  f"SELECT (COUNT(*) AS ?n) {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g = <{virtrdf}>) }}",
                  f"SELECT (COUNT(*) AS ?n) {{ ?s a <{virtrdf}QuadStorage> }}"):
        assert rows(server, query)[0]["n"]["value"] == "0", query
    counted = rows(server, "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    graphs = {b["g"]["value"] for b in counted}
    assert graphs and all("/data/" in g for g in graphs), graphs
    total = rows(server, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")[0]["n"]["value"]
    assert int(total) == sum(int(b["n"]["value"]) for b in counted)


def test_protocol_side_doors_are_closed(server: VirtuosoServer, listener: Listener) -> None:
    """Parameters and paths that make Virtuoso fetch, write or explain are refused; none opens a connection."""
    target = f"http://127.0.0.1:{listener.port}/x"
    ask = "ASK { ?s ?p ?o }"
    for params in ({"query": ask, "should-sponge": "soft", "default-graph-uri": target},
                   {"query": ask, "query-uri": target}, {"query-uri": target},
                   {"query": ask, "explain": "on"}, {"query": ask, "save": "display", "fname": "x"},
                   {"query": ask, "default-graph-uri": "http://x> DEFINE get:soft \"replace\" <http://y"},
                   {"update": "CLEAR GRAPH <http://example.org/g>"}, {"query": ask, "update": "DROP ALL"},
                   {"query": [ask, ask]}, {}):
        data = urllib.parse.urlencode(params, doseq=True)
        status, body = post(server.url + "?" + data) if not params else get(server.url + "?" + data)
        assert 400 <= status < 500, (params, status, body[:200])
    base = server.url.rsplit("/", 1)[0]
    for path in (f"/proxy?url={target}", f"/URIQA/?uri={target}", f"/uriqa/?uri={target}", "/SOAP", "/DAV/",
                 "/sparql-graph-crud?graph-uri=http://www.openlinksw.com/schemas/virtrdf%23", "/XMLA", "/admin/"):
        status, body = get(base + path)
        assert status == 404, (path, status, body[:200])
    status, _ = get(base + "/sparql-auth?query=ASK%7B%7D")  # the write side is still there, behind digest
    assert status == 401
    time.sleep(0.2)
    assert listener.connections == 0
    assert answers(server)


def concat_tower(levels: int) -> str:
    """BINDs doubling a string: ~30 bytes a level; Virtuoso inlines them into an expression of 2**levels leaves."""
    binds = " ".join(f"BIND(CONCAT(?x{i},?x{i}) AS ?x{i + 1})" for i in range(levels))
    return f'SELECT (STRLEN(?x{levels}) AS ?n) WHERE {{ BIND("0123456789" AS ?x0) {binds} }}'


def values_join(count: int) -> str:
    """Three VALUES blocks joined: count**3 rows from a query of a few KB."""
    block = " ".join(str(i) for i in range(count))
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ {' '.join(f'VALUES ?{v} {{ {block} }}' for v in 'abc')} }}"


#: (query, repetitions): the 616-byte CONCAT tower that grew Virtuoso to 9.2 GB, five in a row, and the shapes that
#: are bounded by time rather than refused.
MEMORY_BOMBS = {
    "concat-tower-20x5": (concat_tower(20), 5),
    "concat-tower-40": (concat_tower(40), 1),
    "cross-product-order-by": ("SELECT ?a ?d { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f ?a ?d", 1),
    "cross-product-distinct": ("SELECT DISTINCT ?a ?c ?d ?f { ?a ?b ?c . ?d ?e ?f }", 1),
    "cross-product-group-concat": ('SELECT ?a (GROUP_CONCAT(STR(?f); separator=",") AS ?g) '
                                   "{ ?a ?b ?c . ?d ?e ?f } GROUP BY ?a", 1),
    "values-join": (values_join(400), 1),
}


@pytest.mark.parametrize("name", list(MEMORY_BOMBS))
def test_memory_bombs_stay_under_the_bound(server: VirtuosoServer, bound: int, name: str) -> None:
    query, repetitions = MEMORY_BOMBS[name]
    with Watchdog(server.pid, kill_at=bound + 512 * MIB) as watchdog:
        for _ in range(repetitions):
            started = time.monotonic()
            status, body = post(server.url, client_timeout=TIMEOUT_MS / 1000 + 5, query=query,
                                timeout=str(TIMEOUT_MS))
            seconds = time.monotonic() - started
            print(f"{name}: {len(query.encode())} bytes, {status} in {seconds:.2f} s, "
                  f"{body[:120].decode(errors='replace').strip()!r}")
            assert status in (200, 400, 500), body[:300]  # refused, answered within the time limit, or stopped at it
            assert seconds < TIMEOUT_MS / 1000 + 3
        time.sleep(0.3)
    print(f"{name}: peak RSS {watchdog.peak / MIB:.0f} MiB, bound {bound / MIB:.0f} MiB")
    assert not watchdog.killed
    assert watchdog.peak < bound
    assert answers(server)


def test_the_store_stops_when_kg_gives_up(server: VirtuosoServer) -> None:
    """kg passes its time limit as ``timeout``; the store stops the query itself by then (kg's client waits
    timeout + 2 s, then answers 503): measured by the server's CPU time falling idle."""
    query = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f FILTER(?c != ?f) }"  # 155 M rows to filter
    result: dict[str, object] = {}

    def send() -> None:
        result["status"], result["body"] = post(server.url, client_timeout=TIMEOUT_MS / 1000 + 2, query=query,
                                                timeout=str(TIMEOUT_MS))
        result["seconds"] = time.monotonic() - started

    started = time.monotonic()
    thread = threading.Thread(target=send)
    thread.start()
    busy_until = started
    last = cpu_seconds(server.pid)
    while time.monotonic() - started < TIMEOUT_MS / 1000 + 10:
        time.sleep(0.25)
        now = cpu_seconds(server.pid)
        if now - last > 0.05:
            busy_until = time.monotonic()
        elif not thread.is_alive() and time.monotonic() - busy_until > 1:
            break
        last = now
    thread.join()
    stopped = busy_until - started
    print(f"store answered {result['status']} after {result['seconds']:.1f} s ({result['body'][:60]!r}), "
          f"busy for {stopped:.1f} s with a {TIMEOUT_MS / 1000:.0f} s limit")
    assert stopped < TIMEOUT_MS / 1000 + 2
    # Virtuoso ignores a timeout under a second (it would run to MaxQueryExecutionTime): the gate rounds it up
    started = time.monotonic()
    status, _ = post(server.url, client_timeout=10, query="SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f }",
                     timeout="200")
    assert status in (200, 500) and time.monotonic() - started < 4


@pytest.fixture(scope="module")
def remote(server: VirtuosoServer) -> RemoteStore:
    return RemoteStore(Settings.from_env(store_url=server.url))


def test_errors_the_query_causes_are_4xx_through_kg(remote: RemoteStore) -> None:
    """Virtuoso's client errors (SR183, SQ074, SP031 …) become 400, the store-side gate's refusals 403."""
    with pytest.raises(QueryError) as caught:  # SR183: Virtuoso's GROUP_CONCAT needs a separator
        remote.execute(QueryRequest("SELECT (GROUP_CONCAT(?o) AS ?g) WHERE { ?s ?p ?o }"))
    assert caught.value.status == 400
    started = time.monotonic()
    with pytest.raises(QueryError) as caught:  # SP031: the compiler's memory pool is full
        remote.execute(QueryRequest(concat_tower(24)))
    assert caught.value.status == 400 and time.monotonic() - started < 2
    with pytest.raises(QueryRefused) as caught:  # fn:doc passes kg's guard (XPath namespace), not the store's gate
        remote.execute(QueryRequest('PREFIX fn: <http://www.w3.org/2005/xpath-functions#> '
                                    'SELECT (fn:doc("file:///etc/hostname") AS ?x) {}'))
    assert caught.value.status == 403
    assert remote.execute(QueryRequest("ASK { ?s ?p ?o }", "ASK")).body
