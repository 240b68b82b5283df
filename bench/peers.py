"""Issue 15: kg side by side with the engines a user would pick instead, on the same data, in one run, with wrk.

    python bench/peers.py --size 1m [--rounds 3] [--duration 3] [--text-query FILE] [--skip jena,virtuoso]

Finds or installs the peers (Oxigraph server from PyPI in memory and on RocksDB; Debian's Jena ARQ + TDB2 behind a
minimal JDK HTTP server, since Fuseki cannot be installed here; Debian's Virtuoso; nginx serving a static file and
a constant WSGI app under kg's gunicorn options: the limits), loads the same N-Quads file (the real graph merged
with bench/generate.py's statistics and their closure) into each, and starts ``kg serve`` in memory and disk mode
and over the Virtuoso. Then, per round and with the servers interleaved: every small and big query p50 with one
connection (``wrk -c1``) and in-process pyoxigraph; small queries at ``wrk -c8`` rotating over 200 entities, and
one repeated query; every page type p50 and the page mix at c=8; the limits. Writes bench/results/peers.{md,json,svg}
with the issue's table, kg ÷ best-peer ratios and PASS/MISS per target. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import typing as t
from pathlib import Path
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import peers_report as report  # noqa: E402
import pyoxigraph as ox  # noqa: E402
from dataset import kg_command, load_store, merged_dataset, parse_size, size_label  # noqa: E402
from measure import MemorySampler, fresh_process_rss  # noqa: E402
from mix import text_search  # noqa: E402
from peer_servers import (  # noqa: E402
    Peer,
    answers,
    constant_app,
    debian_version,
    ensure_debian,
    free_port,
    jena_server,
    nginx_static,
    oxigraph_server,
    spawn,
)
from peers_mix import Item, answer_size, build_items, in_process, text_extension  # noqa: E402
from servers import virtuoso_with  # noqa: E402
from wrk import JSON, Request, get, run_wrk, sparql  # noqa: E402

from kg import allocator  # noqa: E402

KG_MEM, KG_DISK, KG_VIRT = "kg (memory)", "kg (disk)", "kg over Virtuoso"
OX_MEM, OX_ROCKS, JENA, VIRT = "Oxigraph (memory)", "Oxigraph (RocksDB)", "Jena TDB2", "Virtuoso"
CONST, NGINX, IN_PROC = "constant app", "nginx static", "in-process pyoxigraph"


def kg_peer(stack: contextlib.ExitStack, name: str, *args: str, workers: int, mode: str,
            env: dict[str, str] | None = None) -> Peer:
    """``kg serve`` (through its command line) with the canonical base, no row cap, a generous time limit."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    command = [kg_command(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
               "--timeout", "120", "--max-rows", "100000000", *args]
    peer = stack.enter_context(spawn(name, command, lambda: answers(base + "sparql"), env=env,
                                     mode=f"{mode}, {workers} workers",
                                     version=f"kg {_git('rev-parse', '--short', 'HEAD')}"))
    peer.url = base + "sparql"
    return peer


def targets_for(item: Item, peers: dict[str, Peer]) -> list[str]:
    """The servers an item is sent to: pages and full-text search to kg only, queries to kg and the peers."""
    names = {"page": (KG_MEM, KG_DISK, KG_VIRT), "text": (KG_MEM, KG_DISK)}.get(
        item.kind, (KG_MEM, KG_DISK, OX_MEM, OX_ROCKS, JENA, VIRT))
    return [n for n in names if n in peers]


