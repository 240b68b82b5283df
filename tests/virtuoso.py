"""A private Virtuoso for tests, driven by scripts/virtuoso.sh: free loopback ports, a temporary database, a random
dba password, stopped (and if need be killed) by PID. Reusable by any suite: ``with running_virtuoso() as url``."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import typing as t
from pathlib import Path

import pytest

from server import free_port

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "virtuoso.sh"
VIRTUOSO_BINARY = Path("/usr/bin/virtuoso-t")


def require_virtuoso() -> None:
    """Skip when Virtuoso is not installed, unless KG_REQUIRE_VIRTUOSO is set (CI): then fail."""
    if VIRTUOSO_BINARY.exists():
        return
    message = f"{VIRTUOSO_BINARY} is not installed (scripts/virtuoso.sh install)"
    if os.environ.get("KG_REQUIRE_VIRTUOSO"):
        pytest.fail(message + " but KG_REQUIRE_VIRTUOSO is set")
    pytest.skip(message)


#: Per-query bounds of the test instances (scripts/virtuoso.sh reads them): small, so a memory bomb stays small.
TEST_LIMITS = {"MAX_QUERY_MEM": "256M", "MAX_MEM_POOL_SIZE": "64000000", "MAX_SPARQL_MEM_POOL_SIZE": "64000000",
               "MAX_QUERY_EXECUTION_TIME": "20"}


class VirtuosoServer:
    """One private instance; ``start``/``stop`` may be called repeatedly (the database survives a stop)."""

    def __init__(self, vdir: Path, *, buffers: int | None = None) -> None:
        self.vdir = vdir
        #: 8 KiB pages of cache: 20,000 (160 MiB) is plenty for the built graph; ~170,000 for millions of triples.
        self.buffers = buffers or int(os.environ.get("KG_VIRTUOSO_BUFFERS", "20000"))
        self.isql_port = free_port()
        self.http_port = free_port()
        self.password = "kg" + secrets.token_hex(12)
        self.url = f"http://127.0.0.1:{self.http_port}/sparql"
        #: scripts/virtuoso.sh's per-query bounds (the environment may override them)
        self.limits = {name: os.environ.get(name, value) for name, value in TEST_LIMITS.items()}

    @property
    def env(self) -> dict[str, str]:
        """Environment for the script and for ``kg load --into`` (the password never leaves the process tree)."""
        return {**os.environ, "VDIR": str(self.vdir), "ISQL_PORT": str(self.isql_port),
                "HTTP_PORT": str(self.http_port), "KG_STORE_PASSWORD": self.password, "KG_STORE_USER": "dba",
                "NUMBER_OF_BUFFERS": str(self.buffers), "MAX_DIRTY_BUFFERS": str(self.buffers * 3 // 4),
                **self.limits}

    def _script(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run(["bash", str(SCRIPT), *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"virtuoso.sh {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    @property
    def pid(self) -> int | None:
        pidfile = self.vdir / "virtuoso.pid"
        return int(pidfile.read_text()) if pidfile.exists() else None

    def start(self) -> None:
        self._script("start")

    def stop(self) -> None:
        pid = self.pid
        try:
            self._script("stop", timeout=60)
        finally:
            if pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def load_graph(self, *, data: Path | None = None) -> str:
        """``kg load --into`` the built graph or ``data``; returns the command's summary line."""
        env = self.env
        extra = ["--data", str(data)] if data else []
        done = subprocess.run([sys.executable, "-m", "kg.cli", "load", "--into", self.url, *extra], env=env,
                              capture_output=True, text=True, timeout=600, cwd=REPO)
        if done.returncode != 0:
            raise RuntimeError(f"kg load failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout.strip()


@contextlib.contextmanager
def virtuoso_server(*, load: bool = True) -> t.Iterator[VirtuosoServer]:
    """Start a private Virtuoso (skipping if absent), optionally load the built graph, stop it by PID at the end."""
    require_virtuoso()
    vdir = Path(tempfile.mkdtemp(prefix="kg-virtuoso-"))
    server = VirtuosoServer(vdir)
    try:
        server.start()
        if load:
            server.load_graph()
        yield server
    finally:
        with contextlib.suppress(Exception):
            server.stop()
        deadline = time.monotonic() + 5
        while server.pid is not None and time.monotonic() < deadline:
            time.sleep(0.1)
        shutil.rmtree(vdir, ignore_errors=True)


@contextlib.contextmanager
def running_virtuoso() -> t.Iterator[str]:
    """A loaded private Virtuoso; yields its public (read-only) SPARQL URL, e.g. for ``kg serve --store URL``."""
    with virtuoso_server(load=True) as server:
        yield server.url
