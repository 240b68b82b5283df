"""Reading a request body within a size and a time limit, from the WSGI environ (so that the answer cache, which
keys POSTed queries on their bytes, and the endpoint read bodies the same way).

Under gunicorn each read of the client's socket waits at most the time left, so a client that sends its headers and
then trickles (or never finishes) its body holds one thread for ``timeout`` seconds, not forever. A body read ahead
(kg.web.answers) is put back as the environ's input, and a failure to read it is kept and raised here.
"""

from __future__ import annotations

import contextlib
import io
import time
import typing as t

from gunicorn.http.errors import NoMoreData, ParseException

from kg.errors import KgError, MalformedRequest, QueryTooLong, RequestTimeout

#: The environ key of a read-ahead failure.
READ_ERROR = "kg.body.error"


def read_body(environ: dict[str, t.Any], limit: int, timeout: float) -> bytes:
    """The request body: at most ``limit`` bytes (413), within ``timeout`` seconds (408), well-formed (400)."""
    failed = environ.pop(READ_ERROR, None)
    if failed is not None:
        raise failed
    length = environ.get("CONTENT_LENGTH")
    if length and length.isdigit() and int(length) > limit:
        raise QueryTooLong(f"request body too large (limit {limit} bytes)")
    stream = environ["wsgi.input"]
    sock = None if arrived(stream) else environ.get("gunicorn.socket")
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    size = 0
    late = RequestTimeout(f"408 Request Timeout: the request body took longer than {timeout:g} s")
    try:
        while size <= limit:
            left = deadline - time.monotonic()
            if left <= 0:
                raise late
            if sock is not None:
                sock.settimeout(left)
            chunk = stream.read(min(65536, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except TimeoutError:
        raise late from None
    except (ParseException, NoMoreData, ValueError) as exc:
        raise MalformedRequest(f"malformed request body: {exc}") from None
    finally:
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.settimeout(None)
    if size > limit:
        raise QueryTooLong(f"request body too large (limit {limit} bytes)")
    return b"".join(chunks)


def arrived(stream: t.Any) -> bool:
    """Whether the rest of a body is in memory (read ahead, or of known length and come with the headers: gunicorn
    holds it): reading it then waits on no socket and needs no timeout. Setting one releases the GIL twice a
    request, and under load each re-acquisition waits behind the other threads (a fifth of a replayed answer's time
    at 8 connections)."""
    if isinstance(stream, io.BytesIO):
        return True  # read ahead already (kg.web.answers)
    reader = getattr(stream, "reader", None)
    length, held = getattr(reader, "length", None), getattr(getattr(reader, "unreader", None), "buf", None)
    return isinstance(length, int) and isinstance(held, io.BytesIO) and held.getbuffer().nbytes >= length


def read_ahead(environ: dict[str, t.Any], limit: int, timeout: float) -> bytes | None:
    """Read the body now and put it back for the app: the bytes, or None when reading failed (the app raises it)."""
    try:
        body = read_body(environ, limit, timeout)
    except KgError as exc:
        environ[READ_ERROR] = exc
        environ["wsgi.input"] = io.BytesIO()
        return None
    environ["wsgi.input"] = io.BytesIO(body)
    return body


#: Form encoding can triple a query's size (and UTF-8 percent-encoded triples it again).
BODY_FACTOR = 9


def query_body_limit(max_query_length: int) -> int:
    """The largest body a query of ``max_query_length`` bytes may arrive in (413 above).

    >>> query_body_limit(100)
    4996
    """
    return max_query_length * BODY_FACTOR + 4096
