"""Check data files while they are being written: quotes verbatim, values normalised, Turtle parses.

Usage: .venv/bin/python scripts/check_part.py data/triples.ttl [more files]
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Graph

from kg.checks.values import check_quotes, check_values
from kg.config import REPO_ROOT


def main(paths: list[str]) -> int:
    graph = Graph()
    for extra in ("ontology/codelists.ttl",):
        if (REPO_ROOT / extra).exists():
            graph.parse(REPO_ROOT / extra, format="turtle")
    for path in paths:
        graph.parse(Path(path), format="turtle")
    problems = [*check_quotes(graph), *check_values(graph)]
    for problem in problems:
        print("FAIL", problem)
    print(f"{len(graph)} triples, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
