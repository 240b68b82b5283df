"""The two embedded store modes answer alike: in memory (bulk-loaded at start-up) and on disk (a cached RocksDB
store opened read-only, one handle per process). The disk store is built once and reused, and the forked query
child (time limit included) works on it."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import Settings
from kg.errors import QueryTimeout
from kg.sparql.request import prepare_query
from kg.store import QueryRequest
from kg.store import Store as EmbeddedStore
from observations import write_observations
from stores import embedded_store

PROTOCOL = Path(__file__).resolve().parent / "data" / "protocol.trig"
CUBE = "http://purl.org/linked-data/cube#"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SELECT = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o"
LABELS = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?s ?label"
ASK = 'ASK { ?s <http://www.w3.org/2000/01/rdf-schema#label> "大连"@zh }'
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
BOUND = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label"
EXECUTED = [
    (SELECT, "application/sparql-results+json"),
    ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "text/csv"),
    (ASK, "application/sparql-results+json"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <http://example.org/g/one> { ?s ?p ?o } }", "application/n-triples"),
    ("DESCRIBE <http://example.org/t/dalian>", "application/n-triples"),
]


def _plain(term: object) -> object:
    """A term with blank node labels erased (each load picks its own)."""
    if isinstance(term, ox.BlankNode):
        return "_:b"
    if isinstance(term, ox.Triple):
        return tuple(_plain(x) for x in (term.subject, term.predicate, term.object))
    return term


def _plain_body(body: bytes, media_type: str) -> object:
    if media_type.endswith("json"):
        data = json.loads(body)
        for row in data.get("results", {}).get("bindings", []):
            for value in row.values():
                if value["type"] == "bnode":
                    value["value"] = "b"
        return data
    return sorted(line for line in body.decode().splitlines() if not line.startswith("_:"))


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def observations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_observations(tmp_path_factory.mktemp("data") / "obs.nt")


def settings_for(mode: str, cache_dir: Path, *files: Path) -> Settings:
    return Settings(data_files=tuple(str(f) for f in files or (PROTOCOL,)), store_mode=mode, cache_dir=cache_dir,
                    query_timeout=10.0)


@pytest.fixture(scope="module", params=["memory", "disk"])
def store(request: pytest.FixtureRequest, cache_dir: Path) -> Iterator[EmbeddedStore]:
    opened = embedded_store(settings_for(request.param, cache_dir))
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def memory_store(cache_dir: Path) -> Iterator[EmbeddedStore]:
    opened = embedded_store(settings_for("memory", cache_dir))
    yield opened
    opened.close()


def test_select_ask_construct_match_the_memory_mode(store: EmbeddedStore, memory_store: EmbeddedStore) -> None:
    for query in (SELECT, LABELS):
        rows = [{k: _plain(v) for k, v in row.items()} for row in store.select(query)]
        assert rows == [{k: _plain(v) for k, v in row.items()} for row in memory_store.select(query)]
        assert rows
    assert store.ask(ASK) is memory_store.ask(ASK) is True
    assert sorted(map(str, map(_plain, store.construct(CONSTRUCT)))) == sorted(
        map(str, map(_plain, memory_store.construct(CONSTRUCT))))
    bindings = {"s": ox.NamedNode("http://example.org/t/dalian")}
    assert store.select(BOUND, bindings) == memory_store.select(BOUND, bindings)
    assert len(store.select(BOUND, bindings)) == 2
    assert store.data_version() == memory_store.data_version()


def test_execute_in_the_query_child_matches_the_memory_mode(store: EmbeddedStore, memory_store: EmbeddedStore) -> None:
    for query, media_type in EXECUTED:
        request = prepare_query(query, Settings(), media_type=media_type)
        got, want = store.execute(request), memory_store.execute(request)
        assert (got.media_type, got.query_form, got.row_count, got.truncated) == (
            want.media_type, want.query_form, want.row_count, want.truncated)
        assert _plain_body(got.body, got.media_type) == _plain_body(want.body, want.media_type)
        local = store.execute(replace(request, timeout=None))
        assert _plain_body(local.body, local.media_type) == _plain_body(got.body, got.media_type)


def test_disk_store_is_built_once_and_reused(tmp_path: Path) -> None:
    first = embedded_store(settings_for("disk", tmp_path))
    path = first.disk_path
    assert path is not None and path.parent == tmp_path / "stores" and len(path.name) == 16
    before = path.stat()
    assert first.select(LABELS)
    first.close()
    second = embedded_store(settings_for("disk", tmp_path))
    assert second.disk_path == path
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # not rebuilt
    assert [p.name for p in (tmp_path / "stores").iterdir()] == [path.name]  # no temporary directory left
    assert second.select(LABELS)
    second.close()


def test_disk_store_key_covers_the_data(tmp_path: Path, observations: Path) -> None:
    one = embedded_store(settings_for("disk", tmp_path))
    two = embedded_store(settings_for("disk", tmp_path, PROTOCOL, observations))
    assert one.disk_path != two.disk_path
    assert one.data_version() != two.data_version()
    assert len(two.select(f"SELECT ?s WHERE {{ ?s a <{CUBE}Observation> }}")) == 1000
    one.close()
    two.close()


def test_disk_child_opens_its_own_handle(tmp_path: Path) -> None:
    """The executor child queries without the parent ever opening the store, and after the parent did."""
    disk = embedded_store(settings_for("disk", tmp_path))
    count = QueryRequest(query="SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", media_type="text/csv")
    try:
        assert disk.execute(count).body.splitlines()[1] == b"9"
        assert not disk.opened_here  # the child opened it, not this process
        assert disk.select(LABELS)  # now this process has a handle too
        assert disk.opened_here
        disk.stop_query_children()  # the next child is forked from a process holding a handle
        assert disk.execute(count).body.splitlines()[1] == b"9"
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - a forked "worker" must not use the inherited handle
            code = 1
            try:
                if disk.select(LABELS) and disk.opened_here:
                    code = 0
            finally:
                os.write(write, bytes([code]))
                os._exit(0)
        os.close(write)
        assert os.read(read, 1) == b"\x00"
        os.close(read)
        os.waitpid(pid, 0)
    finally:
        disk.close()


def test_disk_time_limit_then_the_next_query_works(tmp_path: Path, observations: Path) -> None:
    disk = embedded_store(settings_for("disk", tmp_path, observations))
    try:
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            disk.execute(QueryRequest(query=CARTESIAN, timeout=1.0))
        assert time.monotonic() - started < 5
        answer = disk.execute(QueryRequest(query="ASK { ?s ?p ?o }", form="ASK"))
        assert json.loads(answer.body)["boolean"] is True
    finally:
        disk.close()


def test_unknown_mode_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="store mode"):
        embedded_store(settings_for("floppy", tmp_path))


def test_store_mode_from_the_environment() -> None:
    assert Settings.from_env({"KG_STORE_MODE": "disk"}).store_mode == "disk"
    assert Settings.from_env({}).store_mode == "auto"


def test_auto_mode_keeps_small_data_in_memory_and_puts_large_data_on_disk(tmp_path: Path, observations: Path) -> None:
    small = embedded_store(settings_for("auto", tmp_path, observations))
    large = embedded_store(settings_for("auto", tmp_path, observations).but(memory_mode_max_mb=0))
    try:
        assert small.disk_path is None and large.disk_path is not None
        assert small.data_version() == large.data_version()
    finally:
        small.close()
        large.close()


def test_a_failed_build_leaves_no_store(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<http://example.org/a> <http://example.org/b> .\n", encoding="utf-8")
    with pytest.raises(OSError, match="cannot build the on-disk store"):
        embedded_store(settings_for("disk", tmp_path / "cache", broken))
    assert list((tmp_path / "cache" / "stores").iterdir()) == []


def test_a_data_file_is_hashed_again_only_when_it_changed(tmp_path: Path) -> None:
    """The disk mode's start-up reads a file's digest from its record while the file is the same file with the same
    size and times; any change to it, even one that keeps its size and sets its mtime back, is hashed again."""
    import hashlib

    from kg.store.disk import file_digest

    data, record = tmp_path / "d.nt", tmp_path / "digests.json"
    data.write_text('<http://x/a> <http://x/p> "1" .\n', encoding="utf-8")
    assert file_digest(data, record) == hashlib.sha256(data.read_bytes()).hexdigest()
    kept = json.loads(record.read_text(encoding="utf-8"))
    kept[str(data.resolve())]["sha256"] = "f" * 64  # only a record that is believed can answer this
    record.write_text(json.dumps(kept), encoding="utf-8")
    assert file_digest(data, record) == "f" * 64
    before = data.stat()
    time.sleep(0.01)
    data.write_text('<http://x/a> <http://x/p> "2" .\n', encoding="utf-8")  # same size
    os.utime(data, ns=(before.st_atime_ns, before.st_mtime_ns))  # mtime set back; ctime cannot be
    assert file_digest(data, record) == hashlib.sha256(data.read_bytes()).hexdigest()
    record.write_text("not json", encoding="utf-8")  # a damaged record: hashed again, and rewritten
    assert file_digest(data, record) == hashlib.sha256(data.read_bytes()).hexdigest()
    assert json.loads(record.read_text(encoding="utf-8"))


def test_memory_mode_on_data_over_the_auto_bound_says_what_it_costs(tmp_path: Path, observations: Path,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    from kg.store.embedded import chosen_mode

    small = Settings(cache_dir=tmp_path, memory_mode_max_mb=64)
    over = Settings(cache_dir=tmp_path, memory_mode_max_mb=0)
    with caplog.at_level("WARNING", logger="kg.store.embedded"):
        assert chosen_mode(replace(small, store_mode="memory"), [observations]) == "memory"
        assert chosen_mode(replace(over, store_mode="auto"), [observations]) == "disk"
        assert chosen_mode(replace(over, store_mode="disk"), [observations]) == "disk"
        assert not caplog.records
        assert chosen_mode(replace(over, store_mode="memory"), [observations]) == "memory"
    assert len(caplog.records) == 1 and "copies what it reads" in caplog.records[0].getMessage()
