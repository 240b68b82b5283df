"""A few greedy or slow clients cannot take the site down (real HTTP against `kg serve`, loopback only).

Clients are told apart by their source address: the attacker's requests come from 127.0.0.2 and 127.0.0.3, the
ordinary reader's from 127.0.0.4 (all of 127.0.0.0/8 reaches the server on 127.0.0.1).
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from observations import write_observations
from server import running_server

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "ASK { ?s ?p ?o }"
TIMEOUT = 4


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    """The built-in graph, the server announcing a public address that is not the one it listens on."""
    with running_server("--timeout", str(TIMEOUT), "--public-url", "http://example.org/kg/",
                        env={"KG_BODY_TIMEOUT": "3"}) as url:
        yield url


def request(base: str, method: str, path: str, *, source: str, body: bytes | None = None,
            headers: dict[str, str] | None = None, timeout: float = 30) -> tuple[int, dict[str, str], bytes, float]:
    """One request from ``source``: (status, headers, body, seconds)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout, source_address=(source, 0))
    started = time.monotonic()
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read(), time.monotonic() - started
    finally:
        connection.close()


def query_path(query: str) -> str:
    return "/sparql?" + urlencode({"query": query})


def slow_upload(base: str, source: str, stop: threading.Event) -> socket.socket:
    """Send the headers of a POST whose body never comes (the connection stays open until ``stop``)."""
    parts = urlsplit(base)
    sock = socket.create_connection((parts.hostname, parts.port), source_address=(source, 0))
    sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                 b"Content-Length: 100000\r\n\r\nASK {")
    return sock


def test_cheap_queries_pages_and_downloads_answer_while_greedy_and_slow_clients_run(base: str) -> None:
    stop = threading.Event()
    runaway: list[tuple[int, dict[str, str], bytes, float]] = []

    def run_away() -> None:
        runaway.append(request(base, "GET", query_path(CARTESIAN), source="127.0.0.2"))

    threads = [threading.Thread(target=run_away) for _ in range(16)]
    for thread in threads:
        thread.start()
    uploads = [slow_upload(base, "127.0.0.3", stop) for _ in range(2)]
    try:
        time.sleep(0.5)  # the runaway queries and uploads are in progress
        for path in (query_path(CHEAP), "/", "/downloads/", "/id/org/neusoft", "/.well-known/void",
                     "/downloads/dalian-kg.ttl"):
            status, _, body, seconds = request(base, "GET", path, source="127.0.0.4",
                                               headers={"Accept": "application/sparql-results+json, text/html"})
            assert status in (200, 303) and seconds < 1.0, (path, status, seconds, body[:200])
    finally:
        for thread in threads:
            thread.join()
        stop.set()
        for sock in uploads:
            sock.close()
    statuses = sorted(r[0] for r in runaway)
    assert set(statuses) == {503}, statuses  # two ran into the time limit, the rest found the client's share full
    busy = [r for r in runaway if b"busy" in r[2]]
    assert len(busy) >= 12 and all(r[1].get("Retry-After") for r in runaway)
    assert max(r[3] for r in busy) < 3  # refused after the short admission wait, not after the time limit


def test_a_slow_upload_gets_408_and_frees_its_thread(base: str) -> None:
    parts = urlsplit(base)
    started = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), source_address=("127.0.0.3", 0)) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 500\r\n\r\nASK {")
        sock.settimeout(10)
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert 2.5 < time.monotonic() - started < 6


def test_a_malformed_chunked_body_is_a_400(base: str) -> None:
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port)) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\nzz\r\nASK {}\r\n0\r\n\r\n")
        sock.settimeout(10)
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 400"), answer[:300]


def test_a_long_get_says_to_post(base: str) -> None:
    long_query = "ASK { ?s ?p ?o }\n# " + "padding " * 1500
    status, _, body, _ = request(base, "GET", query_path(long_query), source="127.0.0.4")
    assert status == 414 and b"POST" in body
    status, _, body, _ = request(base, "POST", "/sparql", source="127.0.0.4", body=long_query.encode(),
                                 headers={"Content-Type": "application/sparql-query"})
    assert status == 200, body[:300]


def test_urls_come_from_the_configured_base_not_the_host_header(base: str) -> None:
    status, headers, body, _ = request(base, "GET", "/sparql", source="127.0.0.4",
                                       headers={"Host": "evil.example", "Accept": "text/turtle"})
    assert status == 200 and b"evil.example" not in body and b"http://example.org/kg/sparql" in body
    status, headers, _, _ = request(base, "GET", "/downloads", source="127.0.0.4", headers={"Host": "evil.example"})
    assert status == 308 and headers["Location"] == "/downloads/"


@pytest.mark.parametrize("path", ["/", "/sparql", query_path(CHEAP), "/id/nothing", "/downloads/", "/sparql?query=x"])
def test_security_headers_on_every_response(base: str, path: str) -> None:
    _, headers, _, _ = request(base, "GET", path, source="127.0.0.4", headers={"Accept": "text/html"})
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"]


def test_the_byte_limit_cuts_a_big_answer(tmp_path: Path) -> None:
    data = write_observations(tmp_path / "obs.nt")
    with running_server("--data", str(data), "--max-bytes", "5000") as url:
        status, headers, body, _ = request(url, "GET", query_path("SELECT * { ?s ?p ?o }"), source="127.0.0.4",
                                           headers={"Accept": "text/csv"})
    assert status == 200 and len(body) <= 5000 and body.count(b"\r\n") > 10
    assert headers["X-SPARQL-Truncated"] == "true" and headers["X-SPARQL-Byte-Limit"] == "5000"


@pytest.mark.virtuoso
def test_a_hung_external_store_fails_fast_and_recovers() -> None:
    """Virtuoso stopped with SIGSTOP accepts connections and never answers: after the first request finds that out,
    pages and queries answer 503 at once, downloads are served all along, and everything recovers on SIGCONT."""
    import os
    import signal

    from virtuoso import virtuoso_server

    with virtuoso_server(load=True) as virtuoso, running_server("--store", virtuoso.url, "--timeout", "3") as base:
        seen, page = "/id/org/neusoft", "/id/org/neusoft-institute"
        assert request(base, "GET", seen, source="127.0.0.4")[0] == 200
        os.kill(virtuoso.pid, signal.SIGSTOP)
        try:
            first = request(base, "GET", page, source="127.0.0.4")
            # the first request waits for its time limit and the probe
            assert first[0] == 503 and first[3] < 10 and first[1].get("Retry-After")
            for path in (page, query_path(CHEAP), "/search?q=neusoft"):
                status, headers, _, seconds = request(base, "GET", path, source="127.0.0.4")
                assert status == 503 and seconds < 1.0 and headers.get("Retry-After"), (path, status, seconds)
            status, _, _, seconds = request(base, "GET", "/downloads/dalian-kg.nt", source="127.0.0.4")
            assert status == 200 and seconds < 1.0
            # a page answered before the hang is replayed by the worker that kept it (kg.web.answers), or refused
            status, _, _, seconds = request(base, "GET", seen, source="127.0.0.4")
            assert status in (200, 503) and seconds < 1.0
        finally:
            os.kill(virtuoso.pid, signal.SIGCONT)
        deadline = time.monotonic() + 15
        while request(base, "GET", page, source="127.0.0.4")[0] != 200:
            assert time.monotonic() < deadline, "the server did not recover after the store came back"
            time.sleep(0.5)
