"""Reader pages: `/` the guide, a volume's body, `/search-index.json`, `/download` the
standalone file and `/healthz`."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, abort, jsonify, request, url_for

from study_guide.content.search import index_json, index_version
from study_guide.content.volume import Volume
from study_guide.http_policy import IMMUTABLE, REVALIDATE
from study_guide.publish.page import GuidePage
from study_guide.services import services
from study_guide.storage import Snapshot
from study_guide.web.http_cache import precompressed_response
from study_guide.web.page_cache import RenderedPage

bp = Blueprint("guide", __name__)


def cached_response(page: RenderedPage, mimetype: str = "text/html",
                    cache_control: str = REVALIDATE, **headers: str) -> Response:
    """The cached bytes in the best encoding the client takes, or 304 when it has them."""
    return precompressed_response(page.etag, page.encoded, mimetype, cache_control, **headers)


def guide_key(snapshot: Snapshot) -> tuple[str, str]:
    """What the guide page depends on: the stored version and the freshness notice."""
    return snapshot.version, snapshot.notice


@bp.get("/")
def index() -> Response:
    volumes, snapshot = services().catalogue.readers_snapshot()

    def render() -> str:
        return GuidePage.for_server(
            volumes, snapshot.notice, assets=services().assets,
            search_index_url=url_for("guide.search_index_json", v=index_version(volumes)),
            body_url=body_url, download_href=url_for("guide.download"),
            manage_href=url_for("manage.index")).render()

    page = services().pages.get("guide", guide_key(snapshot), render)
    # A reader's first search needs the index of every volume: made now, in the background.
    services().pages.prepare("search-index", snapshot.version, lambda: index_json(volumes))
    return cached_response(page)


def body_url(volume: Volume) -> str:
    return url_for("guide.volume_body", volume_id=volume.id, v=volume.digest)


@bp.get("/volumes/<volume_id>.html")
def volume_body(volume_id: str) -> Response:
    """One volume's sanitized HTML, for the page to put in its section. The URL the page names
    carries the content's digest, so that answer is cached for good; any other gets the
    current content, revalidated each time."""
    volumes, _ = services().catalogue.readers_snapshot()
    volume = next((v for v in volumes if v.id == volume_id), None)
    if volume is None:
        abort(404)
    body = services().pages.get(f"volume:{volume.id}", volume.digest, lambda: volume.html)
    return cached_response(body, cache_control=IMMUTABLE
                           if request.args.get("v") == volume.digest else REVALIDATE)


@bp.get("/search-index.json")
def search_index_json() -> Response:
    """Fetched by the page only when the reader opens search. The URL the page names carries
    the index's version, so that answer can be cached for good; any other (a page older than
    the volumes) gets the current index, revalidated each time."""
    volumes, snapshot = services().catalogue.readers_snapshot()
    current = request.args.get("v") == index_version(volumes)
    index = services().pages.get("search-index", snapshot.version, lambda: index_json(volumes))
    return cached_response(index, mimetype="application/json",
                           cache_control=IMMUTABLE if current else REVALIDATE)


@bp.get("/download")
def download() -> Response:
    volumes, snapshot = services().catalogue.snapshot()
    today = datetime.now(UTC).date()
    page = services().pages.get(
        "download", (snapshot.version, today),
        lambda: GuidePage.for_standalone(volumes, assets=services().assets,
                                         saved_on=today).render())
    filename = f"study-guide-{today.isoformat()}.html"
    return cached_response(page, **{"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify({"ok": True})
