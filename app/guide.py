"""Reader pages: `/` the guide, `/search-index.json`, `/download` the standalone file and
`/healthz`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)

from app.catalogue import Catalogue
from app.export import SCRIPTS, standalone_html
from app.headers import StartResponse, WSGIApp
from app.render import PageCache, RenderedPage, precompressed_answer, precompressed_response
from app.search import index_json, index_version, labelled_sections
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


def guide_key(snapshot: Snapshot) -> tuple[str, str]:
    """What the guide page depends on: the stored version and the freshness notice."""
    return snapshot.version, snapshot.notice


@bp.get("/")
def index() -> Response:
    volumes, snapshot = catalogue().readers_snapshot()

    def render() -> str:
        index_url = url_for("guide.search_index_json", v=index_version(volumes))
        return render_template(
            "guide/index.html", volumes=volumes, notice=snapshot.notice, standalone=False,
            reader_scripts=SCRIPTS, sections_of=labelled_sections, search_index_url=index_url,
            body_url=body_url, lazy_volumes=True)

    return cached_response(pages().get("guide", guide_key(snapshot), render))


class GuideFastPath:
    """WSGI middleware: `GET /` answered from the page cache without entering Flask, once the
    current version of the page is rendered. A page view then costs a stat of the store and a
    dict lookup, less than Flask's own request handling; anything else (the first view after
    a change, errors, other paths) goes to Flask, which renders and caches."""

    def __init__(self, flask_app: Flask, wsgi_app: WSGIApp) -> None:
        self.catalogue: Catalogue = flask_app.extensions["catalogue"]
        self.pages: PageCache = flask_app.extensions["page_cache"]
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if environ.get("PATH_INFO") == "/" and method in ("GET", "HEAD"):
            page = self._current_page()
            if page is not None:
                status, headers, body = precompressed_answer(page.etag, page.encoded, environ,
                                                             "text/html", "no-cache")
                headers.append(("Content-Length", str(len(body))))
                start_response("200 OK" if status == 200 else "304 Not Modified", headers)
                return [body if method == "GET" else b""]
        return self.wsgi_app(environ, start_response)

    def _current_page(self) -> RenderedPage | None:
        try:
            _, snapshot = self.catalogue.readers_snapshot()
        except Exception:
            return None
        return self.pages.peek("guide", guide_key(snapshot))


def body_url(volume: Volume) -> str:
    return url_for("guide.volume_body", volume_id=volume.id, v=volume.digest)


@bp.get("/volumes/<volume_id>.html")
def volume_body(volume_id: str) -> Response:
    """One volume's sanitized HTML, for the page to put in its section. The URL the page names
    carries the content's digest, so that answer is cached for good; any other gets the
    current content, revalidated each time."""
    volumes, _ = catalogue().readers_snapshot()
    volume = next((v for v in volumes if v.id == volume_id), None)
    if volume is None:
        abort(404)
    body = pages().get(f"volume:{volume.id}", volume.digest, lambda: volume.html)
    return cached_response(body, cache_control="public, max-age=31536000, immutable"
                           if request.args.get("v") == volume.digest else "no-cache")


@bp.get("/search-index.json")
def search_index_json() -> Response:
    """Fetched by the page only when the reader opens search. The URL the page names carries
    the index's version, so that answer can be cached for good; any other (a page older than
    the volumes) gets the current index, revalidated each time."""
    volumes, snapshot = catalogue().readers_snapshot()
    current = request.args.get("v") == index_version(volumes)
    return cached_response(search_index(volumes, snapshot), mimetype="application/json",
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
