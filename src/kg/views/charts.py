"""Server-side SVG charts as data: the template draws, this module computes every coordinate and every word.

A chart never sets one area's value against another's as if they were one series: each panel is one indicator in
one area, its bars in time order (baseline → reached → target), each bar labelled with its period, kind and value;
a value of another area for the same indicator (China's planning standard next to Dalian's level) is a dashed
reference line, labelled as a reference with its area. Panels of one unit share a scale (a parent indicator's
sub-indicators side by side); other units get their own. Only levels are drawn (flows and totals are in the table),
and only series that compare something: two values or more, or a reference. The width fits a phone at 1:1, so its
text stays at least 11 px there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from kg.views.observations import ObservationRow

#: Levels a chart draws.
LEVELS = ("baseline", "reached", "maximum", "target")
WIDTH = 340
BAR_HEIGHT = 12
LINE = 16  # one line of 13 px text
KIND_CLASSES = {"baseline": "bar-baseline", "reached": "bar-reached", "target": "bar-target", "maximum": "bar-target"}


@dataclass
class Bar:
    """One value: its label line ("2020 · baseline · 750元/人·月"), the bar's geometry, and what it is."""

    y: int
    width: int
    css: str
    text: str
    period: str
    area: str
    kind: str
    value: str


@dataclass
class Reference:
    """A value of another area drawn as a dashed line across the panel, with its label lines under the bars."""

    x: int
    y1: int
    y2: int
    text_y: int
    lines: list[str]
    area: str
    period: str
    value: str


@dataclass
class Panel:
    """One indicator in one area, drawn as its own SVG of ``height``: title lines, bars, references."""

    height: int
    title: list[str]
    indicator: str
    area: str
    unit: str
    bars: list[Bar] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)


@dataclass
class Chart:
    """The panels of a page (laid out side by side where there is room), and its rows as a table."""

    width: int
    panels: list[Panel]
    rows: list[ObservationRow]


def text_width(text: str) -> float:
    """Width of ``text`` at 13 px: CJK and full-width characters ~13 px, others ~7 px."""
    return sum(13 if ord(ch) >= 0x2E80 else 7.2 for ch in text)


def wrap(text: str, width: int = WIDTH) -> list[str]:
    """Lines of at most ``width`` px, cut between words (Latin) or characters (CJK).

    >>> wrap("a" * 60, 100)[0] == "a" * 13
    True
    """
    lines, current = [], ""
    for token in _tokens(text):
        if current and text_width(current + token) > width:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current += token
    if current.strip():
        lines.append(current.rstrip())
    return [piece for line in lines for piece in _split_long(line, width)]


def _tokens(text: str) -> list[str]:
    tokens, word = [], ""
    for ch in text:
        if ord(ch) >= 0x2E80:
            tokens += [word, ch] if word else [ch]
            word = ""
        elif ch == " ":
            tokens.append(word + " ")
            word = ""
        else:
            word += ch
    return tokens + ([word] if word else [])


def _split_long(line: str, width: int) -> list[str]:
    out, current = [], ""
    for ch in line:
        if current and text_width(current + ch) > width:
            out.append(current)
            current = ""
        current += ch
    return out + [current] if current else out


def build_chart(rows: list[ObservationRow], labels: dict[str, str] | None = None) -> Chart | None:
    """The chart of ``rows`` (None when no series compares anything). ``labels`` gives the words "reference" and
    "no area" in the page's language."""
    words = {"reference": "reference", **(labels or {})}
    series: dict[tuple[str, str], list[ObservationRow]] = {}
    for row in rows:
        if row.kind_key in LEVELS and row.number is not None:
            series.setdefault((row.indicator.iri, row.area.iri if row.area else ""), []).append(row)
    by_indicator: dict[str, list[tuple[str, list[ObservationRow]]]] = {}
    for (indicator, area), values in series.items():
        by_indicator.setdefault(indicator, []).append((area, sorted(values, key=lambda r: r.when)))
    plans: list[tuple[list[ObservationRow], list[ObservationRow]]] = []
    for areas in by_indicator.values():
        areas.sort(key=lambda item: -len(item[1]))
        main, others = areas[0][1], [r for _, values in areas[1:] for r in values]
        if len(main) > 1 or others:
            plans.append((main, others))
    if not plans:
        return None
    tops: dict[str, Decimal] = {}
    for main, others in plans:
        for row in main + others:
            tops[row.unit] = max(tops.get(row.unit, Decimal(0)), abs(row.number or 0))
    panels = [layout_panel(main, others, tops[main[0].unit] or Decimal(1), words) for main, others in plans]
    return Chart(WIDTH, panels, [r for main, others in plans for r in main + others])


def layout_panel(main: list[ObservationRow], others: list[ObservationRow], top: Decimal,
                 words: dict[str, str]) -> Panel:
    """One panel: the title, a label line and a bar per value, reference lines and their labels."""
    first = main[0]
    area = first.area.label.text if first.area else ""
    unit = f" ({first.unit})" if first.unit else ""
    title = wrap(f"{first.indicator.label.text} · {area}{unit}")
    panel = Panel(0, title, first.indicator.label.text, area, first.unit)
    y = LINE * len(title) + 4
    bars_top = y
    for row in main:
        width = max(2, int(WIDTH * abs(row.number or 0) / top))
        text = " · ".join(part for part in (row.period, row.kind, row.number_text) if part)
        panel.bars.append(Bar(y, width, KIND_CLASSES.get(row.kind_key, "bar-reached"), text, row.period,
                              area, row.kind, row.number_text))
        y += LINE + BAR_HEIGHT + 6
    for row in others:
        x = max(1, int(WIDTH * abs(row.number or 0) / top))
        other_area = row.area.label.text if row.area else ""
        lines = wrap(f"┆ {words['reference']}: {other_area} · {row.period} · {row.kind} · {row.number_text}")
        panel.references.append(Reference(x, bars_top, y - 4, y + 12, lines, other_area, row.period,
                                          row.number_text))
        y += LINE * len(lines) + 2
    panel.height = y + 4
    return panel
