"""The embedded store: pyoxigraph, filled from the cached reasoned dataset or the user's files.

pyoxigraph answers SPARQL 17–37× faster than rdflib's evaluator on this data shape (reference/engines.md);
rdflib stays the toolkit for parsing, reasoning and SHACL at build time.

Two modes (``Settings.store_mode``):

- ``memory`` (default): bulk-loaded into an in-memory store at start-up, shared with the workers by fork. Reading
  it dirties its pages, so each worker and query child ends up with a private copy (~3 GB RSS at 1 M triples).
- ``disk``: bulk-loaded ONCE into a RocksDB directory ``cache_dir/stores/<key>`` (built in a temporary
  directory, then renamed, so a crash never leaves half a store), and opened read-only by every process that
  queries it. RocksDB handles are not fork-safe, so each process opens its own on first use (:class:`DiskStore`);
  the data lives in the page cache, shared by all of them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.config import Settings
from kg.errors import StoreUnavailable
from kg.sparql.guard import check_query
from kg.store import QueryRequest, QueryResponse, Row, Term
from kg.store.executor import Executor, Job, StoreSource, resolve_store, run_job

STORE_MODES = ("memory", "disk")
#: Read size when hashing data files (the 1 M-triple file is 250 MB: never hold it whole just to hash it).
_CHUNK = 1 << 20
#: Handles opened by another process before a fork: never used, and never dropped either (closing a RocksDB
#: handle whose background threads did not survive the fork is not safe), just kept alive.
_INHERITED: list[ox.Store] = []

#: File extension → pyoxigraph format (graphs of TriG / N-Quads stay named graphs).
RDF_FORMATS_BY_SUFFIX = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".n3": ox.RdfFormat.N3,
}


def rdf_format_for(path: Path) -> ox.RdfFormat:
    """The parser for a file, chosen by its extension; ValueError for unknown ones."""
    try:
        return RDF_FORMATS_BY_SUFFIX[path.suffix.lower()]
    except KeyError:
        raise ValueError(f"unknown RDF file extension {path.suffix!r} ({path})") from None


@dataclass(frozen=True)
class Source:
    """One RDF file to load: its path, parser and the base IRI its relative IRIs resolve against."""

    path: Path
    format: ox.RdfFormat
    base_iri: str | None = None


class DiskStore:
    """A read-only on-disk store, opened lazily once per process: call it to get this process's handle.

    Passed to the executor instead of a store, so a forked query child opens its own handle on its first job.
    The directory never changes while served (the public endpoint is read-only).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pid: int | None = None
        self._store: ox.Store | None = None

    def __call__(self) -> ox.Store:
        if self._store is None or self._pid != os.getpid():
            try:
                store = ox.Store.read_only(str(self.path))
            except OSError as exc:
                raise StoreUnavailable(f"cannot open the on-disk store {self.path}: {exc}") from None
            self._forget()
            self._store, self._pid = store, os.getpid()
        return self._store

    @property
    def opened_here(self) -> bool:
        """This process holds a handle of its own (for tests and diagnostics)."""
        return self._store is not None and self._pid == os.getpid()

    def _forget(self) -> None:
        if self._store is not None and self._pid != os.getpid():
            _INHERITED.append(self._store)
        self._store, self._pid = None, None

    def close(self) -> None:
        """Drop this process's handle (an inherited one is only forgotten)."""
        self._forget()


def store_key(sources: Sequence[Source], *, named: bool) -> tuple[str, str]:
    """(data version, store directory key): sha256 of the data bytes, and of name + bytes of each file, 16 hex.

    The data version matches the memory mode's; the directory key also covers each ``--data`` file's resolved
    path (its relative IRIs resolve against it) and the pyoxigraph version (the on-disk format).
    """
    version, key = hashlib.sha256(), hashlib.sha256(f"pyoxigraph {ox.__version__}\n".encode())
    for source in sources:
        if named:
            key.update(f"{source.path.resolve()}\n".encode())
        with source.path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                version.update(chunk)
                key.update(chunk)
    return version.hexdigest()[:16], key.hexdigest()[:16]


def build_disk_store(sources: Sequence[Source], directory: Path) -> Path:
    """Bulk-load ``sources`` into a RocksDB store at ``directory`` unless it exists; return ``directory``.

    Built in a temporary sibling and renamed into place, so ``directory`` is either complete or absent; when two
    processes build the same store at once, the first rename wins and the other copy is removed. The load runs in
    a fresh Python process: bulk loading 1 M triples peaks near 2 GB, which the allocator would otherwise keep in
    the gunicorn master and hand on to every worker; and a forked builder hangs in RocksDB when its parent has a
    store open (RocksDB's background threads do not survive a fork).

    :raises OSError: the build failed (the message ends with the builder's error).
    """
    if directory.is_dir():
        return directory
    directory.parent.mkdir(parents=True, exist_ok=True)
    spec = {"directory": str(directory),
            "sources": [[str(s.path), s.format.media_type, s.base_iri] for s in sources]}
    done = subprocess.run([sys.executable, "-c", "from kg.store.embedded import _build_main; _build_main()"],
                          input=json.dumps(spec), capture_output=True, text=True, check=False)
    if done.returncode != 0 or not directory.is_dir():
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise OSError(f"cannot build the on-disk store {directory}: {tail}")
    return directory


def _build_main() -> None:
    """The builder process: read the JSON spec from stdin and build."""
    spec = json.load(sys.stdin)
    sources = [Source(Path(path), ox.RdfFormat.from_media_type(media_type), base_iri)
               for path, media_type, base_iri in spec["sources"]]
    _build(sources, Path(spec["directory"]))


