"""View-model of the data browser (/data/observations, in the manner of statistics.gov.scot): filters by indicator,
policy area, agency, area, period and kind of value, a page of the selection as a table and as charts, the whole
selection as CSV, and the SPARQL query that reproduces the table (src/kg/queries/cube_view.rq, filled in).

The selection comes from the in-memory index (kg.views.cube_index); the query gives the same rows in the same order.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pyoxigraph as ox

from kg.errors import BadParameter
from kg.i18n import translations
from kg.queries import query, with_values
from kg.store import Store
from kg.store.memo import memo
from kg.views.cube_chart import number_text
from kg.views.cube_index import DIMENSIONS, CubeIndex, Observation, index_for, option_key, order_for, ordered
from kg.views.examples import QUERY_PAGE
from kg.views.labels import Labels, Link, choose_label, format_number, labels_for, make_link

#: Rows per page of the table.
PAGE_SIZE = 50
#: Options offered per filter (those with most observations, and the chosen one).
MAX_OPTIONS = 100
#: The URL of the browser and of its CSV.
PATH = "/data/observations"
CSV_PATH = "/data/observations.csv"
#: The variables of cube_view.rq: the CSV's columns too.
COLUMNS = ("observation", "indicator", "indicatorLabel", "area", "areaLabel", "period", "periodLabel", "kind",
           "kindLabel", "value", "unit", "unitLabel", "qualifier", "printed", "agency", "agencyLabel")
#: The UI string naming each filter.
FACET_LABELS = {"indicator": "indicator", "policy-area": "policy_area", "agency": "agency", "area": "area",
                "period": "period", "kind": "kind"}
_FILTER_LINE = re.compile(r"^\s*#\? (?P<key>[\w-]+) (?P<text>.*)$")


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool = False
    depth: int = 0


@dataclass
class Facet:
    """One filter of the form: its parameter, label and options."""

    name: str
    label: str
    options: list[Option]
    #: Said under the filter when it does not list every value.
    note: str = ""


@dataclass
class Cell:
    """One observation as a table row."""

    link: Link
    indicator: Link
    area: Link
    period: Link
    kind: Link
    value: str
    unit: str
    qualifier: Link | None
    printed: str
    agency: Link | None
    number: float | None = None
    start: str = ""
    unit_iri: str = ""

    @property
    def display(self) -> str:
        """The number with its unit, as a reader writes it."""
        return number_text(self.value, self.unit)


@dataclass
class CubePage:
    """Everything the browser prints."""

    lang: str
    facets: list[Facet]
    filters: dict[str, str]
    total: int
    rows: list[Cell]
    page: int
    pages: int
    csv_href: str
    sparql_href: str
    sparql: str
    reset_href: str
    previous_href: str = ""
    next_href: str = ""
    chosen: list[tuple[str, Link]] = field(default_factory=list)

    @property
    def total_text(self) -> str:
        return f"{self.total:,}"


def parse_filters(args: dict[str, str], store: Store) -> dict[str, str]:
    """The chosen filters as IRIs (a value may be written as its path under the base).

    :raises QueryError: a value the index does not know (400).
    """
    index = index_for(store)
    filters = {}
    for name in DIMENSIONS:
        value = (args.get(name) or "").strip()
        if not value:
            continue
        iri = value if value.startswith(("http://", "https://")) else store.base + value.lstrip("/")
        if iri not in index.postings[name]:
            raise BadParameter(f"unknown {name}: {value!r} (no observation has it; see {PATH})")
        filters[name] = iri
    return filters


def short(iri: str, base: str) -> str:
    """The form of an IRI used in the browser's URLs: its path under the base, else the IRI."""
    return iri[len(base):] if iri.startswith(base) else iri


def href(base: str, filters: dict[str, str], path: str = PATH, **extra: object) -> str:
    params = {name: short(filters[name], base) for name in DIMENSIONS if name in filters}
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return path + ("?" + urlencode(params) if params else "")


