"""The SPARQL JSON results writer (kg.store.results): its fast term writer gives the bytes ``json.dumps`` gives for
every kind of term and text (escapes, quotes, control characters, astral characters, language tags, datatypes,
blank nodes, quoted triples, unbound values), and the body parses back to the same terms."""

from __future__ import annotations

import json
import random

import pyoxigraph as ox

from kg.store.results import _json_term, write_json

XSD = "http://www.w3.org/2001/XMLSchema#"


def texts() -> list[str]:
    rng = random.Random(7)
    alphabet = ['"', "\\", "/", "\n", "\t", "\x00", "\x1f", "\x7f", "\u2028", "é", "东", "软", "😀", "a", " ", "<"]
    return ["", "plain", "大连市"] + ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
                                    for _ in range(200)]


def terms() -> list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]:
    out: list = []
    for i, text in enumerate(texts()):
        out += [ox.Literal(text), ox.Literal(text, language=["zh", "en-GB", "zh-hans"][i % 3]),
                ox.Literal(text, datatype=ox.NamedNode(XSD + "token")),
                ox.Literal(text, datatype=ox.NamedNode(XSD + "string"))]
    quoted = ox.Triple(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.Literal("o", language="zh"))
    out += [ox.NamedNode("http://example.org/东软?q=1#x"), ox.BlankNode("b0"), ox.Literal(42), ox.Literal(1.5),
            ox.Literal(True), quoted]
    return out


def test_each_term_is_written_as_json_dumps_writes_it() -> None:
    everything = terms()
    rows = [[term, None, everything[-1 - i]] for i, term in enumerate(everything)]
    expected = json.dumps({"head": {"vars": ["a", "b", "c"]}, "results": {"bindings": [
        {name: _json_term(term) for name, term in zip("abc", row, strict=True) if term is not None} for row in rows]}},
        ensure_ascii=False, separators=(",", ":")).encode()
    assert write_json(["a", "b", "c"], rows) == expected


def test_the_body_parses_back_to_the_same_terms() -> None:
    everything = [term for term in terms() if not isinstance(term, ox.Triple)]
    body = write_json(["x"], [[term] for term in everything])
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    assert [solution["x"] for solution in parsed] == everything
