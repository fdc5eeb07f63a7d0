"""The standalone guide: one HTML file with CSS, fonts and script inside, no manage tools and
no token, that renders the same volumes when opened from disk with the network off."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date
from pathlib import Path

from flask import render_template

from app.volumes import Volume

STATIC = Path(__file__).resolve().parent.parent / "static"
FONT_URL = re.compile(r'url\("\.\./fonts/([\w.-]+\.woff2)"\)')


def inline_css() -> str:
    """The app's stylesheet with every font embedded as a data: URL."""
    css = (STATIC / "css" / "guide.css").read_text(encoding="utf-8")

    def embed(match: re.Match[str]) -> str:
        data = base64.b64encode((STATIC / "fonts" / match.group(1)).read_bytes()).decode()
        return f'url("data:font/woff2;base64,{data}")'

    return FONT_URL.sub(embed, css)


def content_security_policy(script: str) -> str:
    """Nothing from the network: only the embedded script (by hash), styles and fonts."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return ("default-src 'none'; "
            f"script-src 'sha256-{digest}'; "
            "style-src 'unsafe-inline'; font-src data:; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def standalone_html(volumes: list[Volume], saved_on: date) -> str:
    script = (STATIC / "js" / "guide.js").read_text(encoding="utf-8")
    return render_template(
        "guide/index.html",
        volumes=volumes,
        notice="",
        standalone=True,
        saved_on=saved_on.isoformat(),
        inline_css=inline_css(),
        inline_js=script,
        csp=content_security_policy(script),
        home_href="#main",
        favicon_data=base64.b64encode((STATIC / "favicon.svg").read_bytes()).decode(),
    )