def view_query(store: Store, filters: dict[str, str], lang: str, *, limit: int | None = None,
               offset: int = 0) -> str:
    """cube_view.rq for these filters in ``lang``: chosen filter lines filled in, the others dropped, the file's
    header comment replaced by the view's own address."""
    lines = ["# " + href(store.base, filters, lang=lang, page=offset // limit + 1 if limit else None)]
    text = query("cube_view", store.base)
    for line in text[text.index("PREFIX"):].splitlines():
        match = _FILTER_LINE.match(line)
        if match is None:
            lines.append(line)
            continue
        key, text = match["key"], match["text"]
        indent = line[: len(line) - len(line.lstrip())]
        if key in filters:
            lines.append(indent + with_values(text, re.search(r"VALUES \?(\w+)", text)[1],
                                              [ox.NamedNode(filters[key])]))
        elif key == "page" and limit is not None:
            lines.append(text.format(limit=limit, offset=offset))
    text = "\n".join(lines) + "\n"
    if lang == "en":  # the labels' language and its fallback swap places
        text = text.replace('"zh")', '"\0")').replace('"en")', '"zh")').replace('"\0")', '"en")')
    return text


def build_cube_page(store: Store, filters: dict[str, str], lang: str, page: int = 1) -> CubePage:
    """The browser's page ``page`` of the selection ``filters`` in ``lang``."""
    index, labels, base = index_for(store), labels_for(store), store.base
    selection = ordered(index.select(filters), order_for(store))
    pages = max(1, math.ceil(len(selection) / PAGE_SIZE))
    page = min(max(1, page), pages)
    shown = selection[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    lang_arg = {"lang": lang}
    sparql = view_query(store, filters, lang, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)

    def link(iri: str) -> Link:
        return make_link(iri, labels.get(iri, {}), lang, base)

    def facets_for(chosen: dict[str, str]) -> list[Facet]:
        return [facet(index, labels, name, chosen, lang, base) for name in DIMENSIONS]

    # the unfiltered page's filters are the same for every reader of a language: made once per data version
    facets = memo(store, f"cube-facets-{lang}", lambda _: facets_for({})) if not filters else facets_for(filters)
    return CubePage(
        lang=lang, facets=facets, filters=filters,
        total=len(selection), rows=[cell(index.rows[p], index, labels, lang, base) for p in shown], page=page,
        pages=pages, csv_href=href(base, filters, CSV_PATH, **lang_arg), sparql=sparql,
        sparql_href=QUERY_PAGE + "?" + urlencode({"query": sparql}), reset_href=PATH,
        previous_href=href(base, filters, page=page - 1) if page > 1 else "",
        next_href=href(base, filters, page=page + 1) if page < pages else "",
        chosen=[(name, link(iri)) for name, iri in filters.items()],
    )


def facet(index: CubeIndex, labels: Labels, name: str, filters: dict[str, str], lang: str, base: str) -> Facet:
    """The options of one filter with their counts among the observations the other filters leave."""
    counts = index.counts(name, filters)
    chosen = filters.get(name, "")
    values = [v for v, _ in counts.most_common(MAX_OPTIONS)]
    limited = len(counts) > len(values)
    if chosen and chosen not in values:
        values.append(chosen)
    key = option_key(labels, lang)
    if name == "period":
        values.sort(key=lambda v: (index.starts.get(v, ""), key(v)))
    else:
        values.sort(key=key)
    depth = {}
    if name == "policy-area":  # a tree: each top area followed by its narrower ones
        tops = [v for v in values if index.broader.get(v) not in values]
        tree = []
        for top in tops:
            tree.append(top)
            children = [v for v in values if index.broader.get(v) == top]
            tree += children
            depth.update(dict.fromkeys(children, 1))
        values = tree + [v for v in values if v not in tree]
    t = translations(lang)

    def text(v: str) -> str:
        return "— " * depth.get(v, 0) + (choose_label(labels.get(v, {}), lang, "").text or short(v, base))

    return Facet(name, t[FACET_LABELS[name]], [
        Option(short(v, base), text(v),
               counts.get(v, 0), v == chosen, depth.get(v, 0)) for v in values],
        t["options_limited"].format(n=len(values)) if limited else "")


def unit_text(index: CubeIndex, labels: Labels, unit: str, lang: str) -> str:
    """A unit as printed next to a number: its symbol (%, ‰) when it has one, else its label in ``lang``."""
    notation = index.units.get(unit, "")
    if notation and len(notation) == 1 and not notation.isalnum():
        return notation
    texts = labels.get(unit, {})
    return texts.get(lang) or texts.get("en" if lang == "zh" else "zh") or ""


def cell(row: Observation, index: CubeIndex, labels: Labels, lang: str, base: str) -> Cell:
    def link(iri: str) -> Link:
        return make_link(iri, labels.get(iri, {}), lang, base)

    try:
        number = float(row.value)
        number = number if math.isfinite(number) else None
    except ValueError:
        number = None
    return Cell(link(row.iri), link(row.indicator), link(row.area), link(row.period), link(row.kind),
                format_number(row.value), unit_text(index, labels, row.unit, lang),
                link(row.qualifier) if row.qualifier else None, row.printed,
                link(row.agency) if row.agency else None, number, row.start, row.unit)


def csv_rows(store: Store, filters: dict[str, str], lang: str) -> list[list[str]]:
    """The whole selection as rows of the CSV (the columns of cube_view.rq, in its order and language)."""
    index, labels = index_for(store), labels_for(store)
    out = [list(COLUMNS)]
    for position in ordered(index.select(filters), order_for(store)):
        r = index.rows[position]

        def name(iri: str) -> str:
            return labels.get(iri, {}).get(lang, "") if iri else ""

        other = "en" if lang == "zh" else "zh"
        out.append([r.iri, r.indicator, labels.get(r.indicator, {}).get(lang) or labels.get(r.indicator, {}).get(
            other, r.indicator), r.area, labels.get(r.area, {}).get(lang) or labels.get(r.area, {}).get(other, r.area),
            r.period, name(r.period), r.kind, name(r.kind), r.value, r.unit, name(r.unit), r.qualifier, r.printed,
            r.agency, name(r.agency)])
    return out
