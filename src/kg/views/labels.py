"""Labels and links as a page shows them: the reader's language with a visible fallback, local paths for our own
IRIs, named outbound sources (Wikidata, ROR, GeoNames) for others. Labels come from the store: the whole map once
per data version (kg.store.memo), or just the IRIs a page mentions in one query.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from urllib.parse import quote as urlquote

import pyoxigraph as ox

from kg.i18n import VOCABULARY_LABELS
from kg.namespaces import compact, prefixes_for
from kg.packed import PackedGroups
from kg.queries import query, with_values
from kg.store import Row, Store
from kg.store.memo import memo

EXTERNAL_SOURCES = {
    "http://www.wikidata.org/entity/": "Wikidata",
    "https://www.wikidata.org/wiki/": "Wikidata",
    "http://dbpedia.org/resource/": "DBpedia",
    "https://sws.geonames.org/": "GeoNames",
    "http://sws.geonames.org/": "GeoNames",
    "https://ror.org/": "ROR",
    "https://creativecommons.org/": "Creative Commons",
}

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


@lru_cache(maxsize=65536)  # a pure function of its arguments; pages call it for every link (70 µs uncached)
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
    # the short name is only needed when there is no label (and computing it for every link is a page's main cost)
    label = choose_label(texts, lang, "") if any(texts.values()) else Label(short_name(iri, base))
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


#: IRI → {"zh": …, "en": …}: a dict for a page's own labels, packed (kg.packed) for the whole data's.
Labels = Mapping[str, dict[str, str]]


def labels_for(store: Store) -> Labels:
    """IRI → {"zh": …, "en": …} for every labelled IRI, from one query per data version (kg.store.memo)."""
    return memo(store, "labels", _read_labels)


def _read_labels(store: Store) -> Labels:
    labels: dict[str, dict[str, str]] = {}
    for row in store.select(query("labels", store.base)):
        lang = (row["label"].language or "")[:2]
        labels.setdefault(row["s"].value, {}).setdefault(lang, row["label"].value)
    for iri, texts in VOCABULARY_LABELS.items():
        labels.setdefault(iri, dict(texts))
    return PackedGroups(labels)  # shared by every worker: 58 MiB as dicts at 1 M quads, 12 packed


def labels_of(store: Store, rows: list[list[Row]]) -> dict[str, dict[str, str]]:
    """Labels of every IRI the given query rows mention, from one query (a page needs only these)."""
    iris = {term.value for group in rows for row in group for term in row.values() if isinstance(term, ox.NamedNode)}
    labels: dict[str, dict[str, str]] = {}
    if iris:
        nodes = [ox.NamedNode(iri) for iri in sorted(iris)]
        for row in store.select(with_values(query("labels_of", store.base), "s", nodes)):
            lang = (row["label"].language or "")[:2]
            labels.setdefault(row["s"].value, {}).setdefault(lang, row["label"].value)
    for iri in iris & VOCABULARY_LABELS.keys():
        labels.setdefault(iri, dict(VOCABULARY_LABELS[iri]))
    return labels
