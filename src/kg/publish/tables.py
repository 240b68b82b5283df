"""The observations as a tidy table for spreadsheets: ``observations.csv`` and its CSVW metadata (W3C Tabular Data)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox

from kg.namespaces import prefixes_for
from kg.queries import query as app_query

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


def write_csv(store: ox.Store, base: str, directory: Path) -> None:
    """observations.csv (one row an observation, multi-valued cells joined by ' | ') and its CSVW metadata."""
    query = app_query("observations_table")
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
