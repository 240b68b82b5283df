"""The targets of issue 15, each with its measured ratio and PASS / MISS / not available (bench/peers.py)."""

from __future__ import annotations

import statistics

KG_MEM, KG_DISK, KG_VIRT = "kg (memory)", "kg (disk)", "kg over Virtuoso"
JENA, CONST = "Jena TDB2", "constant app"
PEERS = ("Oxigraph (memory)", "Oxigraph (RocksDB)", "Jena TDB2", "Virtuoso")
SMALL_SLACK_MS = 0.15


def limit_rate(rounds: list[dict]) -> float:
    """The constant app's c=8 rate: per round the higher of the runs at its start and end, median over rounds."""
    return statistics.median(max(r[f"limit {t} c=8"][CONST]["rps"] for t in ("first", "last")) for r in rounds)


def pct(x: float) -> str:
    """0.0026 → '0.3%', 0.21 → '21%'."""
    return f"{x:.1%}" if x < 0.1 else f"{x:.0%}"


def _line(ok: bool | None, text: str) -> str:
    mark = {True: "**PASS**", False: "**MISS**", None: "**not available**"}[ok]
    return f"- {mark} — {text}"


def _get(m: dict, key: str, target: str, metric: str) -> float | None:
    entry = m.get(key, {}).get(target)
    if not entry or entry.get("errors") or metric not in entry:
        return None
    return entry[metric]


def evaluate(raw: dict, m: dict, kg: str = KG_MEM) -> list[str]:
    """One line per target (and per item where a target covers several), in the issue's order."""
    out: list[str] = []
    items = raw["items"]
    small = [i["name"] for i in items if i["kind"] == "small"]
    big = [i["name"] for i in items if i["kind"] == "big"]
    pages = [i["name"] for i in items if i["kind"] == "page"]
    limit = limit_rate(raw["rounds"])

    for name in small:
        kg_p50 = _get(m, f"{name} c=1", kg, "p50")
        local = _get(m, f"{name} c=1", "in-process pyoxigraph", "p50")
        if kg_p50 is None or local is None:
            out.append(_line(False, f"small query **{name}** p50: kg failed or was not measured"))
            continue
        bound = local + SMALL_SLACK_MS
        out.append(_line(kg_p50 <= bound, f"small query **{name}** p50 {kg_p50:.2f} ms ≤ in-process {local:.3f} + "
                                          f"{SMALL_SLACK_MS} = {bound:.2f} ms: **{kg_p50 / bound:.2f}×** the bound"))
    for name in small:
        rps = _get(m, f"{name} c=8", kg, "rps")
        jena = _get(m, f"{name} c=8", JENA, "rps")
        if rps is None:
            out.append(_line(False, f"small query **{name}** throughput at c=8: kg failed"))
            continue
        vs_jena = (f"{rps / jena:.2f}× Jena's {jena:,.0f}" if jena else "Jena not measured")
        ok = (jena is None or rps >= jena) and rps >= 0.6 * limit
        out.append(_line(ok, f"small query **{name}** throughput at c=8: {rps:,.0f} req/s = **{vs_jena}** (≥ 1×) and "
                             f"**{pct(rps / limit)}** of the constant response's {limit:,.0f} (≥ 60%)"))
    repeated = _get(m, "entity lookup, repeated c=8", kg, "rps")
    if repeated is not None:
        out.append(_line(repeated >= 0.9 * limit, f"repeated query (one entity lookup, identical requests) at c=8: "
                                                   f"{repeated:,.0f} req/s = **{pct(repeated / limit)}** of the "
                                                   "constant response (≥ 90%; needs the response cache)"))
    for name in big:
        kg_p50 = _get(m, f"{name} c=1", kg, "p50")
        peers = {p: _get(m, f"{name} c=1", p, "p50") for p in PEERS}
        peers = {p: v for p, v in peers.items() if v is not None}
        if kg_p50 is None or not peers:
            out.append(_line(False, f"big query **{name}**: kg or every peer failed"))
            continue
        top = min(peers, key=peers.__getitem__)
        out.append(_line(kg_p50 <= peers[top], f"big query **{name}** p50 {kg_p50:.1f} ms vs the best peer, "
                                               f"{top} {peers[top]:.1f} ms: **{kg_p50 / peers[top]:.2f}×** (≤ 1.0×)"))
    text = _get(m, "full-text search c=1", kg, "p50")
    if text is not None:
        out.append(_line(text <= 5.0, f"full-text search p50 **{text:.2f} ms** (≤ 5 ms): {raw.get('text_query')!r}"))
    elif raw.get("text_query"):
        failed = raw["answers"].get("full-text search")
        out.append(_line(False, f"full-text search: the --text-query failed ({failed})"))
    else:
        advertised = ", ".join(raw.get("text_extension") or []) or "none"
        out.append(_line(None, "full-text search p50 ≤ 5 ms: kg has no full-text extension yet (its service "
                               f"description advertises extension functions: {advertised}; no --text-query given). "
                               "`FILTER CONTAINS` is timed above as *label search*"))
    for name in pages:
        p50 = _get(m, f"{name} c=1", kg, "p50")
        measured = f"{p50:.1f} ms: **{p50 / 20:.2f}×** the 20 ms bound" if p50 else "failed"
        out.append(_line(p50 is not None and p50 <= 20.0, f"**{name}** p50 {measured}"))
    mix = _get(m, "page mix, repeated c=8", kg, "rps")
    built = _get(m, "page mix c=8", kg, "rps")
    if mix is not None:
        also = f"; with every page built anew (a parameter of its own each): {built:,.0f} req/s" if built else ""
        out.append(_line(mix >= 0.5 * limit, f"page mix at c=8 (the {len(pages)} pages in rotation, each built once "
                                             f"per worker and replayed): {mix:,.0f} req/s = **{pct(mix / limit)}** "
                                             f"of the constant response's {limit:,.0f} (≥ 50%){also}"))
    peers = raw["peers"]
    for mode, ox in ((KG_MEM, "Oxigraph (memory)"), (KG_DISK, "Oxigraph (RocksDB)")):
        if mode in peers and ox in peers and peers[ox]["peak_rss"]:
            pss, rss, ref = peers[mode]["peak_pss"], peers[mode]["peak_rss"], peers[ox]["peak_rss"]
            out.append(_line(pss <= 1.5 * ref, f"peak memory of the whole server, {mode}: PSS {pss / 2**20:,.0f} MiB "
                                               f"(RSS {rss / 2**20:,.0f}) vs {ox} {ref / 2**20:,.0f} MiB: "
                                               f"**{pss / ref:.2f}×** PSS, {rss / ref:.2f}× RSS (≤ 1.5×)"))
    sums = {t: [_get(m, f"{p} c=1", t, "p50") for p in pages] for t in (kg, KG_VIRT)}
    if KG_VIRT in peers and all(v is not None for v in sums[kg] + sums[KG_VIRT]):
        ratio = sum(sums[KG_VIRT]) / sum(sums[kg])
        out.append(_line(ratio <= 2.0, f"Virtuoso backend on the page mix: sum of page p50s {sum(sums[KG_VIRT]):.1f} "
                                       f"vs {sum(sums[kg]):.1f} ms embedded: **{ratio:.2f}×** (≤ 2×)"))
    elif KG_VIRT in peers:
        out.append(_line(False, "Virtuoso backend on the page mix: some page failed through the backend"))
    else:
        out.append(_line(None, "Virtuoso backend on the page mix: Virtuoso skipped in this run"))
    return out