def _build(sources: Sequence[Source], directory: Path) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=directory.parent))
    try:
        store = ox.Store(str(tmp))
        for source in sources:
            store.bulk_load(path=str(source.path), format=source.format, base_iri=source.base_iri)
        store.flush()
        store.optimize()  # one compaction: full scans ~25% faster on the read-only store
        del store  # closes the read-write handle before the directory moves
        tmp.chmod(0o755)
        try:
            tmp.rename(directory)
        except OSError:
            if not directory.is_dir():
                raise
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)


class EmbeddedStore:
    """pyoxigraph behind the :class:`kg.store.Store` interface."""

    def __init__(self, store: StoreSource, *, base: str, version: str, settings: Settings) -> None:
        self._source = store
        self.base = base
        self._version = version
        self.settings = settings
        isolate = {"require": True, "off": False}.get(settings.sandbox)
        if settings.service_allowlist:
            isolate = False  # an allow-listed SERVICE needs the network: the guard's exact allow-list decides
        memory = settings.query_memory_mb * 2**20 or None
        self._executor = Executor(store, isolate=isolate, memory_limit=memory)

    @property
    def _store(self) -> ox.Store:
        """This process's store (an on-disk one opens its handle on first use in each process)."""
        return resolve_store(self._source)

    @classmethod
    def open(cls, settings: Settings) -> EmbeddedStore:
        """Load the user's ``--data`` files, or else the built-in reasoned graph (building it if needed).

        :raises ValueError: unknown ``store_mode``.
        """
        if settings.store_mode not in STORE_MODES:
            raise ValueError(f"unknown store mode {settings.store_mode!r} (expected one of {', '.join(STORE_MODES)})")
        if settings.store_mode == "disk":
            return cls._open_disk(settings)
        store = ox.Store()
        digest = hashlib.sha256()
        if settings.data_files:
            for name in settings.data_files:
                path = Path(name)
                data = path.read_bytes()
                digest.update(data)
                store.bulk_load(data, rdf_format_for(path), base_iri=path.resolve().as_uri())
        else:
            from kg.publish.dumps import publish

            # the reasoned graph moved to the served base, plus the computed DCAT/VoID catalog graph
            data = publish(settings).path("dataset.nq").read_bytes()
            digest.update(data)
            store.bulk_load(data, ox.RdfFormat.N_QUADS)
        return cls(store, base=settings.base, version=digest.hexdigest()[:16], settings=settings)

    @classmethod
    def _open_disk(cls, settings: Settings) -> EmbeddedStore:
        """The same data as the memory mode, in a cached on-disk store (built on the first open); opened lazily."""
        if settings.data_files:
            sources = [Source(Path(name), rdf_format_for(Path(name)), Path(name).resolve().as_uri())
                       for name in settings.data_files]
        else:
            from kg.publish.dumps import publish

            sources = [Source(publish(settings).path("dataset.nq"), ox.RdfFormat.N_QUADS)]
        version, key = store_key(sources, named=bool(settings.data_files))
        directory = build_disk_store(sources, settings.cache_dir / "stores" / key)
        return cls(DiskStore(directory), base=settings.base, version=version, settings=settings)

    @property
    def disk_path(self) -> Path | None:
        """The on-disk store's directory (None in memory mode)."""
        return self._source.path if isinstance(self._source, DiskStore) else None

    def _query(self, query: str, bindings: dict[str, Term] | None):
        substitutions = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        return self._store.query(query, use_default_graph_as_union=True, substitutions=substitutions)

    def select(self, query: str, bindings: dict[str, Term] | None = None, *, limit: int | None = None) -> list[Row]:
        solutions = self._query(query, bindings)
        names = [v.value for v in solutions.variables]
        rows: list[Row] = []
        for solution in solutions:
            rows.append({name: solution[name] for name in names if solution[name] is not None})
            if limit is not None and len(rows) >= limit:
                break
        return rows

    def ask(self, query: str, bindings: dict[str, Term] | None = None) -> bool:
        return bool(self._query(query, bindings))

    def construct(self, query: str, bindings: dict[str, Term] | None = None) -> list[ox.Triple]:
        return list(self._query(query, bindings))

    def execute(self, request: QueryRequest, *, isolated: bool = True) -> QueryResponse:
        """Run a user's query: guard it, then run it in the executor child under the time and row limits.

        ``isolated=False`` runs it in this process with no time limit (the local CLI, where the user
        can press Ctrl-C). ``max_rows`` 0 means no row limit.

        :raises QueryRefused: update or SERVICE not allowed (403). :raises QueryError: bad query (400).
        :raises QueryTimeout: stopped at the time limit (503).
        """
        info = check_query(request.query, allowlist=self.settings.service_allowlist, base=request.base_iri or "")
        max_rows = self.settings.max_rows if request.max_rows is None else request.max_rows
        job = Job(
            query=request.query,
            media_type=request.media_type,
            default_graph_uris=tuple(request.default_graph_uris),
            named_graph_uris=tuple(request.named_graph_uris),
            max_rows=max_rows or None,
            base_iri=request.base_iri,
            has_dataset_clause=info.dataset_clause,
        )
        if not isolated:
            response = run_job(self._store, job)
        else:
            timeout = request.timeout or self.settings.query_timeout
            response = self._executor.run(job, timeout=timeout)
        if info.form == "DESCRIBE":
            response.query_form = "DESCRIBE"
        return response

    def data_version(self) -> str:
        return self._version

    def close(self) -> None:
        self._executor.close()
        if isinstance(self._source, DiskStore):
            self._source.close()
        self._source = ox.Store()
