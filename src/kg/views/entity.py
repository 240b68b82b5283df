"""View-models of entity pages: everything a template prints, built from a handful of query rows.

The template receives plain dataclasses: labels already chosen in the reader's language (with a visible
fallback flag), links already resolved to local paths or named outbound sources, inferred facts flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.queries import query, with_values
from kg.store import Row, Store
from kg.views.article import article_texts
from kg.views.labels import (
    Label,
    Labels,
    Link,
    choose_label,
    class_link,
    is_true,
    labels_of,
    local_path,
    make_link,
    quote_anchor,
    short_name,
)
from kg.views.observations import ObservationRow, article_href, observation_row

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TITLE_PROPERTIES = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
                    "http://schema.org/headline")
DESCRIPTION_PROPERTIES = ("http://www.w3.org/2004/02/skos/core#definition", "http://purl.org/dc/terms/description",
                          "http://www.w3.org/2000/01/rdf-schema#comment")
#: Shown by the article view itself, not as a property value.
HIDDEN_PROPERTIES = ("http://schema.org/articleBody",)


@dataclass
class Value:
    """One value of a property: a link, or a literal text with its language and datatype."""

    link: Link | None = None
    text: str = ""
    lang: str = ""
    datatype: str = ""
    inferred: bool = False


@dataclass
class PropertyGroup:
    """A property with all its values on this page."""

    prop: Link
    values: list[Value] = field(default_factory=list)


@dataclass
class Evidence:
    """A verbatim quote supporting a fact, linked to the highlighted place in its article."""

    statement: list[Link]
    quote: str
    article: Link
    href: str


@dataclass
class EntityPage:
    """Everything an entity page shows."""

    iri: str
    path: str
    title: Label
    description: Label | None
    types: list[Value]
    facts: list[PropertyGroup]
    inbound: list[PropertyGroup]
    evidence: list[Evidence]
    observations: list[ObservationRow]
    is_observation: bool = False
    observation: ObservationRow | None = None


def entity_exists(store: Store, iri: str) -> bool:
    """Whether the store says anything about ``iri`` as a subject."""
    return store.ask(query("entity_exists", store.base), {"s": ox.NamedNode(iri)})


def build_entity_page(store: Store, iri: str, lang: str) -> EntityPage | None:
    """The page of one entity, from six small queries (out, in, evidence, observations, their details, labels)."""
    base = store.base
    node = ox.NamedNode(iri)
    out_rows = store.select(query("entity_outgoing", base), {"s": node})
    if not out_rows:
        return None  # nothing is said about it here
    in_rows = store.select(query("entity_inbound", base), {"s": node})
    ev_rows = store.select(query("entity_evidence", base), {"s": node})
    obs_ids = [row["obs"] for row in store.select(query("entity_observation_ids", base), {"s": node})]
    obs_rows = store.select(with_values(query("entity_observations", base), "obs", obs_ids)) if obs_ids else []
    labels = labels_of(store, [out_rows, in_rows, ev_rows, obs_rows])

    title_texts: dict[str, str] = {}
    description_texts: dict[str, str] = {}
    types: list[Value] = []
    groups: dict[str, PropertyGroup] = {}
    self_quotes: list[tuple[str, str]] = []
    quoted_from: list[Link] = []
    for row in sorted(out_rows, key=lambda r: (r["p"].value, str(r["o"]))):
        p, o = row["p"].value, row["o"]
        if p in HIDDEN_PROPERTIES:
            continue
        inferred = is_true(row.get("inferred"))
        if p == RDF_TYPE and isinstance(o, ox.NamedNode):
            types.append(Value(link=class_link(o.value, labels.get(o.value, {}), lang, base), inferred=inferred))
            continue
        if isinstance(o, ox.Literal):
            short = o.language[:2] if o.language else ""
            if p in TITLE_PROPERTIES and short in ("zh", "en"):
                title_texts.setdefault(short, o.value)
            if p in DESCRIPTION_PROPERTIES and short in ("zh", "en"):
                description_texts.setdefault(short, o.value)
            if p == base + "def/ontology#quote":
                self_quotes.append((iri, o.value))
            value = Value(text=o.value, lang=o.language or "", inferred=inferred,
                          datatype="" if o.language else short_name(o.datatype.value, base))
        elif isinstance(o, ox.NamedNode):
            link = make_link(o.value, labels.get(o.value, {}), lang, base)
            if p == "http://www.w3.org/ns/prov#wasQuotedFrom":
                quoted_from.append(link)
            value = Value(link=link, inferred=inferred)
        else:
            value = Value(text="[ ]", inferred=inferred)
        group = groups.setdefault(p, PropertyGroup(make_link(p, labels.get(p, {}), lang, base, ontology_term=True)))
        group.values.append(value)

    inbound: dict[str, PropertyGroup] = {}
    for row in sorted(in_rows, key=lambda r: (r["p"].value, r["x"].value)):
        p = row["p"].value
        group = inbound.setdefault(p, PropertyGroup(make_link(p, labels.get(p, {}), lang, base, ontology_term=True)))
        group.values.append(Value(link=make_link(row["x"].value, labels.get(row["x"].value, {}), lang, base),
                                  inferred=is_true(row.get("inferred"))))

    evidence = [evidence_from_row(row, lang, base, labels) for row in ev_rows]
    evidence += self_evidence(self_quotes, quoted_from, article_texts(store))
    observations = [observation_row(row, lang, base, labels) for row in obs_rows]
    is_observation = any(t.link is not None and t.link.iri.endswith("cube#Observation") for t in types)
    return EntityPage(
        iri=iri,
        path=local_path(iri, base) or iri,
        title=choose_label(title_texts, lang, short_name(iri, base)),
        description=choose_label(description_texts, lang, "") if description_texts else None,
        types=types,
        facts=sorted(groups.values(), key=lambda g: (g.prop.label.text.lower())),
        inbound=sorted(inbound.values(), key=lambda g: g.prop.label.text.lower()),
        evidence=sorted(evidence, key=lambda e: e.href),
        observations=[] if is_observation else observations,
        is_observation=is_observation,
        observation=next((o for o in observations if o.link.iri == iri), None),
    )


def evidence_from_row(row: Row, lang: str, base: str, labels: Labels) -> Evidence:
    """An evidence node (reified statement) as a statement of three links and its quote."""
    def lab(key: str) -> dict[str, str]:
        return labels.get(row[key].value, {})

    statement = [
        make_link(row["subject"].value, lab("subject"), lang, base),
        make_link(row["predicate"].value, lab("predicate"), lang, base, ontology_term=True),
        make_link(row["object"].value, lab("object"), lang, base),
    ]
    article = make_link(row["article"].value, lab("article"), lang, base)
    anchor = quote_anchor(" ".join(row[k].value for k in ("subject", "predicate", "object")))
    return Evidence(statement, row["quote"].value, article, article_href(article.href, anchor))


def self_evidence(quotes: list[tuple[str, str]], articles: list[Link], texts: dict[str, str]) -> list[Evidence]:
    """The entity's own quote, linked to the articles it was quoted from whose text (by IRI) holds it.

    An entity names every article that mentions it but carries one quote, so the other articles are left out.
    """
    return [Evidence([], text, article, article_href(article.href, quote_anchor(iri)))
            for iri, text in quotes for article in articles if text in texts.get(article.iri, text)]
