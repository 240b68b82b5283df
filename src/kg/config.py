"""Settings: the one place configuration comes from. Defaults, overridden by ``KG_*`` environment variables
(:meth:`Settings.from_env`, the only reader of the environment), then by CLI flags. Every path the code uses is
derived from :attr:`Settings.root` and :attr:`Settings.cache_dir`; the settings object is passed down, never
looked up globally. No I/O here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

from kg.namespaces import CANONICAL_BASE

#: The checkout this package runs from (ontology/, data/, queries/, node_modules/ live there): the default root.
REPO_ROOT = Path(__file__).resolve().parents[2]

#: Fields read from a comma- or space-separated list.
_LIST_FIELDS = ("data_files", "service_allowlist")
#: Environment variables that are not named after a field (scripts/virtuoso.sh's own names).
_ALIASES = {"VDIR": "virtuoso_dir"}


@dataclass(frozen=True)
class Settings:
    """Everything the app and the CLI can be configured with (field ``x`` is read from ``KG_X``)."""

    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 2
    #: Threads per worker: a slow client or a running query holds one thread, not a process.
    threads: int = 16
    #: The canonical base of the data's IRIs (kg.namespaces.CANONICAL_BASE): the same in the store, the dumps, the
    #: CSV and VoID whatever host serves them; pages map its IRIs to local paths. Change it to publish elsewhere.
    canonical_base: str = CANONICAL_BASE
    #: This server's public address, for the URLs it writes about itself (the service description's endpoint, the
    #: reconciliation manifest); empty means "http://{host}:{port}/". Never taken from a request's Host header.
    public_url: str = ""
    #: RDF files to serve instead of the built-in graph (``kg serve --data``).
    data_files: tuple[str, ...] = ()
    #: URL of an external SPARQL 1.1 endpoint to serve from instead of the embedded store.
    store_url: str = ""
    #: The external store's private write side (``kg load``): user and password, never stored in the repository.
    store_user: str = "dba"
    store_password: str = ""
    #: Embedded store kind: "memory" (bulk-loaded at start-up), "disk" (a cached RocksDB store opened read-only by
    #: every process), or "auto": memory for data files up to ``memory_mode_max_mb`` in all, disk above.
    store_mode: str = "auto"
    memory_mode_max_mb: int = 64
    #: Per-query time limit in seconds.
    query_timeout: float = 10.0
    #: Longest accepted query text, in bytes.
    max_query_length: int = 100_000
    #: Most result rows (or triples) returned by one query.
    max_rows: int = 10_000
    #: Most bytes of one query's answer (the answer is cut at a row boundary and says so, like the row limit).
    max_bytes: int = 16 * 2**20
    #: User queries running at once on the whole server, and per client address; more wait ``admission_wait``
    #: seconds for a slot, then get 503 with Retry-After.
    query_slots: int = 4
    query_slots_per_client: int = 2
    admission_wait: float = 1.0
    #: Memory for complete answers to repeated requests (queries, pages), in MiB for the whole server, shared out
    #: among the worker processes (0: none).
    response_cache_mb: int = 64
    #: Seconds a client may take to send a request body (a slow upload then gets 408).
    body_timeout: float = 10.0
    #: Remote SPARQL endpoints a SERVICE clause may call (empty: none, the public default).
    service_allowlist: tuple[str, ...] = ()
    #: Address space a query child may add to what it inherits, in MiB (0: no limit).
    query_memory_mb: int = 2048
    #: Query children in their own network namespace: "auto" (when the OS allows; a public server refuses to
    #: start without it), "require" (never run a query unconfined), "off".
    sandbox: str = "auto"
    #: The malloc ``kg serve`` runs under (kg.allocator): "auto" (mimalloc, else jemalloc, if installed, else the
    #: system's), "mimalloc", "jemalloc" or "system".
    allocator: str = "auto"
    #: Per-SERVICE-call time limit in seconds.
    service_timeout: float = 5.0
    #: Cache-Control max-age of query results and pages, in seconds.
    cache_max_age: int = 300
    #: The checkout: ontology/, data/, queries/ and node_modules/ are found under it.
    root: Path = REPO_ROOT
    #: Where built and published files go (empty: ``root/.cache``).
    cache_dir: Path = Path()
    #: The private Virtuoso's directory (scripts/virtuoso.sh; empty: ``cache_dir/virtuoso``).
    virtuoso_dir: Path = Path()
    #: Where the published files for each base go (empty: ``cache_dir/published``).
    publish_dir: Path = Path()
    #: The example queries offered to users (empty: ``root/queries``).
    examples_dir: Path = Path()
    #: Where ``npm ci`` installed YASGUI (empty: ``root/node_modules``).
    node_modules: Path = Path()

    def __post_init__(self) -> None:
        derived = {"cache_dir": lambda: self.root / ".cache", "virtuoso_dir": lambda: self.cache_dir / "virtuoso",
                   "publish_dir": lambda: self.cache_dir / "published",
                   "examples_dir": lambda: self.root / "queries", "node_modules": lambda: self.root / "node_modules"}
        for name, default in derived.items():
            if getattr(self, name) == Path():
                object.__setattr__(self, name, default())

    @property
    def base(self) -> str:
        """The base of the data's IRIs (the canonical base), always ending with '/'."""
        return self.canonical_base if self.canonical_base.endswith("/") else self.canonical_base + "/"

    @property
    def public_base(self) -> str:
        """This server's public address, always ending with '/'."""
        base = self.public_url or f"http://{self.host}:{self.port}/"
        return base if base.endswith("/") else base + "/"

    @property
    def ontology_dir(self) -> Path:
        """ontology/: the OWL ontology, code lists and SHACL shapes."""
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        """data/: triples, links, the catalog's hand-written part and the source articles."""
        return self.root / "data"

    @property
    def articles_dir(self) -> Path:
        """data/articles/: the source page, one text file per article."""
        return self.data_dir / "articles"

    @property
    def catalog_file(self) -> Path:
        """The hand-written part of the DCAT/VoID record."""
        return self.data_dir / "catalog.ttl"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Build settings from ``KG_<FIELD>`` environment variables, then keyword overrides (None is ignored).

        >>> Settings.from_env({"KG_PORT": "8080", "KG_SERVICE_ALLOWLIST": "http://a/ http://b/"}).service_allowlist
        ('http://a/', 'http://b/')
        >>> Settings.from_env({"KG_ROOT": "/srv/kg"}).cache_dir
        PosixPath('/srv/kg/.cache')
        """
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, object] = {}
        names = {f"KG_{f.name.upper()}": f.name for f in fields(cls)} | _ALIASES
        for variable, name in names.items():
            raw = environ.get(variable)
            if raw is not None and raw != "":
                values[name] = _coerce(name, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def but(self, **changes: object) -> Settings:
        """A copy with some fields changed (derived paths recomputed unless given)."""
        derived = dict.fromkeys(("cache_dir", "virtuoso_dir", "publish_dir", "examples_dir", "node_modules"), Path())
        derived = derived if "root" in changes else {}
        return replace(self, **{**derived, **changes})


def _coerce(name: str, raw: str) -> object:
    default = getattr(Settings, name)
    if name in _LIST_FIELDS:
        return tuple(part for part in raw.replace(",", " ").split() if part)
    if isinstance(default, Path):
        return Path(raw)
    if isinstance(default, bool):
        return raw.lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw
