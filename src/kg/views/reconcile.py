"""The W3C Reconciliation Service API 0.2 (the protocol OpenRefine speaks), as plain data over a store.

Names are matched against the store's text index (kg.sparql.textindex: every label and alias in zh and en, and the
pinyin of the Chinese ones), so full names, short forms, English and pinyin all find the entity: the candidates of a
query are the index's substring hits and the entries sharing most bigrams with it (a typo), scored by a fuzzy ratio.
Ids are the entities' IRIs. Data extension returns an entity's properties, and for an indicator IRI as the
property, the values of that indicator's observations about the entity (a spreadsheet column of figures).
No Flask here: kg.web.reconcile decodes the requests and serialises these dicts.
"""

from __future__ import annotations

import difflib
import typing as t

import pyoxigraph as ox

from kg.queries import query
from kg.sparql.textindex import Entry, fold, pinyin_key, text_index
from kg.store import Store
from kg.views.labels import labels_for

#: Candidates per query unless the query asks for fewer.
DEFAULT_LIMIT = 5
#: Above this score, a single best candidate clearly ahead of the next is a certain match.
MATCH_SCORE = 95.0
#: Candidates taken from the text index per query, for each of substring hits and near misses.
CANDIDATES = 50


def manifest(store: Store, service_url: str) -> dict[str, t.Any]:
    """The service manifest: identifier space, default types, view, preview, suggest and extend."""
    base = store.base
    return {
        "versions": ["0.2"],
        "name": "dalian-kg reconciliation (大连“十四五”民生知识图谱)",
        "identifierSpace": base + "id/",
        "schemaSpace": base + "def/ontology#",
        "documentation": base + "docs/linking",
        "view": {"url": "{{id}}"},
        "preview": {"url": service_url + "/preview?id={{id}}", "width": 400, "height": 200},
        "defaultTypes": [{"id": iri, "name": name} for iri, name in default_types(store)],
        "suggest": {
            "entity": {"service_url": service_url, "service_path": "/suggest/entity"},
            "type": {"service_url": service_url, "service_path": "/suggest/type"},
            "property": {"service_url": service_url, "service_path": "/suggest/property"},
        },
        "extend": {
            "propose_properties": {"service_url": service_url, "service_path": "/propose_properties"},
            "property_settings": [],
        },
    }


def default_types(store: Store) -> list[tuple[str, str]]:
    """The types people reconcile against: agencies, organisations, places, indicators, initiatives."""
    base = store.base + "def/ontology#"
    names = ["GovernmentAgency", "Company", "University", "AdministrativeDivision", "Indicator", "Initiative"]
    labels = labels_for(store)
    return [(base + n, labels.get(base + n, {}).get("en", n)) for n in names]


def _name(store: Store, iri: str) -> str:
    texts = labels_for(store).get(iri, {})
    return texts.get("zh") or texts.get("en") or iri


def score_entry(entry: Entry, text: str) -> float:
    """0–100: 100 for an exact name (any language, or the pinyin), less for a part of a name or a near miss."""
    needle = fold(text)
    squeezed = needle.replace(" ", "")
    keys = entry.keys
    if not needle:
        return 0.0
    if needle in keys or squeezed in keys or pinyin_key(needle).replace(" ", "") in keys:
        return 100.0
    best = 0.0
    for key in keys:
        if needle in key or squeezed in key:
            best = max(best, 60.0 + 30.0 * len(needle) / max(len(key), 1))
        ratio = difflib.SequenceMatcher(None, needle, key).ratio()
        best = max(best, 90.0 * ratio if ratio >= 0.6 else 0.0)
    return round(best, 1)


def reconcile(store: Store, queries: dict[str, dict[str, t.Any]]) -> dict[str, dict[str, list[dict]]]:
    """A result batch for a query batch (``{"q0": {"query": "东软", "type": …, "limit": 3}}``)."""
    return {key: {"result": candidates(store, q)} for key, q in queries.items()}


