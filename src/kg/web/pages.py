"""Blueprint ``pages``: every IRI under the base as an HTML page or RDF, plus home, search, class and ontology pages.

Handlers only pick the language and the format, call one view-model builder, and render or serialise.
"""

from __future__ import annotations

import math
from functools import lru_cache
from urllib.parse import quote as urlquote
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, g, render_template, request

from kg.graph.articles import Article, load_articles
from kg.i18n import COOKIE, pick_language, translations
from kg.store import Store
from kg.views.article import build_article_view
from kg.views.charts import build_chart
from kg.views.describe import (
    BY_MEDIA_TYPE,
    HTML,
    RDF_FORMATS,
    describe,
    graph_triples,
    pick_media_type,
    serialise,
    split_suffix,
)
from kg.views.entity import (
    build_entity_page,
    choose_label,
    entity_exists,
    labels_for,
    make_link,
    short_name,
)
from kg.views.listings import build_class_members, build_home, build_ontology_terms
from kg.views.search import group_type, index_for

bp = Blueprint("pages", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/pages")
PAGE_SIZE = 50
EXAMPLES_SHOWN = 6


def is_iri(text: str) -> bool:
    """Whether ``text`` is an IRI the store can be asked about (pyoxigraph refuses spaces, quotes, braces …)."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def get_store() -> Store:
    """The app's store (put there by create_app under the shared key)."""
    return current_app.extensions["kg.store"]


@lru_cache(maxsize=1)
def articles_by_path() -> dict[str, Article]:
    """Articles by their path relative to the base (``id/article/health``)."""
    return {f"id/article/{slug}": article for slug, article in load_articles().items()}


def reader_language() -> str:
    """The language of this request (computed once per request)."""
    if "lang" not in g:
        g.lang = pick_language(request.args.get("lang"), request.cookies.get(COOKIE),
                               [(tag, q) for tag, q in request.accept_languages])
    return g.lang


@bp.before_request
def choose_language() -> None:
    reader_language()


@bp.after_app_request
def remember_language(response: Response) -> Response:
    """Keep an explicit ?lang= choice in a cookie (on every page that extends base.html)."""
    chosen = request.args.get("lang")
    if chosen in ("zh", "en"):
        response.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@bp.after_request
def vary_on_language(response: Response) -> Response:
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


@bp.app_context_processor
def page_context() -> dict[str, object]:
    """What base.html needs; app-wide because other blueprints' templates extend base.html too."""
    lang = reader_language()
    args = {k: v for k, v in request.args.items() if k != "lang"}
    return {
        "lang": lang,
        "t": translations(lang),
        "lang_links": {code: request.path + "?" + urlencode({**args, "lang": code}) for code in ("zh", "en")},
        "search_text": request.args.get("q", "") if request.endpoint == "pages.search" else "",
        "alternates": [],
    }


def alternates_for(path: str) -> list[dict[str, str]]:
    """The RDF variants of a local path, for <link rel=alternate> and the Link header."""
    return [{"href": path + f.suffix, "media_type": f.media_type, "name": f.name} for f in RDF_FORMATS]


def with_negotiation_headers(response: Response, path: str) -> Response:
    response.vary.add("Accept")
    response.headers["Link"] = ", ".join(
        f'<{alt["href"]}>; rel="alternate"; type="{alt["media_type"]}"' for alt in alternates_for(path))
    return response


def examples() -> list:
    """The repository's example queries (queries/*.rq, read by the query UI's module), or none without it."""
    try:
        from kg.web.ui import example_queries
    except ImportError:
        return []
    return example_queries(get_store().base)


@bp.route("/")
def home() -> str:
    store = get_store()
    counts, groups = build_home(store, g.lang)
    t = translations(g.lang)
    labels = {key: t[key] for key in ("triples", "observations", "organisations", "people", "articles", "indicators",
                                      "evidence")}
    titles = {"agencies": t["agencies"], "articles": t["articles"], "indicators": t["indicators"]}
    home_view = {
        "counts": [{"label": labels[k], "value": f"{v:,}"} for k, v in counts.items() if k in labels],
        "groups": [{"key": grp.key, "title": titles[grp.key], "entries": grp.items} for grp in groups],
        "examples": [{"title": ex.title_zh if g.lang == "zh" else ex.title_en,
                      "href": "/sparql?" + urlencode({"query": ex.query})} for ex in examples()[:EXAMPLES_SHOWN]],
        "downloads": [{"href": rule.rule, "title": rule.rule} for rule in current_app.url_map.iter_rules()
                      if rule.endpoint.startswith("catalog.") and not rule.arguments],
    }
    return render_template("pages/home.html", home=home_view)


@bp.route("/search")
def search() -> str:
    store = get_store()
    index = index_for(store)
    groups: dict[str, list] = {}
    for entry in index.find(request.args.get("q", "")):
        groups.setdefault(group_type(entry), []).append(make_link(entry.iri, entry.labels, g.lang, store.base))
    type_labels = labels_for(store)
    view = [{"type": make_link(type_iri, type_labels.get(type_iri, {}), g.lang, store.base, ontology_term=True)
             if type_iri else None, "entries": items} for type_iri, items in groups.items()]
    for group in view:
        if group["type"] is not None:
            group["type"].href = f"/class?iri={urlquote(group['type'].iri, safe='')}"
    return render_template("pages/search.html", groups=view)


@bp.route("/class")
def class_page() -> str | tuple[str, int]:
    store = get_store()
    iri = request.args.get("iri", "")
    if iri and not is_iri(iri):
        return render_template("pages/not_found.html", missing=iri, suggestion=""), 400
    sort = "facts" if request.args.get("sort") == "facts" else "label"
    members = build_class_members(store, iri, g.lang, sort=sort) if iri else []
    if not members:
        return render_template("pages/not_found.html", missing=iri, suggestion=""), 404
    pages = max(1, math.ceil(len(members) / PAGE_SIZE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)

    def href(**changes: object) -> str:
        return "/class?" + urlencode({"iri": iri, "sort": sort, "page": page, **changes})

    labels = labels_for(store).get(iri, {})
    link = make_link(iri, labels, g.lang, store.base, ontology_term=True)
    cls = {"iri": iri, "title": choose_label(labels, g.lang, short_name(iri, store.base)), "total": len(members),
           "members": members[(page - 1) * PAGE_SIZE: page * PAGE_SIZE], "page": page, "pages": pages,
           "definition_href": link.href, "sort_label_href": href(sort="label", page=1),
           "sort_facts_href": href(sort="facts", page=1),
           "previous_href": href(page=page - 1) if page > 1 else "",
           "next_href": href(page=page + 1) if page < pages else ""}
    return render_template("pages/class.html", cls=cls)


@bp.route("/def/ontology")
def ontology() -> Response | str:
    return ontology_response(pick_media_type(request.headers.get("Accept")))


def ontology_response(media_type: str) -> Response | str:
    store = get_store()
    if media_type != HTML:
        body = serialise(graph_triples(store, store.base + "data/ontology"), BY_MEDIA_TYPE[media_type], store.base)
        return with_negotiation_headers(Response(body, mimetype=media_type), "/def/ontology")
    classes, properties = build_ontology_terms(store, g.lang)
    onto = {"iri": store.base + "def/ontology", "classes": classes, "properties": properties}
    html = render_template("pages/ontology.html", onto=onto, alternates=alternates_for("/def/ontology"))
    return with_negotiation_headers(Response(html, mimetype="text/html"), "/def/ontology")


@bp.route("/id/<path:rest>", defaults={"prefix": "id"})
@bp.route("/def/<path:rest>", defaults={"prefix": "def"})
@bp.route("/data/<path:rest>", defaults={"prefix": "data"})
def entity(prefix: str, rest: str) -> Response | tuple[Response, int]:
    store = get_store()
    if not is_iri(store.base + f"{prefix}/{rest}"):  # a path that cannot be an IRI names nothing here
        html = render_template("pages/not_found.html", missing=f"/{prefix}/{rest}", suggestion="")
        return Response(html, status=404, mimetype="text/html")
    path, fmt = split_suffix(f"{prefix}/{rest}")
    if fmt is not None and entity_exists(store, store.base + f"{prefix}/{rest}"):
        path, fmt = f"{prefix}/{rest}", None  # the IRI itself ends like a file (a dcat:Distribution)
    media_type = fmt.media_type if fmt else pick_media_type(request.headers.get("Accept"))
    if path == "def/ontology":
        return ontology_response(media_type)
    iri = store.base + path
    local = "/" + path
    if not entity_exists(store, iri):
        if media_type != HTML:
            return Response(f"Not found: {iri}\n", status=404, mimetype="text/plain")
        html = render_template("pages/not_found.html", missing=iri, suggestion=path.rsplit("/", 1)[-1])
        return Response(html, status=404, mimetype="text/html")
    if media_type != HTML:
        body = serialise(describe(store, iri), BY_MEDIA_TYPE[media_type], store.base)
        return with_negotiation_headers(Response(body, mimetype=media_type), local)
    page = build_entity_page(store, iri, g.lang)
    article = articles_by_path().get(path)
    article_view = None
    if article is not None:
        article_view = build_article_view(store, iri, article.text, article.body, g.lang,
                                          request.args.get("highlight", ""))
    html = render_template("pages/entity.html", page=page, article=article_view,
                           chart=build_chart(page.observations), alternates=alternates_for(local))
    return with_negotiation_headers(Response(html, mimetype="text/html"), local)
