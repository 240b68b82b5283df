"""View-models of the listing pages: the home page's counts and entry points, class members, the ontology's terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote as urlquote

import pyoxigraph as ox

from kg.queries import query
from kg.store import Store
from kg.views.entity import (
    Label,
    Link,
    choose_label,
    is_true,
    labels_for,
    make_link,
    short_name,
    term_anchor,
    texts_of,
)
from kg.views.memo import memo


@dataclass
class Member:
    """A class member row."""

    link: Link
    facts: int
    inferred: bool


def build_class_members(store: Store, class_iri: str, lang: str, *, sort: str = "label") -> list[Member]:
    """All members of a class (one query), sorted by label or by number of facts."""
    rows = store.select(query("class_members", store.base), {"class": ox.NamedNode(class_iri)})
    labels = labels_for(store)
    members = [Member(make_link(r["m"].value, labels.get(r["m"].value, {}), lang, store.base),
                      int(r["facts"].value) if "facts" in r else 0, is_true(r.get("inferred"))) for r in rows]
    if sort == "facts":
        members.sort(key=lambda m: (-m.facts, m.link.label.text))
    else:
        members.sort(key=lambda m: (m.link.label.text.casefold(), m.link.iri))
    return members


@dataclass
class Term:
    """A class or property of the ontology as documented."""

    iri: str
    anchor: str
    short: str
    label: Label
    class_href: str
    definition_zh: str = ""
    definition_en: str = ""
    parents: list[Link] = field(default_factory=list)
    domains: list[Link] = field(default_factory=list)
    ranges: list[Link] = field(default_factory=list)
    depth: int = 0


def build_ontology_terms(store: Store, lang: str) -> tuple[list[Term], list[Term]]:
    """Classes in hierarchy order (depth-first, with depth) and properties by label, from one query."""
    base = store.base
    terms: dict[tuple[str, str], Term] = {}
    labels: dict[str, dict[str, str]] = {}
    for row in store.select(query("ontology_terms", base)):
        iri, kind = row["term"].value, row["kind"].value
        labels.setdefault(iri, {}).update(texts_of(row, "zh", "en"))
    for row in store.select(query("ontology_terms", base)):
        iri, kind = row["term"].value, row["kind"].value
        term = terms.get((iri, kind))
        if term is None:
            term = terms[(iri, kind)] = Term(iri, term_anchor(iri, base), short_name(iri, base),
                                             choose_label(labels.get(iri, {}), lang, short_name(iri, base)),
                                             f"/class?iri={urlquote(iri, safe='')}")
        term.definition_zh = row["defzh"].value if "defzh" in row else term.definition_zh
        term.definition_en = row["defen"].value if "defen" in row else term.definition_en
        for key, bucket in (("parent", term.parents), ("domain", term.domains), ("range", term.ranges)):
            if key in row and all(k.iri != row[key].value for k in bucket):
                bucket.append(make_link(row[key].value, labels.get(row[key].value, {}), lang, base, ontology_term=True))
    classes = {t.iri: t for (_, kind), t in terms.items() if kind == "class"}
    properties = sorted((t for (_, kind), t in terms.items() if kind == "property"), key=lambda t: t.short)
    children: dict[str, list[Term]] = {}
    roots = []
    for term in classes.values():
        parents = [p.iri for p in term.parents if p.iri in classes and p.iri != term.iri]
        if parents:
            children.setdefault(parents[0], []).append(term)
        else:
            roots.append(term)
    ordered: list[Term] = []

    def walk(term: Term, depth: int) -> None:
        if term in ordered:
            return
        term.depth = depth
        ordered.append(term)
        for child in sorted(children.get(term.iri, []), key=lambda t: t.short):
            walk(child, depth + 1)

    for root in sorted(roots, key=lambda t: t.short):
        walk(root, 0)
    return ordered, properties


@dataclass
class HomeGroup:
    """An entry-point list on the home page."""

    key: str
    items: list[Link]


def build_home(store: Store, lang: str) -> tuple[dict[str, int], list[HomeGroup]]:
    """Counts and entry points: two queries once per data version (kg.views.memo), links in ``lang`` per request."""
    counts, entries = memo(store, "home", _home_rows)
    labels = labels_for(store)
    groups: dict[str, HomeGroup] = {}
    for key, item in entries:
        groups.setdefault(key, HomeGroup(key, [])).items.append(
            make_link(item, labels.get(item, {}), lang, store.base))
    for group in groups.values():
        group.items.sort(key=lambda k: k.label.text.casefold())
    order = ["agencies", "articles", "indicators"]
    return counts, [groups[k] for k in order if k in groups]


def _home_rows(store: Store) -> tuple[dict[str, int], list[tuple[str, str]]]:
    rows = store.select(query("home_counts", store.base))
    counts = {k: int(v.value) for k, v in rows[0].items()} if rows else {}
    entries = [(row["group"].value, row["item"].value) for row in store.select(query("home_entries", store.base))]
    return counts, entries
