"""A small hand-written SVG: p50 per item and server on a log scale (no plotting library needed)."""

from __future__ import annotations

import math
from html import escape

COLOURS = {
    "in-process pyoxigraph": "#999999", "kg (memory)": "#d62728", "kg (disk)": "#ff9896",
    "kg over Virtuoso": "#8c564b", "Oxigraph (memory)": "#1f77b4", "Oxigraph (RocksDB)": "#aec7e8",
    "Jena TDB2": "#2ca02c", "Virtuoso": "#9467bd",
}
BAR, GAP, LEFT, WIDTH, TOP = 7, 8, 170, 520, 40


def svg_chart(raw: dict, m: dict) -> str:
    """Grouped horizontal bars, one group per item (queries, then pages), one bar per server that answered."""
    groups = []
    for item in raw["items"]:
        row = m.get(f"{item['name']} c=1", {})
        bars = [(t, row[t]["p50"]) for t in COLOURS if t in row and row[t].get("p50") and not row[t].get("errors")]
        if bars:
            groups.append((item["name"], bars))
    values = [v for _, bars in groups for _, v in bars]
    if not values:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    low = 10 ** math.floor(math.log10(min(values)))
    high = 10 ** math.ceil(math.log10(max(values)))
    span = math.log10(high) - math.log10(low) or 1

    def x(value: float) -> float:
        return LEFT + WIDTH * (math.log10(value) - math.log10(low)) / span

    height = TOP + sum(len(b) * BAR + GAP for _, b in groups) + 30 + 16 * len(COLOURS)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{LEFT + WIDTH + 90}" height="{height}" '
             'font-family="sans-serif" font-size="11">',
             f'<text x="10" y="16" font-size="13">p50 latency, ms, one connection (log scale) — {escape(raw["size"])}: '
             f'{raw["quads"]:,} quads, {escape(raw["date"])}</text>']
    decade = low
    while decade <= high * 1.0001:
        parts.append(f'<line x1="{x(decade):.1f}" y1="{TOP - 8}" x2="{x(decade):.1f}" '
                     f'y2="{height - 16 * len(COLOURS) - 24}" stroke="#ddd"/>'
                     f'<text x="{x(decade):.1f}" y="{TOP - 10}" text-anchor="middle" fill="#555">{decade:g}</text>')
        decade *= 10
    y = TOP
    for name, bars in groups:
        parts.append(f'<text x="{LEFT - 6}" y="{y + len(bars) * BAR / 2 + 4:.1f}" text-anchor="end">'
                     f'{escape(name)}</text>')
        for target, value in bars:
            parts.append(f'<rect x="{LEFT}" y="{y}" width="{max(1.0, x(value) - LEFT):.1f}" height="{BAR - 1}" '
                         f'fill="{COLOURS[target]}"><title>{escape(target)}: {value:.3f} ms</title></rect>')
            y += BAR
        y += GAP
    y += 16
    for target, colour in COLOURS.items():
        parts.append(f'<rect x="{LEFT}" y="{y}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{LEFT + 16}" y="{y + 9}">{escape(target)}</text>')
        y += 16
    parts.append("</svg>")
    return "\n".join(parts)
