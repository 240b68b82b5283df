"""Everything published for one base IRI: the store's load file, the dumps, the tidy CSV and the catalog.

The OWL 2 RL closure (kg.graph.build) is computed once under the canonical base. Publishing moves it to the
served base and derives, in a directory keyed by the inputs and the base:

- ``dataset.nq`` — every named graph plus ``data/catalog`` (VoID + DCAT): what a store loads;
- dumps of the asserted graphs and of everything with inferences in Turtle, N-Triples, N-Quads (named
  graphs kept) and JSON-LD (compacted with the published ``context.jsonld``);
- ``observations.csv`` with CSVW metadata (``observations.csv-metadata.json``);
- ``void.ttl`` — the catalog graph alone.

Counts in the catalog are computed from the data, and byte sizes from the files just written, so the DCAT
description cannot drift from what is served.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from kg.config import Settings
from kg.graph.build import build_dataset, input_digest
from kg.namespaces import GRAPH_INFERRED, prefixes_for, rebase, rebase_bytes
from kg.publish.catalog import build_catalog

#: Bump when what is published changes (files, catalog terms), so an old publication is not reused.
PUBLISH_VERSION = "2"
#: Dump files: name → (media type, pyoxigraph format or "jsonld", with inferences?).
DUMPS: dict[str, tuple[str, ox.RdfFormat | str, bool]] = {
    "dalian-kg.ttl": ("text/turtle", ox.RdfFormat.TURTLE, False),
    "dalian-kg.nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES, False),
    "dalian-kg.nq": ("application/n-quads", ox.RdfFormat.N_QUADS, False),
    "dalian-kg.jsonld": ("application/ld+json", "jsonld", False),
    "dalian-kg-inferred.ttl": ("text/turtle", ox.RdfFormat.TURTLE, True),
    "dalian-kg-inferred.nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES, True),
    "dalian-kg-inferred.nq": ("application/n-quads", ox.RdfFormat.N_QUADS, True),
    "dalian-kg-inferred.jsonld": ("application/ld+json", "jsonld", True),
}
#: Other published files and their media types.
OTHER_FILES = {
    "observations.csv": "text/csv; charset=utf-8",
    "observations.csv-metadata.json": "application/csvm+json",
    "context.jsonld": "application/ld+json",
    "void.ttl": "text/turtle",
    "dataset.nq": "application/n-quads",
}
CSV_COLUMNS = [
    ("observation", "观测", "Observation", "anyURI"),
    ("indicator", "指标", "Indicator", "anyURI"),
    ("indicator_zh", "指标名称", "Indicator (zh)", "string"),
    ("indicator_en", "指标名称（英文）", "Indicator (en)", "string"),
    ("value", "数值", "Value", "decimal"),
    ("unit", "单位", "Unit", "anyURI"),
    ("unit_zh", "单位名称", "Unit (zh)", "string"),
    ("unit_en", "单位名称（英文）", "Unit (en)", "string"),
    ("qualifier", "限定", "Qualifier", "anyURI"),
    ("kind", "数值类型", "Kind of value", "anyURI"),
    ("period", "时期", "Period", "anyURI"),
    ("period_start", "开始日期", "Period start", "date"),
    ("period_end", "结束日期", "Period end", "date"),
    ("area", "地区", "Area", "anyURI"),
    ("area_zh", "地区名称", "Area (zh)", "string"),
    ("area_en", "地区名称（英文）", "Area (en)", "string"),
    ("organisation", "责任机构", "Responsible organisation", "anyURI"),
    ("organisation_zh", "机构名称", "Organisation (zh)", "string"),
    ("organisation_en", "机构名称（英文）", "Organisation (en)", "string"),
    ("verbatim", "原文数值", "Value as printed", "string"),
    ("quote", "原文引文", "Source sentence", "string"),
    ("article", "来源文章", "Source article", "anyURI"),
]


@dataclass(frozen=True)
class Publication:
    """The published files for one base: ``directory / name`` for each name of :data:`DUMPS` and :data:`OTHER_FILES`."""

    directory: Path
    base: str

    def path(self, name: str) -> Path:
        """The file for a published name; KeyError for names that are not published."""
        if name not in DUMPS and name not in OTHER_FILES:
            raise KeyError(name)
        return self.directory / name

    @staticmethod
    def media_type(name: str) -> str:
        """The media type a published file is served with."""
        return DUMPS[name][0] if name in DUMPS else OTHER_FILES[name]


def publish(settings: Settings, *, force: bool = False) -> Publication:
    """Return the publication for ``settings.base``, writing it if the inputs or the base changed."""
    base = settings.base
    catalog = (settings.root / "data" / "catalog.ttl").read_bytes()
    key = hashlib.sha256((input_digest(settings) + "\0" + base + "\0" + PUBLISH_VERSION).encode() + catalog)
    key = key.hexdigest()[:16]
    directory = settings.cache_dir / f"publish-{key}"
    if directory.exists() and not force:
        return Publication(directory, base)
    tmp = directory.with_name(f"{directory.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    write_publication(settings, tmp)
    shutil.rmtree(directory, ignore_errors=True)
    tmp.rename(directory)
    return Publication(directory, base)


def write_publication(settings: Settings, directory: Path) -> None:
    """Write every published file for ``settings.base`` into ``directory``."""
    base = settings.base
    store = ox.Store()
    store.bulk_load(rebase_bytes(build_dataset(settings).read_bytes(), base), ox.RdfFormat.N_QUADS)
    prefixes = prefixes_for(base)
    context = {"@context": {**prefixes, "@language": "zh"}}
    (directory / "context.jsonld").write_text(json.dumps(context, ensure_ascii=False, indent=2), encoding="utf-8")
    inferred = ox.NamedNode(rebase(GRAPH_INFERRED, base))
    for name, (_, fmt, with_inferences) in DUMPS.items():
        everything = store.quads_for_pattern(None, None, None, None)
        quads = [q for q in everything if with_inferences or q.graph_name != inferred]
        (directory / name).write_bytes(_serialise(quads, fmt, prefixes))
    _write_csv(store, base, directory)
    names = (*DUMPS, "observations.csv")
    sizes = {name: (directory / name).stat().st_size for name in names}
    checksums = {name: hashlib.sha256((directory / name).read_bytes()).hexdigest() for name in names}
    quads = list(store.quads_for_pattern(None, None, None, None))
    asserted_quads = [q for q in quads if q.graph_name != inferred]
    triples = {}  # what each dump holds: quads for N-Quads (graphs kept), distinct triples for the others
    for name, (_, fmt, with_inferences) in DUMPS.items():
        chosen = quads if with_inferences else asserted_quads
        triples[name] = len(chosen) if fmt == ox.RdfFormat.N_QUADS else len({q.triple for q in chosen})
    catalog = build_catalog(store, base=base, sizes=sizes, media_types={n: Publication.media_type(n) for n in sizes},
                            checksums=checksums, triples=triples)
    (directory / "void.ttl").write_bytes(
        ox.serialize([q.triple for q in catalog], format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    )
    store.extend(catalog)
    store.dump(str(directory / "dataset.nq"), format=ox.RdfFormat.N_QUADS)


def _serialise(quads: list[ox.Quad], fmt: ox.RdfFormat | str, prefixes: dict[str, str]) -> bytes:
    if fmt == ox.RdfFormat.N_QUADS:
        return ox.serialize(quads, format=fmt)
    triples = {q.triple for q in quads}
    if fmt == "jsonld":
        return _compact_jsonld(triples, prefixes)
    ordered = sorted(triples, key=str)
    if fmt == ox.RdfFormat.TURTLE:
        return ox.serialize(ordered, format=fmt, prefixes=prefixes)
    return ox.serialize(ordered, format=fmt)


def _compact_jsonld(triples: set[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """JSON-LD compacted with the published context (rdflib does the compaction)."""
    from rdflib import Graph

    graph = Graph()
    graph.parse(data=ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES), format="nt")
    text = graph.serialize(format="json-ld", context={**prefixes, "@language": "zh"}, auto_compact=True)
    return text.encode("utf-8")


def _write_csv(store: ox.Store, base: str, directory: Path) -> None:
    """observations.csv (one row an observation, multi-valued cells joined by ' | ') and its CSVW metadata."""
    query = (resources.files("kg") / "queries" / "observations_table.rq").read_text(encoding="utf-8")
    own = {"dkg": prefixes_for(base)["dkg"], "kgdata": base + "data/"}
    names = [name for name, *_ in CSV_COLUMNS]
    rows: dict[str, dict[str, list[str]]] = {}
    for solution in store.query(query, prefixes=own, use_default_graph_as_union=True):
        key = solution["observation"].value
        row = rows.setdefault(key, {name: [] for name in names})
        for name in names:
            term = solution[name]
            if term is not None and term.value not in row[name]:
                row[name].append(term.value)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows.values():
        writer.writerow([" | ".join(row[name]) for name in names])
    (directory / "observations.csv").write_text(buffer.getvalue(), encoding="utf-8")
    (directory / "observations.csv-metadata.json").write_text(
        json.dumps(csvw_metadata(base), ensure_ascii=False, indent=2), encoding="utf-8"
    )


def csvw_metadata(base: str) -> dict:
    """The CSVW table description of observations.csv (W3C Metadata Vocabulary for Tabular Data)."""
    columns = []
    for name, title_zh, title_en, datatype in CSV_COLUMNS:
        column: dict = {"name": name, "titles": {"zh": title_zh, "en": title_en}, "datatype": datatype}
        if name == "observation":
            column["suppressOutput"] = False
        columns.append(column)
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "url": "observations.csv",
        "dc:title": [{"@value": "大连“十四五”民生成就观测数据", "@language": "zh"},
                     {"@value": "Dalian 14th Five-Year Plan livelihood observations", "@language": "en"}],
        "dc:source": base + "id/page/livelihood-14fyp",
        "dc:license": {"@id": "https://creativecommons.org/licenses/by/4.0/"},
        "dialect": {"header": True, "encoding": "utf-8"},
        "tableSchema": {"columns": columns, "primaryKey": "observation", "aboutUrl": "{+observation}"},
    }
