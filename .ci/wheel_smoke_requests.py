"""The installed app's pages, asked over HTTP: each answers, and the guide's CSS and JS load."""

import re
import sys
import time
import urllib.error
import urllib.request

base = sys.argv[1]


def get(path: str, tries: int = 1) -> tuple[int, dict, bytes]:
    for attempt in range(tries):
        try:
            with urllib.request.urlopen(base + path, timeout=10) as answer:  # noqa: S310
                return answer.status, dict(answer.headers), answer.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()
        except OSError:
            if attempt == tries - 1:
                raise
            time.sleep(0.5)
    raise AssertionError("unreachable")


def expect(condition: bool, what: str) -> None:
    if not condition:
        sys.exit(f"wheel-smoke: {what}")


status, _, _ = get("/healthz", tries=60)
expect(status == 200, f"/healthz answered {status}")
status, _, page = get("/")
html = page.decode("utf-8")
expect(status == 200 and html.count('class="volume"') == 9, "/ does not show nine volumes")
assets = re.findall(r'(?:href|src)="(/assets/[^"]+\.(?:css|js))"', html)
expect(any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets),
       "/ names no CSS or no JS")
for asset in assets:
    status, _, body = get(asset)
    expect(status == 200 and body, f"{asset} answered {status}")
status, _, _ = get("/login")
expect(status == 200, f"/login answered {status}")
status, headers, _ = get("/manage")
expect(status in (200, 302) and (status == 200 or "/login" in headers.get("Location", "")),
       f"/manage answered {status}")
status, headers, body = get("/download")
expect(status == 200 and "attachment" in headers.get("Content-Disposition", ""),
       "/download is not an attachment")
expect(body.decode("utf-8").count('class="volume"') == 9, "/download lacks nine volumes")
print(f"wheel-smoke: / ({len(page):,} B), {len(assets)} assets, /manage, /download "
      f"({len(body):,} B) answered")
