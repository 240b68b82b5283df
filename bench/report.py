"""Turn scale.py's results (plain dicts, also saved as JSON) into Markdown tables, target checks and a chart.

The chart is a PNG through matplotlib when it is importable (not a project dependency), else a hand-written SVG.
"""

from __future__ import annotations

import math
from pathlib import Path

IN_PROCESS, EMBEDDED, BACKEND, DIRECT = "in-process", "embedded", "virtuoso backend", "virtuoso direct"
GIB = 1024**3
MIB = 1024**2


def _ms(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.2f}" if value < 100 else f"{value:.0f}"


def _ratio(a: float | None, b: float | None) -> str:
    if not a or not b or math.isnan(a) or math.isnan(b):
        return "–"
    return f"{a / b:.2f}×"


def _cell(target: dict | None, key: str) -> float | None:
    if not target or target.get("errors") and not target.get("n"):
        return None
    return target.get(key)


def _err(target: dict | None) -> str:
    if not target:
        return ""
    errors = target.get("errors", 0) + target.get("tp_errors", 0)
    return f" ⚠{errors} err" if errors else ""


def size_markdown(result: dict) -> str:
    """The Markdown section of one size."""
    lines = [f"## {result['size']} synthetic triples ({result['quads']:,} quads with the real graph)", ""]
    if "virtuoso_quads" in result:
        lines += [f"Virtuoso holds {result['virtuoso_quads']:,} quads in the project's graphs after the bulk load; "
                  f"selective join on <{result['indicator']}>, hub page <{result['hub']}>.", ""]
    st, mem = result["startup"], result["memory"]
    lines += [
        "| start-up and memory | embedded `kg serve --data` | in-process pyoxigraph | ratio | Virtuoso | "
        "`kg serve --store` (Virtuoso) |",
        "|---|---:|---:|---:|---:|---:|",
        f"| start-up, s (process start → /sparql answers; in-process: bulk_load) | {st['embedded']:.2f} | "
        f"{st['in_process']:.2f} | {_ratio(st['embedded'], st['in_process'])} | "
        f"{st['virtuoso_start']:.2f} start + {st['virtuoso_load']:.2f} bulk load | {st['backend']:.2f} |",
        f"| peak RSS, MiB (sum over the process tree) | {mem['embedded_rss'] / MIB:,.0f} | "
        f"{mem['in_process_rss'] / MIB:,.0f} | {_ratio(mem['embedded_rss'], mem['in_process_rss'])} | "
        f"{mem['virtuoso_rss'] / MIB:,.0f} | {mem['backend_rss'] / MIB:,.0f} |",
        f"| peak PSS, MiB (shared pages counted once) | {mem['embedded_pss'] / MIB:,.0f} | – | "
        f"{_ratio(mem['embedded_pss'], mem['in_process_rss'])} | – | {mem['backend_pss'] / MIB:,.0f} |",
        "",
        "Latency (single client, interleaved; ms):",
        "",
        "| item | rows / HTML | in-process p50 | embedded p50 | p99 | ×in-process | Virtuoso backend p50 | p99 | "
        "×in-process | backend / embedded | Virtuoso direct p50 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for item in result["items"]:
        t = item["targets"]
        ip, em, vb, vd = (t.get(k) for k in (IN_PROCESS, EMBEDDED, BACKEND, DIRECT))
        lines.append(
            f"| {item['name']} | {item.get('rows', '')} | {_ms(_cell(ip, 'p50'))} | "
            f"{_ms(_cell(em, 'p50'))}{_err(em)} | "
            f"{_ms(_cell(em, 'p99'))} | {_ratio(_cell(em, 'p50'), _cell(ip, 'p50'))} | "
            f"{_ms(_cell(vb, 'p50'))}{_err(vb)} | {_ms(_cell(vb, 'p99'))} | "
            f"{_ratio(_cell(vb, 'p50'), _cell(ip, 'p50'))} | "
            f"{_ratio(_cell(vb, 'p50'), _cell(em, 'p50'))} | {_ms(_cell(vd, 'p50'))}{_err(vd)} |")
    ceiling = {k: v.get("rps") for k, v in result["ceiling"]["targets"].items()}
    lines += [
        "",
        f"Throughput at concurrency {result['concurrency']} (requests/s over ~{result['duration']:.0f} s; "
        f"constant-response ceiling of the same gunicorn config: embedded {ceiling.get(EMBEDDED, 0):,.0f}/s, "
        f"Virtuoso-backed {ceiling.get(BACKEND, 0):,.0f}/s, GET `{result['ceiling']['path']}`, the higher of "
        f"two runs, first and last: {' and '.join(f'{r or 0:,.0f}/s' for r in result['ceiling'].get('rates', []))}):",
        "",
        "| item | in-process | embedded | ×in-process | ÷ceiling | Virtuoso backend | ÷ceiling | backend / embedded | "
        "Virtuoso direct |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for item in result["items"]:
        t = item["targets"]
        rps = {k: (t[k].get("rps") if k in t else None) for k in (IN_PROCESS, EMBEDDED, BACKEND, DIRECT)}
        ip, em, vb = rps[IN_PROCESS], rps[EMBEDDED], rps[BACKEND]
        lines.append(
            f"| {item['name']} | {_ms(ip)} | {_ms(em)} | {_ratio(em, ip)} | {_ratio(em, ceiling.get(EMBEDDED))} | "
            f"{_ms(vb)} | {_ratio(vb, ceiling.get(BACKEND))} | {_ratio(vb, em)} | {_ms(rps[DIRECT])} |")
    errors = [f"{item['name']} / {name}: {tgt['last_error']}" for item in result["items"]
              for name, tgt in item["targets"].items() if tgt.get("last_error")]
    if errors:
        lines += ["", "Errors (last message per item and target):", ""]
        lines += [f"- {e}" for e in errors]
    lines += ["", "Targets (issue 6; they are stated for 1 M triples):", ""]
    lines += [f"- {line}" for line in check_targets(result)]
    return "\n".join(lines) + "\n"


def _item(result: dict, name: str) -> dict:
    return next((i for i in result["items"] if i["name"] == name), {"targets": {}})


def check_targets(result: dict) -> list[str]:
    """PASS/MISS per target of issue 6, with the measured value (no assertion)."""
    out: list[str] = []

    def verdict(ok: bool | None, text: str) -> None:
        out.append(f"{'PASS' if ok else ('MISS' if ok is not None else 'N/A ')} {text}")

    for item in result["items"]:
        if item["kind"] != "query":
            continue
        ip, em = item["targets"].get(IN_PROCESS, {}), item["targets"].get(EMBEDDED, {})
        if ip.get("p50") is not None and ip["p50"] >= 5.0:
            ratio = em.get("p50", math.inf) / ip["p50"] if em.get("n") else math.inf
            verdict(ratio <= 1.5, f"{item['name']}: HTTP p50 {ratio:.2f}× in-process (≤ 1.5×; in-process "
                                  f"{ip['p50']:.1f} ms ≥ 5 ms)")
    if not any(line.split(" ", 1)[1].startswith(tuple(i["name"] for i in result["items"])) for line in out):
        out.append("N/A  no query takes ≥ 5 ms in-process at this size (the 1.5× target does not apply)")
    text = _item(result, "text search")["targets"].get(EMBEDDED, {})
    if text.get("n"):
        verdict(text["p50"] <= 5.0, f"text search through dkgtext:query: HTTP p50 {_ms(text['p50'])} ms (≤ 5 ms)")
    page = _item(result, "entity page")["targets"].get(EMBEDDED, {})
    p50 = page.get("p50") if page.get("n") else None
    verdict(None if p50 is None else p50 < 10.0, f"entity page (HTML) p50 {_ms(p50)} ms (< 10 ms)")
    entity_rps = _item(result, "entity query")["targets"].get(EMBEDDED, {}).get("rps")
    ceiling = result["ceiling"]["targets"].get(EMBEDDED, {}).get("rps")
    if entity_rps and ceiling:
        verdict(entity_rps / ceiling >= 0.5, f"entity-query throughput at c={result['concurrency']}: "
                                             f"{entity_rps / ceiling:.0%} of the constant response (≥ 50%)")
    startup = result["startup"]["embedded"]
    verdict(startup < 10.0, f"start-up {startup:.2f} s (< 10 s)")
    rss = result["memory"]["embedded_rss"]
    verdict(rss < 1.5 * 1e9, f"peak RSS {rss / 1e9:.2f} GB summed over the tree, PSS "
                             f"{result['memory']['embedded_pss'] / 1e9:.2f} GB (< 1.5 GB)")
    pages = [i for i in result["items"] if i["kind"] == "page"]
    em_sum = sum(i["targets"].get(EMBEDDED, {}).get("p50") or 0 for i in pages)
    vb_ok = all(i["targets"].get(BACKEND, {}).get("n") for i in pages)
    if vb_ok and em_sum:
        vb_sum = sum(i["targets"][BACKEND]["p50"] for i in pages)
        verdict(vb_sum / em_sum <= 2.0, f"Virtuoso backend on the page mix: {vb_sum / em_sum:.2f}× the embedded "
                                        f"store (sum of p50 over {len(pages)} pages; ≤ 2×)")
    else:
        failed = [i["name"] for i in pages if not i["targets"].get(BACKEND, {}).get("n")]
        verdict(False, f"Virtuoso backend on the page mix: pages failing through the backend: {', '.join(failed)}")
    return out


def write_markdown(results: list[dict], path: Path, header: str) -> str:
    """Write every size's section under ``header``; returns the text."""
    text = header + "\n" + "\n".join(size_markdown(r) for r in results)
    path.write_text(text, encoding="utf-8")
    return text


# --- chart ---------------------------------------------------------------------------------------------------------

SERIES = [(IN_PROCESS, "#888888"), (EMBEDDED, "#1f77b4"), (BACKEND, "#d62728")]


def _bars(results: list[dict]) -> list[tuple[str, list[float | None]]]:
    rows = []
    for result in results:
        for item in result["items"]:
            values = []
            for name, _ in SERIES:
                tgt = item["targets"].get(name, {})
                values.append(tgt.get("p50") if tgt.get("n") else None)
            rows.append((f"{result['size']} · {item['name']}", values))
    return rows


def write_chart(results: list[dict], stem: Path) -> Path:
    """p50 latency per (size, item) and target on a log axis: STEM.png via matplotlib, else STEM.svg."""
    rows = _bars(results)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return _write_svg(rows, stem.with_suffix(".svg"))
    fig, ax = plt.subplots(figsize=(9, 0.32 * len(rows) * len(SERIES) + 1))
    height = 0.8 / len(SERIES)
    for s, (name, color) in enumerate(SERIES):
        ys = [r + s * height for r in range(len(rows))]
        ax.barh(ys, [v[s] or 0 for _, v in rows], height=height, color=color, label=name)
    ax.set_yticks([r + 0.4 for r in range(len(rows))], [label for label, _ in rows])
    ax.set_xscale("log")
    ax.set_xlabel("p50 latency, ms (log)")
    ax.invert_yaxis()
    ax.legend()
    fig.tight_layout()
    path = stem.with_suffix(".png")
    fig.savefig(path, dpi=110)
    return path


def _write_svg(rows: list[tuple[str, list[float | None]]], path: Path) -> Path:
    left, width, bar, gap = 260, 560, 9, 8
    values = [v for _, vs in rows for v in vs if v]
    lo = math.floor(math.log10(min(values))) if values else -1
    hi = math.ceil(math.log10(max(values))) if values else 3
    hi = max(hi, lo + 1)

    def x(value: float) -> float:
        return left + (math.log10(value) - lo) / (hi - lo) * width

    height = 40 + len(rows) * (bar * len(SERIES) + gap) + 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 30}" height="{height}" '
           'font-family="sans-serif" font-size="11">',
           '<text x="10" y="18" font-size="13">p50 latency per query, ms (log scale)</text>']
    for decade in range(lo, hi + 1):
        gx = x(10.0**decade)
        out.append(f'<line x1="{gx:.1f}" y1="28" x2="{gx:.1f}" y2="{height - 30}" stroke="#ddd"/>')
        out.append(f'<text x="{gx:.1f}" y="{height - 16}" text-anchor="middle">{10.0**decade:g}</text>')
    y = 34
    for label, vals in rows:
        out.append(f'<text x="{left - 6}" y="{y + bar * len(SERIES) / 2 + 4:.1f}" text-anchor="end">{label}</text>')
        for (name, color), value in zip(SERIES, vals, strict=True):
            if value:
                out.append(f'<rect x="{left}" y="{y}" width="{max(1.0, x(value) - left):.1f}" height="{bar - 1}" '
                           f'fill="{color}"><title>{name}: {value:.2f} ms</title></rect>')
            else:
                out.append(f'<text x="{left + 3}" y="{y + bar - 1}" font-size="8" fill="{color}">{name}: error</text>')
            y += bar
        y += gap
    lx = left
    for name, color in SERIES:
        out.append(f'<rect x="{lx}" y="{height - 12}" width="10" height="10" fill="{color}"/>')
        out.append(f'<text x="{lx + 14}" y="{height - 3}">{name}</text>')
        lx += 150
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path
