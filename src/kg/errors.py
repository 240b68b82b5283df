"""The only exceptions the web layer maps to HTTP statuses."""

from __future__ import annotations


class KgError(Exception):
    """Base class; ``status`` is the HTTP status the web layer answers with, :meth:`headers` what goes with it."""

    status = 500
    #: Seconds a client should wait before retrying, for statuses that say "not now" (503).
    retry_after = 5

    def headers(self) -> dict[str, str]:
        """Extra response headers: Retry-After on every 503 (the condition passes)."""
        return {"Retry-After": str(self.retry_after)} if self.status == 503 else {}


class QueryError(KgError):
    """The query is malformed (syntax, unsupported form): 400."""

    status = 400


class QueryRefused(KgError):
    """The query is well-formed but not allowed here (update, SERVICE to a non-allowed host): 403."""

    status = 403


class QueryTooLong(KgError):
    """The query text exceeds the configured limit: 413."""

    status = 413


class QueryTimeout(KgError):
    """The query ran past the time limit and was stopped: 503."""

    status = 503


class StoreUnavailable(KgError):
    """The backing store cannot be reached or answers with an error: 503."""

    status = 503

    def __init__(self, message: str = "", *, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotAcceptable(KgError):
    """No format the client accepts can carry this result: 406 (the message lists what can)."""

    status = 406


class ServerBusy(KgError):
    """Every query slot is taken (or the client's share of them): 503, retry after ``retry_after`` seconds."""

    status = 503

    def __init__(self, message: str, *, retry_after: int = 2) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RequestTimeout(KgError):
    """The client did not send its request body in time: 408."""

    status = 408


class MalformedRequest(KgError):
    """The request itself is broken (bad transfer encoding, truncated body): 400."""

    status = 400


class BadParameter(KgError):
    """A page's parameter names nothing this server knows (an unknown filter value of the data browser): 400."""

    status = 400
