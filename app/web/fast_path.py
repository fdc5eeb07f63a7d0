"""WSGI middleware: `GET /` answered from the page cache without entering Flask."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask

from study_guide.http_policy import REVALIDATE
from study_guide.services import services
from study_guide.web.guide import guide_key
from study_guide.web.headers import StartResponse, WSGIApp
from study_guide.web.http_cache import precompressed_answer
from study_guide.web.page_cache import RenderedPage


class GuideFastPath:
    """Once the current version of the guide is rendered, a view of `/` costs a stat of the
    store and a dict lookup, less than Flask's own request handling; anything else (the first
    view after a change, errors, other paths) goes to Flask, which renders and caches."""

    def __init__(self, flask_app: Flask, wsgi_app: WSGIApp) -> None:
        self.catalogue = services(flask_app).catalogue
        self.pages = services(flask_app).pages
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if environ.get("PATH_INFO") == "/" and method in ("GET", "HEAD"):
            page = self._current_page()
            if page is not None:
                status, headers, body = precompressed_answer(page.etag, page.encoded, environ,
                                                             "text/html", REVALIDATE)
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
