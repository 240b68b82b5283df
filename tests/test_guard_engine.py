"""The guard reads queries as the engine does: glued keywords, escapes only inside IRIs and strings, vendor
functions, system graphs, deep nesting, linear time; and a differential fuzz with a loopback listener checks that
whenever the guard accepts a query, the engine makes no connection (the attack run's bypasses, as a class)."""

from __future__ import annotations

import contextlib
import gc
import time

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import QueryError, QueryRefused
from kg.sparql.guard import check_query
from listener import Listener  # tests/ is on sys.path (conftest)

ALLOWED = ("http://allowed.example/sparql",)
PORT = "127.0.0.1:9"


@pytest.mark.parametrize("query", [
    # keywords glued to the next token, as the engine's grammar reads them
    f"SELECT * {{ SERVICESILENT<http://{PORT}/x>{{ ?s ?p ?o }} }}",
    f"SELECT * {{ SERVICE<http://{PORT}/x>{{ ?s ?p ?o }} }}",
    f"PREFIX ex: <http://{PORT}/> SELECT * {{ SERVICEex:x {{ ?s ?p ?o }} }}",
    f"PREFIX ex: <http://{PORT}/> SELECT * {{ SeRvIcE SiLeNt ex:x {{ ?s ?p ?o }} }}",
    f"ASK {{ FILTER EXISTS {{ SERVICESILENT<http://{PORT}/x>{{}} }} }}",
    f"SELECT * {{ ?s ?p ?o MINUS {{ service<http://{PORT}/x>{{ ?s ?p ?o }} }} }}",
    # the "two readings" bypass: escapes are decoded only inside IRIs and strings
    'SELECT * WHERE { BIND(<http://x/\\u0041#> AS ?i) FILTER(?i != "\\u0022") '
    f'SERVICE <http://{PORT}/y> {{ ?a ?b ?c }} }}\n# """',
    f"SELECT * {{ ?s ?p '\\u0027' . SERVICE <http://{PORT}/y> {{ ?a ?b ?c }} }}",
])
def test_glued_and_escaped_service_is_found(query: str) -> None:
    with pytest.raises(QueryRefused, match="SERVICE"):
        check_query(query, allowlist=ALLOWED)


@pytest.mark.parametrize(("query", "message"), [
    ('SELECT (bif:http_get("http://127.0.0.1:9/") AS ?x) {}', "bif:http_get"),
    ("SELECT (<bif:exec>('select 1') AS ?x) {}", "bif:exec"),
    ("PREFIX v: <http://evil.example/fn#> SELECT (v:f(1) AS ?x) {}", "v:f"),
    ("SELECT (sql:foo(1) AS ?x) {}", "sql:foo"),
    ("PREFIX fn: <http://www.w3.org/2005/xpath-functions#> SELECT (fn:doc('http://x/') AS ?x) {}", "fn:doc"),
    ("SELECT * { \\u0053ERVICE <http://evil/> {} }", "escape"),
    ("ASK { " + "{ " * 100 + "}" * 100 + " }", "deeper"),
    ("ASK { FILTER(" + "(" * 80 + "1" + ")" * 80 + ") }", "deeper"),
])
def test_vendor_functions_escapes_and_deep_nesting_are_400(query: str, message: str) -> None:
    with pytest.raises((QueryError, QueryRefused), match=message):
        check_query(query)


@pytest.mark.parametrize("query", [
    "SELECT * FROM <http://www.openlinksw.com/schemas/virtrdf#> { ?s ?p ?o }",
    "SELECT * { GRAPH <http://www.openlinksw.com/schemas/virtrdf#> { ?s ?p ?o } }",
])
def test_system_graphs_are_refused(query: str) -> None:
    with pytest.raises(QueryRefused, match="system"):
        check_query(query)


