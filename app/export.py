"""The standalone guide: one HTML file with CSS, fonts and script inside, no manage tools and
no token, that renders the same volumes when opened from disk with the network off."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date
from pathlib import Path

from flask import render_template

from app.search import index_json, labelled_sections
from app.volumes import Volume

STATIC = Path(__file__).resolve().parent.parent / "static"
# The reader's scripts, in the order the page loads them: core.js sets up what the features
# share, then each feature comes after the ones it calls (see the top of core.js).
SCRIPTS = ("core.js", "links.js", "boxes.js", "sections.js", "contents.js", "progress.js",
           "print.js", "search.js", "search-panel.js", "study.js")
FONT_URL = re.compile(r'url\("\.\./fonts/([\w.-]+\.woff2)"\)')


def inline_css() -> str:
    """The app's stylesheet with every font embedded as a data: URL."""
    css = (STATIC / "css" / "guide.css").read_text(encoding="utf-8")

    def embed(match: re.Match[str]) -> str:
        data = base64.b64encode((STATIC / "fonts" / match.group(1)).read_bytes()).decode()
        return f'url("data:font/woff2;base64,{data}")'

    return FONT_URL.sub(embed, css)


def content_security_policy(scripts: list[str]) -> str:
    """Nothing from the network: only the embedded scripts (by hash), styles and fonts."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in scripts)
    return ("default-src 'none'; "
            f"script-src {hashes}; "
            "style-src 'unsafe-inline'; font-src data:; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def standalone_html(volumes: list[Volume], saved_on: date) -> str:
    scripts = [(STATIC / "js" / name).read_text(encoding="utf-8") for name in SCRIPTS]
    return render_template(
        "guide/index.html",
        volumes=volumes,
        notice="",
        standalone=True,
        saved_on=saved_on.isoformat(),
        inline_css=inline_css(),
        inline_js=scripts,
        csp=content_security_policy(scripts),
        search_index=index_json(volumes),
        sections_of=labelled_sections,
        home_href="#main",
        favicon_data=base64.b64encode((STATIC / "favicon.svg").read_bytes()).decode(),
    )
