"""Downloads and the dataset description: ``/downloads/…`` and ``/.well-known/void``.

The files come from :func:`kg.publish.publish` for the served base (computed once, cached on disk), so they
are the same on every backend; the VoID description is read from the store's ``data/catalog`` graph, so it
is what a SPARQL user sees too.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, abort, redirect, render_template, request, send_file

from kg.publish.dumps import DUMPS, OTHER_FILES, Publication, publish
from kg.web import get_settings, get_store

bp = Blueprint("catalog", __name__)

#: RDF media types the VoID description can be sent in.
VOID_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
CATALOG_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def get_publication() -> Publication:
    """The publication for the app's settings (built on first use, then cached on disk)."""
    from flask import current_app

    publication = current_app.extensions.get("kg.publication")
    if publication is None:
        publication = publish(get_settings())
        current_app.extensions["kg.publication"] = publication
    return publication


@bp.get("/downloads/")
def downloads() -> str:
    """A page listing every download with its media type and size."""
    publication = get_publication()
    files = [
        {"name": name, "media_type": Publication.media_type(name), "size": publication.path(name).stat().st_size}
        for name in (*DUMPS, *OTHER_FILES)
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
    """The VoID/DCAT description (RDF by content negotiation; browsers go to the dataset page)."""
    best = request.accept_mimetypes.best_match([*VOID_FORMATS, "text/html"], default="text/turtle")
    store = get_store()
    if best == "text/html" and request.accept_mimetypes["text/html"] > request.accept_mimetypes["text/turtle"]:
        return redirect(store.base + "data/dalian-kg", code=303)
    triples = store.construct(CATALOG_QUERY, {"g": ox.NamedNode(store.base + "data/catalog")})
    body = ox.serialize(triples, format=VOID_FORMATS[best])
    response = Response(body, mimetype=best)
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
