"""Request bodies are read within their size and time limits, without touching the socket when gunicorn already
holds the whole body (kg.web.body)."""

from __future__ import annotations

import io

import pytest
from gunicorn.http.body import Body, LengthReader
from gunicorn.http.unreader import IterUnreader

from kg.errors import QueryTooLong
from kg.web.body import arrived, read_ahead, read_body


class Socket:
    """Stands in for the client's socket: counts the timeouts set on it."""

    def __init__(self) -> None:
        self.timeouts: list[float | None] = []

    def settimeout(self, value: float | None) -> None:
        self.timeouts.append(value)


def body_of(data: bytes, *, held: int) -> Body:
    """A gunicorn body of ``len(data)`` bytes of which the first ``held`` came with the headers."""
    unreader = IterUnreader([data[held:]] if held < len(data) else [])
    unreader.buf.write(data[:held])
    return Body(LengthReader(unreader, len(data)))


def environ(stream: object, sock: Socket, length: int) -> dict:
    return {"wsgi.input": stream, "gunicorn.socket": sock, "CONTENT_LENGTH": str(length)}


def test_a_body_that_came_with_the_headers_is_read_without_timeouts() -> None:
    data = b"query=ASK%7B%7D"
    sock = Socket()
    assert arrived(body_of(data, held=len(data)))
    assert read_body(environ(body_of(data, held=len(data)), sock, len(data)), 1000, 5.0) == data
    assert sock.timeouts == []


def test_a_body_still_arriving_is_read_under_a_timeout() -> None:
    data = b"query=" + b"x" * 5000
    sock = Socket()
    assert not arrived(body_of(data, held=100))
    assert read_body(environ(body_of(data, held=100), sock, len(data)), 10_000, 5.0) == data
    assert sock.timeouts and sock.timeouts[-1] is None  # bounded while reading, blocking again after


def test_a_body_read_ahead_fails_where_the_endpoint_reads_it() -> None:
    env = environ(io.BytesIO(b"x" * 50), Socket(), 50)
    assert read_ahead(env, 10, 5.0) is None  # too large: kept for the endpoint to raise
    with pytest.raises(QueryTooLong):
        read_body(env, 10, 5.0)
