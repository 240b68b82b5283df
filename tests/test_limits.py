"""Limits that keep one user from hurting the rest: time limit (503, really stopped), query length (413),
row limit (truncation headers), no outbound SERVICE calls, no zombie processes or memory growth."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from kg.config import Settings
from kg.web import create_app
from listener import Listener  # tests/ is on sys.path (conftest)
from observations import write_observations
from server import running_server
from stores import embedded_store

TIMEOUT = 1.0
MAX_ROWS = 50
MAX_QUERY_LENGTH = 2000
N_SUBJECTS = 1000  # 3 triples each: 3,000 triples
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def write_data(path: Path) -> Path:
    """A few thousand triples shaped like observations."""
    return write_observations(path, N_SUBJECTS)


@pytest.fixture(scope="module")
def data_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_data(tmp_path_factory.mktemp("limits") / "obs.nt")


@pytest.fixture(scope="module")
def limited(data_file: Path) -> Iterator[str]:
    args = ["--data", str(data_file), "--timeout", str(TIMEOUT), "--max-rows", str(MAX_ROWS),
            "--max-query-length", str(MAX_QUERY_LENGTH), "--workers", "2"]
    with running_server(*args) as base:
        yield base + "sparql"


def ask(endpoint: str, query: str = "ASK { ?s ?p ?o }", **kwargs) -> requests.Response:
    return requests.get(endpoint, params={"query": query}, timeout=30, **kwargs)


def test_time_limit_stops_the_query_and_the_next_request_works(limited: str) -> None:
    started = time.monotonic()
    response = ask(limited, CARTESIAN)
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert "time limit of 1 s" in response.text and "stopped" in response.text
    assert TIMEOUT <= elapsed < TIMEOUT + 3
    assert response.headers["Cache-Control"] == "no-store"
    after = ask(limited)
    assert after.status_code == 200 and after.json()["boolean"] is True


def test_other_requests_are_served_while_a_query_runs_away(limited: str) -> None:
    slow: list[requests.Response] = []
    thread = threading.Thread(target=lambda: slow.append(ask(limited, CARTESIAN)))
    thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    for _ in range(5):
        assert ask(limited).status_code == 200
    assert time.monotonic() - started < TIMEOUT  # the other worker answered while the first was busy
    thread.join()
    assert slow[0].status_code == 503


@pytest.mark.parametrize("method", ["GET", "POST-form", "POST-direct"])
def test_query_too_long(limited: str, method: str) -> None:
    query = "ASK { ?s ?p ?o } #" + "x" * MAX_QUERY_LENGTH
    if method == "GET":
        response = ask(limited, query)
    elif method == "POST-form":
        response = requests.post(limited, data={"query": query}, timeout=30)
    else:
        response = requests.post(limited, data=query.encode(), timeout=30,
                                 headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413
    assert f"limit is {MAX_QUERY_LENGTH} bytes" in response.text


def test_huge_body_is_refused_before_reading(limited: str) -> None:
    response = requests.post(limited, data=b"x" * (MAX_QUERY_LENGTH * 20), timeout=30,
                             headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413


def test_query_at_the_limit_is_accepted(limited: str) -> None:
    query = "ASK { ?s ?p ?o } #"
    query += "x" * (MAX_QUERY_LENGTH - len(query))
    assert ask(limited, query).status_code == 200


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml",
                                    "text/csv", "text/tab-separated-values"])
def test_row_limit_truncates_select(limited: str, accept: str) -> None:
    response = ask(limited, "SELECT ?s ?o { ?s <http://example.org/value> ?o }", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["X-SPARQL-Truncated"] == "true"
    assert response.headers["X-SPARQL-Row-Limit"] == str(MAX_ROWS)
    if accept.endswith("json"):
        assert len(response.json()["results"]["bindings"]) == MAX_ROWS
    elif accept.endswith("xml"):
        assert response.text.count("<result>") == MAX_ROWS
    else:
        assert len(response.text.strip().splitlines()) == MAX_ROWS + 1


def test_row_limit_truncates_construct(limited: str) -> None:
    response = ask(limited, "CONSTRUCT WHERE { ?s ?p ?o }", headers={"Accept": "application/n-triples"})
    assert response.headers["X-SPARQL-Truncated"] == "true"
    assert len(response.text.strip().splitlines()) == MAX_ROWS


def test_small_results_are_not_marked(limited: str) -> None:
    response = ask(limited, f"SELECT ?s {{ ?s ?p ?o }} LIMIT {MAX_ROWS}")
    assert "X-SPARQL-Truncated" not in response.headers
    assert len(response.json()["results"]["bindings"]) == MAX_ROWS




@pytest.fixture
def listener() -> Iterator[Listener]:
    listening = Listener()
    yield listening
    listening.close()


def test_service_to_a_local_listener_makes_no_connection(limited: str, listener: Listener) -> None:
    url = f"http://127.0.0.1:{listener.port}/sparql"
    queries = [
        f"SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX l: <http://127.0.0.1:{listener.port}/> SELECT * {{ service l:sparql {{ ?s ?p ?o }} }}",
        f"BASE <http://127.0.0.1:{listener.port}/> SELECT * {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    ]
    for query in queries:
        response = ask(limited, query)
        assert response.status_code == 403, (query, response.text)
        assert "SERVICE" in response.text
    assert listener.settled() == 0


def test_allowed_service_is_called_under_the_time_limit(data_file: Path, listener: Listener) -> None:
    url = f"http://127.0.0.1:{listener.port}/sparql"
    with running_server("--data", str(data_file), "--timeout", str(TIMEOUT), "--allow-service", url) as base:
        response = ask(base + "sparql", f"SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
        assert response.status_code in (503, 400), response.text  # the listener closes without answering
        other = ask(base + "sparql", f"SELECT * {{ SERVICE <{url}/other> {{ ?s ?p ?o }} }}")
        assert other.status_code == 403
    assert listener.connections >= 1


def descendants(pid: int) -> dict[int, tuple[int, str, int]]:
    """pid → (ppid, state, RSS kB) of every process below ``pid``."""
    table: dict[int, tuple[int, str, int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        rss = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        table[int(entry)] = (int(fields[1]), fields[0], rss)
    found: dict[int, tuple[int, str, int]] = {}
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, info in table.items():
            if info[0] == parent and child not in found:
                found[child] = info
                frontier.append(child)
    return found


def server_pid(port: int) -> int:
    """The PID of the gunicorn master listening on ``port`` (via /proc/net/tcp inodes)."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "0A":
            inode = fields[9]
    assert inode
    candidates = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if any(os.readlink(f"/proc/{entry}/fd/{fd}") == f"socket:[{inode}]"
                       for fd in os.listdir(f"/proc/{entry}/fd")):
                    candidates.append(int(entry))
            except OSError:
                continue
    return min(candidates)  # the master started first; workers and query children inherit the socket


