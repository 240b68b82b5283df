"""Memory of ``kg serve`` per store mode: in memory (bulk-loaded, shared by fork) vs on disk (RocksDB, read-only).

For each size, starts ``kg serve --data <merged file> --store-mode memory|disk`` (gunicorn, 2 sync workers, on
127.0.0.1, stopped by PID), sends a fixed set of queries through ``/sparql`` from two threads at once so both
workers and both query children run them, then times each query alone (p50). Memory is the sum over the process
tree (master, workers, query children) of RSS and PSS from ``/proc/<pid>/smaps_rollup`` after the queries, plus
the peak seen while it ran. The disk mode is run twice with a fresh cache directory: the first start builds the
store ("cold"), the second reuses it ("warm").

    python bench/memory.py --sizes 100k,1m        # writes bench/results/memory.md
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
import typing as t
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from dataset import merged_dataset, parse_size, size_label  # noqa: E402
from measure import process_tree  # noqa: E402
from mix import ENTITY, HUB, OBSERVATION, PREFIXES, query_mix  # noqa: E402
from servers import kg_serve  # noqa: E402

ROUNDS = 15
WARM_ROUNDS = 3
JSON = "application/sparql-results+json"


def queries() -> dict[str, str]:
    """The fixed set: aggregation over all observations, a label search, three entity lookups."""
    mix = {q.name: q.text for q in query_mix(OBSERVATION)}  # the indicator only matters for the join, unused here
    lookup = PREFIXES + "SELECT ?p ?o WHERE {{ <{}> ?p ?o }}"
    return {
        "aggregation": mix["aggregation"],
        "label search": mix["label search"],
        "entity lookup (org)": lookup.format(ENTITY),
        "entity lookup (obs)": lookup.format(OBSERVATION),
        "entity lookup (hub)": lookup.format(HUB),
    }


def smaps_rollup(pid: int) -> dict[str, int]:
    """The kB counters of ``/proc/<pid>/smaps_rollup`` (Rss, Pss, Private_Dirty, …) in bytes; empty if gone."""
    values: dict[str, int] = {}
    with contextlib.suppress(OSError), open(f"/proc/{pid}/smaps_rollup") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                values[parts[0].rstrip(":")] = int(parts[1]) * 1024
    return values


def tree_memory(root: int) -> tuple[int, dict[str, int]]:
    """(process count, summed smaps_rollup counters) of ``root`` and its descendants."""
    pids = process_tree(root)
    total: dict[str, int] = {}
    for pid in pids:
        for key, value in smaps_rollup(pid).items():
            total[key] = total.get(key, 0) + value
    return len(pids), total


@dataclass
class Run:
    """One server run: mode, start-up, memory after the queries and at peak, p50 per query."""

    size: str
    mode: str
    startup: float
    processes: int
    rss: int
    pss: int
    private_dirty: int
    peak_rss: int
    peak_pss: int
    p50: dict[str, float] = field(default_factory=dict)
    errors: int = 0
    store_bytes: int = 0


def _get(session: requests.Session, url: str, query: str) -> None:
    response = session.get(url + "sparql", params={"query": query}, headers={"Accept": JSON}, timeout=120)
    response.raise_for_status()


def exercise(url: str, texts: dict[str, str]) -> tuple[dict[str, float], int]:
    """Warm both workers (two clients at once), then time each query alone; (p50 per query, errors)."""
    errors = 0

    def client(_: int) -> int:
        failed = 0
        with requests.Session() as session:
            for _round in range(WARM_ROUNDS):
                for text in texts.values():
                    try:
                        _get(session, url, text)
                    except requests.RequestException:
                        failed += 1
        return failed

    with ThreadPoolExecutor(2) as pool:
        errors += sum(pool.map(client, range(2)))
    samples: dict[str, list[float]] = {name: [] for name in texts}
    with requests.Session() as session:
        for _round in range(ROUNDS):
            for name, text in texts.items():
                started = time.perf_counter()
                try:
                    _get(session, url, text)
                except requests.RequestException:
                    errors += 1
                    continue
                samples[name].append(time.perf_counter() - started)
    return {name: statistics.median(s) if s else float("nan") for name, s in samples.items()}, errors


def directory_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def measure(size: str, mode: str, data: Path, cache_dir: Path, texts: dict[str, str]) -> Run:
    """Start the server in ``mode`` with ``cache_dir``, exercise it, read the tree's memory, stop it."""
    os.environ["KG_CACHE_DIR"] = str(cache_dir)
    try:
        with kg_serve("--data", str(data), "--store-mode", mode.split()[0]) as server:
            p50, errors = exercise(server.url, texts)
            time.sleep(0.5)
            processes, memory = tree_memory(server.process.pid)
            server.memory.sample()
            run = Run(size, mode, server.startup, processes, memory.get("Rss", 0), memory.get("Pss", 0),
                      memory.get("Private_Dirty", 0), server.memory.peak_rss, server.memory.peak_pss, p50, errors)
    finally:
        os.environ.pop("KG_CACHE_DIR", None)
    stores = cache_dir / "stores"
    run.store_bytes = directory_bytes(stores) if stores.is_dir() else 0
    return run


