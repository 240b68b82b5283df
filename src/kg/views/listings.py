"""View-models of the listing pages: a class's members (sorted by pinyin or facts, paged) with its place in the
ontology, the ontology's terms, and the ontology's own description (version, licence) both pages show."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from urllib.parse import quote as urlquote
from urllib.parse import urlencode

import pyoxigraph as ox

from kg.i18n import LICENCE_NAMES
from kg.queries import query
from kg.store import Store
from kg.store.memo import memo
from kg.views.collate import collation_key
from kg.views.labels import (
    Label,
    Link,
    choose_label,
    is_true,
    labels_for,
    make_link,
    short_name,
    term_anchor,
)


@dataclass
class Member:
    """A class member row."""

    link: Link
    facts: int
    inferred: bool


#: Members per class page.
PAGE_SIZE = 50
SORTS = ("label", "facts")


@dataclass
class ClassPage:
    """One page of a class's members, with the links that sort and page it."""

    iri: str
    title: Label
    total: int
    members: list[Member]
    page: int
    pages: int
    definition_href: str
    sort_label_href: str
    sort_facts_href: str
    previous_href: str
    next_href: str
    term: Term | None = None
    subclasses: list[Term] = field(default_factory=list)
    properties: list[Term] = field(default_factory=list)
    meta: OntologyMeta | None = None


@dataclass
class OntologyMeta:
    """The ontology as it describes itself (``""`` where it says nothing)."""

    iri: str
    title: str
    description: str
    version: str
    version_iri: str
    licence: Link | None
    issued: str


def build_ontology_meta(store: Store, lang: str) -> OntologyMeta:
    """Title, description, version and licence of the ontology in ``lang``, once per data version."""

    def compute(store: Store) -> OntologyMeta:
        rows = store.select(query("ontology_header", store.base))
        mine = [r for r in rows if "title" in r and (r["title"].language or "")[:2] == lang]
        row = (mine or rows or [{}])[0]

        def text(key: str) -> str:
            return row[key].value if key in row else ""

        licence = None
        if "license" in row:
            iri = row["license"].value
            licence = make_link(iri, {lang: LICENCE_NAMES[iri]} if iri in LICENCE_NAMES else {}, lang, store.base)
        return OntologyMeta(store.base + "def/ontology", text("title"), text("description"), text("version"),
                            text("versionIRI"), licence, text("issued"))

    return memo(store, f"ontology-meta-{lang}", compute)


def build_class_page(store: Store, class_iri: str, lang: str, *, sort: str = "label",
                     page: int = 1) -> ClassPage | None:
    """Page ``page`` of the members of ``class_iri`` sorted by ``sort`` ("label" or "facts"); None when it has none."""
    sort = sort if sort in SORTS else "label"
    members = sorted_members(store, class_iri, lang, sort)
    if not members:
        return None
    pages = max(1, math.ceil(len(members) / PAGE_SIZE))
    page = min(max(1, page), pages)

    def href(**changes: object) -> str:
        return "/class?" + urlencode({"iri": class_iri, "sort": sort, "page": page, **changes})

    labels = labels_for(store).get(class_iri, {})
    link = make_link(class_iri, labels, lang, store.base, ontology_term=True)
    classes, properties = build_ontology_terms(store, lang)
    term = next((c for c in classes if c.iri == class_iri), None)
    related = [p for p in properties if any(k.iri == class_iri for k in (*p.domains, *p.ranges))]
    return ClassPage(
        iri=class_iri, title=choose_label(labels, lang, short_name(class_iri, store.base)), total=len(members),
        members=[Member(make_link(iri, labels_for(store).get(iri, {}), lang, store.base), facts, inferred)
                 for iri, facts, inferred in members[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]], page=page, pages=pages,
        definition_href=link.href, sort_label_href=href(sort="label", page=1),
        sort_facts_href=href(sort="facts", page=1), previous_href=href(page=page - 1) if page > 1 else "",
        next_href=href(page=page + 1) if page < pages else "",
        term=term, subclasses=[c for c in classes if any(k.iri == class_iri for k in c.parents) and c.iri != class_iri],
        properties=related, meta=build_ontology_meta(store, lang),
    )


def build_class_members(store: Store, class_iri: str, lang: str, *, sort: str = "label") -> list[Member]:
    """All members of a class, sorted by label (pinyin order) or by number of facts."""
    labels = labels_for(store)
    return [Member(make_link(iri, labels.get(iri, {}), lang, store.base), facts, inferred)
            for iri, facts, inferred in sorted_members(store, class_iri, lang, sort)]