def start_peers(stack: contextlib.ExitStack, data: Path, args: argparse.Namespace, scratch: Path) -> dict[str, Peer]:
    """Every server of the run, started one after the other (each load timed alone)."""
    skip = set(args.skip.split(",")) if args.skip else set()
    peers: dict[str, Peer] = {}
    say = lambda p: print(f"   {p.name}: up in {p.startup:.2f} s"  # noqa: E731
                          + (f" after a {p.load:.2f} s load" if p.load else ""), flush=True)
    peers[KG_MEM] = kg_peer(stack, KG_MEM, "--data", str(data), "--store-mode", "memory", workers=args.workers,
                            mode="--store-mode memory")
    say(peers[KG_MEM])
    if "disk" not in skip:
        cache = {"KG_CACHE_DIR": str(scratch / "kg-cache")}  # a fresh cache: the first start builds the store
        with contextlib.ExitStack() as cold:
            first = kg_peer(cold, "kg (disk, cold)", "--data", str(data), "--store-mode", "disk",
                            workers=args.workers, mode="", env=cache)
            cold_start = first.startup
        peers[KG_DISK] = kg_peer(stack, KG_DISK, "--data", str(data), "--store-mode", "disk", workers=args.workers,
                                 mode="--store-mode disk", env=cache)
        peers[KG_DISK].notes.append(f"start-up {peers[KG_DISK].startup:.2f} s with the store built; "
                                    f"{cold_start:.2f} s when it builds it")
        say(peers[KG_DISK])
    if "oxigraph" not in skip:
        for name, mode in ((OX_MEM, "memory"), (OX_ROCKS, "rocksdb")):
            peers[name] = stack.enter_context(oxigraph_server(data, mode, scratch))
            say(peers[name])
    if "jena" not in skip:
        peers[JENA] = stack.enter_context(jena_server(data, scratch))
        say(peers[JENA])
    if "virtuoso" not in skip:
        started = time.perf_counter()
        virtuoso = stack.enter_context(virtuoso_with(data, buffers=args.virtuoso_buffers))
        sampler = stack.enter_context(MemorySampler(virtuoso.server.pid, interval=0.5,
                                                            pss_in_windows=True))
        peers[VIRT] = Peer(VIRT, virtuoso.url, virtuoso.server.pid,
                           f"Virtuoso {debian_version('virtuoso-opensource-7')} (Debian)", "bulk-loaded",
                           time.perf_counter() - started - virtuoso.load_seconds, virtuoso.load_seconds, sampler,
                           [f"{virtuoso.loaded_quads:,} quads after the bulk load"])
        say(peers[VIRT])
        peers[KG_VIRT] = kg_peer(stack, KG_VIRT, "--store", virtuoso.url, workers=args.workers,
                                 mode="--store (the Virtuoso above)")
        say(peers[KG_VIRT])
    peers[CONST] = stack.enter_context(constant_app(args.workers))
    peers[NGINX] = stack.enter_context(nginx_static(scratch, b'{"head":{},"boolean":true}'))
    return peers


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=BENCH.parent, capture_output=True, text=True)
    return done.stdout.strip()


def same_malloc_as_kg() -> str:
    """Run this process (the in-process reference) under the malloc ``kg serve`` picks (kg.allocator: it executes
    this command once more), then take it out of the environment: the peers are their own programs, and kg serve
    and the constant app put it in place themselves."""
    name = allocator.run_under("auto")
    os.environ.pop("LD_PRELOAD", None)
    os.environ.pop(allocator.TRIED, None)
    return name


def base_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def url_for(peer: Peer, item: Item) -> str:
    """Where an item goes: the page's URL, or the server's SPARQL endpoint."""
    return base_of(peer.url) + "/" + item.path if item.kind == "page" else peer.url


def requests_for(peer: Peer, item: Item, *, rotate: bool, unique: bool = True) -> list[Request]:
    """The requests of an item, ``unique`` (new to kg's answer cache each time: bench/wrk.Request) unless the
    repeated measurements ask for identical requests."""
    if item.kind == "page":
        return [get(base_of(peer.url) + "/" + item.path, unique=unique)]
    texts = item.variants if rotate and item.variants else [item.text]
    return [sparql(peer.url, text, accept=item.accept, unique=unique) for text in texts]


