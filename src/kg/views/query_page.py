"""View-model of the query page (/sparql in a browser): the editor's configuration, the examples, and the result of
an incoming query as a table of cells, so the page works without JavaScript too.

The query runs exactly as on the endpoint (kg.sparql.request: guard and limits), answered as terms rather than bytes.
"""

from __future__ import annotations

import contextlib
import typing as t
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.config import Settings
from kg.errors import KgError
from kg.i18n import QUERY_PAGE_STRINGS
from kg.namespaces import compact, prefixes_for
from kg.sparql.request import prepare_query
from kg.store import Store
from kg.store.results import TERMS
from kg.views.examples import ExampleQuery, group_examples, load_examples

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
#: Holds a query slot while a user query runs (kg.web.deps.query_slot; nothing outside a server).
Admit = t.Callable[[], t.ContextManager[None]]
#: Prefixes written into the editor's starting query (the full map is known to the editor and the result table).
EDITOR_PREFIXES = ("dkg", "orgs", "rdfs", "skos", "qb", "schema", "prov")


@dataclass(frozen=True)
class Cell:
    """One result value, ready to show: ``href`` set for linkable IRIs."""

    text: str
    kind: str = "literal"  # "iri" | "literal" | "bnode" | "triple" | "unbound"
    href: str | None = None
    title: str | None = None
    lang: str | None = None
    datatype: str | None = None
    entity: bool = False


@dataclass
class ResultTable:
    """A query's result as the page shows it (SELECT rows, a graph's triples, or an ASK answer)."""

    variables: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    boolean: bool | None = None
    truncated: bool = False


@dataclass(frozen=True)
class Prefix:
    name: str
    iri: str


@dataclass(frozen=True)
class ExampleOption:
    """One example as the page offers it: title in the reader's language, and for a federated query what the
    operator must allow and whether this server does."""

    slug: str
    title: str
    description: str
    href: str
    federated: str = ""
    note: str = ""
    allowed: bool = False


@dataclass
class ExampleOptions:
    """The examples of one kind of question (an ``<optgroup>``)."""

    key: str
    title: str
    options: list[ExampleOption]


@dataclass
class QueryPage:
    """Everything the query page prints; ``status`` is the HTTP status (the query's error status, else 200)."""

    lang: str
    labels: dict[str, str]
    prefixes: list[Prefix]
    examples: list[ExampleQuery]
    query: str
    table: ResultTable | None
    error: str | None
    status: int
    #: The editor's configuration (JSON in the page).
    config: dict
    groups: list[ExampleOptions] = field(default_factory=list)
    #: The example the page opened with (``?example=slug``), if any.
    chosen: ExampleOption | None = None


def cell_for(term: object, base: str, prefixes: dict[str, str]) -> Cell:
    """Turn one RDF term into a cell: entity IRIs under ``base`` link to their page on this server."""
    if term is None:
        return Cell("", kind="unbound")
    if isinstance(term, ox.NamedNode):
        iri = term.value
        entity = iri.startswith(base)
        href = "/" + iri[len(base):] if entity else (iri if iri.startswith(("http://", "https://")) else None)
        return Cell(compact(iri, prefixes) or iri, kind="iri", href=href, title=iri, entity=entity)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        shown_type = None if datatype in (_XSD_STRING, _RDF_LANGSTRING) else (compact(datatype, prefixes) or datatype)
        return Cell(term.value, kind="literal", lang=term.language, datatype=shown_type)
    if isinstance(term, ox.BlankNode):
        return Cell("_:" + term.value, kind="bnode")
    return Cell(str(term), kind="triple")


def run_for_page(store: Store, settings: Settings, query: str, base_iri: str,
                 admit: Admit = contextlib.nullcontext) -> ResultTable:
    """Run a user's query as the endpoint would (holding a query slot from ``admit``) and return it as a table.

    :raises KgError: the guard's refusal, a syntax error, a time-out, a full server (with the status to answer).
    """
    request = prepare_query(query, settings, store=store, media_type=TERMS, base_iri=base_iri)
    with admit():
        response = store.execute(request)
    prefixes = prefixes_for(store.base)
    if isinstance(response.terms, bool):
        return ResultTable(boolean=response.terms, truncated=response.truncated)
    variables, rows = response.terms or ([], [])
    cells = [[cell_for(term, store.base, prefixes) for term in row] for row in rows]
    return ResultTable(variables, cells, truncated=response.truncated)


def example_options(examples: list[ExampleQuery], lang: str, allowed: tuple[str, ...]) -> list[ExampleOptions]:
    """The examples grouped by kind of question, federated ones with what the operator must allow."""
    labels = QUERY_PAGE_STRINGS[lang]
    groups = []
    for group in group_examples(examples, lang):
        options = []
        for e in group.examples:
            note = ""
            if e.federated:
                state = labels["federated_allowed"] if e.federated in allowed else labels["federated_refused"]
                note = labels["federated_needs"].format(url=e.federated) + " " + state
            options.append(ExampleOption(e.slug, e.title(lang), e.description, e.href, e.federated, note,
                                         e.federated in allowed))
        groups.append(ExampleOptions(group.key, group.title, options))
    return groups


def build_query_page(store: Store, settings: Settings, query: str | None, lang: str, *, endpoint: str,
                     base_iri: str, admit: Admit = contextlib.nullcontext, example: str | None = None) -> QueryPage:
    """The page for ``query`` (None: just the editor) in ``lang``; ``endpoint`` is the path queries are sent to.

    ``example`` (a slug of queries/) opens the page with that example's query, run as a ``?query=`` would be.
    """
    prefixes = prefixes_for(store.base)
    examples = load_examples(settings.examples_dir, store.base)
    groups = example_options(examples, lang, settings.service_allowlist)
    chosen = next((o for g in groups for o in g.options if o.slug == example), None) if example else None
    if chosen is not None and not (query and query.strip()):
        query = next(e.query for e in examples if e.slug == chosen.slug)
    elif chosen is None and query:  # an example's own link (home page): the selector shows which one it is
        slug = next((e.slug for e in examples if e.query == query), None)
        chosen = next((o for g in groups for o in g.options if o.slug == slug), None)
    table, error, status = None, None, 200
    if query and query.strip():
        try:
            table = run_for_page(store, settings, query, base_iri, admit)
        except KgError as err:
            error, status = str(err) or type(err).__name__, err.status
    start = "".join(f"PREFIX {n}: <{i}>\n" for n, i in prefixes.items() if n in EDITOR_PREFIXES)
    config = {
        "endpoint": endpoint,
        "base": store.base,
        "query": query or "",
        "defaultQuery": start + "\nSELECT ?s ?p ?o WHERE {\n  ?s ?p ?o\n} LIMIT 20\n",
        "prefixes": prefixes,
        "examples": [{"slug": o.slug, "title": o.title, "query": e.query, "description": o.description,
                      "note": o.note} for g in groups for o, e in zip(g.options, _by_slug(examples, g), strict=True)],
        "lang": lang,
    }
    return QueryPage(lang, QUERY_PAGE_STRINGS[lang], [Prefix(n, i) for n, i in prefixes.items()], examples,
                     query or "", table, error, status, config, groups, chosen)


def _by_slug(examples: list[ExampleQuery], group: ExampleOptions) -> list[ExampleQuery]:
    found = {e.slug: e for e in examples}
    return [found[o.slug] for o in group.options]
