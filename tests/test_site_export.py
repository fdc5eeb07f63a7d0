"""`study-guide export --site DIR`: the guide as a folder a static host serves
(study_guide.publish.site)."""

import functools
import gzip
import json
import re
import shutil
import subprocess
import sys
import threading
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli
import pytest
from conftest import OWNER_TOKEN, ROOT

from study_guide import create_app
from study_guide.cli import export_site

BEARER = {"Authorization": f"Bearer {OWNER_TOKEN}"}
ADDED = {"number": "12", "title": "Diffusion Models",
         "html": '<div class="sl">01 — The Forward Process</div><p>zebrafinch noise</p>'
                 r"<p>Its variance \(\sigma_t^2\) grows.</p>"
                 '<pre><code class="language-python">def step(x):\n    return x\n</code></pre>'}
URLS = re.compile(r'<(?:link|script|a)\b[^>]*?\b(?:href|src)="([^"#][^"]*)"')


def app_with(data_dir: Path, *volumes: dict):
    app = create_app({"STUDY_GUIDE_DATA_DIR": str(data_dir), "OWNER_TOKEN": OWNER_TOKEN})
    for volume in volumes:
        assert app.test_client().post("/api/volumes", headers=BEARER,
                                      json=volume).status_code == 201
    return app


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site of the built-ins plus one added volume, at <tmp>/guide; written once for the
    module, as dense compression takes seconds, and only read by the tests."""
    root = tmp_path_factory.mktemp("site")
    folder = root / "guide"
    report = export_site(app_with(root / "data", ADDED), folder, date(2026, 1, 2))
    assert report.folder == folder and report.volumes >= 2
    return folder


def local_urls(html: str) -> list[str]:
    return [url for url in URLS.findall(html) if not url.startswith(("https:", "http:"))]


def test_page_loads_only_relative_files_that_exist(site):
    html = (site / "index.html").read_text()
    loads = re.findall(r'<(?:link|script)\b[^>]*?\b(?:href|src)="([^"]+)"', html)
    assert any(url.startswith("assets/css/") for url in loads)
    assert all(not url.startswith("/") and (site / url).is_file() for url in loads), loads
    assert 'class="brand" href="./"' in html  # the folder itself: the host answers index.html
    assert 'id="vol-12"' in html
    # Volumes after the first are files of their own, fetched by relative URL.
    bodies = re.findall(r'data-body="([^"]+)"', html)
    assert bodies and all(url.startswith("assets/volumes/") and (site / url).is_file()
                          for url in bodies)
    assert any("zebrafinch" in (site / url).read_text() for url in bodies)


def test_stylesheet_fonts_and_search_index_resolve_inside_the_folder(site):
    html = (site / "index.html").read_text()
    css_url = re.search(r'href="(assets/css/guide\.[0-9a-f]{12}\.css)"', html).group(1)
    css = site / css_url
    fonts = re.findall(r'url\("([^"]+\.woff2)"\)', css.read_text())
    assert fonts and all((css.parent / font).resolve().is_file() for font in fonts)
    index_url = re.search(r'data-index-url="(assets/search-index\.[0-9a-f]{12}\.json)"',
                          html).group(1)
    index = json.loads((site / index_url).read_text())
    assert ["vol-12", "XII", "Diffusion Models"] in index["volumes"]


def test_formulas_and_code_are_typeset_in_the_site(site):
    html = (site / "index.html").read_text()
    bodies = [(site / url).read_text() for url in re.findall(r'data-body="([^"]+)"', html)]
    added = next(body for body in bodies if "zebrafinch" in body)
    assert '<annotation encoding="application/x-tex">\\sigma_t^2</annotation>' in added
    assert '<span class="k">def</span>' in added
    assert all('<span class="k">' in body for body in bodies if "<pre>" in body)
    assert any(font.name.startswith("latin-modern-math-subset.")
               for font in (site / "assets" / "fonts").iterdir())


def test_download_is_the_standalone_file_beside_the_page(site):
    html = (site / "index.html").read_text()
    assert 'href="study-guide.html" download' in html
    standalone = (site / "study-guide.html").read_text()
    assert "data:font/woff2" in standalone and "zebrafinch" in standalone


def test_page_has_no_links_to_server_only_pages(site):
    html = (site / "index.html").read_text()
    assert not [url for url in local_urls(html) if url.startswith("/")]
    assert ">Manage<" not in html and "/login" not in html


def test_every_compressible_file_has_gz_and_br_of_the_same_bytes(site):
    files = [p for p in site.rglob("*") if p.is_file() and p.suffix not in {".gz", ".br"}]
    compressible = [p for p in files if p.suffix in {".html", ".css", ".js", ".svg", ".json",
                                                     ".txt"}]
    assert {p.suffix for p in compressible} >= {".html", ".css", ".js", ".json", ".svg"}
    for path in compressible:
        body = path.read_bytes()
        assert gzip.decompress(Path(f"{path}.gz").read_bytes()) == body, path
        assert brotli.decompress(Path(f"{path}.br").read_bytes()) == body, path
    for path in files:
        if path.suffix == ".woff2":  # already compressed: nothing to gain
            assert not Path(f"{path}.br").exists()


def test_headers_file_keeps_assets_a_year_and_revalidates_the_page(site):
    rules = {}
    for block in re.split(r"\n(?=/)", (site / "_headers").read_text().strip()):
        path, *lines = block.splitlines()
        rules[path] = dict(line.strip().split(": ", 1) for line in lines)
    assert rules["/assets/*"]["Cache-Control"] == "public, max-age=31536000, immutable"
    assert rules["/index.html"]["Cache-Control"] == "no-cache"
    assert "default-src 'none'" in rules["/*"]["Content-Security-Policy"]
    assert "Cache-Control" not in rules["/*"]  # hosts join the values of all matching rules


def test_a_new_export_replaces_the_page_and_keeps_older_assets(site, tmp_path):
    again = tmp_path / "guide"
    shutil.copytree(site, again)
    old_index = re.search(r'data-index-url="([^"]+)"', (again / "index.html").read_text()).group(1)
    later = {"number": "13", "title": "Later", "html": "<p>later</p>"}
    export_site(app_with(tmp_path / "data", ADDED, later), again, date(2026, 1, 3))
    after = (again / "index.html").read_text()
    assert 'id="vol-13"' in after and re.search(r'data-index-url="([^"]+)"', after).group(
        1) != old_index
    assert (again / old_index).is_file()  # for readers still holding the older page
    assert not list(again.rglob(".*.tmp"))  # no temp file left behind


def test_cli_writes_the_site_and_asks_for_a_target(tmp_path, data_dir):
    env = {"STUDY_GUIDE_DATA_DIR": str(data_dir), "OWNER_TOKEN": OWNER_TOKEN, "PATH": "/usr/bin"}
    result = subprocess.run([sys.executable, "-m", "app.cli", "export", "--site",
                             str(tmp_path / "out")], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Wrote the site to" in result.stdout and (tmp_path / "out" / "index.html.br").is_file()
    bare = subprocess.run([sys.executable, "-m", "app.cli", "export"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert bare.returncode == 2 and "--site DIR" in bare.stderr


@pytest.fixture(scope="module")
def static_host(site):
    """A plain static file server over the site's parent folder: the site is at /guide/."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(Quiet, directory=str(site.parent)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/guide/"
    server.shutdown()
    server.server_close()


@pytest.mark.browser
def test_site_works_under_a_sub_path_in_chromium(static_host, page):
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.goto(static_host)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("Inter")
    assert page.evaluate("document.fonts.check('16px Inter')")
    page.keyboard.press("/")
    page.keyboard.type("zebraf")
    page.locator(".search-result").first.wait_for()
    assert "Diffusion Models" in page.locator(".search-result .sr-where").first.inner_text()
    # Search brought in the body of the result's volume, from the folder under the sub-path.
    page.wait_for_function("() => !document.querySelector('#vol-12[data-body]')")
    assert "zebrafinch" in page.locator("#vol-12").text_content()
    assert failed == [] and page.console_errors == []
