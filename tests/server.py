"""Start ``kg serve`` as a real subprocess for HTTP tests (reusable by any test module).

    from tests.server import running_server

    with running_server("--data", "tests/data/protocol.trig", "--timeout", "1") as base_url:
        requests.get(base_url + "sparql", params={"query": "ASK {}"})

The server listens on 127.0.0.1 on a free port, is polled until it answers, and is stopped by its PID
(SIGTERM, then SIGKILL after a grace period). Its stderr (gunicorn's logs) goes to a temporary file whose
tail is shown if it fails to start.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import typing as t
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/turtle"}), timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # it answered
    except OSError:
        return False


@contextlib.contextmanager
def running_server(
    *args: str, env: dict[str, str] | None = None, startup: float = 300.0, port: int | None = None,
    log_path: Path | None = None,
) -> t.Iterator[str]:
    """Run ``kg serve --host 127.0.0.1 --port <port or a free one> *args`` and yield its base URL (ending with '/').

    ``env`` entries are added to the current environment. Raises RuntimeError if it does not answer
    within ``startup`` seconds (the built-in graph may need a first build). Its output goes to ``log_path`` when
    given (opened as ``2> file`` opens it: truncated, not appended to), else to a temporary file.
    """
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "kg.cli", "serve", "--host", "127.0.0.1", "--port", str(port), *args]
    with log_path.open("w+b") if log_path is not None else tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})},
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + startup
            while not _ready(base_url + "sparql"):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    tail = log.read()[-3000:].decode("utf-8", "replace")
                    raise RuntimeError(f"kg serve did not start ({command}):\n{tail}")
                time.sleep(0.1)
            yield base_url
        finally:
            stop(process)


def stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    """Stop a server by its PID: SIGTERM (gunicorn stops its workers), SIGKILL if it lingers."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
