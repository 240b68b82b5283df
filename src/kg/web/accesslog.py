"""gunicorn's access log line, written without gunicorn's per-request dictionary of every atom and header.

gunicorn's ``Logger.access`` builds a dictionary of 18 atoms plus one entry per request and response header, copies
it to escape each value, and formats the configured line through it: about 15 % of a small query's handling in a
worker (py-spy, 2026-12-06). ``kg serve`` writes gunicorn's default format (Apache's combined log), so this logger
computes only its nine fields, escaped as gunicorn escapes them (a double quote becomes ``\\"``), and writes the same
line; an operator's own ``access_log_format`` goes through gunicorn's code unchanged.

A log sent to ``/dev/stderr`` is written to the process's own standard error, not to a second handle gunicorn opens
on that path: in a file opened without O_APPEND (``kg serve 2> file``) the two kept two offsets, and the error log's
next lines overwrote the access lines written before them.
"""

from __future__ import annotations

import sys
import time
import typing as t

from gunicorn.config import AccessLogFormat
from gunicorn.glogging import Logger

#: gunicorn's default access-log format: the only one written here.
COMBINED = AccessLogFormat.default


class AccessLogger(Logger):
    """gunicorn's logger, with the combined format's line built from its nine fields."""

    _second = -1
    _stamp = ""

    def _set_handler(self, log: t.Any, output: str | None, fmt: t.Any, stream: t.Any = None) -> None:
        if output == "/dev/stderr":
            output, stream = "-", sys.stderr
        super()._set_handler(log, output, fmt, stream)

    def now(self) -> str:
        """The request's time in Apache's format, formatted once per second (gunicorn formats it per request)."""
        second = int(time.time())
        if second != self._second:
            self._stamp, self._second = time.strftime("[%d/%b/%Y:%H:%M:%S %z]", time.localtime(second)), second
        return self._stamp

    def access(self, resp: t.Any, req: t.Any, environ: dict[str, t.Any], request_time: t.Any) -> None:
        if not self.access_log_enabled:
            return
        if self.cfg.access_log_format != COMBINED:
            super().access(resp, req, environ, request_time)
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        sent = getattr(resp, "sent", None)
        user = self._get_user(environ) if "HTTP_AUTHORIZATION" in environ else None
        fields = (environ.get("REMOTE_ADDR", "-"), "-", user or "-", self.now(),
                  f"{environ['REQUEST_METHOD']} {environ['RAW_URI']} {environ['SERVER_PROTOCOL']}", status,
                  "-" if sent is None else str(sent),
                  environ.get("HTTP_REFERER", "-"), environ.get("HTTP_USER_AGENT", "-"))
        try:
            self.access_log.info('%s %s %s %s "%s" %s %s "%s" "%s"',
                                 *(f.replace('"', '\\"') if isinstance(f, str) else f for f in fields))
        except Exception:  # as gunicorn: a log line never fails a request
            self.error("access log: could not write the line for %s", environ.get("RAW_URI", "?"))
