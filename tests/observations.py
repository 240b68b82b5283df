"""A small N-Triples file of observation-shaped triples, for the limit and store-mode tests."""

from __future__ import annotations

from pathlib import Path

CUBE_OBSERVATION = "http://purl.org/linked-data/cube#Observation"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def write_observations(path: Path, n: int = 1000) -> Path:
    """3 triples a subject (n=1000: 3,000 triples, enough that a three-way cartesian product runs for minutes)."""
    lines = []
    for i in range(n):
        s = f"<http://example.org/obs/{i}>"
        lines.append(f"{s} <{RDF_TYPE}> <{CUBE_OBSERVATION}> .")
        lines.append(f'{s} <http://example.org/value> "{i}"^^<http://www.w3.org/2001/XMLSchema#integer> .')
        lines.append(f'{s} <http://www.w3.org/2000/01/rdf-schema#label> "观测 {i}"@zh .')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