def test_no_zombies_and_no_memory_growth(data_file: Path) -> None:
    # the answer cache (bounded by its own setting and tested apart) is off: what grows here would be a leak
    with running_server("--data", str(data_file), "--timeout", "0.3", "--workers", "2",
                        env={"KG_RESPONSE_CACHE_MB": "0"}) as base:
        endpoint = base + "sparql"
        port = int(base.rsplit(":", 1)[1].strip("/"))
        master = server_pid(port)
        for i in range(50):  # distinct queries: the answer cache would serve repeated ones without a child
            ask(endpoint, f"SELECT * {{ ?s ?p ?o }} LIMIT {50 + i}")
        warm = sum(info[2] for info in descendants(master).values())
        for round_ in range(6):
            assert ask(endpoint, CARTESIAN).status_code == 503
            for i in range(100):
                assert ask(endpoint, f"SELECT * {{ ?s ?p ?o }} LIMIT {1000 + 100 * round_ + i}").status_code == 200
        procs = descendants(master)
        assert not [pid for pid, info in procs.items() if info[1] == "Z"], procs
        assert len(procs) <= 4  # 2 workers + at most one query child each
        grown = sum(info[2] for info in procs.values()) - warm
        assert grown < 40_000, f"resident memory grew by {grown} kB"


def test_executor_works_under_the_flask_test_client(data_file: Path) -> None:
    app = create_app(Settings(data_files=(str(data_file),), query_timeout=TIMEOUT, max_rows=MAX_ROWS))
    store = app.extensions["kg.store"]
    try:
        client = app.test_client()
        assert client.get("/sparql", query_string={"query": CARTESIAN}).status_code == 503
        assert store.query_child_pids == []  # the child that ran out of time was killed
        response = client.get("/sparql", query_string={"query": "SELECT ?s { ?s ?p ?o }"})
        assert response.status_code == 200 and response.headers["X-SPARQL-Truncated"] == "true"
        [child] = store.query_child_pids
        assert Path(f"/proc/{child}").exists()
    finally:
        store.close()
    assert not Path(f"/proc/{child}").exists()  # killed and reaped: no zombie left behind


def test_in_process_and_isolated_results_agree(data_file: Path) -> None:
    from dataclasses import replace

    from kg.sparql.request import prepare_query

    settings = Settings(data_files=(str(data_file),))
    store = embedded_store(settings)
    try:
        request = prepare_query("SELECT ?s ?o { ?s <http://example.org/value> ?o } ORDER BY ?o LIMIT 5", settings)
        isolated = store.execute(request)
        direct = store.execute(replace(request, timeout=None))
        assert isolated == direct
        parsed = ox.parse_query_results(isolated.body, format=ox.QueryResultsFormat.JSON)
        assert len(list(parsed)) == 5
    finally:
        store.close()
