"""The store layer: one small interface, and the backends that implement it. A store only stores and answers.

Everything above this layer (the SPARQL endpoint, pages, search, VoID) talks to a :class:`Store` and never knows
which backend it got: ``embedded`` (pyoxigraph, in memory or a read-only on-disk copy, user queries run in a confined
child process) or ``remote`` (any SPARQL 1.1 endpoint over HTTP). A store is *handed* the files it serves; it runs
no reasoning and publishes nothing. User queries arrive already checked and bounded by the SPARQL layer
(kg.sparql) as a :class:`QueryRequest`. Terms are pyoxigraph terms on both backends.
"""

from __future__ import annotations

import typing as t
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.formats import JSON

if t.TYPE_CHECKING:
    from kg.config import Settings

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = dict[str, Term]


@dataclass(frozen=True)
class QueryRequest:
    """A user's query, checked by the guard and bounded by the SPARQL layer: everything a backend needs (picklable).

    ``form`` and ``has_dataset_clause`` are the guard's reading of the text; ``timeout`` None runs it in this
    process without a limit (the local CLI); ``max_rows`` None means no row limit.
    """

    query: str
    form: str = "SELECT"
    media_type: str = JSON
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    #: The query text has FROM / FROM NAMED: then the default graph is not the union of all graphs.
    has_dataset_clause: bool = False
    timeout: float | None = 10.0
    max_rows: int | None = None
    #: Most bytes of the serialised answer (None: no limit); cut at a row boundary like ``max_rows``.
    max_bytes: int | None = None
    #: Base IRI for relative IRIs in the query (the endpoint's own URL, as the Protocol suggests).
    base_iri: str | None = None
    #: The engine answers it row by row with bounded work per row (kg.sparql.streaming), so a loop over its rows can
    #: stop it at a deadline: it may run in a serving process that is as confined as a query child.
    streaming: bool = False
    #: A streaming SELECT asking for one row more than it may answer, and how many it may (kg.sparql.streaming's
    #: ``streaming_form``): pyoxigraph may write the answer itself when it has no more (kg.store.native).
    bounded: tuple[str, int] | None = None


@dataclass
class QueryResponse:
    """A serialised result: body bytes in ``media_type``; ``truncated`` when the row limit cut it."""

    body: bytes
    media_type: str
    query_form: str  # "SELECT" | "ASK" | "CONSTRUCT" | "DESCRIBE"
    truncated: bool = False
    row_count: int = 0
    #: For the internal ``TERMS`` format (kg.store.results): the answer as terms, not bytes — ``(variables, rows)``
    #: for SELECT and graphs (subject, predicate, object), a bool for ASK.
    terms: tuple[list[str], list[tuple[Term | None, ...]]] | bool | None = None


class Store(t.Protocol):
    """What every backend offers. ``bindings`` values are bound as terms, never pasted into query text."""

    #: The base IRI the data is served under (canonical IRIs already rebased).
    base: str

    def select(self, query: str, bindings: dict[str, Term] | None = None, *, limit: int | None = None) -> list[Row]:
        """Run a SELECT of the app's own; unbound variables are absent from the row dicts."""
        ...

    def select_union(self, query: str) -> list[Row]:
        """Run a SELECT of the app's own whose WHERE clause is a UNION of independent parts (kg.queries.union_parts):
        the rows of all parts, in any order. A store may run the parts at once."""
        ...

    def ask(self, query: str, bindings: dict[str, Term] | None = None) -> bool:
        """Run an ASK of the app's own."""
        ...

    def construct(self, query: str, bindings: dict[str, Term] | None = None) -> list[ox.Triple]:
        """Run a CONSTRUCT/DESCRIBE of the app's own."""
        ...

    def execute(self, request: QueryRequest) -> QueryResponse:
        """Run a user's query under the request's time and row limits and serialise it (the /sparql endpoint)."""
        ...

    def data_version(self) -> str:
        """A short string that changes whenever the data changes (ETag, caches)."""
        ...

    def close(self) -> None:
        """Release processes, sockets and memory."""
        ...


def open_store(settings: Settings, files: Sequence[Path] = ()) -> Store:
    """The configured backend: the remote endpoint when ``store_url`` is set, else an embedded store of ``files``.

    :raises ValueError: an embedded store without files, or an unknown ``store_mode``.
    """
    if settings.store_url:
        from kg.store.remote import RemoteStore

        return RemoteStore(settings)
    from kg.store.embedded import EmbeddedStore

    return EmbeddedStore.open(settings, files)
