"""p50/p99 per page type through HTTP (home, entity, article, class, search, observation, the data browser filtered
and unfiltered, the query page, the ontology).

    python bench/pages_http.py [--size real|10k|100k|1m] [--budget 3] [--workers 2]

Starts ``kg serve --data FILE`` on the real graph (or the real graph merged with a synthetic size, bench/dataset.py)
on 127.0.0.1, fetches each page type with one client, page types interleaved, prints a Markdown table and writes
bench/results/pages_http.md. (bench/pages.py times the same pages through the Flask test client, without HTTP.)
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlencode

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dataset import merged_dataset, parse_size, size_label  # noqa: E402
from measure import interleaved_latency  # noqa: E402
from servers import kg_serve  # noqa: E402
from targets import http_get  # noqa: E402

from kg.namespaces import CANONICAL_BASE  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
PAGE_TYPES = {
    "home": "",
    "entity (organisation)": "id/org/neusoft-institute",
    "entity (company)": "id/org/neusoft",
    "entity (agency)": "id/org/dalian-civil-affairs-bureau",
    "indicator": "def/indicator/life-expectancy",
    "hub (period)": "id/period/2025",
    "article": "id/article/health",
    "class": "class?" + urlencode({"iri": CANONICAL_BASE + "def/ontology#GovernmentAgency"}),
    "search": "search?" + urlencode({"q": "养老"}),
    "observation": "id/obs/life-expectancy-2025",
    "data browser": "data/observations",
    "data browser (filtered)": "data/observations?" + urlencode({"policy-area": "def/policy-area/social-protection",
                                                                 "kind": "def/value-kind/reached"}),
    "data browser CSV (filtered)": "data/observations.csv?" + urlencode({"policy-area": "def/policy-area/health"}),
    "query page": "sparql",
    "ontology": "def/ontology",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="real", help="synthetic triples merged with the real graph (real = none)")
    parser.add_argument("--budget", type=float, default=3.0, help="seconds of samples per page type")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=str(RESULTS / "pages_http.md"))
    args = parser.parse_args()
    data = merged_dataset(parse_size(args.size))
    with kg_serve("--data", str(data.path), workers=args.workers) as server:
        sizes = {name: len(requests.get(server.url + path, headers={"Accept": "text/html"}, timeout=120).content)
                 for name, path in PAGE_TYPES.items()}
        calls = {name: http_get(server.url + path)() for name, path in PAGE_TYPES.items()}
        latency = interleaved_latency(calls, budget=args.budget, max_rounds=1000)
    lines = [f"# Page latency through HTTP ({size_label(parse_size(args.size))}: {data.quads:,} quads)", "",
             f"`python bench/pages_http.py --size {args.size}`: `kg serve --data` (gunicorn gthread, {args.workers} "
             "workers), one client, page types interleaved, HTML. Noisy shared 2-core machine: compare rows, not runs.",
             "", "| page type | path | HTML KiB | n | p50 ms | p99 ms | errors |", "|---|---|---:|---:|---:|---:|---:|"]
    for name, path in PAGE_TYPES.items():
        lat = latency[name]
        p50 = f"{lat.p50 * 1000:.1f}" if lat.samples else "–"
        p99 = f"{lat.p99 * 1000:.1f}" if lat.samples else "–"
        lines.append(f"| {name} | `/{path}` | {sizes[name] // 1024} | {len(lat.samples)} | {p50} | {p99} | "
                     f"{lat.errors}{' ' + lat.last_error if lat.errors else ''} |")
    text = "\n".join(lines) + "\n"
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
