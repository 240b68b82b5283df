"""Key figures: the few numbers that say what an agency, organisation, place or indicator achieved, as cards at the
top of its page ("urban minimum living standard · Dalian: 750 → 972 yuan per person per month, 2020 → 2025")."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    #: values of the same indicator in other areas ("China · 2025 · target · 3.2"), never set against this one
    references: list[str] = field(default_factory=list)


def key_figures(observations: list[ObservationRow], limit: int = KEY_FIGURES) -> list[KeyFigure]:
    """Series with a baseline and a reached value first (they show a change), then other levels and totals in the
    page's order; one card per indicator, for the area with the most values: another area's value of the same
    indicator (China's planning standard beside Dalian's level) is a labelled reference line on that card."""
    series: dict[tuple[str, str], list[ObservationRow]] = {}
    for row in observations:
        if row.number is None:
            continue
        series.setdefault((row.indicator.iri, row.area.iri if row.area else ""), []).append(row)
    main: dict[str, list[ObservationRow]] = {}
    others: dict[str, list[ObservationRow]] = {}
    for (indicator, _), rows in series.items():
        if len(rows) > len(main.get(indicator, [])):
            if indicator in main:
                others.setdefault(indicator, []).extend(main[indicator])
            main[indicator] = rows
        else:
            others.setdefault(indicator, []).extend(rows)
    cards: list[tuple[int, int, KeyFigure]] = []
    for index, rows in enumerate(main.values()):
        rows.sort(key=lambda r: r.when)
        levels = [r for r in rows if r.kind_key != "target"] or rows
        last = levels[-1]
        first = next((r for r in rows if r.kind_key == "baseline" and r is not last), None)
        start = "" if first is None else first.number_text if first.unit == last.unit else first.value
        card = KeyFigure(last.indicator, last.area, last.value, last.period, "#" + last.row_id, start,
                         first.period if first else "", bool(last.interpretations), last.kind)
        card.references = [" · ".join(x for x in (r.area.label.text if r.area else "", r.period, r.kind, r.value) if x)
                           for r in sorted(others.get(last.indicator.iri, []), key=lambda r: r.when)]
        cards.append((0 if first else 1, index, card))
    return [card for _, _, card in sorted(cards, key=lambda c: (c[0], c[1]))][:limit]
