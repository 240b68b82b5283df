"""Settings: defaults overridden by ``KG_*`` environment variables, then by CLI flags. No I/O here."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

#: The repository root (ontology/, data/, queries/ live there); overridable for installed copies.
REPO_ROOT = Path(os.environ.get("KG_ROOT", Path(__file__).resolve().parents[2]))
#: The read-only shared folder beside the repository (the seed page, references, the W3C test data).
SHARED_DIR = Path(os.environ.get("KG_SHARED", REPO_ROOT.parent / "shared"))


@dataclass(frozen=True)
class Settings:
    """Everything the app and the CLI can be configured with."""

    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 2
    #: The base IRI the data is served under; empty means "http://{host}:{port}/".
    base_iri: str = ""
    #: RDF files to serve instead of the built-in graph (``kg serve --data``).
    data_files: tuple[str, ...] = ()
    #: URL of an external SPARQL 1.1 endpoint to serve from instead of the embedded store.
    store_url: str = ""
    #: Embedded store kind: "memory" (bulk-loaded at start-up) or "disk" (a cached RocksDB store opened read-only).
    store_mode: str = "memory"
    #: Per-query time limit in seconds.
    query_timeout: float = 10.0
    #: Longest accepted query text, in bytes.
    max_query_length: int = 100_000
    #: Most result rows (or triples) returned by one query.
    max_rows: int = 10_000
    #: Remote SPARQL endpoints a SERVICE clause may call (empty: none, the public default).
    service_allowlist: tuple[str, ...] = ()
    #: Address space a query child may add to what it inherits, in MiB (0: no limit).
    query_memory_mb: int = 2048
    #: Query children in their own network namespace: "auto" (when the OS allows; a public server refuses to
    #: start without it), "require" (never run a query unconfined), "off".
    sandbox: str = "auto"
    #: Per-SERVICE-call time limit in seconds.
    service_timeout: float = 5.0
    #: Cache-Control max-age of query results and pages, in seconds.
    cache_max_age: int = 300
    cache_dir: Path = field(default_factory=lambda: REPO_ROOT / ".cache")
    root: Path = REPO_ROOT

    @property
    def base(self) -> str:
        """The base IRI actually used, always ending with '/'."""
        base = self.base_iri or f"http://{self.host}:{self.port}/"
        return base if base.endswith("/") else base + "/"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Build settings from ``KG_<FIELD>`` environment variables, then keyword overrides (None is ignored)."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = environ.get("KG_" + f.name.upper())
            if raw is None:
                continue
            values[f.name] = _coerce(f.name, raw)
        settings = cls(**values)
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})


def _coerce(name: str, raw: str) -> object:
    default = getattr(Settings, name, None) if name in Settings.__dataclass_fields__ else None
    kind = Settings.__dataclass_fields__[name].type
    if name in ("data_files", "service_allowlist"):
        return tuple(part for part in raw.replace(",", " ").split() if part)
    if name in ("cache_dir", "root"):
        return Path(raw)
    if kind in ("int",) or isinstance(default, int):
        return int(raw)
    if kind in ("float",) or isinstance(default, float):
        return float(raw)
    return raw
