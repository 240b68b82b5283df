"""The peers bench/peers.py runs beside ``kg serve``: Oxigraph server, Jena (ARQ + TDB2), nginx, a constant app.

Each is found (or installed from Debian / PyPI by its ordinary client), given the same N-Quads file, started on
127.0.0.1 on a free port in its own session, polled until it answers, sampled for memory over its process tree,
and stopped by its PID (SIGTERM, then SIGKILL) when the ``with`` block ends, also on Ctrl-C or failure.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

import requests
from measure import MemorySampler

from kg import allocator

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BIN = Path(sys.executable).parent
ASK = "ASK {}"


@dataclass
class Peer:
    """A running server: what it is, where its SPARQL endpoint (or page root) is, and what starting it took."""

    name: str
    url: str
    pid: int
    version: str
    mode: str
    startup: float  # process start → first answer (s)
    load: float = 0.0  # separate bulk-load step before start-up, if any (s)
    memory: MemorySampler | None = None
    notes: list[str] = field(default_factory=list)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url: str, *, method: str = "GET", data: dict | None = None) -> bool:
    try:
        response = requests.request(method, url, data=data, timeout=2,
                                    params={"query": ASK} if method == "GET" and data is None else None,
                                    headers={"Accept": "application/sparql-results+json"})
        return response.status_code == 200
    except requests.RequestException:
        return False


def stop_pid(process: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM the process we started (its own session: the signal goes to its group), SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def spawn(name: str, command: list[str], probe: t.Callable[[], bool], *, version: str = "", mode: str = "",
          cwd: Path = ROOT, env: dict[str, str] | None = None, limit: float = 900.0,
          load: float = 0.0) -> t.Iterator[Peer]:
    """Start ``command``, wait for ``probe()``, yield a :class:`Peer` with a running memory sampler, stop it."""
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                   env={**os.environ, **(env or {})}, start_new_session=True)
        sampler = MemorySampler(process.pid, interval=0.5, pss_in_windows=True)
        try:
            with sampler:
                while not probe():
                    if process.poll() is not None or time.perf_counter() > started + limit:
                        log.seek(0)
                        tail = log.read()[-3000:].decode("utf-8", "replace")
                        raise RuntimeError(f"{name} did not start: {command}\n{tail}")
                    time.sleep(0.05)
                peer = Peer(name, "", process.pid, version, mode, time.perf_counter() - started, load, sampler)
                yield peer
                sampler.sample()
        finally:
            stop_pid(process)


def ensure_debian(binary: str, package: str) -> str:
    """The path of ``binary`` (a command or an absolute path), installing Debian's ``package`` when it is missing."""
    found = binary if Path(binary).is_absolute() and Path(binary).exists() else shutil.which(binary)
    if found:
        return found
    if os.geteuid() != 0:
        raise RuntimeError(f"{binary} is missing: apt-get install {package}")
    subprocess.run(["apt-get", "install", "-y", "-q", package], check=True, capture_output=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, timeout=900)
    return shutil.which(binary) or binary


def debian_version(package: str) -> str:
    done = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package], capture_output=True, text=True)
    return done.stdout.strip() or "?"


# --- Oxigraph server (the `oxigraph` PyPI package ships the binary) ---------------------------------------------


def oxigraph_binary() -> str:
    """``oxigraph`` from this environment, installed with pip (the ``bench`` extra pins it) when missing."""
    binary = BIN / "oxigraph"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "oxigraph>=0.5,<0.6"], check=True, timeout=900)
    return str(binary)


@contextlib.contextmanager
def oxigraph_server(data: Path, mode: str, scratch: Path) -> t.Iterator[Peer]:
    """``oxigraph serve`` in memory (loaded by POSTing the file to /store), or ``oxigraph load`` into RocksDB then
    ``serve-read-only``; the default graph is the union of the named graphs, as in kg."""
    binary = oxigraph_binary()
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    load = 0.0
    command = [binary, "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    if mode == "rocksdb":
        location = scratch / "oxigraph-rocksdb"
        started = time.perf_counter()
        subprocess.run([binary, "load", "--location", str(location), "--file", str(data)], check=True,
                       capture_output=True, timeout=3600)
        load = time.perf_counter() - started
        command = [binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                   "--union-default-graph"]
    with spawn(f"oxigraph {mode}", command, lambda: answers(base + "query"), version=version, mode=mode,
               load=load) as peer:
        if mode == "memory":
            started = time.perf_counter()
            with data.open("rb") as handle:
                response = requests.post(base + "store", data=handle, timeout=3600,
                                         headers={"Content-Type": "application/n-quads"})
            response.raise_for_status()
            peer.startup += time.perf_counter() - started  # an in-memory server is not up until it holds the data
        peer.url = base + "query"
        yield peer


# --- Jena: Debian's ARQ + TDB2 behind bench/jena/SparqlServer.java ----------------------------------------------


def jena_classpath() -> str:
    """Debian's Jena jars and those of the packages it depends on, with one SLF4J binding (nop)."""
    ensure_debian("/usr/share/java/jena-arq.jar", "libapache-jena-java")
    packages, todo = set(), ["libapache-jena-java"]
    while todo:
        package = todo.pop()
        if package in packages:
            continue
        packages.add(package)
        done = subprocess.run(["apt-cache", "depends", "--installed", "--no-recommends", "--no-suggests", package],
                              capture_output=True, text=True)
        todo += [line.split()[-1] for line in done.stdout.splitlines()
                 if line.strip().startswith("Depends:") and line.split()[-1].endswith("-java")]
    jars: set[str] = set()
    for package in packages:
        listed = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True).stdout.split()
        jars |= {p for p in listed if p.startswith("/usr/share/java/") and p.endswith(".jar")}

    def wanted(jar: str) -> bool:
        name = Path(jar).name
        return "slf4j" not in name or name.startswith(("slf4j-api", "slf4j-nop"))

    return ":".join([str(jena_xerces_messages()), *sorted(j for j in jars if wanted(j))])


def jena_xerces_messages() -> Path:
    """Debian's jena-core moves Jena's bundled Xerces classes to ``xerces.*`` but leaves their message bundles under
    ``org/apache/jena/ext/xerces``, so datatype initialisation fails ("Couldn't load messages"); this puts copies of
    those bundles where the classes look for them (a directory prepended to the class path)."""
    import zipfile

    out = ROOT / ".cache" / "bench" / "jena-xerces-messages"
    prefix = "org/apache/jena/ext/xerces/"
    with zipfile.ZipFile("/usr/share/java/jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith(prefix) and name.endswith(".properties"):
                target = out / "xerces" / name.removeprefix(prefix)
                if not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(jar.read(name))
    return out


def jena_server_classes(classpath: str, scratch: Path) -> Path:
    """bench/jena/SparqlServer.java compiled with javac (cached under .cache/bench by the source's hash)."""
    source = BENCH / "jena" / "SparqlServer.java"
    key = hashlib.sha256(source.read_bytes() + classpath.encode()).hexdigest()[:12]
    out = ROOT / ".cache" / "bench" / f"jena-server-{key}"
    if not (out / "SparqlServer.class").exists():
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run(["javac", "-nowarn", "-cp", classpath, "-d", str(out), str(source)], check=True,
                       capture_output=True, timeout=300)
    return out


@contextlib.contextmanager
def jena_server(data: Path, scratch: Path, *, threads: int = 16) -> t.Iterator[Peer]:
    """``tdb2.tdbloader`` the file into a TDB2 directory, then serve it with the JDK HTTP server shim."""
    classpath = jena_classpath()
    classes = jena_server_classes(classpath, scratch)
    location = scratch / "jena-tdb2"
    started = time.perf_counter()
    subprocess.run(["java", "-cp", classpath, "tdb2.tdbloader", "--loc", str(location), str(data)], check=True,
                   capture_output=True, timeout=3600)
    load = time.perf_counter() - started
    port = free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    version = f"Jena {debian_version('libapache-jena-java')} (Debian), {java}"
    # nodelay: without it the JDK server's separate header and body writes meet delayed ACKs (~40 ms a request)
    command = ["java", "-Dsun.net.httpserver.nodelay=true", "-cp", f"{classes}:{classpath}", "SparqlServer",
               str(port), str(location), str(threads)]
    with spawn("jena tdb2", command, lambda: answers(url), version=version, mode="TDB2", load=load) as peer:
        peer.url = url
        peer.notes.append("not Fuseki (not in Debian; Maven Central unreachable): Jena ARQ + TDB2 behind the JDK's "
                          f"com.sun.net.httpserver with {threads} threads (bench/jena/SparqlServer.java)")
        yield peer


# --- the limits: nginx serving a static file, and a constant app under kg's gunicorn configuration ----------------


@contextlib.contextmanager
def nginx_static(scratch: Path, body: bytes) -> t.Iterator[Peer]:
    """Debian's nginx (2 worker processes, access log on) serving ``body`` as a static file at /static.json."""
    binary = ensure_debian("nginx", "nginx-light")
    prefix = scratch / "nginx"
    (prefix / "www").mkdir(parents=True, exist_ok=True)
    for directory in (scratch, prefix, prefix / "www"):  # nginx's workers run as nobody
        directory.chmod(0o755)
    (prefix / "www" / "static.json").write_bytes(body)
    port = free_port()
    temp = " ".join(f"{kind}_temp_path {prefix}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                       "scgi"))
    (prefix / "nginx.conf").write_text(f"""worker_processes 2;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log {prefix}/access.log;
  {temp}
  server {{ listen 127.0.0.1:{port}; root {prefix}/www; location / {{ default_type application/json; }} }}
}}
""")
    url = f"http://127.0.0.1:{port}/static.json"
    version = subprocess.run([binary, "-v"], capture_output=True, text=True).stderr.strip().split("/")[-1]
    command = [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"]
    with spawn("nginx static", command, lambda: answers(url), version=f"nginx {version}", mode="static",
               limit=30) as peer:
        peer.url = url
        yield peer


@contextlib.contextmanager
def constant_app(workers: int = 2, threads: int = 16) -> t.Iterator[Peer]:
    """bench/constant_app.py under gunicorn with ``kg serve``'s options, worker class (kg.web.server.KgWorker:
    threaded, a kept-alive connection's next request served in place; preload) and access logger (kg.web.accesslog)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    command = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--worker-class", "kg.web.server.KgWorker", "--threads", str(threads), "--preload", "--timeout", "40",
               "--graceful-timeout", "5",
               "--max-requests", "20000", "--max-requests-jitter", "2000", "--error-logfile", "-",
               "--access-logfile", "/dev/stderr", "--logger-class", "kg.web.accesslog.AccessLogger",
               "--log-level", "info",
               "--chdir", str(BENCH), "constant_app:app"]
    version = subprocess.run([str(BIN / "gunicorn"), "--version"], capture_output=True, text=True).stdout.strip()
    malloc, library = allocator.choose("auto")  # the malloc kg serve runs under (kg.allocator): the same server
    with spawn("constant app", command, lambda: answers(url, method="POST", data={"query": ASK}),
               env={"LD_PRELOAD": str(library)} if library else None, version=version,
               mode=f"kg's worker (gthread), {workers} workers × {threads} threads, malloc {malloc}") as peer:
        peer.url = url
        yield peer
