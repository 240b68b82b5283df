"""The only exceptions the web layer maps to HTTP statuses."""

from __future__ import annotations


class KgError(Exception):
    """Base class; ``status`` is the HTTP status the web layer answers with."""

    status = 500


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


class NotAcceptable(KgError):
    """No format the client accepts can carry this result: 406 (the message lists what can)."""

    status = 406
