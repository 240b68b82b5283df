"""The embedded store: pyoxigraph, filled from the files it is handed (the published dataset, or a user's files).

pyoxigraph answers SPARQL 17–37× faster than rdflib's evaluator on this data shape (bench/results/engine_ratio.md);
rdflib stays the toolkit for parsing, reasoning and SHACL at build time.

Two modes (``Settings.store_mode``):

- ``memory``: bulk-loaded into an in-memory store at start-up, shared with the workers by fork. Reading it dirties
  its pages, so each worker and query child ends up with a private copy (1.4–1.8 GB peak PSS for the server at 1 M
  triples, against 216–223 MiB in disk mode: bench/results/peers*.md); asked for on data over the ``auto`` bound,
  it says so.
- ``disk``: loaded once per data digest into a read-only RocksDB directory (kg.store.disk) opened by every process.
- ``auto`` (default): memory up to ``Settings.memory_mode_max_mb`` of data files, disk above.

The app's own queries run in this process; a user's query runs in the confined query child (kg.store.executor),
except a streaming one (kg.sparql.streaming: one triple pattern, a DESCRIBE of IRIs) in a worker that is itself
confined from the network (:meth:`EmbeddedStore.confine`): it is stopped between rows at its deadline, and skips
the child's round trip (0.25-0.32 ms of a small query's 0.69-1.21 ms at one connection, 1 M quads, disk mode).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from kg.config import Settings
from kg.formats import rdf_format_for
from kg.store import QueryRequest, QueryResponse, Row, Term
from kg.store.child import StoreSource, resolve_store, run_job
from kg.store.disk import DiskStore, Source, build_disk_store, data_version, store_key
from kg.store.pool import ExecutorPool
from kg.store.results import PastDeadline
from kg.store.sandbox import confine_serving_process, network_confined

STORE_MODES = ("auto", "memory", "disk")
#: Longest a streaming query runs in the serving process (it holds the worker's interpreter meanwhile); past it the
#: query child runs it again.
STREAMING_SECONDS = 0.1

log = logging.getLogger(__name__)


def chosen_mode(settings: Settings, files: Sequence[Path]) -> str:
    """The mode to use: ``auto`` keeps small data in memory (fastest scans) and puts large data on disk, where every
    process shares one copy through the page cache and start-up is an open, not a load (bench/results/memory.md)."""
    size = sum(Path(f).stat().st_size for f in files)
    small = size <= settings.memory_mode_max_mb * 2**20
    if settings.store_mode == "memory" and not small:
        log.warning("memory mode on %.0f MB of data (auto puts over %d MB on disk): every worker and query child "
                    "copies what it reads of the in-memory store (1.4–1.8 GB PSS at 1 M triples against ~220 MiB in "
                    "disk mode); --store-mode disk or auto shares one copy", size / 2**20, settings.memory_mode_max_mb)
    if settings.store_mode != "auto":
        return settings.store_mode
    return "memory" if small else "disk"


def sources_for(files: Sequence[Path]) -> list[Source]:
    """Each file with its parser (by extension) and its own URL as the base of its relative IRIs."""
    return [Source(Path(f), rdf_format_for(Path(f)), Path(f).resolve().as_uri()) for f in files]


class EmbeddedStore:
    """pyoxigraph behind the :class:`kg.store.Store` interface."""

    def __init__(self, store: StoreSource, *, base: str, version: str, settings: Settings) -> None:
        self._source = store
        self.base = base
        self._version = version
        #: Where kg.store.memo keeps slow derived values of this data (the version is a digest of the files).
        self.derived_dir = settings.cache_dir / "derived"
        isolate = {"require": True, "off": False}.get(settings.sandbox)
        if settings.service_allowlist:
            isolate = False  # an allow-listed SERVICE needs the network: the guard's exact allow-list decides
        self._isolate = isolate
        memory = settings.query_memory_mb * 2**20 or None
        self._pool = ExecutorPool(store, size=settings.query_slots, isolate=isolate, memory_limit=memory)

    @property
    def _store(self) -> ox.Store:
        """This process's store (an on-disk one opens its handle on first use in each process)."""
        return resolve_store(self._source)

    @classmethod
    def open(cls, settings: Settings, files: Sequence[Path]) -> EmbeddedStore:
        """Load ``files`` (each parsed by its extension; graphs of TriG / N-Quads stay named graphs).

        :raises ValueError: no files, an unknown extension or ``store_mode``.
        """
        if settings.store_mode not in STORE_MODES:
            raise ValueError(f"unknown store mode {settings.store_mode!r} (expected one of {', '.join(STORE_MODES)})")
        if not files:
            raise ValueError("an embedded store needs the files it serves")
        sources = sources_for(files)
        if chosen_mode(settings, files) == "disk":
            version, key = store_key(sources, settings.cache_dir / "digests.json")
            directory = build_disk_store(sources, settings.cache_dir / "stores" / key)
            return cls(DiskStore(directory), base=settings.base, version=version, settings=settings)
        store = ox.Store()
        digests = []
        for source in sources:
            data = source.path.read_bytes()
            digests.append(hashlib.sha256(data).hexdigest())
            store.bulk_load(data, source.format, base_iri=source.base_iri)
        return cls(store, base=settings.base, version=data_version(digests), settings=settings)

    def prestart(self) -> None:
        """Fork this process's first query child now (a gunicorn worker at boot), so no first query waits for it."""
        self._pool.prestart()

    @property
    def query_child_pids(self) -> list[int]:
        """The PIDs of this process's live query children."""
        return self._pool.child_pids

    @property
    def opened_here(self) -> bool:
        """Whether this process holds its own handle on the data (always, in memory mode)."""
        return self._source.opened_here if isinstance(self._source, DiskStore) else True

    def stop_query_children(self) -> None:
        """Stop this process's query children; the next user query forks a fresh one."""
        self._pool.close()

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
        for solution in solutions:  # iterating a solution reads its values in order: ~10x faster than solution[name]
            rows.append({name: value for name, value in zip(names, solution, strict=True) if value is not None})
            if limit is not None and len(rows) >= limit:
                break
        return rows

    def select_union(self, query: str) -> list[Row]:
        return self.select(query)  # in this process the parts cost the same in one query, with one parse

    def ask(self, query: str, bindings: dict[str, Term] | None = None) -> bool:
        return bool(self._query(query, bindings))

    def construct(self, query: str, bindings: dict[str, Term] | None = None) -> list[ox.Triple]:
        return list(self._query(query, bindings))

    def execute(self, request: QueryRequest) -> QueryResponse:
        """Run a user's query in the confined child under ``request.timeout`` (in this process when it is None).

        :raises QueryError: bad query (400). :raises QueryTimeout: stopped at the time limit (503).
        """
        if request.timeout is None:
            return run_job(self._store, request)
        timeout = request.timeout
        if request.streaming and network_confined():
            self._pool.reap()  # no zombie waits for the next job of a child
            started = time.monotonic()
            try:
                return run_job(self._store, request, deadline=started + min(timeout, STREAMING_SECONDS))
            except PastDeadline:  # a long stream: the child runs it again, within what is left of the limit
                timeout = max(0.001, timeout - (time.monotonic() - started))
        return self._pool.run(request, timeout=timeout)

    def confine(self) -> bool:
        """Confine this serving process's network as a query child's (kg.store.sandbox), so that streaming queries
        (kg.sparql.streaming) run here, without the hop to the child; False when the sandbox is off or the kernel
        refuses (every query then goes to the child, as before). Called as a worker boots, before its threads."""
        if self._isolate is False:
            return False
        try:
            confine_serving_process()
        except OSError as err:
            log.info("this worker stays in the host's network (%s): every user query goes to a query child", err)
            return False
        return True

    def data_version(self) -> str:
        return self._version

    def close(self) -> None:
        self._pool.close()
        if isinstance(self._source, DiskStore):
            self._source.close()
        self._source = ox.Store()
