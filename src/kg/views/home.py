"""View-model of the home page: what the dataset is, where it comes from, its figures as VoID gives them, entry points
by policy area, the government agencies, example queries and downloads.

Everything but the examples is computed once per data version and language (kg.store.memo): a request only copies it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from kg.i18n import EXAMPLE_GROUPS, translations
from kg.queries import query
from kg.store import Store
from kg.store.memo import memo
from kg.views.collate import sort_by_label
from kg.views.examples import ExampleQuery, group_examples
from kg.views.labels import Labels, Link, class_link, labels_for, make_link

#: The figures shown, in order (keys of home_void.rq / home_counts.rq and of the UI strings).
COUNTS_SHOWN = ("triples", "observations", "indicators", "organisations", "people", "articles", "evidence")
#: UI string of each figure's label where it differs from its key.
COUNT_LABELS = {"evidence": "evidence_nodes"}
#: Agencies listed on the home page (the class page lists them all).
AGENCIES_SHOWN = 12
#: The graph holding the catalog record: VoID's void:triples does not count it.
CATALOG_GRAPH = "data/catalog"
DKG = "def/ontology#"


@dataclass
class Count:
    label: str
    value: str
    key: str = ""


@dataclass
class Entry:
    """A titled link (an example query, a download); ``note`` says more in a word or two."""

    title: str
    href: str
    note: str = ""


@dataclass
class ArticleEntry:
    """An article of the source page with its reporters."""

    link: Link
    reporters: list[Link] = field(default_factory=list)


@dataclass
class Source:
    """The newspaper page the data was encoded from; empty texts mean the graph does not record them."""

    page: Link
    newspaper: Link | None
    date: str
    issue: str
    articles: list[ArticleEntry]
    reporters: list[Link]


@dataclass
class AreaEntry:
    """A policy area as an entry point: its page, the data browser filtered to it, and what is filed under it."""

    link: Link
    browse_href: str
    indicators: int
    observations: int
    children: list[AreaEntry] = field(default_factory=list)


@dataclass
class HomeView:
    """Everything the home page prints."""

    title: str
    description: str
    counts: list[Count]
    triples_note: str
    counts_from_void: bool
    source: Source | None
    areas: list[AreaEntry]
    agencies: list[Link]
    agencies_href: str
    agencies_total: int
    examples: list[Entry] = field(default_factory=list)
    downloads: list[Entry] = field(default_factory=list)


def build_home_view(store: Store, lang: str, examples: list[ExampleQuery]) -> HomeView:
    """The home page in ``lang``: the data part once per data version, the example links per request."""
    view = memo(store, f"home-{lang}", lambda s: _build(s, lang))
    return replace(view, examples=example_entries(examples, lang))


def example_entries(examples: list[ExampleQuery], lang: str) -> list[Entry]:
    """One example per kind of question (the first of each group), federated ones left out (they need an operator's
    permission): each link opens the query page with the query and runs it."""
    entries = []
    for group in group_examples([e for e in examples if not e.federated], lang):
        first = group.examples[0]
        entries.append(Entry(first.title(lang), first.href, EXAMPLE_GROUPS.get(group.key, {}).get(lang, "")))
    return entries


def _build(store: Store, lang: str) -> HomeView:
    t = translations(lang)
    base = store.base
    labels = labels_for(store)
    counts, from_void = home_counts(store)
    graphs = graph_sizes(store)
    graph_text = ", ".join(f"{g[len(base):] if g.startswith(base) else g} ({n:,})" for g, n in graphs)
    agencies_class = base + DKG + "GovernmentAgency"
    agencies = [make_link(r["a"].value, labels.get(r["a"].value, {}), lang, base)
                for r in store.select(query("home_agencies", base))]
    agencies = sort_by_label(agencies, lambda k: k.label.text)
    return HomeView(
        title=_dataset_text(store, lang, "title") or t["site"],
        description=_dataset_text(store, lang, "description") or t[f"about_{lang}"],
        counts=[Count(t[COUNT_LABELS.get(key, key)], f"{counts[key]:,}", key) for key in COUNTS_SHOWN if key in counts],
        triples_note=t["triples_note"].format(graphs=graph_text) + (" " + t["counts_source"] if from_void else ""),
        counts_from_void=from_void,
        source=build_source(store, lang, labels),
        areas=build_areas(store, lang, labels),
        agencies=agencies[:AGENCIES_SHOWN],
        agencies_href=class_link(agencies_class, {}, lang, base).href,
        agencies_total=len(agencies),
        downloads=[Entry(t["downloads_page"], "/downloads/"), Entry(t["void"], "/.well-known/void")],
    )


def home_counts(store: Store) -> tuple[dict[str, int], bool]:
    """The figures from the dataset's VoID description when the store has it (so they agree with it), else computed
    the way kg.publish.catalog computes them; the flag says which."""
    rows = store.select(query("home_void", store.base))
    counts = {row["key"].value: int(row["n"].value) for row in rows}
    if "triples" in counts:
        return counts, True
    rows = store.select(query("home_counts", store.base))
    return ({k: int(v.value) for k, v in rows[0].items()} if rows else {}), False


def graph_sizes(store: Store) -> list[tuple[str, int]]:
    """The named graphs VoID's triple count covers (all but the catalog), with their triples, largest first."""
    catalog = store.base + CATALOG_GRAPH
    rows = store.select(query("store_graph_counts", store.base))
    sizes = [(row["g"].value, int(row["n"].value)) for row in rows if row["g"].value != catalog]
    return sorted(sizes, key=lambda item: (-item[1], item[0]))


