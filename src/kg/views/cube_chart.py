"""The data browser's charts as data: one small panel per series — one indicator, one area, one unit — each on its
own scale, every bar named by its period and kind of value and printed with its number and unit. Values of different
indicators, areas or units never share a panel. The template draws the SVG from these coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.views.collate import collation_key

#: The panel's width in SVG units (the SVG is drawn at most this wide, so 12-unit text stays 12 px on a phone).
WIDTH = 360
#: Series drawn per page (the table lists every row).
MAX_SERIES = 6
#: Kinds of value in the order a reader follows them; other kinds after, by name.
KIND_ORDER = ("baseline", "reached", "target")
KIND_CLASSES = {"baseline": "bar-baseline", "reached": "bar-reached", "target": "bar-target"}
TITLE_LINE, SUBTITLE_LINE, BAR_STEP = 17, 16, 36


@dataclass
class ChartBar:
    """One value: the text above the bar, the bar, and the number printed after it."""

    label: str
    value_text: str
    label_y: int
    bar_y: int
    width: int
    text_x: int
    css: str
    drawn: bool = True


@dataclass
class ChartPanel:
    """One series: its titles, its bars and a text alternative; ``indicator``, ``area``, ``unit`` say what it is."""

    key: str
    indicator: str
    area: str
    unit: str
    titles: list[tuple[str, int]]
    subtitle: str
    subtitles: list[tuple[str, int]]
    bars: list[ChartBar] = field(default_factory=list)
    height: int = 0
    width: int = WIDTH

    @property
    def description(self) -> str:
        return f"{' '.join(t for t, _ in self.titles)} — {self.subtitle}: " + "; ".join(
            f"{b.label} {b.value_text}" for b in self.bars)


@dataclass
class CubeChart:
    panels: list[ChartPanel]
    #: More series on the page than panels drawn.
    more: bool = False


def text_width(text: str, size: int = 12) -> int:
    """A generous estimate of the width of ``text`` at ``size`` px: CJK characters are square, others ~0.6 em."""
    return int(sum(size if ord(ch) > 0x2E7F else size * 0.62 for ch in text)) + 2


def wrap(text: str, width: int, size: int) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (at spaces when it has them, else anywhere)."""
    lines, line = [], ""
    for token in (text.split(" ") if " " in text else list(text)):
        candidate = f"{line} {token}" if line and " " in text else line + token
        if line and text_width(candidate, size) > width:
            lines.append(line)
            line = token
        else:
            line = candidate
    return [*lines, line] if line else lines


def number_text(value: str, unit: str) -> str:
    """A number and its unit, joined without a space when the unit is a symbol or Chinese ("82.45岁", "2.11‰")."""
    if not unit:
        return value
    return value + unit if ord(unit[0]) > 0x2E7F or not unit[0].isalnum() else f"{value} {unit}"


def kind_key(kind_iri: str, label: str) -> tuple:
    slug = kind_iri.rstrip("/").rsplit("/", 1)[-1]
    return (KIND_ORDER.index(slug), "") if slug in KIND_ORDER else (len(KIND_ORDER), collation_key(label)[0])


def build_cube_chart(cells: list) -> CubeChart | None:
    """Panels for the rows of one page (kg.views.cube.Cell), in the order their series first appear."""
    series: dict[tuple[str, str, str], list] = {}
    for c in cells:
        series.setdefault((c.indicator.iri, c.area.iri, c.unit), []).append(c)
    if not series:
        return None
    panels = [panel(f"s{i}", key, rows) for i, (key, rows) in enumerate(series.items()) if i < MAX_SERIES]
    return CubeChart(panels, more=len(series) > MAX_SERIES)


def panel(key: str, series_key: tuple[str, str, str], rows: list) -> ChartPanel:
    """One series' panel: bars in time order (period start, then baseline → reached → target)."""
    first = rows[0]
    titles, y = [], 0
    for line in wrap(first.indicator.label.text, WIDTH - 8, 13)[:3]:
        y += TITLE_LINE
        titles.append((line, y))
    subtitle = f"{first.area.label.text} · {first.unit}" if first.unit else first.area.label.text
    subtitles = []
    for line in wrap(subtitle, WIDTH - 8, 12)[:2]:
        y += SUBTITLE_LINE
        subtitles.append((line, y))
    out = ChartPanel(key, *series_key, titles=titles, subtitle=subtitle, subtitles=subtitles)
    rows = sorted(rows, key=lambda c: (c.start, kind_key(c.kind.iri, c.kind.label.text), c.link.iri))
    # a long unit name is in the subtitle: the bars then carry the bare number
    texts = [number_text(c.value, c.unit) for c in rows]
    if max(text_width(t) for t in texts) > WIDTH // 3:
        texts = [c.value for c in rows]
    longest = max(text_width(t) for t in texts)
    room = max(60, WIDTH - 10 - longest)
    biggest = max((abs(c.number) for c in rows if c.number is not None), default=0) or 1
    y += 8
    for c, text in zip(rows, texts, strict=True):
        slug = c.kind.iri.rstrip("/").rsplit("/", 1)[-1]
        drawn = c.number is not None and not c.unit_iri.endswith("/rank")  # a rank is not a quantity to draw
        width = max(1, round(abs(c.number) / biggest * room)) if drawn else 0
        out.bars.append(ChartBar(f"{c.period.label.text} · {c.kind.label.text}", text, y + 12, y + 16, width,
                                 width + 6 if drawn else 0, KIND_CLASSES.get(slug, "bar-other"), drawn))
        y += BAR_STEP
    out.height = y + 4
    return out