def candidates(store: Store, q: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    """The scored candidates of one query, best first."""
    text = str(q.get("query", ""))
    wanted = q.get("type")
    types = {wanted} if isinstance(wanted, str) else set(wanted or [])
    limit = int(q.get("limit") or DEFAULT_LIMIT)
    index = text_index(store)

    def wanted_entry(entry: Entry) -> bool:
        return entry.local and (not types or bool(types & entry.types))

    pool = {hit.entry.iri: hit.entry for hit in index.find(text, limit=CANDIDATES, accept=wanted_entry)}
    for near in index.similar(text, limit=CANDIDATES, accept=wanted_entry):
        pool.setdefault(near.iri, near)
    scored = []
    for entry in pool.values():
        score = score_entry(entry, text)
        if score <= 0:
            continue
        for prop in q.get("properties") or []:
            score += 5.0 if _has_value(store, entry.iri, str(prop.get("pid", "")), str(prop.get("v", ""))) else -10.0
        scored.append((score, entry))
    scored.sort(key=lambda pair: (-pair[0], pair[1].iri))
    result = []
    for i, (score, entry) in enumerate(scored[:max(limit, 1)]):
        runner_up = scored[i + 1][0] if i + 1 < len(scored) else 0.0
        result.append({
            "id": entry.iri,
            "name": entry.labels.get("zh") or entry.labels.get("en") or entry.iri,
            "description": entry.labels.get("en", ""),
            "score": score,
            "match": i == 0 and score >= MATCH_SCORE and score - runner_up >= 10,
            "type": [{"id": ty, "name": _name(store, ty)} for ty in sorted(entry.types)],
        })
    return result


def _has_value(store: Store, iri: str, pid: str, value: str) -> bool:
    if not pid.startswith(("http://", "https://")):
        return False
    try:
        node, prop = ox.NamedNode(iri), ox.NamedNode(pid)
    except ValueError:
        return False
    return bool(store.select(query("reconcile_has_value", store.base), {"s": node, "p": prop, "v": ox.Literal(value)}))


def suggest_entities(store: Store, prefix: str, *, limit: int = 10) -> dict[str, list[dict[str, str]]]:
    """Entities whose names contain ``prefix`` (the autocomplete of OpenRefine's "search for match")."""
    return {"result": [{"id": c["id"], "name": c["name"], "description": c["description"]}
                       for c in candidates(store, {"query": prefix, "limit": limit})]}


def suggest_types(store: Store, prefix: str) -> dict[str, list[dict[str, str]]]:
    needle = prefix.casefold()
    return {"result": [{"id": iri, "name": name} for iri, name in default_types(store)
                       if needle in name.casefold() or needle in iri.casefold()]}


def suggest_properties(store: Store, prefix: str) -> dict[str, list[dict[str, str]]]:
    needle = prefix.casefold()
    return {"result": [{"id": p["id"], "name": p["name"]} for p in _properties(store)
                       if needle in p["name"].casefold() or needle in p["id"].casefold()][:20]}


def _properties(store: Store) -> list[dict[str, str]]:
    labels = labels_for(store)
    rows = store.select(query("reconcile_properties", store.base))
    return [{"id": r["p"].value, "name": labels.get(r["p"].value, {}).get("en") or r["p"].value} for r in rows]


def propose_properties(store: Store, type_id: str, *, limit: int = 20) -> dict[str, t.Any]:
    """Properties to fetch for members of a type: the indicators observed about them, then their relations."""
    labels = labels_for(store)
    try:
        node = ox.NamedNode(type_id)
    except ValueError:
        node = None
    indicators = store.select(query("reconcile_type_indicators", store.base), {"type": node}) if node else []
    proposed = [{"id": r["indicator"].value, "name": labels.get(r["indicator"].value, {}).get("en", "")}
                for r in indicators]
    proposed += [{"id": p["id"], "name": p["name"]} for p in _properties(store)]
    return {"type": type_id, "properties": proposed[:limit], "limit": limit}


def extend(store: Store, ids: list[str], properties: list[dict[str, t.Any]]) -> dict[str, t.Any]:
    """Data extension: for each id, the values of each property (an indicator IRI gives its figures)."""
    labels = labels_for(store)
    indicator_space = store.base + "def/indicator/"
    meta = [{"id": str(p["id"]), "name": labels.get(str(p["id"]), {}).get("en") or str(p["id"])}
            for p in properties]
    rows: dict[str, dict[str, list[dict[str, t.Any]]]] = {}
    for iri in ids:
        row: dict[str, list[dict[str, t.Any]]] = {}
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            rows[iri] = {m["id"]: [] for m in meta}
            continue
        for m in meta:
            try:
                prop = ox.NamedNode(m["id"])
            except ValueError:
                row[m["id"]] = []
                continue
            if m["id"].startswith(indicator_space):
                found = store.select(query("reconcile_indicator_values", store.base), {"s": node, "indicator": prop})
                row[m["id"]] = [{"float": float(r["value"].value)} for r in found]
            else:
                found = store.select(query("reconcile_values", store.base), {"s": node, "p": prop})
                row[m["id"]] = [_cell(store, r["o"], labels) for r in found]
        rows[iri] = row
    return {"meta": meta, "rows": rows}


def _cell(store: Store, term: t.Any, labels: dict[str, dict[str, str]]) -> dict[str, t.Any]:
    if isinstance(term, ox.NamedNode):
        texts = labels.get(term.value, {})
        return {"id": term.value, "name": texts.get("zh") or texts.get("en") or term.value}
    if isinstance(term, ox.Literal) and term.datatype.value.endswith(("#decimal", "#integer", "#double")):
        return {"float": float(term.value)}
    return {"str": getattr(term, "value", str(term))}


def preview(store: Store, iri: str) -> dict[str, str] | None:
    """Name, description and type of an entity for the preview card; None if unknown."""
    entry = text_index(store).entries.get(iri)
    if entry is None or not entry.local:
        return None
    return {"iri": iri, "zh": entry.labels.get("zh", ""), "en": entry.labels.get("en", ""),
            "types": ", ".join(_name(store, ty) for ty in sorted(entry.types))}
