"""Label search (/search): the store's text index (kg.sparql.textindex: every name and alias in zh and en and the
pinyin of the Chinese ones, an n-gram index built once per data version), restricted to IRIs under the base and
grouped by type.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote as urlquote

from kg.sparql.textindex import Entry, text_index
from kg.store import Store
from kg.views.collate import collation_key
from kg.views.labels import Link, labels_for, make_link

#: Types preferred as the group of a result, most specific first (ends of IRIs).
GROUP_ORDER = ("#GovernmentAgency", "#Company", "#University", "#Indicator", "NewsArticle", "#Person", "Person",
               "#AdministrativeDivision", "#Place", "Observation", "#Program", "#Policy", "#Initiative")
#: Most results a search page lists.
PAGE_LIMIT = 200


def find_entities(store: Store, text: str, *, limit: int = PAGE_LIMIT) -> list[Entry]:
    """The entities under the base whose names contain ``text``, best first (exact, prefix, shorter name)."""
    return [hit.entry for hit in text_index(store).find(text, limit=limit, accept=lambda entry: entry.local)]


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
    for entry in find_entities(store, text):
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