class _NoMembers(Exception):
    """Nothing to keep: an IRI that is no class here is not remembered (any text can be asked for)."""


def sorted_members(store: Store, class_iri: str, lang: str, sort: str) -> list[tuple[str, int, bool]]:
    """(IRI, facts, inferred) of every member in page order: one query and one sort per class, order and data
    version (kg.store.memo); a class without members is not kept."""

    def rows(store: Store) -> list[tuple[str, int, bool]]:
        found = [(r["m"].value, int(r["facts"].value) if "facts" in r else 0, is_true(r.get("inferred")))
                 for r in store.select(query("class_members", store.base), {"class": ox.NamedNode(class_iri)})]
        if not found:
            raise _NoMembers
        return found

    def ordered(store: Store) -> list[tuple[str, int, bool]]:
        members, labels = memo(store, "class-members " + class_iri, rows), labels_for(store)

        def name(iri: str) -> tuple[str, str]:
            texts = labels.get(iri, {})
            return collation_key(choose_label(texts, lang, "").text if any(texts.values()) else short_name(iri,
                                                                                                           store.base))

        if sort == "facts":
            return sorted(members, key=lambda m: (-m[1], name(m[0]), m[0]))
        return sorted(members, key=lambda m: (name(m[0]), m[0]))

    try:
        return memo(store, f"class-members {class_iri} {sort} {lang}", ordered)
    except _NoMembers:
        return []


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


RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDFS_LABEL, RDFS_SUBCLASS, RDFS_SUBPROPERTY = RDFS + "label", RDFS + "subClassOf", RDFS + "subPropertyOf"
RDFS_DOMAIN, RDFS_RANGE = RDFS + "domain", RDFS + "range"
SKOS_DEFINITION = "http://www.w3.org/2004/02/skos/core#definition"


def _texts(literals: list[ox.NamedNode | ox.Literal]) -> dict[str, str]:
    """The first zh and the first en text among ``literals`` (a language tag zh-… counts as zh)."""
    texts: dict[str, str] = {}
    for literal in literals:
        lang = (getattr(literal, "language", None) or "").split("-")[0].lower()
        if lang in ("zh", "en"):
            texts.setdefault(lang, literal.value)
    return texts


def build_ontology_terms(store: Store, lang: str) -> tuple[list[Term], list[Term]]:
    """Classes in hierarchy order (depth-first, with depth) and properties by name, once per data version."""
    return memo(store, f"ontology-terms-{lang}", lambda s: _ontology_terms(s, lang))


def _ontology_terms(store: Store, lang: str) -> tuple[list[Term], list[Term]]:
    base = store.base
    kinds: dict[str, list[str]] = {}
    facts: dict[str, dict[str, list[ox.NamedNode | ox.Literal]]] = {}
    for row in store.select_union(query("ontology_terms", base)):
        iri = row["term"].value
        if "kind" in row:
            kinds.setdefault(iri, []).append(row["kind"].value)
        else:
            facts.setdefault(iri, {}).setdefault(row["p"].value, []).append(row["o"])
    labels = {iri: _texts(of.get(RDFS_LABEL, [])) for iri, of in facts.items()}
    terms: dict[tuple[str, str], Term] = {}
    for iri, its_kinds in kinds.items():
        of = facts.get(iri, {})
        definitions = _texts(of.get(SKOS_DEFINITION, []))
        for kind in dict.fromkeys(its_kinds):
            term = terms[(iri, kind)] = Term(iri, term_anchor(iri, base), short_name(iri, base),
                                             choose_label(labels.get(iri, {}), lang, short_name(iri, base)),
                                             f"/class?iri={urlquote(iri, safe='')}")
            term.definition_zh, term.definition_en = definitions.get("zh", ""), definitions.get("en", "")
            linked = ((term.parents, (RDFS_SUBCLASS, RDFS_SUBPROPERTY)), (term.domains, (RDFS_DOMAIN,)),
                      (term.ranges, (RDFS_RANGE,)))
            for bucket, predicates in linked:
                for other in (o for p in predicates for o in of.get(p, []) if isinstance(o, ox.NamedNode)):
                    if all(k.iri != other.value for k in bucket):
                        bucket.append(make_link(other.value, labels.get(other.value, {}), lang, base,
                                                ontology_term=True))
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
