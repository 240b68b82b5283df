"""The text index (kg.sparql.textindex) on the project's graph and on generated names: Chinese substrings, English
in any case, pinyin, the ranking (exact, prefix, shorter name first), and a lookup among ~100k names in well under
5 ms; and the rewrite of the SPARQL extension (kg.sparql.textquery) before any store sees the query."""

from __future__ import annotations

import random
import statistics
import time

import pyoxigraph as ox
import pytest

from kg.config import Settings
from kg.errors import QueryError, QueryRefused
from kg.namespaces import CANONICAL_BASE
from kg.queries import query
from kg.sparql import textrows
from kg.sparql.guard import check_query
from kg.sparql.request import prepare_query
from kg.sparql.textindex import TextIndex, build_text_index, text_index
from kg.sparql.textkeys import fold
from kg.sparql.textrows import label_rows, type_rows
from kg.store import Store
from kg.store.remote import RemoteStore
from virtuoso import virtuoso_server

BASE = "http://example.org/kg/"


@pytest.fixture(scope="module")
def store(project_store: Store) -> Store:
    return project_store


@pytest.fixture(scope="module")
def index(store: Store) -> TextIndex:
    return text_index(store)


def found(index: TextIndex, text: str, limit: int = 10) -> list[str]:
    return [hit.entry.iri.rsplit("/", 1)[-1] for hit in index.find(text, limit=limit)]


@pytest.mark.parametrize("text", ["东软", "东软集团", "neusoft", "Neusoft", "NEUSOFT", "  neusoft  ", "dongruan",
                                  "dong ruan", "DongRuan"])
def test_neusoft_comes_first_in_chinese_english_and_pinyin(index: TextIndex, text: str) -> None:
    assert found(index, text)[0] == "neusoft"


def test_substrings_of_names_in_each_language(index: TextIndex, store: Store) -> None:
    assert "dlut" in found(index, "理工", 50)  # 大连理工大学, from the middle
    assert "dlut" in found(index, "university of tech", 50)  # English, case-insensitive, across a space
    assert "dlut" in found(index, "ligong", 50)  # pinyin of a substring
    assert "ministry-of-education" in found(index, "教育部")
    assert index.find("") == [] and index.find("   ") == [] and index.find("不存在的名字zz") == []


def test_the_index_holds_every_kind_of_name_of_every_iri(index: TextIndex, store: Store) -> None:
    labelled = store.select("""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?s WHERE { ?s skos:altLabel|<http://purl.org/dc/terms/title> ?l FILTER(isIRI(?s)) }""")
    assert labelled and all(row["s"].value in index.entries for row in labelled)
    assert not any(iri.startswith("_:") for iri in index.entries)
    outside = [e for e in index.entries.values() if not e.local]
    assert outside and all(not e.iri.startswith(store.base) for e in outside)  # vocabulary terms: SPARQL only


def test_names_read_in_parts_are_the_same_names(store: Store) -> None:
    """Ranges of the IRIs' MD5, split again while over the most rows a part may have, cover every name once."""
    def rows(found: list) -> list[tuple[str, str]]:
        return sorted((r["s"].value, str(r["label"])) for r in found)

    whole = rows(textrows._part(store, "text_labels", 0, 0x10000, None))
    parts = [row for low, high in ((0, 0x4000), (0x4000, 0xC000), (0xC000, 0x10000))
             for row in textrows._part(store, "text_labels", low, high, 150)]  # small: each range split again
    assert rows(parts) == whole and len(whole) > 2000 and len(label_rows(store)) == len(whole)


