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
import hashlib
import os
import threading
from collections.abc import Callable

from study_guide.publish.compression import DENSE, FAST, compress, negotiate


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


