"""The observations as tidy tables for spreadsheets, with CSVW metadata (W3C Tabular Data) that turns them back into
the graph's RDF.

- ``observations.csv``: one row an observation, described by ``observations.csv-metadata.json``;
- ``indicator-<key>.csv``: the same columns, one file per indicator, described together by ``csv-metadata.json``
  (the file CSVW processors look for beside a CSV that has no ``<name>-metadata.json``).

Codes people join on are plain strings: the area's GB/T 2260 code (``210200``), its Wikidata id (``Q74881``), the
indicator's key, the unit's and the kind's codes. The metadata maps each column about the observation to the
property the graph uses, so a CSVW processor (csvw's ``csv2json``, ``csv2rdf``) gives back the graph's own triples
about each observation; labels and codes of the things it points at are for people and joins (``suppressOutput``).
IRI columns are typed ``string`` and turned into IRIs with ``valueUrl``: csvw (Python) 4.x hands a column typed
``anyURI`` to the ``aboutUrl`` template as a URI object and writes a mangled ``@id``; and it cannot group cells
about other subjects than the row's when a row has a number (``to_json`` takes ``len`` of a float).
"""

from __future__ import annotations

import csv
import io
import json
import typing as t
from pathlib import Path

import pyoxigraph as ox

from kg.graph.normalise import normalise
from kg.queries import query as app_query

#: Multi-valued cells are joined by this (and the metadata says so for the columns that have one).
SEPARATOR = " | "
OBSERVATIONS_FILE = "observations.csv"
#: The CSVW metadata describing every per-indicator file (a table group).
INDICATOR_METADATA = "csv-metadata.json"
INDICATOR_PREFIX = "indicator-"

DKG_PATH = "def/ontology#"
SDMX = "http://purl.org/linked-data/sdmx/2009/"


class Column(t.NamedTuple):
    """A CSV column: name, titles, CSVW datatype, and the RDF it stands for (None: not output as RDF).

    ``prop`` is the property (an IRI, a prefixed name of the CSVW initial context, or ``dkg:`` for the project's
    ontology), ``about`` the column
    whose IRI is the subject (the observation when empty), ``value`` the valueUrl template (an IRI object).
    """

    name: str
    zh: str
    en: str
    datatype: str = "string"
    prop: str | None = None
    value: str = ""
    lang: str = ""


CSV_COLUMNS: list[Column] = [
    Column("observation", "观测", "Observation"),
    Column("indicator", "指标", "Indicator", prop="dkg:indicator", value="{+indicator}"),
    Column("indicator_code", "指标代码", "Indicator code"),
    Column("indicator_zh", "指标名称", "Indicator (zh)"),
    Column("indicator_en", "指标名称（英文）", "Indicator (en)"),
    Column("value", "数值", "Value", "decimal", prop=SDMX + "measure#obsValue"),
    Column("unit", "单位", "Unit", prop=SDMX + "attribute#unitMeasure", value="{+unit}"),
    Column("unit_code", "单位代码", "Unit code"),
    Column("unit_printed", "原文单位", "Unit as printed"),
    Column("unit_zh", "单位名称", "Unit (zh)"),
    Column("unit_en", "单位名称（英文）", "Unit (en)"),
    Column("qualifier", "限定", "Qualifier", prop="dkg:qualifier", value="{+qualifier}"),
    Column("kind", "数值类型", "Kind of value", prop="dkg:valueKind", value="{+kind}"),
    Column("kind_code", "数值类型代码", "Kind of value (code)"),
    Column("period", "时期", "Period", prop=SDMX + "dimension#refPeriod", value="{+period}"),
    Column("period_start", "开始日期", "Period start", "date"),
    Column("period_end", "结束日期", "Period end", "date"),
    Column("area", "地区", "Area", prop=SDMX + "dimension#refArea", value="{+area}"),
    Column("area_code", "地区代码（GB/T 2260）", "Area code (GB/T 2260)"),
    Column("area_zh", "地区名称", "Area (zh)"),
    Column("area_en", "地区名称（英文）", "Area (en)"),
    Column("area_wikidata", "地区的维基数据 ID", "Area's Wikidata id"),
    Column("organisation", "责任机构", "Responsible organisation", prop="dkg:responsibleOrganization",
           value="{+organisation}"),
    Column("organisation_zh", "机构名称", "Organisation (zh)"),
    Column("organisation_en", "机构名称（英文）", "Organisation (en)"),
    Column("verbatim", "原文数值", "Value as printed", prop="dkg:verbatimValue", lang="zh"),
    Column("quote", "原文引文", "Source sentence", prop="dkg:quote", lang="zh"),
    Column("article", "来源文章", "Source article", prop="prov:wasQuotedFrom", value="{+article}"),
]
#: Columns computed here rather than read from the query.
COMPUTED = ("indicator_code", "unit_printed")


