"""Reader and owner journeys in Chromium, with their failure cases (local storage)."""

from datetime import UTC, datetime

import pytest
import requests
from conftest import OWNER_TOKEN, fill_volume_form, sign_in

pytestmark = pytest.mark.browser
BEARER = {"Authorization": f"Bearer {OWNER_TOKEN}"}


def watch_network(page, origin):
    seen = {"failed": [], "foreign": []}
    page.on("requestfailed", lambda r: seen["failed"].append(r.url))
    page.on("request", lambda r: None if r.url.startswith((origin, "data:"))
            else seen["foreign"].append(r.url))
    return seen


def test_reader_sees_every_volume_and_header_links_jump(run_server, page):
    server = run_server()
    requests.post(server.url + "/api/volumes", headers=BEARER, timeout=10,
                  json={"number": "12", "title": "Added", "html": '<div class="sl">01 — A</div>'})
    seen = watch_network(page, server.url)
    page.goto(server.url + "/")
    expected = [f"vol-{v['number']}" for v in
                requests.get(server.url + "/api/volumes", timeout=10).json()["volumes"]]
    assert page.eval_on_selector_all("section.volume", "els => els.map(e => e.id)") == expected
    target = expected[len(expected) // 2]
    page.click(f'.volume-nav a[href="#{target}"]')
    page.wait_for_function(f"() => location.hash === '#{target}'")
    top = page.evaluate(f"document.getElementById('{target}').getBoundingClientRect().top")
    assert 0 <= top < 200
    assert seen == {"failed": [], "foreign": []}
    assert page.console_errors == []


def test_failed_adds_show_the_reason_and_keep_the_paste(run_server, page):
    server = run_server()
    sign_in(page, server.url)
    pasted = '<div class="sl">01 — Kept</div><p>my pasted notes</p>'

    def attempt(number, title, html):
        fill_volume_form(page, number, title, html)
        with page.expect_response("**/api/volumes") as response:
            page.click("#add-button")
        assert response.value.status >= 400
        page.wait_for_selector("#form-error:not([hidden])")
        return page.inner_text("#form-error")

    builtin = requests.get(server.url + "/api/volumes", timeout=10).json()["volumes"][0]
    assert f"Volume {builtin['number']} already exists" in attempt(builtin["number"], "Duplicate",
                                                                   pasted)
    assert page.input_value("#html") == pasted
    assert "title is empty" in attempt("20", "", pasted)
    assert page.input_value("#html") == pasted
    oversized = "<p>" + "x" * (2 * 1024 * 1024 + 10) + "</p>"
    assert "at most 2 MB" in attempt("20", "Too big", oversized)
    assert len(page.input_value("#html")) == len(oversized)
    assert "Nothing is left after sanitizing" in attempt("20", "Empty", "<script>x()</script>")


def test_download_opens_offline_with_every_volume_and_no_owner_tools(run_server, chromium,
                                                                     tmp_path):
    server = run_server()
    requests.post(server.url + "/api/volumes", headers=BEARER, timeout=10,
                  json={"number": "11", "title": "Offline", "html": "<p>added offline</p>"})
    context = chromium.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(server.url + "/")
    with page.expect_download() as info:
        page.click(".header-actions a[href='/download']")
    download = info.value
    today = datetime.now(UTC).date().isoformat()
    assert download.suggested_filename == f"study-guide-{today}.html"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    context.close()

    offline = chromium.new_context(offline=True)
    requested = []
    offline.route("**/*", lambda route: (requested.append(route.request.url),
                                         route.continue_() if route.request.url.startswith(
                                             "file://") else route.abort()))
    page = offline.new_page()
    page.goto(path.as_uri())
    ids = page.eval_on_selector_all("section.volume", "els => els.map(e => e.id)")
    expected = [f"vol-{v['number']}" for v in
                requests.get(server.url + "/api/volumes", timeout=10).json()["volumes"]]
    assert ids == expected
    assert requested == [path.as_uri()]
    html = page.content()
    assert "/manage" not in html and "/login" not in html and OWNER_TOKEN not in html
    assert page.locator("form").count() == 0
    offline.close()


def test_manage_shows_storage_sync_time_and_connection_test(run_server, page, data_dir):
    server = run_server()
    sign_in(page, server.url)
    assert page.inner_text("#status-backend") == "Local file"
    assert str(data_dir.resolve()) in page.inner_text("#storage")
    assert page.inner_text("#status-synced").startswith(str(datetime.now(UTC).year))
    page.click("#test-connection")
    page.wait_for_selector("#connection-result .message.ok")
    result = page.inner_text("#connection-result")
    assert "Connection works." in result and "local" in result
