"""Where a small query's time goes: py-spy on every process of ``kg serve`` while wrk sends uncached small queries.

    python bench/profile_small.py [--size 1m] [--query "ASK {}"] [--seconds 8]

Starts ``kg serve`` (disk mode, 2 workers) on the benchmark's merged data, sends the query at c=1 with a comment of
its own each time (kg's response cache answers none), records py-spy's raw stacks of the master, the workers and the
query children (``--subprocesses``), and prints the share of samples per step of the worker thread and of the query
child. Needs ``pip install py-spy``. Not part of the test suite; bench/README.md quotes a run.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from dataset import merged_dataset, parse_size  # noqa: E402
from servers import kg_serve  # noqa: E402
from wrk import run_wrk, sparql  # noqa: E402


def shares(raw: str) -> tuple[collections.Counter, collections.Counter]:
    """Samples of the worker thread by its innermost step, and of the query child by what it waits on or runs."""
    worker, child = collections.Counter(), collections.Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [frame.split(" (")[0] for frame in stack.split(";")]
        if "child_main" in frames:
            rest = frames[frames.index("child_main") + 1:]
            child[" > ".join(rest[:1] + rest[-1:]) if rest else "(self)"] += int(count)
        elif "ThreadWorker.handle" in frames:
            if "ExecutorPool.run" in frames:
                rest = frames[frames.index("ExecutorPool.run") + 1:]
                worker["query child round trip: " + " > ".join(rest[1:2] + rest[-1:])] += int(count)
            else:
                worker[frames[-1]] += int(count)
    return worker, child


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1m")
    parser.add_argument("--query", default="ASK {}")
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    data = merged_dataset(parse_size(args.size))
    out = Path(tempfile.mkdtemp(prefix="kg-profile-")) / "stacks.txt"
    with kg_serve("--data", str(data.path), "--store-mode", "disk", workers=2) as kg:
        requests = [sparql(kg.url + "sparql", args.query, unique=True)]
        run_wrk(kg.url.rstrip("/"), requests, connections=1, duration=2)  # warm
        recorder = subprocess.Popen([spy, "record", "--pid", str(kg.process.pid), "--subprocesses", "--format", "raw",
                                     "--output", str(out), "--duration", f"{args.seconds:g}", "--rate", "500",
                                     "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        result = run_wrk(kg.url.rstrip("/"), requests, connections=1, duration=args.seconds - 1)
        recorder.wait(timeout=args.seconds + 60)
    print(f"{args.query!r} at c=1: p50 {result.p50:.2f} ms, {result.rate:,.0f} req/s ({data.quads:,} quads)")
    worker, child = shares(out.read_text(encoding="utf-8"))
    for title, counter in (("worker thread", worker), ("query child", child)):
        total = sum(counter.values()) or 1
        print(f"\n{title}: {total} samples")
        for step, n in counter.most_common(15):
            print(f"  {n / total:6.1%}  {step}")


if __name__ == "__main__":
    main()
