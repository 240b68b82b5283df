"""The observations form a valid W3C RDF Data Cube: IC-1 … IC-21 all hold."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.checks.datacube import integrity_violations, normalised_copy
from kg.config import Settings
from kg.graph.build import build_dataset

EX = "http://example.org/"


@pytest.fixture(scope="module")
def cube() -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(build_dataset(Settings.from_env())), format=ox.RdfFormat.N_QUADS)
    return normalised_copy(store)


def test_every_integrity_constraint_holds(cube):
    violations = integrity_violations(cube)
    assert len(violations) == 22  # IC-1 … IC-21, IC-19 in its two forms
    assert [name for name, violated in violations.items() if violated] == []


def test_the_checks_can_fail():
    """A broken cube: an observation without data set and a duplicate pair are caught (IC-1, IC-11, IC-12)."""
    data = f"""
    @prefix qb: <http://purl.org/linked-data/cube#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    <{EX}dsd> a qb:DataStructureDefinition ; qb:component [ qb:dimension <{EX}dim> ] , [ qb:measure <{EX}m> ] .
    <{EX}dim> rdfs:range rdfs:Resource .
    <{EX}ds> a qb:DataSet ; qb:structure <{EX}dsd> .
    <{EX}o1> qb:dataSet <{EX}ds> ; <{EX}dim> <{EX}a> ; <{EX}m> 1 .
    <{EX}o2> qb:dataSet <{EX}ds> ; <{EX}dim> <{EX}a> ; <{EX}m> 2 .
    <{EX}o3> qb:dataSet <{EX}ds> ; <{EX}m> 3 .
    <{EX}o4> a qb:Observation .
    """
    quads = list(ox.parse(data.encode(), format=ox.RdfFormat.TURTLE))
    violated = {name for name, bad in integrity_violations(normalised_copy(quads)).items() if bad}
    assert {"IC-01", "IC-11", "IC-12"} <= violated
