"""Security in the browser: every page works under the Content-Security-Policy, and a form on
another origin cannot act for the signed-in owner."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from conftest import OWNER_TOKEN, fill_volume_form

pytestmark = pytest.mark.browser

WATCH_CSP = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def sign_in(page, url):
    page.goto(url + "/login")
    page.fill("#token", OWNER_TOKEN)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/manage")


def test_pages_work_under_the_content_security_policy(run_server, chromium, tmp_path):
    server = run_server()
    context = chromium.new_context()
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    seen = {}
    for path in ("/", "/login"):
        page.goto(server.url + path)
        seen[path] = page.evaluate("window.__violations")
    sign_in(page, server.url)
    fill_volume_form(page, "10", "CSP",
                     '<div class="sl">01 — A</div><p style="color: #22d3ee">styled</p>')
    page.click("#preview-button")
    page.wait_for_selector("#preview:not([hidden])")
    page.click("#test-connection")
    page.wait_for_selector("#connection-result .message")
    seen["/manage"] = page.evaluate("window.__violations")

    requests.post(server.url + "/api/volumes", timeout=10,
                  headers={"Authorization": f"Bearer {OWNER_TOKEN}"},
                  json={"number": "10", "title": "T", "html": '<div class="sl">01 — A</div>'})
    export = tmp_path / "guide.html"
    export.write_bytes(requests.get(server.url + "/download", timeout=10).content)
    page.goto(export.as_uri())
    seen["export"] = page.evaluate("window.__violations")
    assert page.locator(".sl .anchor-link").count() > 0  # the inline script ran under its hash
    assert seen == {"/": [], "/login": [], "/manage": [], "export": []}
    assert errors == []
    context.close()


class EvilSite(BaseHTTPRequestHandler):
    target = ""

    def do_GET(self):
        page = f"""<!doctype html><body>
        <form id="add" method="post" action="{self.target}/api/volumes" enctype="text/plain">
          <input name='{{"number": "66", "title": "Forged", "html": "<p>forged</p>", "x": "'
                 value='"}}'></form>
        <form id="out" method="post" action="{self.target}/logout"></form>
        <script>
          const which = location.search.slice(1);
          document.getElementById(which).submit();
        </script></body>"""
        body = page.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_cross_site_form_cannot_act_for_the_owner(run_server, chromium):
    server = run_server()
    EvilSite.target = server.url
    evil = ThreadingHTTPServer(("127.0.0.1", 0), EvilSite)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    evil_url = f"http://localhost:{evil.server_address[1]}"
    context = chromium.new_context()
    page = context.new_page()
    try:
        sign_in(page, server.url)
        for form in ("add", "out"):
            with page.expect_navigation():
                page.goto(f"{evil_url}/?{form}")
            assert page.url.startswith(server.url)
            assert "security token" in page.content() or "Sign in as the owner" in page.content()
        titles = [v["title"] for v in requests.get(server.url + "/api/volumes").json()["volumes"]]
        assert "Forged" not in titles
        page.goto(server.url + "/manage")
        assert page.url == server.url + "/manage"  # still signed in: the forged logout failed
    finally:
        evil.shutdown()
        context.close()