@pytest.mark.parametrize("query", [
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT (xsd:integer('1') AS ?n) (STRLEN('x') AS ?l) { }",
    "ASK { " + "{ " * 30 + "}" * 30 + " }",
    "SELECT * { ?s ?p '''a'' b''' FILTER(?o < 3 && ?o > 1) }",
])
def test_casts_builtins_and_reasonable_nesting_pass(query: str) -> None:
    assert check_query(query).form in ("SELECT", "ASK")


#: Inputs of the attack run's shape, as functions of a repeat count (each unit is 1 or 2 characters).
PATHOLOGICAL = {
    "a-a-a": lambda n: "ASK { " + "a-" * n + " }",
    "a:a:a": lambda n: "ASK { " + "a:" * n + " }",
    "colons": lambda n: "ASK { " + ":" * 2 * n + " }",
    "open string": lambda n: 'ASK { "' + "a" * 2 * n,
    "open long string": lambda n: "ASK { '''" + "a'" * n,
    "angles": lambda n: "ASK { " + "<" * 2 * n,
    "open iris": lambda n: "ASK { " + "<a" * n,
    "quotes": lambda n: "ASK { " + '"a' * n,
    "parentheses": lambda n: "ASK { " + "(" * 2 * n,
}


def _seconds(text: str) -> float:
    """The fastest of three runs with the garbage collector paused: a scheduling hiccup on a busy 2-core machine
    must not read as superlinear growth."""
    best = float("inf")
    gc.disable()
    try:
        for _ in range(3):
            started = time.perf_counter()
            with contextlib.suppress(QueryError, QueryRefused):
                check_query(text)
            best = min(best, time.perf_counter() - started)
    finally:
        gc.enable()
    return best


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_the_tokeniser_is_linear(name: str) -> None:
    """100 KB (the default query length limit) checks in well under a second, and 4x the text takes ~4x the time
    (the old tokeniser took 40 s on 100 KB of a-a-a: quadratic)."""
    make = PATHOLOGICAL[name]
    small, large = _seconds(make(12_500)), _seconds(make(50_000))
    assert large < 1.0, (name, large)
    assert large < 10 * max(small, 0.002), (name, small, large)




@pytest.fixture(scope="module")
def listener():
    opened = Listener()
    yield opened
    opened.close()


KEYWORD = st.sampled_from(["SERVICE", "service", "SeRvIcE", "SERVICE SILENT", "SERVICESILENT", "service silent"])
GAP = st.sampled_from(["", " ", "\n", " # c\n", "\t"])
TARGET = st.sampled_from(["<http://127.0.0.1:{port}/s>", "ex:s", "<http://127.0.0.1:{port}/\\u0073>"])
NOISE = st.sampled_from(["", "?s ?p ?o .", 'BIND("\\u0022" AS ?q)', "BIND('x' AS ?q)", 'FILTER(?i != "a")',
                         "BIND(<http://x/\\u0041#> AS ?i)", "# '''\n", '"""a""" ', "FILTER EXISTS { ?a ?b ?c }"])
WRAP = st.sampled_from(["{inner}", "FILTER EXISTS {{ {inner} }}", "OPTIONAL {{ {inner} }}", "MINUS {{ {inner} }}"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(KEYWORD, GAP, TARGET, GAP, NOISE, NOISE, WRAP, st.sampled_from(["", "\n# \"\"\"", "\n# '"]))
def test_guard_and_engine_never_disagree_about_service(listener, keyword, gap1, target, gap2, before, after, wrap,
                                                       tail) -> None:
    service = f"{keyword}{gap1}{target.format(port=listener.port)}{gap2}{{ ?x ?y ?z }}"
    body = f"{before} {wrap.format(inner=service)} {after}"
    query = f"PREFIX ex: <http://127.0.0.1:{listener.port}/> SELECT * WHERE {{ {body} }}{tail}"
    try:
        check_query(query)
    except (QueryError, QueryRefused):
        return  # refused: nothing runs
    seen = listener.connections
    with contextlib.suppress(SyntaxError, OSError, RuntimeError, ValueError):
        ox.Store().query(query)
    assert listener.connections == seen, f"the guard accepted a query the engine sent out: {query!r}"
