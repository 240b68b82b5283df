"""Benchmark datasets: the real reasoned graph merged with synthetic Data-Cube statistics, as one cached N-Quads file.

The synthetic part (bench/generate.py) goes into ``data/asserted`` and its rule closure (the package's SPARQL Update
rules, ``rules/*.ru``, run to a fixpoint over the synthetic triples plus the ontology, minus what the real graph
already holds) into ``data/inferred``, so the merged file has the same named graphs and shape as the served graph.
Files are cached under .cache/bench/, keyed by the size, the generator's source and the real graph's cache file, so
repeated runs measure start-up "from the cached closure" and do not regenerate.

``kg`` is a black box here (its modules may move): the real graph comes from the ``kg build`` command line and the
rules are found as files in the installed package, wherever they live.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.namespaces import CANONICAL_BASE

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
try:
    from generate import generate  # noqa: E402  (another engineer's module; the shared entry point)
except ImportError:  # pragma: no cover - fallback while generate.py is missing
    from _synthetic import generate  # type: ignore[no-redef]  # noqa: E402

ASSERTED = ox.NamedNode(CANONICAL_BASE + "data/asserted")
INFERRED = ox.NamedNode(CANONICAL_BASE + "data/inferred")
ONTOLOGY = ox.NamedNode(CANONICAL_BASE + "data/ontology")


@dataclass
class MergedDataset:
    """A merged N-Quads file and what it took to make it."""

    path: Path
    size: int  # requested synthetic triples (0 = the real graph alone)
    quads: int
    synthetic_triples: int
    closure_triples: int
    seconds: float  # generation + closure (0 when read from the cache)
    cached: bool


def parse_size(text: str) -> int:
    """'10k' → 10000, '1m' → 1000000, '0' / 'real' → 0.

    >>> [parse_size(s) for s in ("10k", "100K", "1m", "2500", "real")]
    [10000, 100000, 1000000, 2500, 0]
    """
    text = text.strip().lower()
    if text in ("real", "0", ""):
        return 0
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * factor)


def size_label(size: int) -> str:
    """1000000 → '1m', 100000 → '100k', 0 → 'real'.

    >>> [size_label(n) for n in (0, 10_000, 100_000, 1_000_000, 2500)]
    ['real', '10k', '100k', '1m', '2500']
    """
    if size == 0:
        return "real"
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}m"
    if size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


RULE_MARK = ox.NamedNode("urn:kg:inferred")
MAX_ROUNDS = 20


def kg_command() -> str:
    """The ``kg`` command of this environment (next to the running Python, else on PATH)."""
    beside = Path(sys.executable).with_name("kg")
    return str(beside) if beside.exists() else (shutil.which("kg") or "kg")


def real_graph_path() -> Path:
    """The cached reasoned graph (``kg build`` prints its path; built if needed), canonical IRIs, named graphs."""
    done = subprocess.run([kg_command(), "build"], capture_output=True, text=True, timeout=1800, check=True)
    return Path(done.stdout.strip().splitlines()[-1])


def cache_root() -> Path:
    """``$KG_CACHE_DIR`` or the repository's ``.cache`` (where ``kg`` keeps its own cache)."""
    return Path(os.environ.get("KG_CACHE_DIR") or BENCH_DIR.parent / ".cache")


def rule_files() -> list[Path]:
    """The closure rules (``*.ru`` under a ``rules`` folder of the installed ``kg`` package), in name order."""
    spec = importlib.util.find_spec("kg")  # finds the package without importing it
    roots = [Path(p) for p in (spec.submodule_search_locations or [])] if spec else []
    files = {p for root in roots for p in root.rglob("rules/*.ru")}
    return sorted(files, key=lambda p: p.name)


def rule_closure(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """What the rules add to ``triples`` (the ontology's axioms must be among them), run until nothing new appears."""
    rules = [p.read_text(encoding="utf-8") for p in rule_files()]
    if not rules:
        raise RuntimeError("no closure rules (rules/*.ru) found in the installed kg package")
    scratch = ox.Store()
    scratch.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    size = -1
    for _ in range(MAX_ROUNDS):
        for rule in rules:
            scratch.update(rule)
        new_size = sum(1 for _ in scratch.quads_for_pattern(None, None, None, RULE_MARK))
        if new_size == size:
            break
        size = new_size
    return [q.triple for q in scratch.quads_for_pattern(None, None, None, RULE_MARK)]


def _cache_key(size: int, real: Path) -> str:
    digest = hashlib.sha256()
    for module in ("generate.py", "_synthetic.py"):
        path = BENCH_DIR / module
        if path.exists():
            digest.update(path.read_bytes())
    for rule in rule_files():
        digest.update(rule.read_bytes())
    digest.update(real.name.encode())
    digest.update(str(size).encode())
    return digest.hexdigest()[:12]


def merged_dataset(size: int, *, cache_dir: Path | None = None) -> MergedDataset:
    """The real graph plus ``size`` synthetic triples (and their closure) as one N-Quads file, cached."""
    real = real_graph_path()
    if size == 0:
        quads = sum(1 for _ in ox.parse(path=str(real), format=ox.RdfFormat.N_QUADS))
        return MergedDataset(real, 0, quads, 0, 0, 0.0, True)
    cache_dir = cache_dir or cache_root() / "bench"
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / f"merged-{size_label(size)}-{_cache_key(size, real)}.nq"
    meta = target.with_suffix(".meta")
    if target.exists() and meta.exists():
        quads, synthetic, closure = (int(x) for x in meta.read_text().split())
        return MergedDataset(target, size, quads, synthetic, closure, 0.0, True)

    started = time.perf_counter()
    real_quads = list(ox.parse(path=str(real), format=ox.RdfFormat.N_QUADS))
    real_triples = {q.triple for q in real_quads}
    ontology = [q.triple for q in real_quads if q.graph_name == ONTOLOGY]
    synthetic = list(ox.parse(generate(size), format=ox.RdfFormat.N_TRIPLES))
    closure = [t for t in rule_closure([*ontology, *synthetic]) if t not in real_triples]
    synthetic_set = set(synthetic)
    closure = [t for t in closure if t not in synthetic_set]
    quads = [
        *real_quads,
        *(ox.Quad(t.subject, t.predicate, t.object, ASSERTED) for t in synthetic),
        *(ox.Quad(t.subject, t.predicate, t.object, INFERRED) for t in closure),
    ]
    tmp = target.with_suffix(".tmp")
    ox.serialize(quads, output=str(tmp), format=ox.RdfFormat.N_QUADS)
    tmp.replace(target)
    meta.write_text(f"{len(quads)} {len(synthetic)} {len(closure)}\n")
    return MergedDataset(target, size, len(quads), len(synthetic), len(closure), time.perf_counter() - started, False)


def load_store(path: Path) -> ox.Store:
    """An in-memory pyoxigraph store of the file (the in-process 'local limit')."""
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return store
