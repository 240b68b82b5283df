"""Observations as a page prints them: the value with its unit in the reader's language, what kind of value it is,
when and where, what it measures, whether the graph says more than the page (interpretation), and its sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from kg.store import Row
from kg.views.labels import Label, Labels, Link, choose_label, local_path, make_link, quote_anchor, short_name
from kg.views.units import Unit, format_value, number_text, unit_text

#: The kinds a chart draws as levels in time, in the order they are drawn.
CHART_KINDS = ("baseline", "reached", "target")
#: Kinds in reading order (a level before the flows, the plan's target last).
KIND_ORDER = ("baseline", "reached", "maximum", "increase", "annual-average", "cumulative", "rank", "target")


@dataclass
class ObservationRow:
    """One observation, formatted for a table row, a key-figure card and the chart."""

    link: Link
    anchor: str
    indicator: Link
    value: str  # "972元/人·月", "more than 441 million yuan"
    number_text: str  # "972", "more than 441 million"
    unit: str  # the unit alone
    kind: str
    kind_key: str
    period: str
    period_key: str
    area: Link | None
    verbatim: str
    quote: str
    source_href: str
    article: Link | None = None
    number: Decimal | None = None
    qualifier: str = ""
    measures: list[Link] = field(default_factory=list)
    interpretations: list[Link] = field(default_factory=list)
    organisation: Link | None = None

    @property
    def row_id(self) -> str:
        """The id of its row in a page's figures (the article page keeps ``anchor`` for the quote's mark)."""
        return "fig-" + self.anchor

    @property
    def when(self) -> tuple[int, int, int]:
        """Sort key in time: the period's first year, its last year, then the kind (baseline → reached → target)."""
        start, end = period_years(self.period_key)
        order = KIND_ORDER.index(self.kind_key) if self.kind_key in KIND_ORDER else len(KIND_ORDER)
        return start, end, order


def period_years(key: str) -> tuple[int, int]:
    """(first year, last year) of a period key: "2021-2025" → (2021, 2025), "2025-H1" → (2025, 2025).

    >>> period_years("2020"), period_years("2021-2025"), period_years("2023-onward"), period_years("x")
    ((2020, 2020), (2021, 2025), (2023, 9999), (0, 0))
    """
    years = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", key)]
    if not years:
        return 0, 0
    return years[0], 9999 if "onward" in key else years[-1]


def article_href(article_path: str, anchor: str) -> str:
    """Where a quote is highlighted: the article page, emphasised and scrolled to."""
    return f"{article_path}?highlight={anchor}#{anchor}"


def key_of(iri: str) -> str:
    """The last path segment of an IRI ("…/def/value-kind/reached" → "reached")."""
    return iri.rstrip("/").rsplit("/", 1)[-1]


def observation_rows(rows: list[Row], lang: str, base: str, labels: Labels, units: dict[str, Unit],
                     limit: int | None = None) -> list[ObservationRow]:
    """One :class:`ObservationRow` per observation of the page query's "obs" rows (several rows each when an
    observation measures several things or carries several interpretation marks), by indicator, then in time."""
    by_obs: dict[str, ObservationRow] = {}
    for row in rows:
        obs = row["obs"].value
        if obs not in by_obs and limit is not None and len(by_obs) >= limit:
            continue  # the query's one extra row, fetched only to know that another page follows
        if obs not in by_obs:
            by_obs[obs] = observation_row(row, lang, base, labels, units)
        current = by_obs[obs]
        for key, target in (("measures", current.measures), ("interp", current.interpretations)):
            if key in row and all(link.iri != row[key].value for link in target):
                target.append(make_link(row[key].value, labels.get(row[key].value, {}), lang, base))
    return sorted(by_obs.values(), key=lambda r: (r.indicator.label.text.lower(), r.indicator.iri, r.when))


def observation_row(row: Row, lang: str, base: str, labels: Labels, units: dict[str, Unit]) -> ObservationRow:
    """The first row of one observation, formatted."""
    def link(key: str) -> Link | None:
        return make_link(row[key].value, labels.get(row[key].value, {}), lang, base) if key in row else None

    def text(key: str) -> str:
        return choose_label(labels.get(row[key].value, {}), lang, key_of(row[key].value)).text if key in row else ""

    obs = row["obs"].value
    try:
        number = Decimal(row["value"].value) if "value" in row else None
    except InvalidOperation:
        number = None
    unit = units.get(row["unit"].value) if "unit" in row else None
    article = link("article")
    anchor = quote_anchor(obs)
    return ObservationRow(
        link=Link(local_path(obs, base) or obs, choose_label(labels.get(obs, {}), lang, short_name(obs, base)), obs),
        anchor=anchor,
        indicator=link("indicator") or Link("", Label("")),
        value=format_value(number, unit, lang, text("qualifier")),
        number_text=number_text(number, lang, text("qualifier")),
        unit=unit_text(unit, lang),
        kind=text("kind"),
        kind_key=key_of(row["kind"].value) if "kind" in row else "",
        period=text("period"),
        period_key=key_of(row["period"].value) if "period" in row else "",
        area=link("area"),
        verbatim=row["verbatim"].value if "verbatim" in row else "",
        quote=row["quote"].value if "quote" in row else "",
        source_href=article_href(article.href, anchor) if article and "quote" in row else "",
        article=article,
        number=number,
        qualifier=text("qualifier"),
        organisation=link("org"),
    )
