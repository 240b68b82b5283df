"""Observations as a page's table rows: the value formatted, its unit, kind, period and area, and where it is quoted."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kg.graph.normalise import normalise
from kg.store import Row
from kg.views.labels import (
    Label,
    Labels,
    Link,
    choose_label,
    format_number,
    local_path,
    make_link,
    quote_anchor,
    short_name,
)

CHART_KINDS = ("baseline", "reached", "target")

@dataclass
class ObservationRow:
    """One row of an observation table, formatted for printing."""

    link: Link
    indicator: Link
    value: str
    unit: str
    qualifier: str
    period: str
    kind: str
    kind_key: str
    verbatim: str
    quote: str
    source_href: str
    number: Decimal | None = None
    unit_word: str = ""
    area: Link | None = None



def article_href(article_path: str, anchor: str) -> str:
    """Where a quote is highlighted: the article page, emphasised and scrolled to."""
    return f"{article_path}?highlight={anchor}#{anchor}"


def unit_word_of(verbatim: str, default: str) -> str:
    """The unit word as printed in the verbatim value ("972元" → "元"), else ``default``."""
    try:
        return normalise(verbatim).unit_word or default
    except ValueError:
        return default


def observation_row(row: Row, lang: str, base: str, labels: Labels) -> ObservationRow:
    """One observation formatted for a table (and the chart)."""
    def text(key: str) -> str:
        texts = labels.get(row[key].value, {}) if key in row else {}
        return choose_label(texts, lang, "").text if texts else ""

    def lab(key: str) -> dict[str, str]:
        return labels.get(row[key].value, {})

    obs = row["obs"].value
    value = format_number(row["value"].value) if "value" in row else ""
    unit = text("unit")
    article = make_link(row["article"].value, lab("article"), lang, base) if "article" in row else None
    number = None
    if "value" in row:
        try:
            number = Decimal(row["value"].value)
        except InvalidOperation:
            number = None
    kind_key = row["kind"].value.rsplit("/", 1)[-1] if "kind" in row else ""
    return ObservationRow(
        link=Link(local_path(obs, base) or obs, Label(short_name(obs, base)), obs),
        indicator=make_link(row["indicator"].value, lab("indicator"), lang, base),
        value=value,
        unit=unit,
        qualifier=text("qualifier"),
        period=text("period"),
        kind=text("kind") or kind_key,
        kind_key=kind_key,
        verbatim=row["verbatim"].value if "verbatim" in row else "",
        quote=row["quote"].value if "quote" in row else "",
        source_href=article_href(article.href, quote_anchor(obs)) if article else "",
        number=number,
        unit_word=unit_word_of(row["verbatim"].value if "verbatim" in row else "",
                               row["written"].value if "written" in row else unit),
        area=make_link(row["area"].value, lab("area"), lang, base) if "area" in row else None,
    )
