"""Headers every response carries, and URLs that never come from the request's Host header.

Pages load nothing from another host and run no inline script (the query page's configuration is a JSON data
block), so the policy is ``'self'`` for everything; inline ``style`` attributes stay allowed (the ontology page's
indentation, YASGUI's editor). Absolute URLs the service writes use ``Settings.base``; redirects are relative.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    """The security headers on every response (errors included); redirects made relative (werkzeug builds them
    from the Host header, and Flask answers routing redirects without asking the error handlers)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    location = response.headers.get("Location")
    if location and "://" in location.split("?", 1)[0]:
        response.headers["Location"] = relative_location(location)
    return response


def relative_location(location: str) -> str:
    """A redirect target without scheme and host (werkzeug builds them from the Host header).

    >>> relative_location("http://evil.example/downloads/?x=1")
    '/downloads/?x=1'
    """
    parts = urlsplit(location)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
