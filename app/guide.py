"""Reader pages: `/` the guide, `/download` the standalone file, `/healthz`."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from app.catalogue import Catalogue
from app.export import standalone_html
from app.render import PageCache, RenderedPage

bp = Blueprint("guide", __name__)


def catalogue() -> Catalogue:
    return current_app.extensions["catalogue"]


def pages() -> PageCache:
    return current_app.extensions["page_cache"]


def cached_response(page: RenderedPage, **headers: str) -> Response:
    """The cached bytes in the best encoding the client takes, or 304 when it has them."""
    common = {"ETag": page.etag, "Vary": "Accept-Encoding", "Cache-Control": "no-cache"}
    if page.etag in request.headers.get("If-None-Match", ""):
        return Response(status=304, headers=common)
    body, encoding = page.encoded(request.headers.get("Accept-Encoding", ""))
    response = Response(body, mimetype="text/html", headers=common | headers)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    return response


@bp.get("/")
def index() -> Response:
    volumes, snapshot = catalogue().snapshot()
    page = pages().get(
        "guide", (snapshot.version, snapshot.notice),
        lambda: render_template("guide/index.html", volumes=volumes, notice=snapshot.notice,
                                standalone=False))
    return cached_response(page)


@bp.get("/download")
def download() -> Response:
    volumes, snapshot = catalogue().snapshot()
    today = datetime.now(UTC).date()
    page = pages().get("download", (snapshot.version, today),
                       lambda: standalone_html(volumes, today))
    filename = f"study-guide-{today.isoformat()}.html"
    return cached_response(page, **{"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify({"ok": True})
