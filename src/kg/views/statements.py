"""Statements as Wikidata shows them: grouped by property, each value with its qualifiers and the sentence of the
page that states it; a statement and its inverse folded into one; inferred ones apart; the ones the graph says more
than the page marked (interpretation).

Built from the page query's rows (kg.queries entity_page: parts "out", "in", "ev", "via").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.queries import query
from kg.store import Row, Store
from kg.store.memo import memo
from kg.views.labels import Labels, Link, is_true, make_link, quote_anchor, short_name
from kg.views.observations import article_href

RDF, RDFS, SKOS = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#",
                   "http://www.w3.org/2004/02/skos/core#")
PROV, SCHEMA, DCT = "http://www.w3.org/ns/prov#", "http://schema.org/", "http://purl.org/dc/terms/"
SDMX = "http://purl.org/linked-data/sdmx/2009/"
#: Said elsewhere on the page (header, identifiers, sources, the article text), not as statements.
SHOWN_ELSEWHERE = {
    RDF + "type", RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel", SKOS + "definition", RDFS + "comment",
    DCT + "description", SCHEMA + "name", SCHEMA + "headline", SCHEMA + "articleBody", PROV + "wasQuotedFrom",
    PROV + "wasDerivedFrom", PROV + "value", SCHEMA + "subjectOf",
    # an observation's page shows these in its card
    SDMX + "dimension#refArea", SDMX + "dimension#refPeriod", SDMX + "measure#obsValue", SDMX + "attribute#unitMeasure",
}
#: Own-ontology links from an entity to its observations (relative to the base's def/ontology#): the page lists the
#: observations in their own table, so its query does not read these (kg.queries entity_page, part "out").
OBSERVATION_LINKS = ("responsibleFor", "measuredBy")
#: Own-ontology terms said elsewhere (relative to the base's def/ontology#).
SHOWN_ELSEWHERE_DKG = (*OBSERVATION_LINKS, "quote", "verbatimValue", "indicator", "valueKind", "qualifier",
                       "interpretation", "measures", "responsibleOrganization")
#: Values of one property shown before a "more" toggle.
VISIBLE_VALUES = 12
#: Values of one property a page lists at most (the rest are counted: the data formats and SPARQL have them all).
MAX_VALUES = 100
#: Inbound links the page query counts at most (kg.queries entity_page, part "count").
COUNT_CAP = 1001


@dataclass
class Source:
    """A sentence of the page stating a statement, where it is highlighted, and whether the graph reads more into it."""

    quote: str
    article: Link
    href: str
    interpretations: list[Link] = field(default_factory=list)
    note: str = ""


@dataclass
class Qualifier:
    """A qualifier of a statement: its name (an i18n key) and its values ("product line: smart cockpit")."""

    name: str
    values: list[Link] = field(default_factory=list)


@dataclass
class Statement:
    """One value of a property with its qualifiers and sources; ``anchor`` is its id on the page."""

    anchor: str
    link: Link | None = None
    text: str = ""
    lang: str = ""
    inferred: bool = False
    inverse: bool = False  # asserted in the other direction (the page folds the two)
    qualifiers: list[Qualifier] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)

    @property
    def interpreted(self) -> bool:
        """The graph says more than the page: every source carries an interpretation mark."""
        return bool(self.sources) and all(s.interpretations for s in self.sources)


@dataclass
class StatementGroup:
    """A property with its statements (``total`` counts inbound ones the page may show only a page of)."""

    prop: Link
    statements: list[Statement]
    total: int = 0
    inbound: bool = False
    at_least: bool = False  # ``total`` is a lower bound (a hub's links are counted up to a cap)

    @property
    def visible(self) -> list[Statement]:
        return self.statements[:VISIBLE_VALUES]

    @property
    def more(self) -> list[Statement]:
        return self.statements[VISIBLE_VALUES:]


@dataclass
class Statements:
    """The statement groups of a page: asserted, inferred (collapsed), and inbound ones without an inverse."""

    asserted: list[StatementGroup]
    inferred: list[StatementGroup]
    inbound: list[StatementGroup]
    unplaced: list[tuple[list[Link], Source]]  # evidence about this entity no statement above shows

    @property
    def inferred_count(self) -> int:
        return sum(len(g.statements) for g in self.inferred)


def inverses_for(store: Store) -> dict[str, set[str]]:
    """Property → its inverse properties, once per data version."""
    def read(s: Store) -> dict[str, set[str]]:
        table: dict[str, set[str]] = {}
        for row in s.select(query("entity_inverses", s.base)):
            table.setdefault(row["p"].value, set()).add(row["q"].value)
        return table
    return memo(store, "inverses", read)


def statement_anchor(subject: str, predicate: str, obj: str) -> str:
    """The id of a statement on its subject's page, the same one the article page gives the statement's sentence."""
    return quote_anchor(f"{subject} {predicate} {obj}")


def hidden(p: str, base: str) -> bool:
    """Whether a property is shown elsewhere on the page, not as a statement."""
    dkg = base + "def/ontology#"
    return p in SHOWN_ELSEWHERE or (p.startswith(dkg) and p[len(dkg):] in SHOWN_ELSEWHERE_DKG)


def qualify(statement: Statement, name: str, value: Link) -> None:
    """Add ``value`` to the statement's qualifier ``name`` (once)."""
    qualifier = next((q for q in statement.qualifiers if q.name == name), None)
    if qualifier is None:
        qualifier = Qualifier(name)
        statement.qualifiers.append(qualifier)
    if all(v.iri != value.iri for v in qualifier.values):
        qualifier.values.append(value)


