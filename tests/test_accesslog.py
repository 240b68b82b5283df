"""kg.web.accesslog writes exactly gunicorn's access-log line, with less work per request."""

from __future__ import annotations

import base64
import datetime
import io
import logging
import re
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from gunicorn.config import Config
from gunicorn.glogging import Logger

from kg.config import Settings
from kg.web.accesslog import AccessLogger
from kg.web.server import gunicorn_options
from server import running_server


def _line(logger_class: type[Logger], environ: dict, status: object, sent: object, *, fmt: str | None = None) -> str:
    """The line ``logger_class`` writes for one request."""
    cfg = Config()
    cfg.set("accesslog", "-")
    if fmt is not None:
        cfg.set("access_log_format", fmt)
    logger = logger_class(cfg)
    stream = io.StringIO()
    for handler in list(logger.access_log.handlers):
        logger.access_log.removeHandler(handler)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.access_log.addHandler(handler)
    logger.access_log.propagate = False
    resp = SimpleNamespace(status=status, sent=sent, headers=[("Content-Type", "text/plain"), ("X-A", 'q"uote')])
    req = SimpleNamespace(headers=[(k[5:].replace("_", "-"), v) for k, v in environ.items() if k.startswith("HTTP_")])
    logger.access(resp, req, environ, datetime.timedelta(microseconds=1234))
    return stream.getvalue()


BASIC = "Basic " + base64.b64encode(b"ann:secret").decode()
CASES = [
    ({}, "200 OK", 26),
    ({"HTTP_USER_AGENT": 'wrk "quoted" agent', "HTTP_REFERER": "https://example.org/?a=\"b\""}, "404 NOT FOUND", 0),
    ({"HTTP_AUTHORIZATION": BASIC}, "401 UNAUTHORIZED", None),
    ({"HTTP_AUTHORIZATION": "Bearer abc"}, 503, 1234),
    ({"REMOTE_ADDR": "::1"}, "304 NOT MODIFIED", None),
]


@pytest.mark.parametrize(("extra", "status", "sent"), CASES)
def test_the_line_is_gunicorns(extra: dict, status: object, sent: object) -> None:
    environ = {"REMOTE_ADDR": "127.0.0.1", "REQUEST_METHOD": "POST", "RAW_URI": '/sparql?x="1"%20y',
               "SERVER_PROTOCOL": "HTTP/1.1", "PATH_INFO": "/sparql", "QUERY_STRING": 'x="1"%20y', **extra}
    ours = _line(AccessLogger, environ, status, sent)
    if ours[ours.index("[") + 1:ours.index("]")] != _line(Logger, environ, status, sent).split("[")[1].split("]")[0]:
        time.sleep(0.01)  # the second turned between the two lines: ask again
        ours = _line(AccessLogger, environ, status, sent)
    assert ours == _line(Logger, environ, status, sent)
    assert ours.count("\n") == 1


def test_an_operators_own_format_goes_through_gunicorn() -> None:
    environ = {"REMOTE_ADDR": "127.0.0.1", "REQUEST_METHOD": "GET", "RAW_URI": "/", "PATH_INFO": "/",
               "SERVER_PROTOCOL": "HTTP/1.1",
               "HTTP_USER_AGENT": "ua"}
    fmt = "%(m)s %(U)s %(s)s %(L)s %({x-a}o)s %({user-agent}i)s"
    assert _line(AccessLogger, environ, "200 OK", 5, fmt=fmt) == _line(Logger, environ, "200 OK", 5, fmt=fmt)
    assert _line(AccessLogger, environ, "200 OK", 5, fmt=fmt) == 'GET / 200 0.001234 q\\"uote ua\n'


def test_kg_serve_uses_it() -> None:
    assert gunicorn_options(Settings())["logger_class"] is AccessLogger


def test_a_running_server_logs_each_request_in_the_combined_format(tmp_path: Path) -> None:
    path = tmp_path / "kg-serve.log"
    # opened as `kg serve 2> file` opens it (not O_APPEND): a second handle on /dev/stderr kept an offset of its own,
    # and the error log's later lines (the shutdown's) overwrote the access lines
    with running_server("--workers", "1", log_path=path) as base_url:
        answer = requests.post(base_url + "sparql", data={"query": "ASK {}"},
                               headers={"User-Agent": 'probe "one"', "Accept": "application/sparql-results+json"},
                               timeout=10)
        assert answer.status_code == 200
    text = path.read_text(encoding="utf-8", errors="replace")
    line = re.compile(r'^127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "POST /sparql HTTP/1\.1" 200 '
                      r'(\d+) "-" "probe \\"one\\""$', re.MULTILINE)
    found = line.search(text)
    assert found, text[-2000:]
    assert int(found.group(1)) > 0
