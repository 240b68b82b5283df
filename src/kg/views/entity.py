"""View-models of entity pages: everything a template prints, built from a handful of query rows.

The template receives plain dataclasses: labels already chosen in the reader's language (with a visible
fallback flag), links already resolved to local paths or named outbound sources, inferred facts flagged.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from urllib.parse import quote as urlquote

import pyoxigraph as ox

from kg.graph.articles import load_articles
from kg.graph.normalise import normalise
from kg.i18n import VOCABULARY_LABELS
from kg.namespaces import compact, prefixes_for
from kg.queries import query, with_values
from kg.store import Row, Store
from kg.views.memo import memo

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TITLE_PROPERTIES = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
                    "http://schema.org/headline")
DESCRIPTION_PROPERTIES = ("http://www.w3.org/2004/02/skos/core#definition", "http://purl.org/dc/terms/description",
                          "http://www.w3.org/2000/01/rdf-schema#comment")
#: Outbound sources: IRI prefix → name shown before the local id ("Wikidata Q74881").
EXTERNAL_SOURCES = {
    "http://www.wikidata.org/entity/": "Wikidata",
    "https://www.wikidata.org/wiki/": "Wikidata",
    "http://dbpedia.org/resource/": "DBpedia",
    "https://sws.geonames.org/": "GeoNames",
    "http://sws.geonames.org/": "GeoNames",
    "https://ror.org/": "ROR",
    "https://creativecommons.org/": "Creative Commons",
}
CHART_KINDS = ("baseline", "reached", "target")


@dataclass
class Label:
    """A text in some language; ``fallback`` when it is not in the reader's language (shown with a badge)."""

    text: str
    lang: str = ""
    fallback: bool = False


@dataclass
class Link:
    """A resource as shown: its label, where it links, and the outbound source name for external IRIs."""

    href: str
    label: Label
    iri: str = ""
    external: str = ""

    @property
    def show_source(self) -> bool:
        """Whether the source name adds something to the label (it is not the label itself)."""
        return bool(self.external) and self.external != self.label.text


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
class ObservationRow:
    """One row of an observation table, formatted for printing."""

    link: Link
    indicator: Link
    value: str
    unit: str
    qualifier: str
    period: str
    kind: str
    kind_key: str
    verbatim: str
    quote: str
    source_href: str
    number: Decimal | None = None
    unit_word: str = ""
    area: Link | None = None


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


# ---------------------------------------------------------------- small pure helpers


def local_path(iri: str, base: str) -> str | None:
    """The local path an IRI under ``base`` is served at, or None for other IRIs.

    >>> local_path("http://h/id/org/neusoft", "http://h/")
    '/id/org/neusoft'
    """
    if iri.startswith(base):
        return "/" + iri[len(base):]
    return None


def choose_label(texts: dict[str, str], lang: str, fallback_text: str) -> Label:
    """The label in ``lang``, else the other language flagged as a fallback, else ``fallback_text``.

    >>> choose_label({"zh": "东软集团"}, "en", "x")
    Label(text='东软集团', lang='zh', fallback=True)
    """
    if texts.get(lang):
        return Label(texts[lang], lang)
    for other, text in texts.items():
        if text:
            return Label(text, other, True)
    return Label(fallback_text, "", False)


def short_name(iri: str, base: str) -> str:
    """A prefixed name under the longest matching namespace (``orgs:neusoft``), else the IRI's last segment.

    >>> short_name("http://h/id/org/neusoft", "http://h/")
    'orgs:neusoft'
    """
    prefixes = {name: ns for name, ns in prefixes_for(base).items() if len(iri) > len(ns)}
    return compact(iri, prefixes) or iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri


def term_anchor(iri: str, base: str) -> str:
    """The anchor of an ontology term on the ontology page (dkg terms by local name, others as prefix-local)."""
    dkg = base + "def/ontology#"
    if iri.startswith(dkg):
        return iri[len(dkg):]
    return short_name(iri, base).replace(":", "-")


def quote_anchor(key: str) -> str:
    """A stable HTML id for one quoted fact (an observation IRI, an entity IRI, or "s p o" of evidence).

    >>> quote_anchor("x") == quote_anchor("x")
    True
    """
    return "q-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def format_number(value: str) -> str:
    """A decimal for reading: thousands separators, no trailing zeros.

    >>> format_number("42500000.0")
    '42,500,000'
    >>> format_number("2.110")
    '2.11'
    """
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    text = f"{number.normalize():,f}"
    return text


def make_link(iri: str, texts: dict[str, str], lang: str, base: str, *, ontology_term: bool = False) -> Link:
    """Resolve an IRI to a link: local path for own IRIs, class/ontology anchors for terms, named outbound sources."""
    label = choose_label(texts, lang, short_name(iri, base))
    path = local_path(iri, base)
    if ontology_term and (path is None or path.startswith("/def/ontology#")):
        return Link(f"/def/ontology#{term_anchor(iri, base)}", label, iri)
    if path is not None:
        return Link(path, label, iri)
    if not iri.startswith(("http://", "https://")):
        return Link("", label, iri)  # never link other schemes (javascript:, data:, file:)
    for prefix, source in EXTERNAL_SOURCES.items():
        if iri.startswith(prefix):
            name = f"{source} {iri[len(prefix):]}"
            return Link(iri, label if texts else Label(name, "en"), iri, name)
    return Link(iri, label, iri, short_name(iri, base) if not texts else "")


