"""A kept-alive connection's next request is served by the thread that answered the last one when it comes at once
(kg.web.server.KgWorker), and every request is still answered, in order, whatever the timing: back to back,
pipelined in one write, after a pause, and with more busy connections than threads."""

from __future__ import annotations

import socket
import threading
import time
import typing as t
from collections.abc import Iterator
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

import pytest

from kg.web.server import NEXT_REQUEST_WAIT_MS, KgWorker
from server import running_server

ASK_TRUE = b'"boolean":true'
ASK_FALSE = b'"boolean":false'


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    """The built-in graph, two threads a worker (so that eight connections outnumber them)."""
    with running_server("--threads", "2", "--workers", "1") as url:
        yield url


def ask(query: str, tag: str) -> bytes:
    """A GET request for ``query`` (made new to the answer cache by ``tag``), kept alive."""
    path = "/sparql?query=" + quote(f"{query}\n# {tag}")
    return (f"GET {path} HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n\r\n").encode()


def read_response(stream: t.BinaryIO) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 response with a Content-Length from a buffered socket file."""
    status = int(stream.readline().split()[1])
    headers = {}
    while (line := stream.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, stream.read(int(headers["content-length"]))


def connect(base: str) -> socket.socket:
    parts = urlsplit(base)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=20)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def test_back_to_back_pipelined_and_paused_requests_on_one_connection(base: str) -> None:
    with connect(base) as sock, sock.makefile("rb") as stream:
        expected = []
        for i in range(20):  # back to back: each sent as soon as the last answer is in
            true = i % 2 == 0
            sock.sendall(ask("ASK {}" if true else "ASK { <urn:x> <urn:y> <urn:z> }", f"b{i}"))
            status, headers, body = read_response(stream)
            assert status == 200 and (ASK_TRUE if true else ASK_FALSE) in body
            assert headers.get("connection", "").lower() != "close"
        sock.sendall(b"".join(ask("ASK {}" if i % 3 else "ASK { <urn:x> ?p ?o }", f"p{i}") for i in range(5)))
        for i in range(5):  # pipelined in one write: answered in order
            status, _, body = read_response(stream)
            expected.append((status, ASK_TRUE if i % 3 else ASK_FALSE))
            assert status == 200 and expected[-1][1] in body, (i, body)
        time.sleep(NEXT_REQUEST_WAIT_MS / 1000 * 25)  # long past the wait: gunicorn's poller has the connection
        sock.sendall(ask("ASK {}", "after-pause"))
        status, _, body = read_response(stream)
        assert status == 200 and ASK_TRUE in body


def test_more_busy_connections_than_threads_are_all_answered(base: str) -> None:
    failures: list[str] = []

    def client(n: int) -> None:
        try:
            with connect(base) as sock, sock.makefile("rb") as stream:
                for i in range(30):
                    sock.sendall(ask("ASK {}", f"c{n}-{i}"))
                    status, _, body = read_response(stream)
                    if status != 200 or ASK_TRUE not in body:
                        failures.append(f"{n}/{i}: {status} {body[:80]!r}")
                    if i % 10 == 9:
                        time.sleep(0.01)
        except OSError as exc:
            failures.append(f"{n}: {exc}")

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    assert time.monotonic() - started < 15


def worker(threads: int = 2, connections: int = 1, alive: bool = True) -> KgWorker:
    """A KgWorker's state without a running server: only what the decision reads."""
    made = object.__new__(KgWorker)
    made.alive, made.nr_conns, made.cfg = alive, connections, SimpleNamespace(threads=threads)
    return made


def kept(sock: socket.socket, read_ahead: bytes = b"") -> SimpleNamespace:
    """A kept-alive connection as gunicorn holds it: its socket, and its parser's read-ahead buffer."""
    buffer = SimpleNamespace(getvalue=lambda: read_ahead)
    return SimpleNamespace(sock=sock, parser=SimpleNamespace(unreader=SimpleNamespace(buf=buffer)))


def test_the_thread_stays_only_for_a_request_already_coming_and_a_free_thread_for_each_connection() -> None:
    server, client = socket.socketpair()
    with server, client:
        started = time.monotonic()
        assert not worker().next_request_waiting(kept(server))  # nothing comes: back to the poller
        assert NEXT_REQUEST_WAIT_MS / 1000 * 0.9 <= time.monotonic() - started < 0.5
        assert worker().next_request_waiting(kept(server, b"GET / HTTP/1.1\r\n"))  # read ahead with the last one
        client.sendall(b"GET / HTTP/1.1\r\n")
        assert worker().next_request_waiting(kept(server))  # arrived
        assert not worker(threads=2, connections=3).next_request_waiting(kept(server))  # others wait for a thread
        assert not worker(alive=False).next_request_waiting(kept(server))  # stopping: gunicorn's path