def warm_up(peers: dict[str, Peer], items: list[Item], args: argparse.Namespace) -> None:
    """Every request once through every server at c=2 (JIT, caches, connections), untimed."""
    for item in items:
        for target in targets_for(item, peers):
            reqs = requests_for(peers[target], item, rotate=True)
            run_wrk(base_of(peers[target].url), reqs, connections=2, duration=args.warmup, min_requests=1,
                    max_duration=4 * args.warmup)
    print("   warmed up", flush=True)


def memory_window(peers: dict[str, Peer], items: list[Item], args: argparse.Namespace) -> None:
    """Each server's peak PSS under load, in a window of its own after the timed rounds (reading PSS slows a busy
    process: bench/measure.MemorySampler): every item it serves, rotated, at c=8 (big queries c=2) for
    half of ``--duration`` (at least 1 s: wrk counts whole seconds); the limits with their own request."""
    for name, peer in peers.items():
        mine = [i for i in items if name in targets_for(i, peers)]
        runs = [(requests_for(peer, i, rotate=True), 2 if i.kind == "big" else 8) for i in mine] or [
            ([sparql(peer.url, "ASK {}")] if name == CONST else [get(peer.url, accept=JSON)], 8)]
        if peer.memory:
            with peer.memory.pss_window():
                for reqs, connections in runs:
                    run_wrk(base_of(peer.url), reqs, connections=connections,
                            duration=max(1, int(args.duration // 2)),
                            min_requests=1, max_duration=2 * args.duration)
    print("   memory measured under load", flush=True)


def measure_round(peers: dict[str, Peer], items: list[Item], store: ox.Store, args: argparse.Namespace,
                  rnd: int) -> dict:
    """Everything timed once; the server order rotates with the round so drift hits each alike."""
    out: dict[str, dict[str, dict]] = {}
    query_targets = [n for n in (KG_MEM, KG_DISK, OX_MEM, OX_ROCKS, JENA, VIRT) if n in peers]
    shift = lambda names: names[rnd % len(names):] + names[:rnd % len(names)]  # noqa: E731

    def timed(key: str, target: str, reqs: list[Request], connections: int) -> None:
        result = run_wrk(base_of(peers[target].url), reqs, connections=connections, duration=args.duration)
        out.setdefault(key, {})[target] = result.as_dict()

    def limits(tag: str) -> None:
        ask = [sparql(peers[CONST].url, "ASK {}")]
        for connections in (1, 8):
            timed(f"limit {tag} c={connections}", CONST, ask, connections)
            timed(f"limit {tag} c={connections}", NGINX, [get(peers[NGINX].url, accept=JSON)], connections)

    limits("first")
    for item in items:
        for target in shift(targets_for(item, peers)):
            timed(f"{item.name} c=1", target, requests_for(peers[target], item, rotate=False), 1)
            if item.kind == "small":
                timed(f"{item.name} c=8", target, requests_for(peers[target], item, rotate=True), 8)
        if item.kind in ("small", "big"):
            out.setdefault(f"{item.name} c=1", {})[IN_PROC] = in_process(store, item.text, args.duration)
        if item.name == "entity lookup":
            for target in shift(query_targets):
                timed("entity lookup, repeated c=8", target,
                      requests_for(peers[target], item, rotate=False, unique=False), 8)
        print(f"   round {rnd + 1}: {item.name} done", flush=True)
    pages = [i for i in items if i.kind == "page"]
    for target in shift(targets_for(pages[0], peers)):
        for key, unique in (("page mix c=8", True), ("page mix, repeated c=8", False)):
            timed(key, target, [r for i in pages for r in requests_for(peers[target], i, rotate=False,
                                                                       unique=unique)], 8)
    limits("last")
    return out


def main(argv: t.Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="10k", help="synthetic triples merged with the real graph (10k, 100k, 1m)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every measurement; medians are reported")
    parser.add_argument("--duration", type=float, default=3.0, help="seconds of each wrk run")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of untimed requests per item and server")
    parser.add_argument("--workers", type=int, default=2, help="kg serve --workers (and the constant app's)")
    parser.add_argument("--text-query", type=Path,
                        help="a SPARQL query using kg's full-text extension (default: mix.text_search(), the label "
                             "search's words through dkgtext:query)")
    parser.add_argument("--skip", default="", help="comma-separated: disk, oxigraph, jena, virtuoso")
    parser.add_argument("--virtuoso-buffers", type=int, default=0, help="8 KiB pages (default: by size)")
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "peers")
    parser.add_argument("--from-json", type=Path, help="only rewrite OUT.md and OUT.svg from a saved run's JSON")
    args = parser.parse_args(argv)
    if args.from_json:
        print(report.write_all(json.loads(args.from_json.read_text(encoding="utf-8")), args.out))
        return
    malloc = same_malloc_as_kg()
    size = parse_size(args.size)
    args.virtuoso_buffers = args.virtuoso_buffers or (170_000 if size >= 500_000 else 40_000)
    for binary, package in (("wrk", "wrk"), ("nginx", "nginx-light"), ("javac", "openjdk-17-jdk-headless")):
        ensure_debian(binary, package)
    if "virtuoso" not in args.skip and not Path("/usr/bin/virtuoso-t").exists():
        subprocess.run(["bash", str(BENCH.parent / "scripts" / "virtuoso.sh"), "install"], check=True, timeout=900)
    began = time.time()
    print(f"== {size_label(size)}: data", flush=True)
    data = merged_dataset(size)
    print(f"   {data.path} ({data.quads:,} quads)", flush=True)
    store = load_store(data.path)
    text = args.text_query.read_text(encoding="utf-8") if args.text_query else text_search().text
    items, params = build_items(store, text_query=text)
    scratch = Path(tempfile.mkdtemp(prefix="kg-bench-peers-"))
    raw: dict = {"rounds": [], "answers": {}}
    try:
        with contextlib.ExitStack() as stack:
            peers = start_peers(stack, data.path, args, scratch)
            raw["text_extension"] = text_extension(peers[KG_MEM].url)
            for item in items:
                raw["answers"][item.name] = {n: answer_size(url_for(peers[n], item), item)
                                             for n in targets_for(item, peers)}
                if item.rows is not None:
                    raw["answers"][item.name][IN_PROC] = str(item.rows)
            warm_up(peers, items, args)
            raw["loadavg"] = [("after start-up and warm-up", os.getloadavg()[0])]
            for rnd in range(args.rounds):
                raw["rounds"].append(measure_round(peers, items, store, args, rnd))
                raw["loadavg"].append((f"after round {rnd + 1}", os.getloadavg()[0]))
            memory_window(peers, items, args)
            raw["peers"] = {n: {"version": p.version, "mode": p.mode, "startup": p.startup, "load": p.load,
                                "peak_rss": p.memory.peak_rss if p.memory else 0,
                                "peak_pss": p.memory.peak_pss if p.memory else 0, "notes": p.notes}
                            for n, p in peers.items()}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    raw.update(size=size_label(size), pyoxigraph=f"pyoxigraph {ox.__version__}", quads=data.quads, params=params,
               duration=args.duration,
               items=[{"name": i.name, "kind": i.kind, "what": i.what, "rows": i.rows} for i in items],
               date=time.strftime("%Y-%m-%d %H:%M", time.localtime(began)), seconds=round(time.time() - began),
               machine=report.machine(), commit=_git("rev-parse", "--short", "HEAD"),
               dirty=bool(_git("status", "--porcelain", "--", "src")), text_query=text, malloc=malloc)
    raw["in_process_rss"] = fresh_process_rss(data.path)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(raw, indent=1, ensure_ascii=False), encoding="utf-8")
    markdown = report.write_all(raw, args.out)
    print("\n" + markdown)
    print(f"wrote {args.out.with_suffix('.md')}, .json, .svg in {raw['seconds']} s")


if __name__ == "__main__":
    # SIGTERM unwinds like Ctrl-C, so every server started so far is stopped by its PID on the way out
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    main()
