"""The guide page's contract: `GuidePage` holds every value templates/guide/index.html reads,
with one constructor for each output the page is rendered for — the server's `/`, the
standalone file (`/download`, `study-guide export`) and the static site (`export --site`)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask import render_template

from study_guide.content.search import Section, index_json, labelled_sections
from study_guide.content.volume import Volume
from study_guide.publish.asset_store import AssetStore

# The reader's scripts, in the order the page loads them: core.js sets up what the features
# share, then each feature comes after the ones it calls (see the top of core.js).
# Volumes whose sections the server's page lists up front (the contents' outline and the
# stand-ins deep links land on): the first ones, where a reader starts. Past them, a volume's
# outline is built in the browser once its body is in, so the first view stays the same size
# however many volumes the guide has.
OUTLINED_VOLUMES = 10
READER_SCRIPTS = ("core.js", "clipboard.js", "links.js", "code-copy.js", "boxes.js",
                  "sections.js", "contents.js", "progress.js", "print.js", "search.js",
                  "search-panel.js", "fsrs.js", "study-store.js", "study.js", "study-export.js")
STYLESHEET = "css/guide.css"
MATHS_FONT = "fonts/latin-modern-math-subset.woff2"
# What the standalone file carries instead of the maths font when no volume has a formula: an
# empty font, which no text asks for (a formula is the only thing set in it).
NO_FONT = "data:font/woff2;base64,"
ICON = "favicon.svg"


@dataclass(frozen=True)
class Embedded:
    """What the standalone file carries inside itself instead of linking to it."""

    css: str
    scripts: list[str]
    icon: str  # a data: URL
    search_index: str  # JSON
    saved_on: str  # ISO date

    @property
    def content_security_policy(self) -> str:
        """Nothing from the network: only the embedded scripts (by hash), styles and fonts."""
        hashes = " ".join(
            "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode()
            + "'" for s in self.scripts)
        return ("default-src 'none'; "
                f"script-src {hashes}; "
                "style-src 'unsafe-inline'; font-src data:; img-src data:; "
                "base-uri 'none'; form-action 'none'")


@dataclass(frozen=True)
class GuidePage:
    volumes: list[Volume]
    home_href: str  # the brand link
    asset_url: Callable[[str], str]  # a static file's name -> its URL (linked outputs)
    download_href: str  # "" in the standalone file, which is the download
    manage_href: str  # "" where no server takes changes
    search_index_url: str  # "" when the index is embedded
    # Where a volume's body is fetched from as the reader nears it; None: bodies inline.
    body_url: Callable[[Volume], str] | None
    notice: str = ""  # about the freshness of the added volumes ("" when current)
    embedded: Embedded | None = None  # the standalone file's inlined parts
    script_urls: list[str] = field(default_factory=list)

    @classmethod
    def for_server(cls, volumes: list[Volume], notice: str, *, assets: AssetStore,
                   search_index_url: str, body_url: Callable[[Volume], str],
                   download_href: str, manage_href: str) -> GuidePage:
        return cls(volumes=volumes, home_href="/", asset_url=assets.url,
                   download_href=download_href, manage_href=manage_href,
                   search_index_url=search_index_url, body_url=body_url, notice=notice,
                   script_urls=[assets.url(f"js/{name}") for name in READER_SCRIPTS])

    @classmethod
    def for_site(cls, volumes: list[Volume], *, assets: AssetStore, search_index_url: str,
                 body_url: Callable[[Volume], str], download_href: str) -> GuidePage:
        """Every URL relative, so the folder works under any path; no manage link."""

        def asset_url(name: str) -> str:
            return "assets/" + assets.get(name).hashed_name

        return cls(volumes=volumes, home_href="./", asset_url=asset_url,
                   download_href=download_href, manage_href="",
                   search_index_url=search_index_url, body_url=body_url,
                   script_urls=[asset_url(f"js/{name}") for name in READER_SCRIPTS])

    @classmethod
    def for_standalone(cls, volumes: list[Volume], *, assets: AssetStore,
                       saved_on: date) -> GuidePage:
        """Everything inside the one file: styles with their fonts, scripts, index, bodies."""
        has_maths = any("<math" in volume.html for volume in volumes)
        embedded = Embedded(
            css=assets.stylesheet(STYLESHEET, lambda font: NO_FONT if font == MATHS_FONT
                                  and not has_maths else assets.data_url(font)),
            scripts=[assets.source(f"js/{name}").decode("utf-8") for name in READER_SCRIPTS],
            icon=assets.data_url(ICON),
            search_index=index_json(volumes),
            saved_on=saved_on.isoformat(),
        )
        return cls(volumes=volumes, home_href="#main", asset_url=assets.url, download_href="",
                   manage_href="", search_index_url="", body_url=None, embedded=embedded)

    def sections(self, volume: Volume) -> list[Section]:
        return labelled_sections(volume)

    def outlined(self, position: int) -> bool:
        """Whether the page lists the sections of the volume at `position` (see
        OUTLINED_VOLUMES); a page with the bodies inline always does."""
        return self.body_url is None or position < OUTLINED_VOLUMES

    def render(self) -> str:
        return render_template("guide/index.html", page=self)
