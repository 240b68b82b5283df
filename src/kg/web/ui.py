"""The in-browser query page at /sparql: YASGUI (served from the installed node_modules, never a CDN) and a
plain HTML form with server-rendered results, so the page works without JavaScript too.

The endpoint's /sparql view calls :func:`render_sparql_html` when the negotiated type is text/html; this module
only prepares what the templates show (dataclasses), the templates hold markup only.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, render_template, request, send_from_directory

from kg.config import REPO_ROOT
from kg.errors import KgError
from kg.i18n import COOKIE, pick_language
from kg.namespaces import CANONICAL_BASE, compact, prefixes_for
from kg.store import QueryRequest, Store

log = logging.getLogger(__name__)

_HERE = Path(__file__).resolve().parent

bp = Blueprint(
    "ui",
    __name__,
    template_folder=str(_HERE / "templates"),
    static_folder=str(_HERE / "static" / "ui"),
    static_url_path="/static/ui",
)

#: The npm package (see package.json) and the files of its build/ folder the page needs.
YASGUI_PACKAGE = "@zazuko/yasgui"
YASGUI_FILES = frozenset({"yasgui.min.js", "yasgui.min.css", "yasgui.min.js.map"})

#: app.config keys that override where things are found (tests, installed copies).
CONFIG_QUERIES_DIR = "KG_EXAMPLE_QUERIES_DIR"
CONFIG_NODE_MODULES = "KG_NODE_MODULES"

RESULTS_JSON = "application/sparql-results+json"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_RDF_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}

LANGS = ("zh", "en")

#: Every label on the page, by language.
LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "SPARQL 查询",
        "intro": "在此查询大连“十四五”民生知识图谱。默认图是所有命名图的并集。",
        "examples": "示例查询",
        "choose_example": "选择示例查询…",
        "query": "查询",
        "run": "运行查询",
        "results": "查询结果",
        "rows": "行",
        "no_rows": "没有结果。",
        "truncated": "结果已截断：只显示前面的行。",
        "error": "查询出错",
        "prefixes": "已声明的前缀",
        "no_js": "未启用 JavaScript 或查询编辑器不可用：请使用下面的表单。",
        "ask_true": "是（true）",
        "ask_false": "否（false）",
        "other_lang": "English",
    },
    "en": {
        "title": "SPARQL query",
        "intro": "Query the Dalian 14th Five-Year Plan livelihood knowledge graph. The default graph is the union of "
        "all named graphs.",
        "examples": "Example queries",
        "choose_example": "Choose an example query…",
        "query": "Query",
        "run": "Run query",
        "results": "Results",
        "rows": "rows",
        "no_rows": "No results.",
        "truncated": "Results truncated: only the first rows are shown.",
        "error": "Query error",
        "prefixes": "Declared prefixes",
        "no_js": "JavaScript is off or the query editor is unavailable: use the form below.",
        "ask_true": "true",
        "ask_false": "false",
        "other_lang": "中文",
    },
}


@dataclass(frozen=True)
class ExampleQuery:
    """One queries/*.rq file, with the titles from its header comments."""

    slug: str
    title_zh: str
    title_en: str
    description: str
    query: str
    #: ``?query=…`` link that runs it on the plain HTML page.
    href: str = ""


@dataclass(frozen=True)
class Cell:
    """One result value, ready to show: ``href`` set for linkable IRIs."""

    text: str
    kind: str = "literal"  # "iri" | "literal" | "bnode" | "triple" | "unbound"
    href: str | None = None
    title: str | None = None
    lang: str | None = None
    datatype: str | None = None
    entity: bool = False


@dataclass
class ResultTable:
    """A query's result as the page shows it (SELECT rows, a graph's triples, or an ASK answer)."""

    variables: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    boolean: bool | None = None
    truncated: bool = False


@dataclass(frozen=True)
class Prefix:
    name: str
    iri: str


# --- static assets -----------------------------------------------------------------------------------------------


def yasgui_dir_for(node_modules: Path) -> Path | None:
    """YASGUI's build folder under ``node_modules``, or None when it is not installed."""
    build = node_modules / YASGUI_PACKAGE / "build"
    if (build / "yasgui.min.js").is_file() and (build / "yasgui.min.css").is_file():
        return build
    return None


def yasgui_dir() -> Path | None:
    """The app's YASGUI build folder; warns once when `npm ci` has not been run (the page then shows the form)."""
    node_modules = Path(current_app.config.get(CONFIG_NODE_MODULES, REPO_ROOT / "node_modules"))
    build = yasgui_dir_for(node_modules)
    if build is None and not current_app.extensions.get("kg.ui.warned"):
        current_app.extensions["kg.ui.warned"] = True
        log.warning("YASGUI not found under %s (run scripts/setup): /sparql falls back to the plain form", node_modules)
    return build


@bp.route("/static/yasgui/<path:filename>")
def yasgui_asset(filename: str) -> Response:
    """Serve YASGUI's built JS/CSS from node_modules, so the page loads nothing from another host."""
    build = yasgui_dir()
    if build is None or filename not in YASGUI_FILES:
        abort(404)
    return send_from_directory(build, filename, max_age=86400)


# --- example queries ---------------------------------------------------------------------------------------------

_HEADER = re.compile(r"^#\s*(?P<key>[A-Za-z][\w-]*)(?:@(?P<lang>[A-Za-z-]+))?\s*[:：]\s*(?P<value>.*?)\s*$")


def parse_example(path: Path) -> ExampleQuery:
    """Read one .rq file; header comments (``# title: …``, ``# title@zh: …``, ``# description: …``) are optional.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "02-agencies.rq"
    >>> _ = p.write_text("# title@zh: 机构\\n# title@en: Agencies\\nSELECT * WHERE { ?s ?p ?o }\\n", encoding="utf-8")
    >>> e = parse_example(p)
    >>> (e.slug, e.title_zh, e.title_en)
    ('02-agencies', '机构', 'Agencies')
    """
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _HEADER.match(stripped)
        if match:
            key = match["key"].lower() + ("@" + match["lang"].lower() if match["lang"] else "")
            meta.setdefault(key, match["value"])
    plain = meta.get("title", "")
    title_zh = meta.get("title@zh") or plain or path.stem
    title_en = meta.get("title@en") or plain or path.stem
    description = meta.get("description") or meta.get("description@en") or meta.get("description@zh") or ""
    return ExampleQuery(path.stem, title_zh, title_en, description, text)


def example_queries(base: str = CANONICAL_BASE) -> list[ExampleQuery]:
    """Every queries/*.rq of the repository, by file name, moved from the canonical base to ``base``.

    The examples are written against the canonical base (as the data files are); a server publishing under
    another base must offer them with its own IRIs, or they would find nothing. Unreadable files are skipped.
    """
    folder = Path(current_app.config.get(CONFIG_QUERIES_DIR, REPO_ROOT / "queries"))
    examples = []
    for path in sorted(folder.glob("*.rq")):
        try:
            example = parse_example(path)
        except (OSError, UnicodeDecodeError) as err:
            log.warning("skipping example query %s: %s", path, err)
            continue
        text = example.query.replace(CANONICAL_BASE, base)
        examples.append(replace(example, query=text, href=request.path + "?" + urlencode({"query": text})))
    return examples


# --- results -----------------------------------------------------------------------------------------------------


def cell_for(term: object, base: str, prefixes: dict[str, str]) -> Cell:
    """Turn one RDF term into a cell: entity IRIs under ``base`` link to their own page (the IRI itself)."""
    if term is None:
        return Cell("", kind="unbound")
    if isinstance(term, ox.NamedNode):
        iri = term.value
        linkable = iri.startswith(("http://", "https://"))
        return Cell(
            compact(iri, prefixes) or iri,
            kind="iri",
            href=iri if linkable else None,
            title=iri,
            entity=iri.startswith(base),
        )
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        shown_type = None if datatype in (_XSD_STRING, _RDF_LANGSTRING) else (compact(datatype, prefixes) or datatype)
        return Cell(term.value, kind="literal", lang=term.language, datatype=shown_type)
    if isinstance(term, ox.BlankNode):
        return Cell("_:" + term.value, kind="bnode")
    return Cell(str(term), kind="triple")


def result_table(body: bytes, media_type: str, base: str, truncated: bool = False) -> ResultTable:
    """Parse a serialised result (SPARQL JSON, or an RDF graph for CONSTRUCT/DESCRIBE) into a table."""
    prefixes = prefixes_for(base)
    kind = media_type.split(";")[0].strip().lower()
    if kind in _RDF_FORMATS:
        rows = [
            [cell_for(getattr(q, part), base, prefixes) for part in ("subject", "predicate", "object")]
            for q in ox.parse(body, format=_RDF_FORMATS[kind])
        ]
        return ResultTable(["subject", "predicate", "object"], rows, truncated=truncated)
    results = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    if isinstance(results, ox.QueryBoolean):
        return ResultTable(boolean=bool(results), truncated=truncated)
    variables = [v.value for v in results.variables]
    rows = [[cell_for(solution[v], base, prefixes) for v in variables] for solution in results]
    return ResultTable(variables, rows, truncated=truncated)


# --- the page ----------------------------------------------------------------------------------------------------


def page_lang() -> str:
    """The reader's language, chosen as on every other page (kg.i18n.pick_language: ?lang=, cookie, Accept-Language)."""
    return pick_language(request.args.get("lang"), request.cookies.get(COOKIE),
                         [(tag, q) for tag, q in request.accept_languages])


def render_sparql_html(store: Store, query: str | None) -> Response:
    """The HTML answer of /sparql: the editor page, plus the results of ``query`` when one was sent."""
    lang = page_lang()
    labels = LABELS[lang]
    prefixes = prefixes_for(store.base)
    examples = example_queries(store.base)
    table: ResultTable | None = None
    error: str | None = None
    status = 200
    if query and query.strip():
        try:
            response = store.execute(QueryRequest(query=query, media_type=RESULTS_JSON, base_iri=request.base_url))
            table = result_table(response.body, response.media_type, store.base, response.truncated)
        except KgError as err:
            error, status = str(err) or type(err).__name__, err.status
        except (ValueError, SyntaxError) as err:  # an unparsable result body: the store's fault, not the user's
            log.warning("could not read a query result for the HTML page: %s", err)
            error, status = str(err), 502
    build = yasgui_dir()
    config = {
        "endpoint": request.path,
        "base": store.base,
        "query": query or "",
        "defaultQuery": "".join(f"PREFIX {n}: <{i}>\n" for n, i in prefixes.items() if n in _EDITOR_PREFIXES)
        + "\nSELECT ?s ?p ?o WHERE {\n  ?s ?p ?o\n} LIMIT 20\n",
        "prefixes": prefixes,
        "examples": [{"slug": e.slug, "title": getattr(e, "title_" + lang), "query": e.query} for e in examples],
        "lang": lang,
    }
    other = "en" if lang == "zh" else "zh"
    # the endpoint reads the POST body itself: a chosen language travels in the form's action URL
    action = request.path + ("?" + urlencode({"lang": lang}) if request.args.get("lang") in LANGS else "")
    html = render_template(
        "ui/sparql.html",
        lang=lang,
        labels=labels,
        other_lang=other,
        other_lang_href=request.path + "?" + urlencode({**request.args.to_dict(), "lang": other}),
        prefixes=[Prefix(n, i) for n, i in prefixes.items()],
        examples=examples,
        query=query or "",
        action=action,
        table=table,
        error=error,
        yasgui=build is not None,
        config=config,
    )
    resp = Response(html, status=status, mimetype="text/html")
    resp.vary.add("Accept")
    resp.vary.add("Accept-Language")
    return resp


#: Prefixes written into the editor's starting query (the full map is known to the editor and the result table).
_EDITOR_PREFIXES = ("dkg", "orgs", "rdfs", "skos", "qb", "schema", "prov")
