"""Federation, safely: SERVICE works only towards endpoints the operator allowed; everything else is refused.

A second local `kg serve` stands in for Wikidata's query service (the tests have no internet).
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
import requests

from server import running_server

TESTS = Path(__file__).resolve().parent
POPULATION = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT ?place ?population WHERE {
  ?place owl:sameAs ?item .
  SERVICE <%s> { ?item wdt:P1082 ?population }
} ORDER BY ?population
"""


@pytest.fixture(scope="module")
def remote() -> str:
    with running_server("--data", str(TESTS / "data" / "wikidata-standin.ttl")) as base_url:
        yield base_url + "sparql"


@pytest.fixture(scope="module")
def federating(remote) -> str:
    with running_server("--allow-service", remote, "--timeout", "20") as base_url:
        yield base_url


def _select(base_url: str, query: str) -> requests.Response:
    return requests.post(base_url + "sparql", data={"query": query},
                         headers={"Accept": "application/sparql-results+json"}, timeout=60)


def test_allowed_service_joins_the_remote_data(federating, remote):
    response = _select(federating, POPULATION % remote)
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    assert [(r["place"]["value"].rsplit("/", 1)[1], r["population"]["value"]) for r in rows] == [
        ("210200", "1000001"),
        ("210281", "1000002"),
    ]


def test_other_endpoints_stay_refused_and_receive_nothing(federating):
    """A listener on 127.0.0.1 that is not on the allow-list is never contacted."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(3)
    port = listener.getsockname()[1]
    contacted: list[bool] = []

    def accept() -> None:
        try:
            connection, _ = listener.accept()
            contacted.append(True)
            connection.close()
        except OSError:
            pass

    thread = threading.Thread(target=accept)
    thread.start()
    response = _select(federating, POPULATION % f"http://127.0.0.1:{port}/sparql")
    thread.join()
    listener.close()
    assert response.status_code == 403
    assert f"127.0.0.1:{port}" in response.text
    assert contacted == []


def test_public_default_refuses_every_service(server, remote):
    response = _select(server, POPULATION % remote)
    assert response.status_code == 403
    assert "SERVICE" in response.text


def test_federated_examples_run_against_the_stand_in(federating, remote):
    """The federated example queries work once their Wikidata endpoint is swapped for an allowed one."""
    examples = sorted((TESTS.parent / "queries").glob("federation-*.rq"))
    assert examples, "queries/ has no federated examples"
    for path in examples:
        text = path.read_text(encoding="utf-8")
        assert "SERVICE <https://query.wikidata.org/sparql>" in text
        refused = _select(federating, text)
        assert refused.status_code == 403, path.name  # Wikidata itself is not on this operator's allow-list
        swapped = text.replace("https://query.wikidata.org/sparql", remote)
        response = _select(federating, swapped)
        assert response.status_code == 200, (path.name, response.text)