@pytest.mark.virtuoso
def test_a_store_that_cuts_answers_short_is_read_in_parts(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Virtuoso that answers at most 500 rows (ResultSetMaxRows): the names are read in parts, all of them."""
    monkeypatch.setenv("RESULT_SET_MAX_ROWS", "500")
    monkeypatch.setattr(textrows, "PAGE", 300)
    monkeypatch.setattr(textrows, "MOST_ROWS", 400)
    with virtuoso_server() as virtuoso:
        remote = RemoteStore(Settings(store_url=virtuoso.url))
        assert len(remote.select(query("text_labels", remote.base), {"lo": ox.Literal("0000"),
                                                                      "hi": ox.Literal("g")})) == 500
        assert set(label_rows(remote)) == set(label_rows(store))
        assert set(type_rows(remote)) == set(type_rows(store))


def test_ranking_exact_then_prefix_then_shorter() -> None:
    rows = [(BASE + name, label, lang) for name, label, lang in [
        ("long", "大连市民政局救助站", "zh"), ("short", "大连民政", "zh"), ("exact", "民政", "zh"),
        ("prefix-long", "民政局下属事业单位", "zh"), ("prefix", "民政局", "zh"), ("en", "Civil Affairs", "en")]]
    index = build_text_index(rows, BASE)
    assert found(index, "民政") == ["exact", "prefix", "prefix-long", "short", "long"]
    scores = [hit.score for hit in index.find("民政")]
    assert scores[0] == 1.0 and 0.5 < scores[1] < 1 and scores == sorted(scores, reverse=True)
    assert found(index, "民政", limit=2) == ["exact", "prefix"]
    assert found(index, "AFFAIRS") == ["en"] and found(index, "minzheng")[0] == "exact"
    assert found(index, "政") == ["exact", "prefix", "short", "long", "prefix-long"]  # one character; ties by name
    assert [h.entry.iri for h in index.find("民政", accept=lambda e: "long" in e.iri)] == [
        BASE + "prefix-long", BASE + "long"]


def test_the_index_finds_what_a_scan_finds_in_the_same_order() -> None:
    """Differential: on random small names and needles (Chinese, Latin, spaces), the index's hits are a scan's best
    ``limit`` entries, with the same (kind, length) ranks: exact, prefix, substring, shorter first."""
    rng = random.Random(3)
    alphabet = "ab东软 X"
    for _ in range(400):
        names = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 6))) for _ in range(rng.randrange(1, 8))]
        index = build_text_index([(f"{BASE}{i}", n, rng.choice(["zh", "en", ""])) for i, n in enumerate(names)], BASE)
        for _ in range(10):
            text, limit = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 8))), rng.randrange(1, 5)
            needles = {fold(text), fold(text).replace(" ", "")} - {""}

            def rank(entry, needles=needles):
                kinds = [(0 if k == n else 1 if k.startswith(n) else 2, len(k)) for n in needles for k in entry.keys
                         if n in k]
                return min(kinds, default=None)

            scan = sorted(r for e in index.entries.values() if (r := rank(e)) is not None)[:limit]
            assert [rank(hit.entry) for hit in index.find(text, limit=limit)] == scan, (names, text, limit)


def test_the_index_kept_on_disk_reads_back_the_same(index: TextIndex) -> None:
    """kg.store.memo pickles the index (as columns, kg.sparql.textindex.TextIndex.__reduce__): read back, it holds
    the same entries, keys and postings, and answers every search alike."""
    import pickle

    back = pickle.loads(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
    fields = ("iri", "zh", "en", "types", "keys", "local")
    assert [[getattr(e, f) for f in fields] for e in back.entries.values()] == [
        [getattr(e, f) for f in fields] for e in index.entries.values()]
    assert list(back.keys) == list(index.keys) and back.postings == index.postings
    assert back.owners == index.owners and back.from_length == index.from_length
    assert all(key in index.entries.entry(owner).keys for key, owner in zip(index.keys, index.owners, strict=True))
    for text in ("东软", "Neusoft", "dongruan", "民", "life expectancy", "zzzz"):
        assert [(h.entry.iri, h.key, h.score) for h in back.find(text, limit=20)] == [
            (h.entry.iri, h.key, h.score) for h in index.find(text, limit=20)]
        assert [e.iri for e in back.similar(text)] == [e.iri for e in index.similar(text)]


def test_near_misses_share_bigrams(index: TextIndex) -> None:
    assert "neusoft" in [e.iri.rsplit("/", 1)[-1] for e in index.similar("Nuesoft Corporation", limit=5)]


def generated_rows(count: int) -> list[tuple[str, str, str]]:
    """~``count`` names shaped like the benchmark's synthetic statistics (zh and en), and a few real ones."""
    rng = random.Random(7)
    rows = []
    for i in range(count // 2):
        area, period = rng.randrange(400), rng.choice(["2021-2025", "2024", "2025"])
        iri = f"{BASE}id/obs/{i}"
        rows.append((iri, f"合成指标{i % 3000}（{period}，合成{area}区）", "zh"))
        rows.append((iri, f"Observation {i} of indicator {i % 3000} ({period}, area {area})", "en"))
    rows += [(BASE + "id/org/neusoft", "东软集团", "zh"), (BASE + "id/org/neusoft", "Neusoft", "en"),
             (BASE + "id/x/care", "居家养老服务人次", "zh")]
    return rows


@pytest.fixture(scope="module")
def big_index() -> TextIndex:
    return build_text_index(generated_rows(100_000), BASE)


def test_the_index_read_back_is_compact(big_index: TextIndex) -> None:
    """The server's size is mostly its derived tables (built in the master, shared by fork): read back from disk, the
    index of 150,000 keys takes ~250 bytes a key with its postings and entries. As Python objects (a str a key, an
    Entry an IRI, kept before kg.packed) it took ~400 bytes a key."""
    import pickle
    import tracemalloc

    data = pickle.dumps(big_index, protocol=pickle.HIGHEST_PROTOCOL)
    tracemalloc.start()
    try:
        back = pickle.loads(data)
        size, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(back.keys) == len(big_index.keys) > 100_000
    assert size / len(big_index.keys) < 320, f"{size / len(big_index.keys):.0f} bytes a key"


@pytest.mark.parametrize(("text", "first"), [
    ("养老", "居家养老服务人次"), ("东软", "东软集团"), ("dongruan", "dongruanjituan"),
    ("Observation 4711 of", "observation 4711 of"), ("合成指标12（", "合成指标12（"),
    ("hechengzhibiao7", "hechengzhibiao7"), ("indicator 12 (", "observation"),
])
def test_a_lookup_among_100k_names_takes_well_under_5_ms(big_index: TextIndex, text: str, first: str) -> None:
    assert len(big_index.keys) > 100_000
    assert big_index.find(text)[0].key.startswith(first)
    times = []  # CPU time of this process: what the lookup costs, not how long other work on the machine held it
    for _ in range(15):
        started = time.process_time()
        big_index.find(text, limit=100)
        times.append(time.process_time() - started)
    assert statistics.median(times) < 0.0025, f"median {statistics.median(times) * 1000:.2f} ms for {text!r}"


# -- the rewrite of the SPARQL extension (before any store: kg.sparql.request.prepare_query)

PROLOGUE = "PREFIX t: <{base}def/text#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


def prepared(store: Store, body: str) -> str:
    return prepare_query(PROLOGUE.format(base=store.base) + body, Settings(), store=store).query


def test_a_pattern_becomes_a_values_block_of_iris(store: Store) -> None:
    text = prepared(store, 'SELECT ?s WHERE { ?s t:query "东软" . ?s rdfs:label ?l }')
    assert f"VALUES ?s {{ <{store.base}id/org/neusoft> " in text and "t:query" not in text and "东软" not in text
    scored = prepared(store, 'SELECT * { (?s ?score) t:query ("neusoft" 2) }')
    assert f"VALUES (?s ?score) {{ (<{store.base}id/org/neusoft> 1.0000) (<" in scored
    assert scored.count("(<") == 2
    assert "FILTER(false)" in prepared(store, 'SELECT * { ?x t:query "没有这个名字" }')
    iri = prepared(store, f'SELECT * {{ ?x <{CANONICAL_BASE}def/text#query> "\\u4e1c\\u8f6f" }}')
    assert f"<{store.base}id/org/neusoft>" in iri  # the canonical IRI, and escapes in the text


@pytest.mark.parametrize("needle", [
    '"} SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } #',
    "'} ; DROP ALL ; INSERT DATA { <a> <b> <c> } #",
    '\\"} SERVICE <http://127.0.0.1:9/> {\\"',
    "\\u0022 } SERVICE <http://127.0.0.1:9/> { \\u0022",
    '}}}}{{{{ ) ( . ; , <> ^^ @en',
])
def test_the_text_never_reaches_the_query(store: Store, needle: str) -> None:
    for quoted in (f'"{needle}"', f"'''{needle}'''", f'"""{needle}"""'):
        try:
            text = prepared(store, f"SELECT ?s WHERE {{ ?s t:query {quoted} }}")
        except (QueryError, QueryRefused):
            continue  # the quotes end early: not a text but the query's own SERVICE or syntax, refused (403/400)
        assert "SERVICE" not in text and "DROP" not in text and "INSERT" not in text
        info = check_query(text)
        assert info.services == [] and info.form == "SELECT"


@pytest.mark.parametrize(("body", "message"), [
    ('SELECT * { ?s t:query "x" ; rdfs:label ?l }', "triple of its own"),
    ('SELECT * { ?s rdfs:label ?l ; t:query "x" }', "must be a variable"),
    ('SELECT * { ?s t:query "x", "y" }', "triple of its own"),
    ('SELECT * { <http://x/> t:query "x" }', "must be a variable"),
    ("SELECT * { ?s t:query ?text }", "must be a string or a list"),
    ('SELECT * { ?s t:query "x"@zh }', "plain string"),
    ('SELECT * { ?s t:query "x"^^<http://www.w3.org/2001/XMLSchema#string> }', "plain string"),
    ('SELECT * { ?s t:query ("x" 0) }', "from 1 to"),
    ('SELECT * { ?s t:query ("x" 2.5) }', "from 1 to"),
    ('SELECT * { ?s t:query ("x" 10 20) }', "optional limit"),
    ("SELECT * { ?s t:query (10) }", "starts with the text"),
    ('SELECT * { (?s ?s) t:query "x" }', "two different variables"),
    ('SELECT * { ?s t:query "bad \\q escape" }', "invalid escape"),
    ('SELECT * { ?s ^t:query "x" }', "must be a variable"),
    ('SELECT * { ?a ?b t:query }', "must start a triple pattern"),
    ('CONSTRUCT { ?s t:query "x" } WHERE { ?s ?p ?o }', "not a triple of a template"),
])
def test_a_malformed_use_is_a_400_that_says_how(store: Store, body: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        prepared(store, body)


def test_filter_contains_is_kept_and_given_the_index_hits(store: Store) -> None:
    """The filter itself stays; the index's IRIs only spare the engine a scan (kg.sparql.namefilter)."""
    body = 'SELECT ?s { ?s rdfs:label ?l FILTER(CONTAINS(?l, "东软")) }'
    text = prepared(store, body)
    assert text.count('FILTER(CONTAINS(?l, "东软"))') == 1 and f"<{CANONICAL_BASE}id/org/neusoft>" in text
