"""Server-side SVG charts as data: the template draws the bars, this module computes every coordinate.

For each indicator with baseline / reached / target values, one bar per value on the indicator's own scale,
with a text slope such as "750 → 972 元" so the change reads without the graphic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from kg.views.labels import format_number
from kg.views.observations import CHART_KINDS, ObservationRow

ROW_HEIGHT = 22
LABEL_WIDTH = 0  # labels sit above the bars so long Chinese names never squeeze them
BAR_AREA = 300
KIND_CLASSES = {"baseline": "bar-baseline", "reached": "bar-reached", "target": "bar-target"}


@dataclass
class Bar:
    """One value: the bar's geometry and its printed text."""

    y: int
    width: int
    css: str
    kind: str
    text: str
    text_x: int


@dataclass
class IndicatorChart:
    """The bars of one indicator and its heading at ``y``."""

    title: str
    slope: str
    y: int
    bars: list[Bar] = field(default_factory=list)


@dataclass
class Chart:
    """A whole chart: total height and the indicator groups."""

    width: int
    height: int
    groups: list[IndicatorChart]


def build_chart(rows: list[ObservationRow]) -> Chart | None:
    """A chart of the series with two or more of baseline / reached / target (else of every one with any).

    A series is one indicator in one area: values of different areas (Dalian's reached value, China's planning
    standard) are never drawn as one bar pair, and every bar says its kind, period and value. Bars run in time
    order (baseline → reached → target). Returns None when no observation has such a value.
    """
    by_series: dict[tuple[str, str], list[ObservationRow]] = {}
    for row in rows:
        if row.kind_key in CHART_KINDS and row.number is not None:
            area = row.area.iri if row.area is not None else ""
            by_series.setdefault((row.indicator.iri, area), []).append(row)
    compared = [values for values in by_series.values() if len(values) > 1]
    groups: list[IndicatorChart] = []
    y = 0
    for values in compared or list(by_series.values()):
        values.sort(key=lambda r: (CHART_KINDS.index(r.kind_key), r.period))
        top = max(abs(r.number) for r in values if r.number is not None) or Decimal(1)
        area = values[0].area.label.text if values[0].area is not None else ""
        title = f"{values[0].indicator.label.text} · {area}" if area else values[0].indicator.label.text
        group = IndicatorChart(title, slope_text(values), y)
        y += ROW_HEIGHT + 4
        for row in values:
            width = max(2, int(BAR_AREA * abs(row.number) / top)) if row.number is not None else 2
            when = f" {row.period}" if row.period else ""
            text = f"{row.kind}{when}: {format_number(str(row.number))} {row.unit_word}".strip()
            group.bars.append(Bar(y, width, KIND_CLASSES[row.kind_key], row.kind, text, width + 6))
            y += ROW_HEIGHT
        y += 10
        groups.append(group)
    if not groups:
        return None
    return Chart(BAR_AREA + 260, y, groups)


def slope_text(values: list[ObservationRow]) -> str:
    """"750 → 972 元": the values in baseline → reached → target order with the printed unit word."""
    numbers = " → ".join(format_number(str(r.number)) for r in values)
    return f"{numbers} {values[-1].unit_word}".strip()
