"""Blueprint ``site``: the data browser (/data/observations, its CSV) and the favicon.

Each route reads its parameters, calls one view builder (kg.views.cube) and renders what it returns; the language
is the request's (kg.web.deps).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from flask import Blueprint, Response, render_template, request, send_from_directory

from kg.i18n import translations
from kg.views.cube import build_cube_page, csv_rows, parse_filters
from kg.views.cube_chart import MAX_SERIES, build_cube_chart
from kg.web.deps import get_store, reader_language

bp = Blueprint("site", __name__, template_folder="templates")
STATIC = Path(__file__).resolve().parent / "static"


@bp.get("/data/observations")
def observations() -> str:
    """The data browser: filters, a page of the selection as a table and charts, links to its CSV and SPARQL."""
    store = get_store()
    filters = parse_filters(request.args.to_dict(), store)
    lang = reader_language()
    page = build_cube_page(store, filters, lang, request.args.get("page", 1, type=int) or 1)
    return render_template("pages/cube.html", cube=page, chart=build_cube_chart(page.rows),
                           chart_more=translations(lang)["cube_chart_more"].format(n=MAX_SERIES))


@bp.get("/data/observations.csv")
def observations_csv() -> Response:
    """The whole selection as CSV (the columns of the view's SPARQL query), as a download."""
    store = get_store()
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(
        csv_rows(store, parse_filters(request.args.to_dict(), store), reader_language()))
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="observations-selection.csv"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The site's icon where browsers look for it without a <link rel=icon> (an SVG)."""
    return send_from_directory(STATIC, "favicon.svg", mimetype="image/svg+xml", max_age=86400)
