"""Running a piece of a test in a forked process, as a gunicorn worker runs after the master forks it: for what must
never happen to the test process itself (entering a network namespace)."""

from __future__ import annotations

import json
import os
import socket
import typing as t


def in_forked_process(work: t.Callable[[], dict]) -> dict:
    """``work()`` run in a forked child; its JSON-able report (``{}`` if it died first)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the forked process
        try:
            os.close(read)
            os.write(write, json.dumps(work()).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as answer:
        report = json.loads(answer.read() or b"{}")
    os.waitpid(pid, 0)
    return report


def reaches(port: int) -> bool:
    """Whether this process can open a connection to 127.0.0.1:``port``."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True
