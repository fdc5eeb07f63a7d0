"""Rendered pages kept as bytes: rendered once per change of the volumes, pre-compressed, with a
strong ETag, so a page view costs no more than handing out cached bytes.

Compression takes two passes. Brotli's dense settings cost seconds per megabyte of HTML (a
guide with 50 added volumes is 5 MB: 5-25 s), far too long for the reader who happens to come
first after a change, and for every other reader of the process, who waits on the same render.
So a page is first compressed fast (brotli 5, gzip 6: tens of milliseconds per megabyte, 10-20%
larger) and served at once; a background thread at the lowest CPU priority then compresses it
densely and swaps the bytes in. The decoded bytes are the same, and so is the ETag.

One such thread per process takes the pages one at a time, and with a data folder the dense
bytes are made once for all the processes serving it (see dense_files.py).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path

from study_guide.publish.compression import DENSE, FAST, compress, negotiate
from study_guide.storage.fork import renew_in_every_child
from study_guide.web.dense_files import DenseFiles


class RenderedPage:
    """A page's bytes, compressed, and its strong ETag. `densify` replaces the compressed bytes
    in one attribute store, so readers on other threads see either version whole, never a
    mix, and need no lock."""

    __slots__ = ("_body", "_encoded", "etag")

    def __init__(self, body: bytes, *, dense: bool) -> None:
        self._body: bytes | None = body
        self.etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'  # quoted, strong
        self._encoded = (*compress(body, DENSE if dense else FAST), dense)

    @property
    def body(self) -> bytes:
        """The page itself. Once dense, only its compressed bytes are kept (every browser
        takes one of them): the rare client that takes neither gets it decompressed."""
        body = self._body
        return body if body is not None else gzip.decompress(self._encoded[0])

    @property
    def gzip(self) -> bytes:
        return self._encoded[0]

    @property
    def brotli(self) -> bytes:
        return self._encoded[1]

    @property
    def dense(self) -> bool:
        return self._encoded[2]

    def densify(self, shared: DenseFiles | None = None) -> None:
        """Swap in the dense bytes: compressed here, or by whichever process of `shared`'s
        folder got there first."""
        if not self.dense:
            encoded = (shared.get(self.etag.strip('"'), self.body) if shared is not None
                       else compress(self.body, DENSE))
            self._encoded = (*encoded, True)
            self._body = None

    def encoded(self, accept_encoding: str) -> tuple[bytes, str | None]:
        gz, br, _ = self._encoded
        chosen, encoding = negotiate(accept_encoding, b"", gzip=gz, br=br)
        return (chosen, encoding) if encoding else (self.body, None)  # decompressed only then


def _lowest_priority() -> None:
    """Make the calling thread yield the CPU to request threads (Linux nice is per thread)."""
    # Where there is no per-thread priority the thread still runs, at normal priority.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


class PageCache:
    """One rendered page per key; a new key (the volumes changed) renders once, even under a
    crowd of concurrent requests, and is densified in the background."""

    def __init__(self, data_dir: Path | None = None) -> None:
        self._pages: dict[str, tuple[object, RenderedPage]] = {}
        self._lock = threading.RLock()
        renew_in_every_child(self)
        self._shared = DenseFiles(data_dir) if data_dir is not None else None
        self._waiting: deque[RenderedPage] = deque()  # pages to densify, oldest first
        self._ahead: set[tuple[str, object]] = set()  # pages being rendered ahead
        self._densifier: threading.Thread | None = None

    def renew(self) -> None:
        """A new lock in each forked worker: the master's background thread may hold its own
        at the fork, and would never release it there. Re-entrant: rendering one page may ask
        for another (the guide embeds its index)."""
        self._lock = threading.RLock()

    def get(self, name: str, key: object, render: Callable[[], str]) -> RenderedPage:
        with self._lock:
            cached = self._pages.get(name)
            if cached is not None and cached[0] == key:
                page = cached[1]
            else:
                page = RenderedPage(render().encode("utf-8"), dense=False)
                self._pages[name] = (key, page)
            if not page.dense:
                self._densify_later(page)
            return page

    def peek(self, name: str, key: object) -> RenderedPage | None:
        """The page if it is cached for `key`, without rendering: no lock, one dict read."""
        cached = self._pages.get(name)
        if cached is None or cached[0] != key:
            return None
        page = cached[1]
        if not page.dense or (self._waiting and not self._working()):
            with self._lock:
                self._densify_later(page)
        return page

    def prepare(self, name: str, key: object, render: Callable[[], str]) -> None:
        """Render a page in the background ahead of the request that will want it (the search
        index, which takes seconds for a hundred volumes). At normal priority: rendering is
        Python that holds the GIL, and a thread the OS runs last would hold it from the
        request threads while it waits for the CPU (compressing releases it: the densifier
        runs last)."""
        with self._lock:
            cached = self._pages.get(name)
            if (cached is not None and cached[0] == key) or (name, key) in self._ahead:
                return
            self._ahead.add((name, key))
        threading.Thread(target=self._render_ahead, args=(name, key, render),
                         name="render-ahead", daemon=True).start()

    def settle(self) -> None:
        """Compress every cached page densely now, in this thread: for measuring sizes, and
        for warming up before gunicorn forks its workers (they then start with dense bytes)."""
        with self._lock:
            pages = [page for _, page in self._pages.values()]
        for page in pages:
            page.densify(self._shared)

    def _densify_later(self, page: RenderedPage) -> None:
        # Checked on every view of a page not yet dense rather than once at render: a thread
        # started before gunicorn forks its workers does not run in them (is_alive() is False
        # there), so each worker starts its own.
        if not page.dense and not any(waiting is page for waiting in self._waiting):
            self._waiting.append(page)
        self._start()

    def _working(self) -> bool:
        return self._densifier is not None and self._densifier.is_alive()

    def _start(self) -> None:
        if not self._working():
            self._densifier = threading.Thread(target=self._densify_waiting, name="densify",
                                               daemon=True)
            self._densifier.start()

    def _densify_waiting(self) -> None:
        _lowest_priority()  # gzip and brotli release the GIL while they compress
        while True:
            with self._lock:
                if not self._waiting:
                    self._densifier = None  # the next page to wait starts a new thread
                    return
                task = self._waiting[0]
                # A page replaced since (the volumes changed again) is served no more.
                current = any(task is cached for _, cached in self._pages.values())
            if current:
                _densify(task, self._shared)
            with self._lock:
                if self._waiting and self._waiting[0] is task:
                    self._waiting.popleft()

    def _render_ahead(self, name: str, key: object, render: Callable[[], str]) -> None:
        try:
            body = render().encode("utf-8")  # outside the lock: requests go on meanwhile
            with self._lock:
                cached = self._pages.get(name)
                if cached is None or cached[0] != key:
                    page = RenderedPage(body, dense=False)
                    self._pages[name] = (key, page)
                    self._densify_later(page)
        finally:
            with self._lock:
                self._ahead.discard((name, key))


def _densify(page: RenderedPage, shared: DenseFiles | None) -> None:
    page.densify(shared)


