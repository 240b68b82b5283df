"""One small store interface; the embedded (pyoxigraph) and remote (SPARQL over HTTP) backends implement it.

Everything above this layer (endpoint, pages, search, dumps, VoID) talks to a :class:`Store` and never
knows which backend it got. Terms are pyoxigraph terms (``NamedNode``, ``Literal``, ``BlankNode``) on
both backends: the remote backend parses the store's answers with ``pyoxigraph.parse_query_results``.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

import pyoxigraph as ox

if t.TYPE_CHECKING:
    from kg.config import Settings

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = dict[str, Term]


@dataclass
class QueryRequest:
    """A SPARQL Protocol query, as decoded from HTTP (or built by the CLI)."""

    query: str
    default_graph_uris: list[str] = field(default_factory=list)
    named_graph_uris: list[str] = field(default_factory=list)
    #: The negotiated result media type (see kg.negotiate).
    media_type: str = "application/sparql-results+json"
    #: Seconds before the query is stopped (None: the configured ``query_timeout``).
    timeout: float | None = None
    #: Most rows/triples returned (None: the configured ``max_rows``).
    max_rows: int | None = None
    #: Base IRI for relative IRIs in the query (the endpoint's own URL, as the Protocol suggests).
    base_iri: str | None = None


@dataclass
class QueryResponse:
    """A serialised result: body bytes in ``media_type``; ``truncated`` when the row limit cut it."""

    body: bytes
    media_type: str
    query_form: str  # "SELECT" | "ASK" | "CONSTRUCT" | "DESCRIBE"
    truncated: bool = False
    row_count: int = 0


class Store(t.Protocol):
    """What every backend offers. ``bindings`` values are bound as terms, never pasted into query text."""

    #: The base IRI the data is served under (canonical IRIs already rebased).
    base: str

    def select(self, query: str, bindings: dict[str, Term] | None = None, *, limit: int | None = None) -> list[Row]:
        """Run a SELECT of the app's own; unbound variables are absent from the row dicts."""
        ...

    def ask(self, query: str, bindings: dict[str, Term] | None = None) -> bool:
        """Run an ASK of the app's own."""
        ...

    def construct(self, query: str, bindings: dict[str, Term] | None = None) -> list[ox.Triple]:
        """Run a CONSTRUCT/DESCRIBE of the app's own."""
        ...

    def execute(self, request: QueryRequest, *, isolated: bool = True) -> QueryResponse:
        """Run a user's query under the time and row limits and serialise it (the /sparql endpoint).

        ``isolated=False`` (the local CLI only) may run it in this process without a time limit.
        """
        ...

    def data_version(self) -> str:
        """A short string that changes whenever the data changes (ETag, Cache-Control)."""
        ...

    def close(self) -> None:
        """Release processes, sockets and memory."""
        ...


def open_store(settings: Settings) -> Store:
    """The configured backend: the remote endpoint when ``store_url`` is set, else the embedded store."""
    if settings.store_url:
        from kg.store.remote import RemoteStore

        return RemoteStore.open(settings)
    from kg.store.embedded import EmbeddedStore

    return EmbeddedStore.open(settings)
