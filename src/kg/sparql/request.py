"""A user's query text → a checked, bounded :class:`kg.store.QueryRequest`: the one place the guard, the length
limit, the time and row limits and the result format are applied, whichever store answers and whoever asks
(/sparql, the query page, ``kg query``).
"""

from __future__ import annotations

from collections.abc import Sequence

from kg.config import Settings
from kg.errors import NotAcceptable, QueryError, QueryTooLong
from kg.formats import HTML, formats_of
from kg.negotiate import kind_of, negotiate
from kg.sparql.guard import check_query
from kg.sparql.namefilter import name_filter_edits, name_filters, names_all_indexed
from kg.sparql.streaming import streaming_form
from kg.sparql.textindex import text_index
from kg.sparql.textquery import Edit, apply_edits, text_patterns, text_query_edits, text_query_iris
from kg.store import QueryRequest, Store

#: rdflib's Dataset/SPARQLStore sends this placeholder for "the default graph": it means no dataset given.
RDFLIB_DEFAULT_GRAPH = "urn:x-rdflib:default"


def prepare_query(text: str, settings: Settings, *, store: Store | None = None, accept: str | None = None,
                  format_param: str | None = None, media_type: str | None = None, default_graphs: Sequence[str] = (),
                  named_graphs: Sequence[str] = (), base_iri: str | None = None, local: bool = False) -> QueryRequest:
    """Check ``text`` and bound it with the settings' limits; the result format is ``media_type`` if given, else
    negotiated from ``accept`` / ``format_param``. ``local`` (``kg query``) runs without time or row limits.
    Uses of the full-text extension (kg.sparql.textquery) are replaced by the hits of ``store``'s text index, and a
    name filter that the index can answer exactly is given them too (kg.sparql.namefilter).

    :raises QueryTooLong: over ``max_query_length`` (413). :raises QueryRefused: an update, SERVICE, a system graph
        (403). :raises QueryError: empty, malformed or refused by shape (400). :raises NotAcceptable: no format (406).
    """
    if len(text.encode("utf-8")) > settings.max_query_length:
        raise QueryTooLong(f"query too long: the limit is {settings.max_query_length} bytes")
    if not text.strip():
        raise QueryError("empty query")
    base = store.base if store is not None else settings.base
    info = check_query(text, allowlist=settings.service_allowlist, base=base_iri or "",
                       extensions=text_query_iris(base))
    patterns = text_patterns(info, base)
    if patterns and store is None:
        raise QueryError("the full-text extension needs a store to search")
    kind = kind_of(info.form)
    if media_type is None:
        media_type = negotiate(kind, accept, format_param)
        if media_type is None or media_type == HTML:
            offered = ", ".join(f.media_type for f in formats_of(kind))
            raise NotAcceptable(f"406 Not Acceptable: this result can be served as {offered}")
    default_graph_uris = tuple(g for g in default_graphs if g != RDFLIB_DEFAULT_GRAPH)
    edits: list[Edit] = []
    if store is not None:
        filters = [] if default_graph_uris or named_graphs else name_filters(info)
        use_filters = bool(filters) and names_all_indexed(store)
        if patterns or use_filters:
            index = text_index(store)
            edits = text_query_edits(patterns, index) if patterns else []
            edits += name_filter_edits(filters, index) if use_filters else []
            text = apply_edits(text, edits)
    # the guard's tokens are those of the text sent only when no edit was made
    streaming, bounded = (False, None) if local or edits else streaming_form(info, text, settings.max_rows or None)
    return QueryRequest(
        query=text,
        form=info.form,
        media_type=media_type,
        default_graph_uris=default_graph_uris,
        named_graph_uris=tuple(named_graphs),
        has_dataset_clause=info.dataset_clause,
        timeout=None if local else settings.query_timeout,
        max_rows=None if local else (settings.max_rows or None),
        max_bytes=None if local else (settings.max_bytes or None),
        base_iri=base_iri,
        streaming=streaming,
        bounded=bounded,
    )