def class_link(iri: str, texts: dict[str, str], lang: str, base: str) -> Link:
    """A type, linked to its class page."""
    return Link(f"/class?iri={urlquote(iri, safe='')}", choose_label(texts, lang, short_name(iri, base)), iri)


def texts_of(row: Row, zh: str, en: str) -> dict[str, str]:
    """The zh/en label columns of a row as a dict, absent ones left out."""
    return {lang: row[key].value for lang, key in (("zh", zh), ("en", en)) if key in row}


def is_true(term: ox.Literal | None) -> bool:
    """A SPARQL boolean column."""
    return term is not None and term.value in ("true", "1")


# ---------------------------------------------------------------- labels (read once per store)

Labels = dict[str, dict[str, str]]


def labels_for(store: Store) -> Labels:
    """IRI → {"zh": …, "en": …} for every labelled IRI, from one query per data version (kg.views.memo)."""
    return memo(store, "labels", _read_labels)


def _read_labels(store: Store) -> Labels:
    labels: Labels = {}
    for row in store.select(query("labels", store.base)):
        lang = (row["label"].language or "")[:2]
        labels.setdefault(row["s"].value, {}).setdefault(lang, row["label"].value)
    for iri, texts in VOCABULARY_LABELS.items():
        labels.setdefault(iri, dict(texts))
    return labels


def labels_of(store: Store, rows: list[list[Row]]) -> Labels:
    """Labels of every IRI the given query rows mention, from one query (a page needs only these)."""
    iris = {term.value for group in rows for row in group for term in row.values() if isinstance(term, ox.NamedNode)}
    labels: Labels = {}
    if iris:
        nodes = [ox.NamedNode(iri) for iri in sorted(iris)]
        for row in store.select(with_values(query("labels_of", store.base), "s", nodes)):
            lang = (row["label"].language or "")[:2]
            labels.setdefault(row["s"].value, {}).setdefault(lang, row["label"].value)
    for iri in iris & VOCABULARY_LABELS.keys():
        labels.setdefault(iri, dict(VOCABULARY_LABELS[iri]))
    return labels


# ---------------------------------------------------------------- building pages


def entity_exists(store: Store, iri: str) -> bool:
    """Whether the store says anything about ``iri`` as a subject."""
    return store.ask(query("entity_exists", store.base), {"s": ox.NamedNode(iri)})


def build_entity_page(store: Store, iri: str, lang: str) -> EntityPage:
    """The page of one entity, from six small queries (out, in, evidence, observations, their details, labels)."""
    base = store.base
    node = ox.NamedNode(iri)
    out_rows = store.select(query("entity_outgoing", base), {"s": node})
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
    evidence += self_evidence(self_quotes, quoted_from)
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


def article_href(article_path: str, anchor: str) -> str:
    """Where a quote is highlighted: the article page, emphasised and scrolled to."""
    return f"{article_path}?highlight={anchor}#{anchor}"


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


@lru_cache(maxsize=1)
def article_texts() -> dict[str, str]:
    """Local path of each article → its text (read once)."""
    return {f"/id/article/{slug}": article.text for slug, article in load_articles().items()}


def self_evidence(quotes: list[tuple[str, str]], articles: list[Link]) -> list[Evidence]:
    """The entity's own quote, linked to the articles it was quoted from whose text holds it.

    An entity names every article that mentions it but carries one quote, so the other articles are left out.
    """
    texts = article_texts()
    return [Evidence([], text, article, article_href(article.href, quote_anchor(iri)))
            for iri, text in quotes for article in articles if text in texts.get(article.href, text)]


def unit_word_of(verbatim: str, default: str) -> str:
    """The unit word as printed in the verbatim value ("972元" → "元"), else ``default``."""
    try:
        return normalise(verbatim).unit_word or default
    except ValueError:
        return default


def observation_row(row: Row, lang: str, base: str, labels: Labels) -> ObservationRow:
    """One observation formatted for a table (and the chart)."""
    def text(key: str) -> str:
        texts = labels.get(row[key].value, {}) if key in row else {}
        return choose_label(texts, lang, "").text if texts else ""

    def lab(key: str) -> dict[str, str]:
        return labels.get(row[key].value, {})

    obs = row["obs"].value
    value = format_number(row["value"].value) if "value" in row else ""
    unit = text("unit")
    article = make_link(row["article"].value, lab("article"), lang, base) if "article" in row else None
    number = None
    if "value" in row:
        try:
            number = Decimal(row["value"].value)
        except InvalidOperation:
            number = None
    kind_key = row["kind"].value.rsplit("/", 1)[-1] if "kind" in row else ""
    return ObservationRow(
        link=Link(local_path(obs, base) or obs, Label(short_name(obs, base)), obs),
        indicator=make_link(row["indicator"].value, lab("indicator"), lang, base),
        value=value,
        unit=unit,
        qualifier=text("qualifier"),
        period=text("period"),
        kind=text("kind") or kind_key,
        kind_key=kind_key,
        verbatim=row["verbatim"].value if "verbatim" in row else "",
        quote=row["quote"].value if "quote" in row else "",
        source_href=article_href(article.href, quote_anchor(obs)) if article else "",
        number=number,
        unit_word=unit_word_of(row["verbatim"].value if "verbatim" in row else "",
                               row["written"].value if "written" in row else unit),
        area=make_link(row["area"].value, lab("area"), lang, base) if "area" in row else None,
    )