def write_tables(store: ox.Store, base: str, directory: Path) -> dict[str, tuple[str, str]]:
    """Write observations.csv, one CSV per indicator and their CSVW metadata into ``directory``.

    Returns the per-indicator file names with their titles (zh, en), for the catalog.
    """
    rows = observation_rows(store, base)
    multi = {name for row in rows for name, cell in row.items() if SEPARATOR in cell}
    (directory / OBSERVATIONS_FILE).write_text(_csv_text(rows), encoding="utf-8")
    _write_json(directory / f"{OBSERVATIONS_FILE}-metadata.json", csvw_metadata(base, multi))
    by_indicator: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_indicator.setdefault(row["indicator_code"], []).append(row)
    files: dict[str, tuple[str, str]] = {}
    table = csvw_metadata(base, multi)
    group = {key: table.pop(key) for key in ("@context", "dc:source", "dc:license", "dialect")}
    tables = []
    for key, rows_of in sorted(by_indicator.items()):
        name = f"{INDICATOR_PREFIX}{key}.csv"
        (directory / name).write_text(_csv_text(rows_of), encoding="utf-8")
        files[name] = (rows_of[0]["indicator_zh"] or key, rows_of[0]["indicator_en"] or key)
        titles = [{"@value": files[name][0], "@language": "zh"}, {"@value": files[name][1], "@language": "en"}]
        # the schema in every table: csvw (Python) does not apply a table group's tableSchema to its tables
        tables.append({**table, "url": name, "dc:title": titles})
    _write_json(directory / INDICATOR_METADATA, {**group, "tables": tables})
    return files


def observation_rows(store: ox.Store, base: str) -> list[dict[str, str]]:
    """One dict per observation (column → cell; several values joined by :data:`SEPARATOR`), in IRI order."""
    own = {"dkg": base + DKG_PATH, "kgdata": base + "data/"}
    names = [column.name for column in CSV_COLUMNS if column.name not in COMPUTED]
    cells: dict[str, dict[str, list[str]]] = {}
    for solution in store.query(app_query("observations_table"), prefixes=own, use_default_graph_as_union=True):
        row = cells.setdefault(solution["observation"].value, {name: [] for name in names})
        for name in names:
            term = solution[name]
            if term is not None and term.value not in row[name]:
                row[name].append(term.value)
    rows = []
    for values in cells.values():
        row = {name: SEPARATOR.join(values[name]) for name in names}
        row["indicator_code"] = row["indicator"].rsplit("/", 1)[-1]
        row["unit_printed"] = _printed_unit(values["verbatim"])
        rows.append({column.name: row[column.name] for column in CSV_COLUMNS})
    return rows


def _printed_unit(verbatims: list[str]) -> str:
    """The unit word as printed ("82.45岁" → "岁"; 万 and 亿 are folded into the value, so "5亿元" → "元")."""
    words = []
    for text in verbatims:
        try:
            word = normalise(text).unit_word
        except ValueError:
            continue
        if word and word not in words:
            words.append(word)
    return SEPARATOR.join(words)


def _csv_text(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.name for column in CSV_COLUMNS])
    for row in rows:
        writer.writerow([row[column.name] for column in CSV_COLUMNS])
    return buffer.getvalue()


def _write_json(path: Path, document: dict) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")


def csvw_metadata(base: str, multi_valued: set[str] = frozenset()) -> dict:  # type: ignore[assignment]
    """The CSVW table description of observations.csv (W3C Metadata Vocabulary for Tabular Data): each column with
    its titles, datatype and the property it stands for; virtual columns type each row qb:Observation in the cube."""
    columns: list[dict] = []
    for column in CSV_COLUMNS:
        spec: dict = {"name": column.name, "titles": {"zh": column.zh, "en": column.en},
                      "datatype": column.datatype}
        if column.prop is None:
            spec["suppressOutput"] = True
        else:
            spec["propertyUrl"] = base + DKG_PATH + column.prop[4:] if column.prop.startswith("dkg:") \
                else column.prop
            if column.value:
                spec["valueUrl"] = column.value
            if column.lang:
                spec["lang"] = column.lang
        if column.name in multi_valued:
            spec["separator"] = SEPARATOR
        columns.append(spec)
    columns += [
        {"virtual": True, "propertyUrl": "rdf:type", "valueUrl": "qb:Observation"},
        {"virtual": True, "propertyUrl": "qb:dataSet", "valueUrl": base + "data/livelihood-14fyp"},
    ]
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "url": OBSERVATIONS_FILE,
        "dc:title": [{"@value": "大连“十四五”民生成就观测数据", "@language": "zh"},
                     {"@value": "Dalian 14th Five-Year Plan livelihood observations", "@language": "en"}],
        "dc:source": base + "id/page/livelihood-14fyp",
        "dc:license": {"@id": "https://creativecommons.org/licenses/by/4.0/"},
        "dialect": {"header": True, "encoding": "utf-8"},
        "tableSchema": {"columns": columns, "primaryKey": "observation", "aboutUrl": "{+observation}"},
    }

