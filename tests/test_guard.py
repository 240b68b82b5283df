"""The lexical guard: updates and SERVICE are found as keywords, never inside strings, IRIs or names."""

from __future__ import annotations

import pytest

from kg.errors import QueryError, QueryRefused
from kg.sparql.guard import check_query, service_targets, tokenize

ALLOWED = ("http://allowed.example/sparql",)


@pytest.mark.parametrize(("query", "form"), [
    ("SELECT * { ?s ?p ?o }", "SELECT"),
    ("ask {}", "ASK"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <http://x/>", "DESCRIBE"),
    ("PREFIX ask: <http://a/> BASE <http://b/> SELECT ?x { ?x ask:load 'DELETE' }", "SELECT"),
    ("# SELECT in a comment\nASK { ?s ?p \"\"\"multi\nline INSERT \"\"\" }", "ASK"),
    ("SELECT * { ?s <http://e/#LOAD> ?insert . ?s ?p 'it''s SERVICE' }", "SELECT"),
    ("SELECT * { ?s ?p \"x\"@en . _:drop ?p ?o . ?s ex:with:clear ?o }", "SELECT"),
    ("SELECT * { ?s ?p 'a\\'SERVICE <http://evil/> {}' }", "SELECT"),
    ("SELECT * { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }", "SELECT"),
    ("SELECT * { SERVICE <http://allowed.example/sparql> { ?s ?p ?o } }", "SELECT"),
    ("PREFIX a: <http://allowed.example/> SELECT * { SERVICE SILENT a:sparql { ?s ?p ?o } }", "SELECT"),
    ("BASE <http://allowed.example/x> SELECT * { SERVICE <sparql> { ?s ?p ?o } }", "SELECT"),
])
def test_accepted(query: str, form: str) -> None:
    assert check_query(query, allowlist=ALLOWED).form == form


@pytest.mark.parametrize(("query", "message"), [
    ("INSERT DATA { <a> <b> <c> }", "INSERT"),
    ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
    ("LOAD <http://example.org/data.ttl>", "LOAD"),
    ("CLEAR ALL", "CLEAR"),
    ("CREATE GRAPH <g>", "CREATE"),
    ("DROP ALL", "DROP"),
    ("COPY DEFAULT TO <g>", "COPY"),
    ("MOVE DEFAULT TO <g>", "MOVE"),
    ("ADD DEFAULT TO <g>", "ADD"),
    ("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "DELETE"),
    ("SELECT * {} ; insert data { <a> <b> <c> }", "INSERT"),
    ("SELECT * { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }", "http://evil.example/sparql"),
    ("SELECT * { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } }", "http://127.0.0.1:9/"),
    ("SELECT * { SERVICE ?endpoint { ?s ?p ?o } }", "variable"),
    ("PREFIX e: <http://evil/> SELECT * { service e:x { ?s ?p ?o } }", "http://evil/x"),
    ("SELECT * { SERVICE undeclared:x { ?s ?p ?o } }", "variable or unresolvable"),
    ("BASE <http://evil/> SELECT * { SERVICE <sparql> { } }", "http://evil/sparql"),
    ("SELECT * { ?s ?p ?o } # ok\nSERVICE <http://evil/> {}", "http://evil/"),
    ("SELECT * { SERVICE <http://allowed.example/sparql/other> {} }", "allowed.example/sparql/other"),
    ("SELECT * { ?s ?p 'unterminated SERVICE <http://evil/> {} }", "http://evil/"),
])
def test_refused(query: str, message: str) -> None:
    with pytest.raises(QueryRefused, match=message.replace("?", r"\?")):
        check_query(query, allowlist=ALLOWED)


@pytest.mark.parametrize("query", ["", "   ", "# only a comment", "{ ?s ?p ?o }", "PREFIX a: <b>"])
def test_not_a_query(query: str) -> None:
    with pytest.raises(QueryError):
        check_query(query)


def test_long_strings_and_iris_are_single_tokens() -> None:
    tokens = tokenize("SELECT * { ?s ?p '''a ' b '' c''' ; ?q <http://x/y#z> }")
    assert [t.kind for t in tokens] == ["word", "other", "other", "var", "var", "string", "other", "var", "iri",
                                        "other"]


def test_service_targets_resolve_prefixes() -> None:
    tokens = tokenize("PREFIX : <http://d/> SELECT * { SERVICE :s {} SERVICE <http://e/> {} }")
    assert service_targets(tokens) == ["http://d/s", "http://e/"]


def test_dataset_clause_is_noticed() -> None:
    assert check_query("SELECT * FROM <http://g/> { ?s ?p ?o }").dataset_clause
    assert not check_query("SELECT * { ?s ?p 'FROM' }").dataset_clause


def test_a_namespace_ending_in_hash_survives_the_endpoints_base() -> None:
    """The endpoint resolves the query against its own URL: ``<…XMLSchema#>`` must stay a namespace (urljoin alone
    drops the empty fragment, and every declared XSD cast was refused)."""
    query = 'PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT (xsd:integer("1") AS ?x) {}'
    info = check_query(query, base="http://127.0.0.1:5000/sparql")
    assert info.prefixes["xsd"] == "http://www.w3.org/2001/XMLSchema#"
