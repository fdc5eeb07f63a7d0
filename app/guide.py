"""Reader pages: `/` the guide, `/search-index.json`, `/download` the standalone file and
`/healthz`."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from app.catalogue import Catalogue
from app.export import SCRIPTS, standalone_html
from app.render import PageCache, RenderedPage, precompressed_response
from app.search import index_json, labelled_sections
from app.storage import Snapshot
from app.volumes import Volume

bp = Blueprint("guide", __name__)


def catalogue() -> Catalogue:
    return current_app.extensions["catalogue"]


def pages() -> PageCache:
    return current_app.extensions["page_cache"]


def cached_response(page: RenderedPage, mimetype: str = "text/html",
                    cache_control: str = "no-cache", **headers: str) -> Response:
    """The cached bytes in the best encoding the client takes, or 304 when it has them."""
    return precompressed_response(page.etag, page.encoded, mimetype, cache_control, **headers)


def search_index(volumes: list[Volume], snapshot: Snapshot) -> RenderedPage:
    """The index for these volumes, built once per change of them, like the page."""
    return pages().get("search-index", snapshot.version, lambda: index_json(volumes))


def index_version(index: RenderedPage) -> str:
    return index.etag.strip('"')[:16]


@bp.get("/")
def index() -> Response:
    volumes, snapshot = catalogue().snapshot()
    # Outside the page's render: the cache's lock is not reentrant.
    index_url = url_for("guide.search_index_json",
                        v=index_version(search_index(volumes, snapshot)))
    page = pages().get(
        "guide", (snapshot.version, snapshot.notice),
        lambda: render_template(
            "guide/index.html", volumes=volumes, notice=snapshot.notice, standalone=False,
            reader_scripts=SCRIPTS, sections_of=labelled_sections, search_index_url=index_url))
    return cached_response(page)


@bp.get("/search-index.json")
def search_index_json() -> Response:
    """Fetched by the page only when the reader opens search. The URL the page names carries
    the index's version, so that answer can be cached for good; any other (a page older than
    the volumes) gets the current index, revalidated each time."""
    volumes, snapshot = catalogue().snapshot()
    index = search_index(volumes, snapshot)
    current = request.args.get("v") == index_version(index)
    return cached_response(index, mimetype="application/json",
                           cache_control="public, max-age=31536000, immutable" if current
                           else "no-cache")


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
