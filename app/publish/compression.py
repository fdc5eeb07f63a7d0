"""Compressing bytes once, ahead of serving them: gzip and brotli at named levels, and picking
the smallest encoding a client accepts."""

from __future__ import annotations

import gzip

import brotli

# (brotli quality, gzip level)
FAST = (5, 6)  # tens of milliseconds per megabyte: the first answer after a change
# About a second per megabyte. Quality 11 is 2% smaller and three times slower, and every
# worker process compresses each new page for itself.
DENSE = (10, 9)
DENSEST = (11, 9)  # files compressed once, ahead of time (the site export)


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
