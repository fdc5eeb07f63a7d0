"""`/assets/<hashed name>`: the static files of the asset store, cached by browsers for a year."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort

from study_guide.http_policy import IMMUTABLE
from study_guide.publish.compression import negotiate
from study_guide.services import services
from study_guide.web.http_cache import precompressed_response

HASHED_NAME = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<suffix>\.[a-z0-9]+)$")

bp = Blueprint("assets", __name__)


@bp.get("/assets/<path:hashed_name>")
def serve(hashed_name: str) -> Response:
    match = HASHED_NAME.match(hashed_name)
    if not match:
        abort(404)
    try:
        asset = services().assets.get(match["stem"] + match["suffix"])
    except FileNotFoundError:
        abort(404)
    if asset.hashed_name != hashed_name:
        abort(404)  # an old version: the page that asked for it is stale
    return precompressed_response(
        f'"{match["digest"]}"',
        lambda accept: negotiate(accept, asset.body, gzip=asset.gzip, br=asset.brotli),
        asset.mimetype, IMMUTABLE)
