"""View-model of an entity page, in the shape people know from Wikidata: a header (name in the reader's language with
the other beside it, type, one-line description, external identifiers), key figures, then statements grouped by
property with their qualifiers and source sentences, inferred ones apart, figures in a table and a chart.

One store round trip per page: the page query (kg.queries entity_page: every part tagged), with only the parts that
can have rows for the entity (kg.views.page_parts); an observation's page takes a second for its own row. Labels
come from the label table (kg.views.labels.labels_for), which search and the listings read anyway; units, inverse
properties and article texts are also read once per data version (kg.store.memo).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.i18n import STRINGS
from kg.queries import only_parts, part_per_term, query, with_values
from kg.store import Row, Store
from kg.store.memo import memo
from kg.views.article import ArticleView, article_texts, build_article_view
from kg.views.charts import Chart, build_chart
from kg.views.figures import KeyFigure, key_figures
from kg.views.hubs import hub_inbound
from kg.views.identifiers import Identifier, identifiers
from kg.views.labels import Label, Link, choose_label, class_link, is_true, labels_for, local_path, short_name
from kg.views.observations import ObservationRow, article_href, observation_rows
from kg.views.page_parts import page_parts, wide_properties
from kg.views.statements import OBSERVATION_LINKS, Builder, Source, Statements, inverses_for
from kg.views.units import units_for

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
QB_OBSERVATION = "http://purl.org/linked-data/cube#Observation"
TITLES = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
          "http://schema.org/headline")
DESCRIPTIONS = ("http://www.w3.org/2004/02/skos/core#definition", "http://purl.org/dc/terms/description",
                "http://www.w3.org/2000/01/rdf-schema#comment")
ALIASES = "http://www.w3.org/2004/02/skos/core#altLabel"
QUOTED_FROM = "http://www.w3.org/ns/prov#wasQuotedFrom"
#: Rows per page of the paged parts (the page query fetches one more to know whether another page follows).
INBOUND_PAGE, OBSERVATION_PAGE = 100, 50
#: The outgoing part's filter (kg.queries entity_page), to which the wide properties of an entity are added.
OUT_FILTER = "FILTER(?p NOT IN (" + ", ".join(f"dkg:{name}" for name in OBSERVATION_LINKS) + "))"


@dataclass
class Pager:
    """Where the long lists are: this page, and whether there are others."""

    page: int = 1
    has_next: bool = False

    @property
    def has_previous(self) -> bool:
        return self.page > 1


@dataclass
class EntityPage:
    """Everything an entity page shows."""

    iri: str
    path: str
    title: Label
    other_title: Label | None
    description: Label | None
    aliases: list[str]
    types: list[Link]
    identifiers: list[Identifier]
    statements: Statements
    observations: list[ObservationRow]
    figures: list[KeyFigure]
    sources: list[Source]  # where the entity itself is quoted
    pager: Pager
    is_observation: bool = False
    observation: ObservationRow | None = None
    article: ArticleView | None = None
    mentioned_in: list[Link] = field(default_factory=list)
    chart: Chart | None = None


def page_query(base: str, iri: str, page: int, *, named_graphs: bool = True, parts: set[str] | None = None,
               wide: Iterable[str] = ()) -> str:
    """The page query for ``iri`` (its VALUES blocks filled with the IRI, a validated pyoxigraph term) at ``page``,
    with only ``parts`` (kg.views.page_parts; None: all); the ``wide`` properties (kg.views.page_parts
    wide_properties) read in a part each, at most a page's worth, instead of with the other outgoing triples; without
    ``named_graphs`` (a user's files in the default graph) the outgoing triples are read from it."""
    text = query("entity_page", base)
    if parts is not None:
        text = only_parts(text, parts)
    wide_iris = [ox.NamedNode(p) for p in sorted(wide)]
    text = part_per_term(text, "wide", "p", wide_iris)
    if wide_iris and 'BIND("out" AS ?part)' in text:
        if OUT_FILTER not in text:
            raise ValueError("the page query's outgoing part has no filter to leave the wide properties out of")
        text = text.replace(OUT_FILTER, OUT_FILTER[:-2] + "".join(f", {p}" for p in wide_iris) + "))", 1)
    if not named_graphs:
        text = text.replace("GRAPH ?g { ?s ?p ?o }", "?s ?p ?o")
    node = ox.NamedNode(iri)
    while "VALUES ?s { }" in text:
        text = with_values(text, "s", [node])
    offset_in, offset_obs = (page - 1) * INBOUND_PAGE, (page - 1) * OBSERVATION_PAGE
    text = text.replace(f"LIMIT {INBOUND_PAGE + 1} OFFSET 0", f"LIMIT {INBOUND_PAGE + 1} OFFSET {int(offset_in)}")
    return text.replace(f"LIMIT {OBSERVATION_PAGE + 1} OFFSET 0",
                        f"LIMIT {OBSERVATION_PAGE + 1} OFFSET {int(offset_obs)}")


def build_entity_page(store: Store, iri: str, lang: str, *, page: int = 1, highlight: str = "") -> EntityPage | None:
    """The page of one entity (None when the store says nothing about it as a subject)."""
    base = store.base
    page = max(1, page)
    named = memo(store, "named-graphs", lambda s: s.ask(query("entity_named_graphs", s.base)))
    hub_links = hub_inbound(store).get(iri)
    wanted = page_parts(store, iri, hub=hub_links is not None)
    wide = (wide_properties(store) or {}).get(iri, {})
    rows = store.select_union(page_query(base, iri, page, named_graphs=named, parts=wanted, wide=wide))
    if "obs" not in wanted and any(row["part"].value == "out" and row["p"].value == RDF_TYPE
                                   and row["o"].value == QB_OBSERVATION for row in rows):
        rows += store.select(page_query(base, iri, page, parts={"obs"}))  # an observation: its own row
    parts: dict[str, list[Row]] = {}
    for row in rows:
        parts.setdefault(row["part"].value, []).append(row)
    if hub_links is not None:  # the same rows the "in" part would have read, from the per-version table
        parts["in"] = hub_links[(page - 1) * INBOUND_PAGE:page * INBOUND_PAGE + 1]
    out_rows = with_inferred(parts.get("out", []) + parts.get("wide", []), base + "data/inferred")
    if not out_rows:
        return None
    obs_rows = parts.get("obs", [])
    labels = labels_for(store)  # the label table of the data version, shared with search and listings
    units = units_for(store, labels)
    observations = observation_rows(obs_rows, lang, base, labels, units, OBSERVATION_PAGE)
    in_rows = parts.get("in", [])
    more_in = len(in_rows) > INBOUND_PAGE
    in_rows = [r for r in in_rows[:INBOUND_PAGE] if isinstance(r["x"], ox.NamedNode) and not is_true(r.get("isobs"))]
    more_obs = len({row["obs"].value for row in obs_rows}) > OBSERVATION_PAGE
    pager = Pager(page, more_in or more_obs)

    texts: dict[str, dict[str, str]] = {"title": {}, "description": {}}
    aliases: list[str] = []
    types: list[Link] = []
    quotes: list[str] = []
    quoted_from: list[str] = []
    for row in out_rows:
        p, o = row["p"].value, row["o"]
        if isinstance(o, ox.Literal):
            short = (o.language or "")[:2]
            if p in TITLES and short in ("zh", "en"):
                texts["title"].setdefault(short, o.value)
            elif p in DESCRIPTIONS and short in ("zh", "en"):
                texts["description"].setdefault(short, o.value)
            elif p == ALIASES and short == lang and o.value not in aliases:
                aliases.append(o.value)
            elif p == base + "def/ontology#quote":
                quotes.append(o.value)
        elif p == RDF_TYPE and not is_true(row.get("inferred")):
            types.append(class_link(o.value, labels.get(o.value, {}), lang, base))
        elif p == QUOTED_FROM and o.value not in quoted_from:
            quoted_from.append(o.value)
    types.sort(key=lambda t: (t.label.text.lower(), t.iri))
    ids, id_keys = identifiers(out_rows, base, labels, lang)
    builder = Builder(iri, lang, base, labels, inverses_for(store))
    builder.add_evidence(parts.get("ev", []))
    counts = {row["p"].value: int(row["n"].value) for row in parts.get("count", [])}
    statement_rows = [r for r in out_rows if (r["p"].value, r["o"].value if isinstance(r["o"], ox.NamedNode)
                                              else str(r["o"])) not in id_keys]
    statements = builder.build(statement_rows, in_rows, parts.get("via", []), counts, wide)
    title = choose_label(texts["title"], lang, short_name(iri, base))
    other = next((Label(text, code) for code, text in texts["title"].items() if code != title.lang and text), None)
    is_observation = any(t.iri.endswith("cube#Observation") for t in types)
    mentioned = [builder.link(a) for a in quoted_from]
    article = build_article_view(store, iri, lang, highlight, rows=parts.get("quote", []), labels=labels,
                                 out_rows=out_rows) if "quote" in parts or iri in article_texts(store) else None
    return EntityPage(
        iri=iri,
        path=local_path(iri, base) or iri,
        title=title,
        other_title=other,
        description=choose_label(texts["description"], lang, "") if texts["description"] else
        summary(types, statements, mentioned, lang),
        aliases=aliases,
        types=types,
        identifiers=ids,
        statements=statements,
        observations=[] if is_observation else observations,
        figures=[] if is_observation else key_figures(observations),
        sources=self_sources(iri, quotes, mentioned, article_texts(store)),
        pager=pager,
        is_observation=is_observation,
        observation=next((o for o in observations if o.link.iri == iri), None),
        article=article,
        mentioned_in=mentioned,
        chart=None if is_observation else build_chart(observations, {"reference": STRINGS["reference"][lang]}),
    )


def with_inferred(out_rows: list[Row], inferred_graph: str) -> list[Row]:
    """One row per outgoing triple (the query gives one per graph), ``inferred`` when only data/inferred holds it."""
    graphs: dict[tuple[str, str], set[str]] = {}
    first: dict[tuple[str, str], Row] = {}
    for row in out_rows:
        key = (row["p"].value, str(row["o"]))
        first.setdefault(key, row)
        graphs.setdefault(key, set()).add(row["g"].value if "g" in row else "")
    return [{**row, "inferred": ox.Literal(graphs[key] == {inferred_graph})} for key, row in first.items()]


#: Properties that say what a thing is part of, for a one-line description where the graph has none.
PART_OF = ("http://www.w3.org/ns/org#unitOf", "http://www.w3.org/ns/org#subOrganizationOf",
           "def/ontology#partOfDivision", "http://www.w3.org/2004/02/skos/core#broader", "http://schema.org/isPartOf",
           "http://www.w3.org/ns/org#postIn", "def/ontology#locatedIn", "http://www.w3.org/ns/org#memberOf")


def summary(types: list[Link], statements: Statements, mentioned: list[Link], lang: str) -> Label | None:
    """A one-line description from the graph: "government agency · unit of …", "company · mentioned in …"."""
    if not types:
        return None
    parts = [types[0].label.text]
    groups = {g.prop.iri: g for g in statements.asserted}
    found = next((groups[iri] for key in PART_OF for iri in groups if iri.endswith(key) and groups[iri].statements
                  and groups[iri].statements[0].link), None)
    if found is not None:
        parts.append(f"{found.prop.label.text} {found.statements[0].link.label.text}")
    elif mentioned:
        parts.append(f"{STRINGS['mentioned_in'][lang]} {mentioned[0].label.text}")
    return Label(" · ".join(parts), lang)


def self_sources(iri: str, quotes: list[str], articles: list[Link], texts: dict[str, str]) -> list[Source]:
    """The entity's own quote, linked to the articles it was quoted from whose text holds it.

    An entity names every article that mentions it but carries one quote, so the other articles are left out.
    """
    from kg.views.labels import quote_anchor

    return [Source(text, article, article_href(article.href, quote_anchor(iri)))
            for text in quotes for article in articles if text in texts.get(article.iri, text)]