class Builder:
    """Turns the page query's rows into :class:`Statements` for one entity in one language."""

    def __init__(self, iri: str, lang: str, base: str, labels: Labels, inverses: dict[str, set[str]]) -> None:
        self.iri, self.lang, self.base, self.labels, self.inverses = iri, lang, base, labels, inverses
        self.evidence: dict[tuple[str, str, str], list[Source]] = {}
        self.used: set[tuple[str, str, str]] = set()

    def link(self, iri: str, *, term: bool = False) -> Link:
        return make_link(iri, self.labels.get(iri, {}), self.lang, self.base, ontology_term=term)

    def add_evidence(self, rows: list[Row]) -> None:
        for row in rows:
            key = (row["subject"].value, row["predicate"].value, row["object"].value)
            article = self.link(row["article"].value)
            source = Source(row["quote"].value, article,
                            article_href(article.href, statement_anchor(*key)),
                            [self.link(row["interp"].value)] if "interp" in row else [],
                            row["note"].value if "note" in row else "")
            known = self.evidence.setdefault(key, [])
            same = next((s for s in known if s.quote == source.quote and s.article.iri == article.iri), None)
            if same is None:
                known.append(source)
            elif source.interpretations and all(i.iri != source.interpretations[0].iri for i in same.interpretations):
                same.interpretations += source.interpretations

    def sources(self, subject: str, p: str, obj: str) -> list[Source]:
        found: list[Source] = []
        for key in [(subject, p, obj)] + [(obj, q, subject) for q in sorted(self.inverses.get(p, ()))]:
            if key in self.evidence:
                self.used.add(key)
                found += self.evidence[key]
        return found

    def build(self, out_rows: list[Row], in_rows: list[Row], via_rows: list[Row],
              counts: dict[str, int], wide: dict[str, int] | None = None) -> Statements:
        """The page's statement groups; ``counts``: inbound links per property (part "count"); ``wide``: values per
        property of which the page read only some (kg.views.page_parts.wide_properties), said as the group's total."""
        inbound: dict[tuple[str, str], bool] = {}  # (property, subject) → only inferred
        for row in in_rows:
            key = (row["p"].value, row["x"].value)
            inbound[key] = inbound.get(key, True) and is_true(row.get("inferred"))
        out: dict[tuple[str, str], tuple[ox.NamedNode | ox.Literal, bool]] = {}
        for row in out_rows:
            p, o = row["p"].value, row["o"]
            if hidden(p, self.base) or isinstance(o, ox.BlankNode | ox.Triple):
                continue
            key = (p, o.value if isinstance(o, ox.NamedNode) else str(o))
            out[key] = (o, out[key][1] and is_true(row.get("inferred")) if key in out else is_true(row.get("inferred")))
        asserted: dict[str, list[Statement]] = {}
        derived: dict[str, list[Statement]] = {}
        for (p, _), (o, only_inferred) in sorted(out.items()):
            statement = self.statement(p, o)
            folded = [inbound.pop((q, o.value)) for q in self.inverses.get(p, ())
                      if isinstance(o, ox.NamedNode) and (q, o.value) in inbound]
            if only_inferred and not all(folded):
                statement.inverse, only_inferred = True, False
            statement.inferred = only_inferred
            (derived if only_inferred else asserted).setdefault(p, []).append(statement)
        self.add_via(asserted, derived, via_rows)
        referenced: dict[str, list[Statement]] = {}
        for (p, x), inferred in sorted(inbound.items()):
            if hidden(p, self.base):
                continue
            statement = Statement(statement_anchor(x, p, self.iri), link=self.link(x),
                                  inferred=inferred, sources=self.sources(x, p, self.iri))
            referenced.setdefault(p, []).append(statement)
        unplaced = [([self.link(s), self.link(p, term=True), self.link(o)], source)
                    for (s, p, o), sources in sorted(self.evidence.items()) if (s, p, o) not in self.used
                    for source in sources]
        wide = wide or {}  # values not read are counted with the inferred group when there is one, like Dalian's
        return Statements(self.groups(asserted, {p: n for p, n in wide.items() if p not in derived}),
                          self.groups(derived, {p: n - len(asserted.get(p, [])) for p, n in wide.items()}),
                          self.groups(referenced, counts, inbound=True), unplaced)

    def statement(self, p: str, o: ox.NamedNode | ox.Literal) -> Statement:
        if isinstance(o, ox.NamedNode):
            return Statement(statement_anchor(self.iri, p, o.value), link=self.link(o.value),
                             sources=self.sources(self.iri, p, o.value))
        return Statement(statement_anchor(self.iri, p, str(o)), text=o.value, lang=o.language or "")

    def add_via(self, asserted: dict[str, list[Statement]], derived: dict[str, list[Statement]],
                via_rows: list[Row]) -> None:
        """Customers get the product line that reaches them, the segment the text puts them in, and its sentence."""
        statements = {(p, s.link.iri): s for table in (asserted, derived) for p, group in table.items()
                      for s in group if s.link is not None}
        names = {"line": "product_line", "segment": "segment"}
        for row in via_rows:
            statement = statements.get((row["p"].value, row["o"].value))
            if statement is None:
                continue
            for key, name in names.items():
                if key in row:
                    qualify(statement, name, self.link(row[key].value))
            if "quote" in row and all(s.quote != row["quote"].value for s in statement.sources):
                article = self.link(row["article"].value)
                anchor = statement_anchor(row["line"].value, self.base + "def/ontology#suppliedTo", row["o"].value)
                statement.sources.append(Source(row["quote"].value, article, article_href(article.href, anchor)))
        produces = {s.link.iri: s for s in asserted.get(self.base + "def/ontology#produces", []) if s.link}
        for row in via_rows:  # and each product line says whom it is supplied to
            line = produces.get(row["line"].value)
            if line is not None:
                qualify(line, "supplied_to", self.link(row["o"].value))
        for table in (asserted, derived):
            for group in table.values():
                for s in group:
                    for q in s.qualifiers:
                        q.values.sort(key=lambda v: v.label.text.lower())

    def groups(self, table: dict[str, list[Statement]], counts: dict[str, int] | None = None, *,
               inbound: bool = False) -> list[StatementGroup]:
        groups = []
        for p, statements in table.items():
            statements.sort(key=lambda s: (s.inferred, (s.link.label.text if s.link else s.text).lower()))
            total = max(len(statements), (counts or {}).get(p, 0))
            capped = inbound and sum((counts or {}).values()) >= COUNT_CAP
            groups.append(StatementGroup(self.link(p, term=True), statements[:MAX_VALUES], total, inbound, capped))
        return sorted(groups, key=lambda g: (g.prop.label.text.lower(), short_name(g.prop.iri, self.base)))
