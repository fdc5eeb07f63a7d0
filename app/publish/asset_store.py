"""The static files (CSS, scripts, fonts, icon) under content-hashed names
(`css/guide.3f2a1b9c0d11.css`), read once and kept compressed: a new version is a new name, so
every URL can be cached for a year. The server, the standalone file and the static site all
take their files from here."""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import posixpath
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from study_guide.publish.compression import DENSEST, compress

COMPRESSIBLE = {".css", ".js", ".svg", ".json", ".txt"}
# How the stylesheet names its fonts: url("../fonts/inter.woff2"), relative to css/.
FONT_URL = re.compile(r'url\("\.\./(fonts/[\w.-]+)"\)')


@dataclass(frozen=True)
class Asset:
    name: str  # e.g. css/guide.css
    hashed_name: str  # e.g. css/guide.3f2a1b9c0d11.css
    body: bytes
    gzip: bytes | None
    brotli: bytes | None
    mimetype: str


class AssetStore:
    """Reads each file of the static folder once; CSS has its font URLs rewritten to the fonts'
    hashed names."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._assets: dict[str, Asset] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> Asset:
        with self._lock:
            if name in self._assets:
                return self._assets[name]
        suffix = posixpath.splitext(name)[1]
        if suffix == ".css":
            body = self.stylesheet(name, self._hashed_font_url(name)).encode("utf-8")
        else:
            body = self.source(name)
        digest = hashlib.sha256(body).hexdigest()[:12]
        gzipped, brotlied = compress(body, DENSEST) if suffix in COMPRESSIBLE else (None, None)
        asset = Asset(
            name=name,
            hashed_name=f"{name[:-len(suffix)]}.{digest}{suffix}",
            body=body,
            gzip=gzipped,
            brotli=brotlied,
            mimetype=mimetypes.guess_type(name)[0] or "application/octet-stream",
        )
        with self._lock:
            self._assets[name] = asset
        return asset

    def source(self, name: str) -> bytes:
        """A file's bytes as they are in the folder; FileNotFoundError outside it."""
        path = (self.folder / name).resolve()
        if self.folder.resolve() not in path.parents or not path.is_file():
            raise FileNotFoundError(name)
        return path.read_bytes()

    def stylesheet(self, name: str, font_url: Callable[[str], str]) -> str:
        """A CSS file with each font it names replaced by `font_url(font's asset name)`."""
        css = self.source(name).decode("utf-8")
        return FONT_URL.sub(lambda match: f'url("{font_url(match.group(1))}")', css)

    def data_url(self, name: str) -> str:
        """A file as a data: URL, for the standalone file."""
        mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return f"data:{mimetype};base64,{base64.b64encode(self.source(name)).decode()}"

    def _hashed_font_url(self, name: str) -> Callable[[str], str]:
        folder = posixpath.dirname(name)
        return lambda font: posixpath.relpath(self.get(font).hashed_name, folder)

    def url(self, name: str) -> str:
        """Where the server serves a file."""
        return "/assets/" + self.get(name).hashed_name

    def all(self) -> list[Asset]:
        """Every file in the folder, for the static-site export."""
        return [self.get(path.relative_to(self.folder).as_posix())
                for path in sorted(self.folder.rglob("*")) if path.is_file()]
