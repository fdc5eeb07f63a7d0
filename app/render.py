"""Rendered pages kept as bytes: rendered once per change of the volumes, pre-compressed, with a
strong ETag, so a page view costs no more than handing out cached bytes."""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass

import brotli


@dataclass(frozen=True)
class RenderedPage:
    body: bytes
    gzip: bytes
    brotli: bytes
    etag: str  # quoted, strong

    def encoded(self, accept_encoding: str) -> tuple[bytes, str | None]:
        return negotiate(accept_encoding, self.body, gzip=self.gzip, br=self.brotli)


def negotiate(accept_encoding: str, body: bytes, *, gzip: bytes | None,
              br: bytes | None) -> tuple[bytes, str | None]:
    """The smallest encoding the client accepts, and its Content-Encoding."""
    accepted = {part.split(";")[0].strip().lower() for part in accept_encoding.split(",")}
    if br is not None and "br" in accepted:
        return br, "br"
    if gzip is not None and "gzip" in accepted:
        return gzip, "gzip"
    return body, None


def compress(text: str) -> RenderedPage:
    body = text.encode("utf-8")
    return RenderedPage(
        body=body,
        gzip=gzip.compress(body, compresslevel=9, mtime=0),
        brotli=brotli.compress(body, quality=11),
        etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
    )


class PageCache:
    """One rendered page per key; a new key (the volumes changed) renders once, even under a
    crowd of concurrent requests."""

    def __init__(self) -> None:
        self._pages: dict[str, tuple[object, RenderedPage]] = {}
        # Re-entrant: rendering one page may ask for another (the guide embeds its index).
        self._lock = threading.RLock()

    def get(self, name: str, key: object, render: Callable[[], str]) -> RenderedPage:
        with self._lock:
            cached = self._pages.get(name)
            if cached is not None and cached[0] == key:
                return cached[1]
            page = compress(render())
            self._pages[name] = (key, page)
            return page
