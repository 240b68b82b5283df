"""The `kg` command line: each command does its job and exits with the documented code."""

from __future__ import annotations

from click.testing import CliRunner
from rdflib import Graph

from kg.cli import main
from kg.namespaces import CANONICAL_BASE


def test_export_writes_the_dumps(tmp_path):
    result = CliRunner().invoke(main, ["export", str(tmp_path)], env={"KG_PUBLIC_URL": "http://kg.test/"})
    assert result.exit_code == 0, result.output
    names = {p.name for p in tmp_path.iterdir()}
    assert {"dalian-kg.ttl", "dalian-kg-inferred.nq", "dalian-kg.jsonld", "observations.csv", "void.ttl"} <= names
    graph = Graph().parse(tmp_path / "dalian-kg.ttl", format="turtle")
    assert len(graph) > 5000


def test_export_uses_the_canonical_base_whatever_the_served_base(tmp_path):
    """A dump is the same whatever host serves the data: the server's public address does not leak into it."""
    result = CliRunner().invoke(main, ["export", str(tmp_path)], env={"KG_PUBLIC_URL": "http://127.0.0.1:5000/"})
    assert result.exit_code == 0, result.output
    text = (tmp_path / "dalian-kg.nt").read_text(encoding="utf-8")
    assert CANONICAL_BASE + "id/org/neusoft" in text
    assert "127.0.0.1" not in text


def test_validate_passes_on_the_graph():
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert "ok" in result.output


def test_stats_counts_graphs_classes_and_agencies():
    result = CliRunner().invoke(main, ["stats"])
    assert result.exit_code == 0, result.output
    assert "asserted" in result.output and "inferred" in result.output
    assert "qb:Observation" in result.output
    assert "Dalian Municipal Education Bureau" in result.output or "教育局" in result.output
