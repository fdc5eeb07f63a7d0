"""The static site: `study-guide export --site DIR` writes the guide as a folder that any static
host or CDN serves, for when readers outgrow one server.

    index.html                      the guide; every URL in it is relative, so the folder also
                                    works under a sub-path (https://example.org/guide/)
    assets/…                        the content-hashed files of the asset store, the search index
                                    and the volumes' bodies (which the page fetches as the
                                    reader nears them), named the same way:
                                    each can be cached for a year
    study-guide.html                the standalone file, which the page's download links to
    _headers                        cache and security headers for hosts that read this file
                                    (Netlify, Cloudflare Pages); others take them from their
                                    own configuration

Every compressible file has its `.gz` and `.br` beside it, compressed once as densely as the
formats go, for hosts that serve pre-compressed files (nginx `gzip_static`/`brotli_static`,
Caddy `precompressed`). Files are written next to what the folder already holds, the page last,
so a host serving the folder while it is rewritten never names an asset not yet there; older
hashed assets stay for readers still holding an older page.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from study_guide.content.search import index_json
from study_guide.content.volume import Volume
from study_guide.files import replace_file
from study_guide.http_policy import IMMUTABLE, REVALIDATE, SECURITY_HEADERS
from study_guide.publish.asset_store import COMPRESSIBLE, AssetStore
from study_guide.publish.compression import DENSEST, compress
from study_guide.publish.page import GuidePage

STANDALONE = "study-guide.html"
PAGE = "index.html"


@dataclass(frozen=True)
class SiteReport:
    folder: Path
    files: int  # written, not counting their .gz and .br
    bytes: int  # of everything written, .gz and .br included
    volumes: int
    notice: str  # what the storage said about the copy it gave (e.g. GitHub unreachable)


def write_site(volumes: list[Volume], store: AssetStore, folder: Path, saved_on: date,
               notice: str = "") -> SiteReport:
    """Write the site for these volumes into `folder` (created if missing). Renders templates:
    call it inside an app context. `notice` is what the storage said of the volumes' copy."""
    search_index = index_json(volumes).encode("utf-8")
    index_name = f"assets/search-index.{hashlib.sha256(search_index).hexdigest()[:12]}.json"
    page = GuidePage.for_site(volumes, assets=store, search_index_url=index_name,
                              body_url=_body_path, download_href=STANDALONE).render()
    standalone = GuidePage.for_standalone(volumes, assets=store, saved_on=saved_on).render()
    assets = store.all()
    sources = {f"assets/{a.hashed_name}": a.body for a in assets}
    sources |= {_body_path(volume): volume.html.encode("utf-8", "surrogatepass")
                for volume in volumes}
    sources |= {index_name: search_index, STANDALONE: standalone.encode("utf-8"),
                "_headers": _headers().encode("utf-8"), PAGE: page.encode("utf-8")}
    # The assets come compressed already; the rest is compressed here, on every core (brotli
    # and zlib let go of the GIL while they work).
    compressed = {f"assets/{a.hashed_name}": (a.gzip, a.brotli) for a in assets
                  if a.gzip is not None and a.brotli is not None}
    todo = [name for name in sources if _compressible(name) and name not in compressed]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        dense = pool.map(lambda name: compress(sources[name], DENSEST), todo)
        compressed |= dict(zip(todo, dense, strict=True))
    written = 0
    for name in sources:  # the page last (dicts keep their order): it names everything else
        written += _write(folder, name, sources[name])
        if name in compressed:
            gz, br = compressed[name]
            written += _write(folder, name + ".gz", gz) + _write(folder, name + ".br", br)
    return SiteReport(folder=folder, files=len(sources), bytes=written,
                      volumes=len(volumes), notice=notice)


def _body_path(volume: Volume) -> str:
    """Where a volume's body is, as the page comes by it (named by content, not by id: an id
    edited into the gist is no file name)."""
    return f"assets/volumes/{volume.digest}.html"


def _compressible(name: str) -> bool:
    return Path(name).suffix in COMPRESSIBLE | {".html"}


def _headers() -> str:
    """`_headers` (Netlify's format, also read by Cloudflare Pages) for a site at the root of
    its host: the app's own headers. Cache-Control is given per path, not under `/*`, because
    these hosts join the values of every rule that matches."""
    security = "".join(f"  {name}: {value}\n" for name, value in SECURITY_HEADERS.items())
    pages = "".join(f"/{path}\n  Cache-Control: {REVALIDATE}\n" for path in ("", PAGE, STANDALONE))
    return f"/*\n{security}{pages}/assets/*\n  Cache-Control: {IMMUTABLE}\n"


def _write(folder: Path, name: str, body: bytes) -> int:
    """Replace one file atomically (a temp file in the same folder, then rename)."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, body, mode=0o644)  # a web server must read it
    return len(body)
