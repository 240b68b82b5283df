"""Blueprint ``reconcile``: the W3C Reconciliation Service API 0.2 at /reconcile (what OpenRefine calls).

Requests are decoded here (``queries=`` / ``extend=`` JSON, GET or POST form; JSONP ``callback``); every answer is
built by kg.views.reconcile. Bad JSON is a 400 with a message; CORS is open (the data is public and read-only).
"""

from __future__ import annotations

import json
import re
import typing as t

from flask import Blueprint, Response, request
from markupsafe import escape

from kg.errors import QueryError
from kg.views import reconcile as service
from kg.web.deps import get_settings, get_store

bp = Blueprint("reconcile", __name__)
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")


def _json(value: t.Any) -> Response:
    body = json.dumps(value, ensure_ascii=False)
    callback = request.values.get("callback", "")
    if callback and _CALLBACK.match(callback):
        response = Response(f"/**/{callback}({body});", mimetype="application/javascript")
    else:
        response = Response(body, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _payload(name: str) -> t.Any:
    raw = request.values.get(name)
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise QueryError(f"the {name!r} parameter is not valid JSON") from None


def _service_url() -> str:
    """The service's public URL (``--public-url``; never taken from the Host header)."""
    return get_settings().public_base + "reconcile"


@bp.route("/reconcile", methods=["GET", "POST"])
def endpoint() -> Response:
    """Manifest without parameters; a result batch for ``queries``; a data extension for ``extend``."""
    store = get_store()
    queries = _payload("queries")
    if queries is not None:
        if not isinstance(queries, dict) or not all(isinstance(q, dict) for q in queries.values()):
            raise QueryError("'queries' must be a JSON object of query objects")
        return _json(service.reconcile(store, queries))
    extension = _payload("extend")
    if extension is not None:
        if not isinstance(extension, dict) or not isinstance(extension.get("ids"), list):
            raise QueryError("'extend' must be a JSON object with 'ids' and 'properties'")
        properties = [p for p in extension.get("properties", []) if isinstance(p, dict) and "id" in p]
        return _json(service.extend(store, [str(i) for i in extension["ids"]], properties))
    return _json(service.manifest(store, _service_url()))


@bp.get("/reconcile/suggest/entity")
def suggest_entity() -> Response:
    return _json(service.suggest_entities(get_store(), request.args.get("prefix", "")))


@bp.get("/reconcile/suggest/type")
def suggest_type() -> Response:
    return _json(service.suggest_types(get_store(), request.args.get("prefix", "")))


@bp.get("/reconcile/suggest/property")
def suggest_property() -> Response:
    return _json(service.suggest_properties(get_store(), request.args.get("prefix", "")))


@bp.get("/reconcile/propose_properties")
def propose_properties() -> Response:
    limit = request.args.get("limit", 20, type=int) or 20
    return _json(service.propose_properties(get_store(), request.args.get("type", ""), limit=limit))


@bp.get("/reconcile/preview")
def preview() -> Response:
    card = service.preview(get_store(), request.args.get("id", ""))
    if card is None:
        return Response("unknown id\n", status=404, mimetype="text/plain")
    html = (f'<!doctype html><meta charset="utf-8"><div style="font:13px sans-serif">'
            f'<b lang="zh">{escape(card["zh"])}</b><br><span lang="en">{escape(card["en"])}</span>'
            f'<br><small>{escape(card["types"])}</small><br><a href="{escape(card["iri"])}" target="_blank">'
            f'{escape(card["iri"])}</a></div>')
    return Response(html, mimetype="text/html")
