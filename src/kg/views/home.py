"""View-model of the home page: what the dataset is, its counts, entry points, example queries and downloads."""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.i18n import translations
from kg.queries import query
from kg.store import Store
from kg.store.memo import memo
from kg.views.examples import ExampleQuery
from kg.views.labels import Link, labels_for, make_link

#: Example queries listed on the home page.
EXAMPLES_SHOWN = 6
#: The counts shown, in order (keys of home_counts.rq and of the UI strings).
COUNTS_SHOWN = ("triples", "observations", "organisations", "people", "articles", "indicators", "evidence")
#: Downloads and the machine-readable description, linked from the home page.
DOWNLOAD_LINKS = ("/downloads/", "/.well-known/void")


@dataclass
class Count:
    label: str
    value: str


@dataclass
class Entry:
    """A titled link (an example query, a download)."""

    title: str
    href: str


@dataclass
class HomeGroup:
    """An entry-point list on the home page."""

    key: str
    items: list[Link]
    title: str = ""

    @property
    def entries(self) -> list[Link]:
        return self.items


@dataclass
class HomeView:
    """Everything the home page prints."""

    counts: list[Count]
    groups: list[HomeGroup]
    examples: list[Entry] = field(default_factory=list)
    downloads: list[Entry] = field(default_factory=list)


def build_home_view(store: Store, lang: str, examples: list[ExampleQuery]) -> HomeView:
    """The home page in ``lang``: counts and entry points computed once per data version, links per request."""
    counts, groups = build_home(store, lang)
    t = translations(lang)
    for group in groups:
        group.title = t[group.key]
    return HomeView(
        counts=[Count(t[key], f"{counts[key]:,}") for key in COUNTS_SHOWN if key in counts],
        groups=groups,
        examples=[Entry(example.title(lang), example.href) for example in examples[:EXAMPLES_SHOWN]],
        downloads=[Entry(href, href) for href in DOWNLOAD_LINKS],
    )


def build_home(store: Store, lang: str) -> tuple[dict[str, int], list[HomeGroup]]:
    """Counts and entry points: two queries once per data version (kg.store.memo), links in ``lang`` per request."""
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
