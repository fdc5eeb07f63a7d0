"""Static assets under content-hashed names (`/assets/css/guide.3f2a1b9c0d11.css`), kept in
memory pre-compressed and cached by browsers for a year: a new version is a new name."""

from __future__ import annotations

import hashlib
import mimetypes
import posixpath
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, abort, current_app

from app.render import DENSEST, compress, negotiate, precompressed_response

STATIC = Path(__file__).resolve().parent.parent / "static"
COMPRESSIBLE = {".css", ".js", ".svg", ".json", ".txt"}
HASHED_NAME = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<suffix>\.[a-z0-9]+)$")
CSS_ASSET_URL = re.compile(r'url\("\.\./(fonts/[\w.-]+)"\)')

bp = Blueprint("assets", __name__)


@dataclass(frozen=True)
class Asset:
    name: str  # e.g. css/guide.css
    hashed_name: str  # e.g. css/guide.3f2a1b9c0d11.css
    body: bytes
    gzip: bytes | None
    brotli: bytes | None
    mimetype: str


class AssetStore:
    """Reads each static file once; CSS has its font URLs rewritten to their hashed names."""

    def __init__(self, folder: Path = STATIC) -> None:
        self.folder = folder
        self._assets: dict[str, Asset] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> Asset:
        with self._lock:
            if name in self._assets:
                return self._assets[name]
        path = (self.folder / name).resolve()
        if self.folder.resolve() not in path.parents or not path.is_file():
            raise FileNotFoundError(name)
        body = path.read_bytes()
        if path.suffix == ".css":
            body = self._link_fonts(body.decode("utf-8"), name).encode("utf-8")
        digest = hashlib.sha256(body).hexdigest()[:12]
        gzipped, brotlied = (compress(body, DENSEST) if path.suffix in COMPRESSIBLE
                             else (None, None))
        asset = Asset(
            name=name,
            hashed_name=f"{name[:-len(path.suffix)]}.{digest}{path.suffix}",
            body=body,
            gzip=gzipped,
            brotli=brotlied,
            mimetype=mimetypes.guess_type(path.name)[0] or "application/octet-stream",
        )
        with self._lock:
            self._assets[name] = asset
        return asset

    def _link_fonts(self, css: str, name: str) -> str:
        folder = posixpath.dirname(name)

        def hashed(match: re.Match[str]) -> str:
            target = posixpath.normpath(posixpath.join(folder, "..", match.group(1)))
            return f'url("{posixpath.relpath(self.get(target).hashed_name, folder)}")'

        return CSS_ASSET_URL.sub(hashed, css)

    def url(self, name: str) -> str:
        return "/assets/" + self.get(name).hashed_name

    def all(self) -> list[Asset]:
        """Every file in the folder, for the static-site export."""
        return [self.get(path.relative_to(self.folder).as_posix())
                for path in sorted(self.folder.rglob("*")) if path.is_file()]



@bp.get("/assets/<path:hashed_name>")
def serve(hashed_name: str) -> Response:
    match = HASHED_NAME.match(hashed_name)
    store: AssetStore = current_app.extensions["assets"]
    if not match:
        abort(404)
    try:
        asset = store.get(match["stem"] + match["suffix"])
    except FileNotFoundError:
        abort(404)
    if asset.hashed_name != hashed_name:
        abort(404)  # an old version: the page that asked for it is stale
    return precompressed_response(
        f'"{match["digest"]}"',
        lambda accept: negotiate(accept, asset.body, gzip=asset.gzip, br=asset.brotli),
        asset.mimetype, "public, max-age=31536000, immutable")
