"""Label search: an in-memory index of every label and alias (zh, en, pinyin key), built once per store.

The data set is small (hundreds of labels), so a substring scan over prepared keys answers in microseconds and
needs no query per request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote as urlquote

import pyoxigraph as ox
from pypinyin import lazy_pinyin

from kg.queries import query
from kg.store import Store
from kg.views.collate import collation_key
from kg.views.labels import Link, labels_for, make_link
from kg.views.memo import memo

#: Types preferred as the group of a result, most specific first (ends of IRIs).
GROUP_ORDER = ("#GovernmentAgency", "#Company", "#University", "#Indicator", "NewsArticle", "#Person", "Person",
               "#AdministrativeDivision", "#Place", "Observation", "#Program", "#Policy", "#Initiative")


@dataclass
class Entry:
    """One resource in the index: its labels by language and the keys searched."""

    iri: str
    labels: dict[str, str] = field(default_factory=dict)
    keys: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)


@dataclass
class SearchIndex:
    """Entries by IRI."""

    entries: dict[str, Entry]

    def find(self, text: str, *, limit: int = 200) -> list[Entry]:
        """Entries one of whose keys contains ``text`` (case-insensitive; spaces ignored for pinyin)."""
        needle = text.strip().casefold()
        if not needle:
            return []
        squeezed = needle.replace(" ", "")
        hits = [e for e in self.entries.values() if any(needle in k or squeezed in k for k in e.keys)]
        hits.sort(key=lambda e: (min(len(k) for k in e.keys if needle in k or squeezed in k), e.iri))
        return hits[:limit]




def pinyin_key(label: str) -> str:
    """The toneless pinyin of a label, syllables joined.

    >>> pinyin_key("东软")
    'dongruan'
    """
    return "".join(lazy_pinyin(label)).casefold()


def build_index(store: Store) -> SearchIndex:
    """Read every label under the base (one query) and prepare the keys."""
    entries: dict[str, Entry] = {}
    rows = store.select(query("search_labels", store.base), {"base": ox.Literal(store.base)})
    for row in rows:
        iri, label = row["s"].value, row["label"]
        entry = entries.setdefault(iri, Entry(iri))
        lang = (label.language or "")[:2]
        if lang in ("zh", "en") and lang not in entry.labels:
            entry.labels[lang] = label.value
        entry.keys.add(label.value.casefold())
        if lang == "zh" or any("\u4e00" <= ch <= "\u9fff" for ch in label.value):
            entry.keys.add(pinyin_key(label.value))
        if "type" in row:
            entry.types.add(row["type"].value)
    return SearchIndex(entries)


def index_for(store: Store) -> SearchIndex:
    """The store's index for its current data version, built on first use (kg.views.memo)."""
    return memo(store, "search-index", build_index)


def group_type(entry: Entry) -> str:
    """The type a result is grouped under: the most specific known one, else any, else ''."""
    for suffix in GROUP_ORDER:
        for type_iri in sorted(entry.types):
            if type_iri.endswith(suffix):
                return type_iri
    return min(entry.types, default="")


@dataclass
class SearchGroup:
    """Results of one type (``kind`` None: untyped), each a link to its page."""

    type: Link | None
    entries: list[Link]


def match_tier(entry: Entry, text: str) -> int:
    """How well ``entry`` matches: 0 a name equals the text, 1 a name starts with it, 2 a name contains it."""
    needle = text.strip().casefold()
    squeezed = needle.replace(" ", "")
    if needle in entry.keys or squeezed in entry.keys:
        return 0
    return 1 if any(k.startswith((needle, squeezed)) for k in entry.keys) else 2


def build_search_page(store: Store, text: str, lang: str) -> list[SearchGroup]:
    """The results for ``text`` grouped by their most specific known type (the group of the best hit first), types
    linked to their class pages; in a group, exact names first, then names starting with the text, then the rest,
    each in pinyin order (Chinese) or alphabetical order."""
    ranked: dict[str, list[tuple[tuple, Link]]] = {}
    for entry in index_for(store).find(text):
        link = make_link(entry.iri, entry.labels, lang, store.base)
        ranked.setdefault(group_type(entry), []).append(((match_tier(entry, text), collation_key(link.label.text)),
                                                         link))
    groups = {key: [link for _, link in sorted(items, key=lambda item: item[0])] for key, items in ranked.items()}
    type_labels = labels_for(store)
    view = []
    for type_iri, items in groups.items():
        link = None
        if type_iri:
            link = make_link(type_iri, type_labels.get(type_iri, {}), lang, store.base, ontology_term=True)
            link.href = f"/class?iri={urlquote(type_iri, safe='')}"
        view.append(SearchGroup(link, items))
    return view