def _dataset_text(store: Store, lang: str, key: str) -> str:
    for row in store.select(query("home_dataset", store.base)):
        if (row[key].language or "")[:2] == lang:
            return row[key].value
    return ""


def build_source(store: Store, lang: str, labels: Labels) -> Source | None:
    """The source page, its publisher, date, issue and articles with their reporters (None: no page in the graph)."""
    rows = store.select(query("home_source", store.base))
    if not rows:
        return None
    base = store.base

    def link(iri: str) -> Link:
        return make_link(iri, labels.get(iri, {}), lang, base)

    first = rows[0]
    page_iri = first["page"].value
    articles: dict[str, ArticleEntry] = {}
    reporters: dict[str, Link] = {}
    for row in rows:
        if row["page"].value != page_iri or "article" not in row:
            continue
        entry = articles.setdefault(row["article"].value, ArticleEntry(link(row["article"].value)))
        if "author" in row and all(r.iri != row["author"].value for r in entry.reporters):
            entry.reporters.append(reporters.setdefault(row["author"].value, link(row["author"].value)))
    return Source(
        page=link(page_iri), newspaper=link(first["publisher"].value) if "publisher" in first else None,
        date=first["date"].value if "date" in first else "", issue=first["issue"].value if "issue" in first else "",
        articles=list(articles.values()), reporters=sort_by_label(reporters.values(), lambda k: k.label.text),
    )


def build_areas(store: Store, lang: str, labels: Labels) -> list[AreaEntry]:
    """The policy areas, top level first with their narrower areas, each ordered by label (pinyin in Chinese)."""
    base = store.base
    entries: dict[str, AreaEntry] = {}
    parents: dict[str, str] = {}
    for row in store.select(query("home_policy_areas", store.base)):
        iri = row["area"].value
        key = iri[len(base):] if iri.startswith(base) else iri
        entries[iri] = AreaEntry(make_link(iri, labels.get(iri, {}), lang, base),
                                 "/data/observations?" + urlencode({"policy-area": key}),
                                 int(row["indicators"].value), int(row["observations"].value))
        if "broader" in row:
            parents[iri] = row["broader"].value
    top = []
    for iri, entry in entries.items():
        parent = entries.get(parents.get(iri, ""))
        (parent.children if parent is not None else top).append(entry)
    for entry in entries.values():
        entry.children = sort_by_label(entry.children, lambda e: e.link.label.text)
    return sort_by_label(top, lambda e: e.link.label.text)
