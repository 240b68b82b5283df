"""Downloads and the dataset description: ``/downloads/…`` and ``/.well-known/void``.

The files come from :func:`kg.publish.publish` for the served base (computed once, cached on disk), so they
are the same on every backend; the VoID description is read from the store's ``data/catalog`` graph, so it
is what a SPARQL user sees too.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, send_file

from kg.formats import HTML
from kg.negotiate import pick_description_format
from kg.publish import Publication
from kg.views.describe import graph_triples, serialise
from kg.web.caching import rdf_document
from kg.web.deps import get_publication, get_store

bp = Blueprint("catalog", __name__)

@bp.get("/downloads/")
def downloads() -> str:
    """A page listing every download with its media type and size."""
    publication = get_publication()
    files = [
        {"name": name, "media_type": Publication.media_type(name), "size": publication.path(name).stat().st_size}
        for name in publication.names()
    ]
    return render_template("catalog/downloads.html", files=files)


@bp.get("/downloads/<name>")
def download(name: str) -> Response:
    """One published file, with its media type, a strong ETag and CORS for browser tools."""
    publication = get_publication()
    try:
        path = publication.path(name)
    except KeyError:
        abort(404, description=f"no download named {name!r}; see /downloads/")
    response = send_file(path, mimetype=Publication.media_type(name), conditional=True, etag=True, max_age=3600)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/.well-known/void")
def void_description() -> Response:
    """The VoID/DCAT description (RDF by content negotiation, with ETag and CORS; browsers go to the dataset page)."""
    media_type = pick_description_format(request.headers.get("Accept"))
    store = get_store()
    if media_type == HTML:
        return redirect("/data/dalian-kg", code=303)
    catalog = store.base + "data/catalog"
    return rdf_document(media_type, lambda: serialise(graph_triples(store, catalog), media_type, store.base))
