"""Servers a benchmark starts: ``kg serve`` (embedded or over a store URL) and a private Virtuoso.

Both listen on 127.0.0.1 on free ports and are stopped by PID. ``kg serve`` start-up is timed from process start
to the first answer of ``/sparql``; the whole process tree's memory is sampled while it runs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import typing as t
from dataclasses import dataclass
from pathlib import Path

import requests

from kg.namespaces import CANONICAL_BASE

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # tests/virtuoso.py imports its siblings by name, as under pytest
from dataset import kg_command  # noqa: E402
from measure import MemorySampler, rss_bytes  # noqa: E402
from tests.server import free_port, stop  # noqa: E402
from tests.virtuoso import VirtuosoServer, require_virtuoso  # noqa: E402

PROBE = "ASK {}"


@dataclass
class KgServer:
    """A running ``kg serve``: its base URL, PID, start-up seconds and memory sampler."""

    url: str
    process: subprocess.Popen
    startup: float
    memory: MemorySampler


def _answers(url: str) -> bool:
    try:
        return requests.get(url + "sparql", params={"query": PROBE}, timeout=2,
                            headers={"Accept": "application/sparql-results+json"}).status_code == 200
    except requests.RequestException:
        return False


@contextlib.contextmanager
def kg_serve(*args: str, workers: int = 2, startup_limit: float = 600.0) -> t.Iterator[KgServer]:
    """Run ``kg serve`` with the canonical base (so /id/... pages find the data's IRIs) and yield it once it answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    command = [kg_command(), "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), *args]
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})
        sampler = MemorySampler(process.pid)
        try:
            with sampler:
                deadline = started + startup_limit
                while not _answers(url):
                    if process.poll() is not None or time.perf_counter() > deadline:
                        log.seek(0)
                        raise RuntimeError(f"kg serve did not start: {command}\n"
                                           + log.read()[-3000:].decode("utf-8", "replace"))
                    time.sleep(0.05)
                startup = time.perf_counter() - started
                sampler.sample()
                yield KgServer(url, process, startup, sampler)
                sampler.sample()
        finally:
            stop(process)


@dataclass
class Virtuoso:
    """A loaded private Virtuoso: public SPARQL URL, PID, and how long start and bulk load took."""

    url: str
    server: VirtuosoServer
    start_seconds: float
    load_seconds: float
    load_output: str
    loaded_quads: int

    def rss(self) -> int:
        return rss_bytes(self.server.pid) if self.server.pid else 0


@contextlib.contextmanager
def virtuoso_with(path: Path, *, graph: str = CANONICAL_BASE + "data/asserted",
                  buffers: int | None = None) -> t.Iterator[Virtuoso]:
    """A private Virtuoso (tests/virtuoso.py) bulk-loaded with ``path`` (N-Quads keep their own graphs);
    ``buffers``: 8 KiB cache pages (tests/virtuoso.py's default, 20,000, is for the small built graph)."""
    require_virtuoso()
    vdir = Path(tempfile.mkdtemp(prefix="kg-bench-virtuoso-"))
    server = VirtuosoServer(vdir, buffers=buffers)
    try:
        started = time.perf_counter()
        server.start()
        start_seconds = time.perf_counter() - started
        # A private copy of the script: bash reads a script while running it, and it may be edited meanwhile.
        script = vdir / "virtuoso.sh"
        shutil.copyfile(ROOT / "scripts" / "virtuoso.sh", script)
        started = time.perf_counter()
        done = subprocess.run(["bash", str(script), "load", str(path), graph],
                              env=server.env, capture_output=True, text=True, timeout=1800)
        load_seconds = time.perf_counter() - started
        loaded = project_quads(server.url)
        if done.returncode != 0 and loaded == 0:
            raise RuntimeError(f"virtuoso.sh load failed:\n{done.stdout}\n{done.stderr}")
        yield Virtuoso(server.url, server, start_seconds, load_seconds, done.stdout.strip(), loaded)
    finally:
        with contextlib.suppress(Exception):
            server.stop()
        shutil.rmtree(vdir, ignore_errors=True)


def project_quads(url: str) -> int:
    """Quads Virtuoso holds in the project's graphs (``data/…``), to check a bulk load."""
    query = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
             f'FILTER(STRSTARTS(STR(?g), "{CANONICAL_BASE}data/")) }}')
    response = requests.get(url, params={"query": query}, headers={"Accept": "application/sparql-results+json"},
                            timeout=300)
    response.raise_for_status()
    return int(response.json()["results"]["bindings"][0]["n"]["value"])
