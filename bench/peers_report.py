"""bench/peers.py's raw rounds → medians, the issue's table with kg ÷ best-peer ratios, targets, an SVG chart."""

from __future__ import annotations

import math
import os
import statistics
from pathlib import Path

import peers_targets as targets
from peers_chart import svg_chart

KG_MEM, KG_DISK, KG_VIRT = "kg (memory)", "kg (disk)", "kg over Virtuoso"
PEERS = ("Oxigraph (memory)", "Oxigraph (RocksDB)", "Jena TDB2", "Virtuoso")
QUERY_COLUMNS = ("in-process pyoxigraph", KG_MEM, KG_DISK, *PEERS)
PAGE_COLUMNS = (KG_MEM, KG_DISK, KG_VIRT)
MIB = 2**20


def consume(result: object) -> int:
    """Read a pyoxigraph result to the end (rows, triples, or the boolean)."""
    try:
        return sum(1 for _ in result)  # type: ignore[union-attr]
    except TypeError:
        return 1


def machine() -> str:
    """Cores, memory and CPU model of this machine."""
    mem = 0
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    model = ""
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores ({model}), {mem / 2**30:.0f} GiB RAM"




def medians(rounds: list[dict]) -> dict[str, dict[str, dict]]:
    """Per key and target: the median over rounds of p50, p99 and rate; errors and requests summed."""
    out: dict[str, dict[str, dict]] = {}
    for key in rounds[0]:
        for target in rounds[0][key]:
            runs = [r[key][target] for r in rounds if target in r.get(key, {})]
            entry = {m: statistics.median(x[m] for x in runs) for m in ("p50", "p99") if all(m in x for x in runs)}
            if all("rps" in x for x in runs):
                entry["rps"] = statistics.median(x["rps"] for x in runs)
            entry["errors"] = sum(x.get("errors", 0) for x in runs)
            entry["requests"] = sum(x.get("requests", 0) for x in runs)
            out.setdefault(key, {})[target] = entry
    return out


