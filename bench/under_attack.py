"""Issue 10: the load `kg serve` holds for ordinary readers, with and without an attack running, in one run.

    python bench/under_attack.py [--duration 10] [--connections 8]

A reader (wrk from 127.0.0.1) asks a cheap query, an entity page and a download in rotation, first alone, then while
an attacker from 127.0.0.2 keeps 16 runaway queries going (each refused or stopped at the time limit, then sent
again) and holds 2 uploads that never finish from 127.0.0.3 (a new one as soon as one is answered with 408). Printed:
requests/s, errors, p50 and p99 of each phase, and what the attacker got. Not a test; results go to
bench/results/under_attack.md.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import os
import platform
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlsplit

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from servers import kg_serve  # noqa: E402
from wrk import get, run_wrk, sparql  # noqa: E402

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "ASK { ?s ?p ?o }"
RESULTS = BENCH / "results" / "under_attack.md"


class Attack:
    """16 runaway queries from one address and 2 never-finished uploads from another, kept up until stopped."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.stop = threading.Event()
        self.answers: Counter[int] = Counter()
        self.threads = [threading.Thread(target=self._run_away, daemon=True) for _ in range(16)]
        self.threads += [threading.Thread(target=self._upload, daemon=True) for _ in range(2)]

    def _run_away(self) -> None:
        path = "/sparql?" + urlencode({"query": RUNAWAY})
        while not self.stop.is_set():
            connection = http.client.HTTPConnection(self.host, self.port, timeout=60, source_address=("127.0.0.2", 0))
            try:
                connection.request("GET", path)
                self.answers[connection.getresponse().status] += 1
            except OSError:
                self.answers[0] += 1
            finally:
                connection.close()

    def _upload(self) -> None:
        while not self.stop.is_set():
            with socket.create_connection((self.host, self.port), source_address=("127.0.0.3", 0)) as sock:
                sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                             b"Content-Length: 100000\r\n\r\nASK {")
                sock.settimeout(60)
                try:
                    self.answers[int(sock.recv(64).split(b" ")[1] or 0)] += 1
                except (OSError, ValueError, IndexError):
                    self.answers[0] += 1

    def __enter__(self) -> Attack:
        for thread in self.threads:
            thread.start()
        time.sleep(1.0)  # the runaway queries have taken their slots, the uploads are waiting
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()


def phase(base: str, connections: int, duration: float) -> dict:
    requests = [sparql(base + "sparql", CHEAP), get(base + "id/org/neusoft"), get(base + "downloads/void.ttl")]
    result = run_wrk(base.rstrip("/"), requests, connections=connections, duration=duration)
    return {"rps": result.rate, "errors": result.errors, "p50": result.p50, "p99": result.p99,
            "completed": result.requests, "error_kinds": result.error_kinds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    with kg_serve("--timeout", "5", "--workers", "2") as server:
        base = server.url
        phase(base, 2, 2.0)  # warm-up
        calm = phase(base, args.connections, args.duration)
        with Attack(base) as attack:
            attacked = phase(base, args.connections, args.duration)
        answers = dict(attack.answers)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=BENCH).stdout.strip()
    rows = [("alone", calm), ("under attack", attacked)]
    lines = [
        "# kg under attack: the load an ordinary reader gets (issue 10)",
        "",
        f"{datetime.date.today()} · {platform.machine()}, {os.cpu_count()} cores · kg {commit} · built-in graph · "
        f"wrk -c{args.connections} -d{args.duration:g}s over a cheap ASK, the Neusoft page and a download · "
        f"load average before the run {os.getloadavg()[0]:.1f}",
        "",
        "| phase | requests/s | errors | p50 ms | p99 ms |",
        "|---|---:|---:|---:|---:|",
        *(f"| {name} | {r['rps']:.0f} | {r['errors']} | {r['p50']:.1f} | {r['p99']:.1f} |" for name, r in rows),
        "",
        f"Held under attack: {attacked['rps'] / calm['rps']:.0%} of the requests per second, "
        f"{attacked['errors']} errors for the reader ({attacked['error_kinds'] or 'none'}). The attacker (16 runaway "
        f"queries from 127.0.0.2, 2 uploads that never finish from 127.0.0.3) got, by status: "
        f"{dict(sorted(answers.items()))}.",
    ]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
