"""Blueprint ``pages``: every IRI under the base as an HTML page or RDF, plus home, search, class and ontology pages.

Each route reads its inputs, calls one view builder (kg.views) and renders or serialises what it returns. The format
of an IRI is its file suffix, else the Accept header (kg.negotiate.pick_entity_format); the language is the
request's (kg.web.deps).
"""

from __future__ import annotations

import typing as t

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from kg.formats import HTML, RDF_BY_SUFFIX, RDF_FORMATS
from kg.negotiate import pick_entity_format
from kg.queries import query
from kg.views.describe import describe, graph_triples, serialise, serialise_quads
from kg.views.entity import build_entity_page
from kg.views.examples import load_examples
from kg.views.graphs import build_graph_page, graph_document, is_named_graph
from kg.views.home import build_home_view
from kg.views.listings import build_class_page, build_ontology_meta, build_ontology_terms
from kg.views.search import build_search_page
from kg.web.caching import rdf_document
from kg.web.deps import PUBLICATION, get_settings, get_store, reader_language
from kg.web.errors import render_error

#: The organisation name the guide's reconciliation example looks up (tests/test_guide.py runs it).
GUIDE_RECONCILE_EXAMPLE = "大连理工大学"

bp = Blueprint("pages", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/pages")


def is_iri(text: str) -> bool:
    """Whether ``text`` is an IRI the store can be asked about (pyoxigraph refuses spaces, quotes, braces …)."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def alternates_for(path: str) -> list[dict[str, str]]:
    """The RDF variants of a local path, for <link rel=alternate> and the Link header."""
    return [{"href": path + f.suffix, "media_type": f.media_type, "name": f.label} for f in RDF_FORMATS]


def alternates_header(path: str) -> str:
    """The Link header naming the RDF variants of a local path."""
    return ", ".join(f'<{alt["href"]}>; rel="alternate"; type="{alt["media_type"]}"' for alt in alternates_for(path))


def negotiated(response: Response, path: str) -> Response:
    """Vary on Accept and name the alternates in a Link header."""
    response.vary.add("Accept")
    response.headers["Link"] = alternates_header(path)
    return response


def rdf_response(media_type: str, path: str, produce: t.Callable[[], bytes]) -> Response:
    """An RDF document of a local path: ETag (304 on If-None-Match), CORS, Vary: Accept and the alternates."""
    return rdf_document(media_type, produce, links=alternates_header(path))


def not_found(missing: str, suggestion: str = "", status: int = 404) -> Response:
    """The styled not-found (or bad-request) page (kg.web.errors)."""
    return render_error(status, missing, suggestion)


@bp.route("/")
def home() -> str:
    store = get_store()
    examples = load_examples(get_settings().examples_dir, store.base)
    return render_template("pages/home.html", home=build_home_view(store, reader_language(), examples))


@bp.route("/guide/linking")
def guide_linking() -> str:
    """The "link your data" guide: identifiers, what each link means, and the join recipes (queries/link-*.rq and
    the federation examples, shown under the served base)."""
    settings, store = get_settings(), get_store()
    examples = load_examples(settings.examples_dir, store.base)
    recipes = {"dumps": [q for q in examples if q.slug.startswith("link-")],
               "federation": [q for q in examples if q.slug.startswith("federation-")]}
    return render_template("pages/guide_linking.html", recipes=recipes,
                           reconcile_url=settings.public_base + "reconcile", reconcile_example=GUIDE_RECONCILE_EXAMPLE)


@bp.route("/search")
def search() -> str:
    groups = build_search_page(get_store(), request.args.get("q", ""), reader_language())
    return render_template("pages/search.html", groups=groups)


@bp.route("/class")
def class_page() -> Response | str:
    iri = request.args.get("iri", "")
    if iri and not is_iri(iri):
        return not_found(iri, status=400)
    page = build_class_page(get_store(), iri, reader_language(), sort=request.args.get("sort", "label"),
                            page=request.args.get("page", 1, type=int)) if iri else None
    if page is None:
        return not_found(iri)
    return render_template("pages/class.html", cls=page)


@bp.route("/def/ontology")
def ontology() -> Response:
    return ontology_response(pick_entity_format(request.headers.get("Accept")))


def ontology_response(media_type: str) -> Response:
    store = get_store()
    if media_type != HTML:
        ontology_graph = store.base + "data/ontology"
        return rdf_response(media_type, "/def/ontology",
                            lambda: serialise(graph_triples(store, ontology_graph), media_type, store.base))
    lang = reader_language()
    classes, properties = build_ontology_terms(store, lang)
    onto = {"iri": store.base + "def/ontology", "classes": classes, "properties": properties,
            "tops": [c for c in classes if c.depth == 0], "meta": build_ontology_meta(store, lang)}
    html = render_template("pages/ontology.html", onto=onto, alternates=alternates_for("/def/ontology"))
    return negotiated(Response(html, mimetype="text/html"), "/def/ontology")


@bp.route("/id/<path:rest>", defaults={"prefix": "id"})
@bp.route("/def/<path:rest>", defaults={"prefix": "def"})
@bp.route("/data/<path:rest>", defaults={"prefix": "data"})
def entity(prefix: str, rest: str) -> Response:
    store = get_store()
    path = f"{prefix}/{rest}"
    if not is_iri(store.base + path):  # a path that cannot be an IRI names nothing here
        return not_found(f"/{path}")
    stem, dot, suffix = path.rpartition(".")
    fmt = RDF_BY_SUFFIX.get(dot + suffix) if stem else None
    if fmt is not None and store.ask(query("entity_exists", store.base), {"s": ox.NamedNode(store.base + path)}):
        fmt = None  # the IRI itself ends like a file (a dcat:Distribution)
    elif fmt is not None:
        path = stem
    media_type = fmt.media_type if fmt else pick_entity_format(request.headers.get("Accept"))
    if path == "def/ontology":
        return ontology_response(media_type)
    iri, local = store.base + path, "/" + path
    if is_named_graph(store, iri):
        return named_graph_response(iri, local, media_type)
    if media_type != HTML:
        triples = describe(store, iri)
        if not any(t.subject == ox.NamedNode(iri) for t in triples):
            return Response(f"Not found: {iri}\n", status=404, mimetype="text/plain")
        return rdf_response(media_type, local, lambda: serialise(triples, media_type, store.base))
    number = min(max(request.args.get("page", 1, type=int) or 1, 1), 10**6)
    page = build_entity_page(store, iri, reader_language(), page=number, highlight=request.args.get("highlight", ""))
    if page is None:
        return not_found(iri, path.rsplit("/", 1)[-1])
    html = render_template("pages/entity.html", page=page, alternates=alternates_for(local))
    return negotiated(Response(html, mimetype="text/html"), local)


def named_graph_response(iri: str, local: str, media_type: str) -> Response:
    """A named graph's IRI: its content and description as RDF, or the page saying what it holds."""
    store = get_store()
    if media_type != HTML:
        return rdf_response(media_type, local, lambda: serialise_quads(graph_document(store, iri), media_type,
                                                                       store.base))
    published = current_app.extensions.get(PUBLICATION) is not None
    graph = build_graph_page(store, iri, reader_language(), published=published)
    html = render_template("pages/graph.html", graph=graph, alternates=alternates_for(local))
    return negotiated(Response(html, mimetype="text/html"), local)
