"""Key figures: the few numbers that say what an agency, organisation, place or indicator achieved, as cards at the
top of its page ("urban minimum living standard · Dalian: 750 → 972 yuan per person per month, 2020 → 2025")."""

from __future__ import annotations

from dataclasses import dataclass

from kg.views.labels import Link
from kg.views.observations import ObservationRow

#: Cards at most.
KEY_FIGURES = 6


@dataclass
class KeyFigure:
    """One card: the indicator, where, its value and period, and the value it started from when the text gives one."""

    indicator: Link
    area: Link | None
    value: str
    period: str
    href: str
    before: str = ""
    before_period: str = ""
    interpreted: bool = False
    kind: str = ""


def key_figures(observations: list[ObservationRow], limit: int = KEY_FIGURES) -> list[KeyFigure]:
    """Series with a baseline and a reached value first (they show a change), then other levels and totals in the
    page's order; one card per indicator and area, never a target of another area set against a value."""
    series: dict[tuple[str, str], list[ObservationRow]] = {}
    for row in observations:
        if row.number is None:
            continue
        series.setdefault((row.indicator.iri, row.area.iri if row.area else ""), []).append(row)
    cards: list[tuple[int, int, KeyFigure]] = []
    for index, rows in enumerate(series.values()):
        rows.sort(key=lambda r: r.when)
        levels = [r for r in rows if r.kind_key != "target"] or rows
        last = levels[-1]
        first = next((r for r in rows if r.kind_key == "baseline" and r is not last), None)
        start = "" if first is None else first.number_text if first.unit == last.unit else first.value
        card = KeyFigure(last.indicator, last.area, last.value, last.period, "#" + last.row_id, start,
                         first.period if first else "", bool(last.interpretations), last.kind)
        cards.append((0 if first else 1, index, card))
    return [card for _, _, card in sorted(cards, key=lambda c: (c[0], c[1]))][:limit]