def ms(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "–"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def rate(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def cell(entry: dict | None, metric: str, fmt=ms) -> str:
    if not entry or metric not in entry:
        return "–"
    text = fmt(entry[metric])
    return text + (f" ⚠{entry['errors']} err" if entry.get("errors") else "")


def best(row: dict[str, dict], metric: str, *, low: bool) -> tuple[str, float] | None:
    """The best peer (not kg, not in-process) for ``metric``: lowest latency or highest rate."""
    found = [(n, row[n][metric]) for n in PEERS if n in row and metric in row[n] and not row[n].get("errors")]
    if not found:
        return None
    return (min if low else max)(found, key=lambda x: x[1])


def headline(raw: dict, m: dict) -> list[str]:
    """The issue's table: kg (memory) against the best peer, one line per measurement."""
    lines = [f"| at {raw['size']} ({raw['quads']:,} quads, {os.cpu_count()} cores) | kg (memory) | best peer "
             "| kg ÷ best |", "|---|---:|---:|---:|"]
    for item in (i for i in raw["items"] if i["kind"] in ("small", "big", "text")):
        row = m.get(f"{item['name']} c=1", {})
        kg, top = row.get(KG_MEM), best(row, "p50", low=True)
        ratio = f"{kg['p50'] / top[1]:.2f}×" if kg and top else "–"
        peer = f"{ms(top[1])} / {ms(row[top[0]]['p99'])} ms ({top[0]})" if top else "–"
        lines.append(f"| {item['name']} p50 / p99, c=1 | {cell(kg, 'p50')} / {cell(kg, 'p99')} ms | {peer} | {ratio} |")
    for key in [k for k in m if k.endswith("c=8") and not k.startswith(("limit", "page mix"))]:
        row = m[key]
        kg, top = row.get(KG_MEM), best(row, "rps", low=False)
        others = ", ".join(f"{rate(row[n]['rps'])} ({n})" for n in PEERS if n in row)
        ratio = f"{kg['rps'] / top[1]:.2f}×" if kg and top else "–"
        lines.append(f"| {key.removesuffix(' c=8')} throughput, c=8 (req/s) | {cell(kg, 'rps', rate)} | {others} "
                     f"| {ratio} |")
    limit = targets.limit_rate(raw["rounds"])
    nginx = statistics.median(r["limit last c=8"]["nginx static"]["rps"] for r in raw["rounds"])
    lines.append(f"| the same gunicorn returning a constant, c=8 | {rate(limit)} | nginx static {rate(nginx)} | — |")
    for item in (i for i in raw["items"] if i["kind"] == "page"):
        row = m.get(f"{item['name']} c=1", {})
        virt = row.get(KG_VIRT)
        lines.append(f"| {item['name']} p50 ({raw['answers'][item['name']].get(KG_MEM, '')}) | "
                     f"{cell(row.get(KG_MEM), 'p50')} ms | — (over Virtuoso: {cell(virt, 'p50')} ms) | — |")
    for key, label in (("page mix c=8", "every page built"), ("page mix, repeated c=8", "pages replayed")):
        mix = m.get(key, {})
        lines.append(f"| page mix throughput, c=8, {label} (req/s) | {cell(mix.get(KG_MEM), 'rps', rate)} | — (over "
                     f"Virtuoso: {cell(mix.get(KG_VIRT), 'rps', rate)}) | — |")
    peers = raw["peers"]
    mem = {n: p["peak_rss"] / MIB for n, p in peers.items()}
    if "Oxigraph (memory)" in mem:
        disk = f" (disk mode {mem[KG_DISK]:,.0f})" if KG_DISK in mem else ""
        rocks = mem.get("Oxigraph (RocksDB)")
        lines.append(f"| peak RSS, MiB (PSS: {peers[KG_MEM]['peak_pss'] / MIB:,.0f}) | {mem[KG_MEM]:,.0f}{disk} | "
                     f"{mem['Oxigraph (memory)']:,.0f} (Oxigraph in memory)"
                     + (f", {rocks:,.0f} (Oxigraph RocksDB)" if rocks else "")
                     + f" | {mem[KG_MEM] / mem['Oxigraph (memory)']:.1f}× |")
    ox = peers.get("Oxigraph (memory)")
    disk = f" (disk mode {peers[KG_DISK]['startup']:.2f})" if KG_DISK in peers else ""
    lines.append(f"| start-up, s | {peers[KG_MEM]['startup']:.2f}{disk} | "
                 + (f"{ox['startup']:.2f} (Oxigraph in memory, load included)" if ox else "–") + " | — |")
    return lines


def matrix(raw: dict, m: dict) -> list[str]:
    """Every measurement: p50 (p99) per item and server, throughput per server, answer sizes."""
    lines = ["| query, c=1: p50 (p99) ms | " + " | ".join(QUERY_COLUMNS) + " |",
             "|---|" + "---:|" * len(QUERY_COLUMNS)]
    for item in (i for i in raw["items"] if i["kind"] != "page"):
        row = m.get(f"{item['name']} c=1", {})
        lines.append(f"| {item['name']} | " + " | ".join(
            f"{cell(row.get(c), 'p50')} ({ms(row[c]['p99'])})" if c in row else "–" for c in QUERY_COLUMNS) + " |")
    lines += ["", "| c=8, req/s | " + " | ".join(QUERY_COLUMNS[1:]) + " |",
              "|---|" + "---:|" * (len(QUERY_COLUMNS) - 1)]
    for key in (k for k in m if k.endswith("c=8") and not k.startswith(("limit", "page mix"))):
        lines.append(f"| {key.removesuffix(' c=8')} | "
                     + " | ".join(cell(m[key].get(c), "rps", rate) for c in QUERY_COLUMNS[1:]) + " |")
    lines += ["", "| page, c=1: p50 (p99) ms | " + " | ".join(PAGE_COLUMNS) + " |", "|---|---:|---:|---:|"]
    for item in (i for i in raw["items"] if i["kind"] == "page"):
        row = m.get(f"{item['name']} c=1", {})
        lines.append(f"| {item['name']} `{item['what']}` | " + " | ".join(
            f"{cell(row.get(c), 'p50')} ({ms(row[c]['p99'])})" if c in row else "–" for c in PAGE_COLUMNS) + " |")
    for key, label in (("page mix c=8", "every page built"), ("page mix, repeated c=8", "pages replayed")):
        lines.append(f"| page mix, c=8, {label}, req/s | "
                     + " | ".join(cell(m.get(key, {}).get(c), "rps", rate) for c in PAGE_COLUMNS) + " |")
    lines += ["", "| limits | c=1 p50 ms (first / last) | c=8 req/s (first / last) |", "|---|---:|---:|"]
    for name in ("constant app", "nginx static"):
        lat = " / ".join(cell(m[f"limit {t} c=1"].get(name), "p50") for t in ("first", "last"))
        tp = " / ".join(cell(m[f"limit {t} c=8"].get(name), "rps", rate) for t in ("first", "last"))
        lines.append(f"| {name} | {lat} | {tp} |")
    columns = ["in-process pyoxigraph", KG_MEM, KG_DISK, KG_VIRT, *PEERS]
    lines += ["", "Answer sizes (rows; DESCRIBE: triples; pages: HTML), one request outside the timing:", "",
              "| item | " + " | ".join(columns) + " |", "|---|" + "---:|" * len(columns)]
    for name, sizes in raw["answers"].items():
        local = sizes.get("in-process pyoxigraph")
        marks = {c: sizes[c] + (" ≠" if local and sizes[c] != local else "") for c in sizes}
        lines.append(f"| {name} | " + " | ".join(marks.get(c, "") for c in columns) + " |")
    lines.append("")
    lines.append("≠: a different answer size from in-process pyoxigraph on the same file.")
    return lines


def servers(raw: dict) -> list[str]:
    lines = ["| server | version | mode | load s | start-up s | peak RSS MiB | peak PSS MiB | notes |",
             "|---|---|---|---:|---:|---:|---:|---|"]
    for name, p in raw["peers"].items():
        lines.append(f"| {name} | {p['version']} | {p['mode']} | {p['load']:.2f} | {p['startup']:.2f} | "
                     f"{p['peak_rss'] / MIB:,.0f} | {p['peak_pss'] / MIB:,.0f} | {'; '.join(p['notes'])} |")
    lines.append(f"| in-process pyoxigraph | {raw.get('pyoxigraph', '')} | a fresh process bulk-loading the file | "
                 f"– | – | {raw['in_process_rss'] / MIB:,.0f} | – | |")
    return lines


def load_note(raw: dict) -> str:
    """The machine's 1-minute load average during the run (other work inflates every server's latency alike)."""
    if not raw.get("loadavg"):
        return ""
    readings = ", ".join(f"{v:.1f} {k}" for k, v in raw["loadavg"])
    return f" Load average (1 min): {readings} on {os.cpu_count()} cores."


def write_all(raw: dict, out: Path) -> str:
    """Write ``out``.md and ``out``.svg; return the Markdown."""
    m = medians(raw["rounds"])
    verdicts = targets.evaluate(raw, m)
    dirty = " (with uncommitted changes under src/)" if raw.get("dirty") else ""
    chart = out.with_suffix(".svg").name
    text = "\n".join([
        f"# kg beside its peers (issue 15) — {raw['size']}: {raw['quads']:,} quads",
        "",
        f"`python bench/peers.py --size {raw['size']} --rounds {len(raw['rounds'])} --duration {raw['duration']:g}` "
        f"on {raw['date']}, kg commit `{raw['commit']}`{dirty}; machine: {raw['machine']}, shared with other work. "
        f"Client: Debian's `wrk` on the same cores; latency with one connection (`-t1 -c1`), throughput with 8 "
        f"(`-t2 -c8`), {raw['duration']:g} s a run; medians of {len(raw['rounds'])} round(s), servers interleaved "
        f"(order rotated each round). SPARQL is a form-encoded POST asking for SPARQL JSON results (DESCRIBE: "
        f"Turtle); pages are GET text/html. kg serve, the constant app and the in-process reference run under the "
        f"malloc {raw.get('malloc', 'system')} (kg.allocator; the peers under their own). Run took "
        f"{raw['seconds'] / 60:.1f} min. Method: bench/README.md."
        + load_note(raw),
        "", "## Targets", "", *verdicts, "", "## Headline (kg in memory mode vs the best peer)", "",
        *headline(raw, m), "", "## Servers", "", *servers(raw), "", "## Every measurement", "", *matrix(raw, m),
        "", f"Chart: [{chart}]({chart}) (p50 per item and server, log scale).", ""])
    out.with_suffix(".md").write_text(text, encoding="utf-8")
    out.with_suffix(".svg").write_text(svg_chart(raw, m), encoding="utf-8")
    return text