def mib(n: int) -> str:
    return f"{n / 2**20:,.0f}"


def report(runs: list[Run], quads: dict[str, int]) -> str:
    names = list(runs[0].p50) if runs else []
    lines = [
        "# Memory per store mode (`bench/memory.py`)",
        "",
        "`kg serve --data <merged file> --store-mode MODE`, gunicorn with 2 sync workers; memory summed over the",
        "process tree (master, 2 workers, their query children) from `/proc/<pid>/smaps_rollup` after the queries",
        f"({WARM_ROUNDS} warm-up rounds from 2 clients at once, then {ROUNDS} timed rounds from one), peak from",
        "sampling every 0.2 s. *disk cold* builds the RocksDB store on start-up (its peak includes the short-lived",
        "builder process); *disk warm* reuses it.",
        "Latencies are p50 through HTTP, ms. Machine: 2 cores shared with other work; read the ratios.",
        "",
        "| size | quads | mode | start-up s | processes | RSS MiB | PSS MiB | private dirty MiB | peak RSS MiB | "
        "peak PSS MiB | store on disk MiB | " + " | ".join(f"{n} ms" for n in names) + " | errors |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|" + "---:|" * len(names) + "---:|",
    ]
    for run in runs:
        lat = " | ".join(f"{run.p50[n] * 1000:.1f}" for n in names)
        lines.append(
            f"| {run.size} | {quads[run.size]:,} | {run.mode} | {run.startup:.1f} | {run.processes} | {mib(run.rss)} "
            f"| {mib(run.pss)} | {mib(run.private_dirty)} | {mib(run.peak_rss)} | {mib(run.peak_pss)} "
            f"| {mib(run.store_bytes) if run.store_bytes else '–'} | {lat} | {run.errors} |")
    return "\n".join(lines) + "\n"


def main(argv: t.Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100k,1m", help="comma-separated sizes (10k, 100k, 1m)")
    parser.add_argument("--output", type=Path, default=BENCH / "results" / "memory.md")
    args = parser.parse_args(argv)
    texts = queries()
    runs: list[Run] = []
    quads: dict[str, int] = {}
    for size_text in args.sizes.split(","):
        dataset = merged_dataset(parse_size(size_text))
        size = size_label(dataset.size)
        quads[size] = dataset.quads
        scratch = Path(tempfile.mkdtemp(prefix="kg-bench-memory-"))
        try:
            for mode in ("memory", "disk cold", "disk warm"):
                run = measure(size, mode, dataset.path, scratch, texts)
                print(f"{size} {mode}: start-up {run.startup:.1f} s, RSS {mib(run.rss)} MiB, PSS {mib(run.pss)} MiB, "
                      f"p50 {', '.join(f'{k} {v * 1000:.1f} ms' for k, v in run.p50.items())}", flush=True)
                runs.append(run)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report(runs, quads), encoding="utf-8")
    print(args.output)


if __name__ == "__main__":
    main()
