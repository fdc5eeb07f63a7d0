"""Answers from bytes kept compressed: the encoding the client takes, a strong ETag, and 304 when
the client has them. Plain WSGI values, so the guide's fast path and Flask views answer alike."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, request
from werkzeug.utils import get_content_type


def precompressed_answer(etag: str, encode: Callable[[str], tuple[bytes, str | None]],
                         environ: dict, mimetype: str, cache_control: str,
                         **headers: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body for bytes kept compressed: the encoding the client takes, or
    304 when it has them. `encode(accept_encoding)` picks the bytes (see
    `compression.negotiate`)."""
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
