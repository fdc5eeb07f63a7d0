"""Rendered pages kept as bytes: rendered once per change of the volumes, pre-compressed, with a
strong ETag, so a page view costs no more than handing out cached bytes.

Compression takes two passes. Brotli's dense settings cost seconds per megabyte of HTML (a
guide with 50 added volumes is 5 MB: 5-25 s), far too long for the reader who happens to come
first after a change, and for every other reader of the process, who waits on the same render.
So a page is first compressed fast (brotli 5, gzip 6: tens of milliseconds per megabyte, 10-20%
larger) and served at once; a background thread at the lowest CPU priority then compresses it
densely and swaps the bytes in. The decoded bytes are the same, and so is the ETag.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import threading
from collections.abc import Callable

import brotli
from flask import Response, request
from werkzeug.utils import get_content_type

# (brotli quality, gzip level)
FAST = (5, 6)  # tens of milliseconds per megabyte: the first answer after a change
# About a second per megabyte. Quality 11 is 2% smaller and three times slower, and every
# worker process compresses each new page for itself.
DENSE = (10, 9)
DENSEST = (11, 9)  # files compressed once, ahead of time (the site export)


class RenderedPage:
    """A page's bytes, compressed, and its strong ETag. `densify` replaces the compressed bytes
    in one attribute store, so readers on other threads see either version whole, never a
    mix, and need no lock."""

    __slots__ = ("_encoded", "body", "etag")

    def __init__(self, body: bytes, *, dense: bool) -> None:
        self.body = body
        self.etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'  # quoted, strong
        self._encoded = (*compress(body, DENSE if dense else FAST), dense)

    @property
    def gzip(self) -> bytes:
        return self._encoded[0]

    @property
    def brotli(self) -> bytes:
        return self._encoded[1]

    @property
    def dense(self) -> bool:
        return self._encoded[2]

    def densify(self) -> None:
        if not self.dense:
            self._encoded = (*compress(self.body, DENSE), True)

    def encoded(self, accept_encoding: str) -> tuple[bytes, str | None]:
        gz, br, _ = self._encoded
        return negotiate(accept_encoding, self.body, gzip=gz, br=br)


def compress(body: bytes, levels: tuple[int, int]) -> tuple[bytes, bytes]:
    """`body` in gzip and in brotli, at `levels` (FAST, DENSE or DENSEST)."""
    quality, level = levels
    return gzip.compress(body, compresslevel=level, mtime=0), brotli.compress(body, quality=quality)


def negotiate(accept_encoding: str, body: bytes, *, gzip: bytes | None,
              br: bytes | None) -> tuple[bytes, str | None]:
    """The smallest encoding the client accepts, and its Content-Encoding."""
    accepted = {part.split(";")[0].strip().lower() for part in accept_encoding.split(",")}
    if br is not None and "br" in accepted:
        return br, "br"
    if gzip is not None and "gzip" in accepted:
        return gzip, "gzip"
    return body, None


def _lowest_priority() -> None:
    """Make the calling thread yield the CPU to request threads (Linux nice is per thread)."""
    # Where there is no per-thread priority the thread still runs, at normal priority.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


class PageCache:
    """One rendered page per key; a new key (the volumes changed) renders once, even under a
    crowd of concurrent requests, and is densified in the background."""

    def __init__(self) -> None:
        self._pages: dict[str, tuple[object, RenderedPage]] = {}
        # Re-entrant: rendering one page may ask for another (the guide embeds its index).
        self._lock = threading.RLock()
        self._densifiers: dict[str, threading.Thread] = {}

    def get(self, name: str, key: object, render: Callable[[], str]) -> RenderedPage:
        with self._lock:
            cached = self._pages.get(name)
            if cached is not None and cached[0] == key:
                page = cached[1]
            else:
                page = RenderedPage(render().encode("utf-8"), dense=False)
                self._pages[name] = (key, page)
            if not page.dense:
                self._densify_later(name, page)
            return page

    def peek(self, name: str, key: object) -> RenderedPage | None:
        """The page if it is cached for `key`, without rendering: no lock, one dict read."""
        cached = self._pages.get(name)
        if cached is None or cached[0] != key:
            return None
        page = cached[1]
        if not page.dense:
            with self._lock:
                self._densify_later(name, page)
        return page

    def settle(self) -> None:
        """Compress every cached page densely now, in this thread: for measuring sizes, and
        for warming up before gunicorn forks its workers (they then start with dense bytes)."""
        with self._lock:
            pages = [page for _, page in self._pages.values()]
        for page in pages:
            page.densify()

    def _densify_later(self, name: str, page: RenderedPage) -> None:
        # Checked on every view of a page not yet dense rather than once at render: a thread
        # started before gunicorn forks its workers does not run in them (is_alive() is False
        # there), so each worker starts its own; one at a time per page name.
        running = self._densifiers.get(name)
        if running is not None and running.is_alive():
            return
        thread = threading.Thread(target=_densify, args=(page,), name=f"densify-{name}",
                                  daemon=True)
        self._densifiers[name] = thread
        thread.start()


def _densify(page: RenderedPage) -> None:
    _lowest_priority()
    page.densify()


def precompressed_answer(etag: str, encode: Callable[[str], tuple[bytes, str | None]],
                         environ: dict, mimetype: str, cache_control: str,
                         **headers: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body for bytes kept compressed: the encoding the client takes, or
    304 when it has them. `encode(accept_encoding)` picks the bytes (see `negotiate`). Plain
    WSGI values, so the guide's fast path and Flask views answer alike."""
    common = [("ETag", etag), ("Vary", "Accept-Encoding"), ("Cache-Control", cache_control)]
    if etag in environ.get("HTTP_IF_NONE_MATCH", ""):
        return 304, common, b""
    body, encoding = encode(environ.get("HTTP_ACCEPT_ENCODING", ""))
    common.append(("Content-Type", get_content_type(mimetype, "utf-8")))
    if encoding:
        common.append(("Content-Encoding", encoding))
    return 200, common + list(headers.items()), body


def precompressed_response(etag: str, encode: Callable[[str], tuple[bytes, str | None]],
                           mimetype: str, cache_control: str, **headers: str) -> Response:
    """`precompressed_answer` as a Flask response."""
    status, answer_headers, body = precompressed_answer(etag, encode, request.environ,
                                                        mimetype, cache_control, **headers)
    return Response(body or None, status=status, headers=answer_headers)
