"""The owner's journeys in Chromium with Gist storage, against the fake GitHub: writes GitHub
refuses, the connection test in each state the README lists, and the sync status when GitHub
cannot be reached."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
from conftest import FAKE_GIST_ID, FAKE_GITHUB_TOKEN, OWNER_TOKEN, fill_volume_form, sign_in

from study_guide.config import mask
from study_guide.content.builtin import load_builtins
from study_guide.storage.document import FILENAME

pytestmark = pytest.mark.browser
BEARER = {"Authorization": f"Bearer {OWNER_TOKEN}"}
PASTED = '<div class="sl">01 — Kept</div><p>notes that must survive a failed save</p>'

CONNECTION_RESULT = """out => ({
  summary: out.querySelector('.message').textContent,
  rows: Object.fromEntries(Array.from(out.querySelectorAll('dl.status dt'))
                           .map(dt => [dt.textContent, dt.nextElementSibling.textContent])),
  problems: Array.from(out.querySelectorAll('.problems li')).map(li => ({
    code: li.dataset.code, text: li.querySelector('p').textContent,
    fix: li.querySelector('.fix').textContent})),
})"""


def run_connection_test(page) -> dict:
    """Press Test connection and read what the page shows: summary, rows and problems."""
    page.click("#test-connection")
    page.wait_for_selector("#connection-result .message")
    return page.eval_on_selector("#connection-result", CONNECTION_RESULT)


def listed_ids(page) -> list[str]:
    return page.eval_on_selector_all("section.volume", "els => els.map(e => e.id)")


def expected_ids(server) -> list[str]:
    volumes = requests.get(server.url + "/api/volumes", timeout=30).json()["volumes"]
    return [f"vol-{v['number']}" for v in volumes]


def test_github_refusing_or_failing_a_write_shows_its_message_and_keeps_the_paste(
        run_server, gist_env, fake_github, page):
    server = run_server(gist_env)
    sign_in(page, server.url)
    fill_volume_form(page, "10", "First", "<p>saved before the failures</p>")
    page.click("#add-button")
    page.wait_for_selector("#form-ok:not([hidden])")
    saved = fake_github.content(FAKE_GIST_ID, FILENAME)
    revisions = len(fake_github.history(FAKE_GIST_ID))

    for github_status, our_status, says in [(404, 502, "not found (404)"),
                                            (503, 503, "HTTP 503")]:
        fake_github.inject("status", status=github_status, method="PATCH")
        patches = fake_github.count("PATCH")
        fill_volume_form(page, "11", "Second", PASTED)
        with page.expect_response("**/api/volumes") as answer:
            page.click("#add-button")
        assert answer.value.status == our_status
        error = page.locator("#volume-form #form-error")
        error.wait_for(state="visible")
        assert says in error.inner_text()
        assert error.inner_text() == answer.value.json()["error"]["message"]
        assert page.locator("#form-ok").is_hidden()
        assert (page.input_value("#number"), page.input_value("#title"),
                page.input_value("#html")) == ("11", "Second", PASTED)
        assert fake_github.count("PATCH") == patches + 1  # GitHub was really asked
        assert fake_github.content(FAKE_GIST_ID, FILENAME) == saved
        assert len(fake_github.history(FAKE_GIST_ID)) == revisions
        assert page.inner_text("#status-count") == "1"

    # The paste is still in the form, so adding again is one press.
    page.click("#add-button")
    page.wait_for_selector("#form-ok:not([hidden])")
    assert page.locator("#form-error").is_hidden()
    page.goto(server.url + "/")
    assert listed_ids(page) == expected_ids(server)
    assert listed_ids(page)[-2:] == ["vol-10", "vol-11"]
    page.locator("#vol-11").scroll_into_view_if_needed()  # volumes load as they are reached
    page.wait_for_selector("#vol-11 >> text=notes that must survive a failed save")


def test_connection_test_shows_backend_masked_token_scopes_volumes_and_each_problem_with_its_fix(
        run_server, gist_env, fake_github, page):
    server = run_server(gist_env)
    requests.post(server.url + "/api/volumes", headers=BEARER, timeout=30,
                  json={"number": "10", "title": "Added", "html": "<p>one</p>"}).raise_for_status()
    sign_in(page, server.url)
    masked = mask(FAKE_GITHUB_TOKEN)
    assert page.inner_text("#status-backend") == "GitHub Gist"
    assert page.inner_text("#status-gist") == FAKE_GIST_ID
    assert page.inner_text("#status-token") == masked

    healthy = run_connection_test(page)
    assert healthy["summary"] == "Connection works."
    assert healthy["problems"] == []
    assert healthy["rows"] | {"Rate limit": ""} == {
        "Backend": "gist (GitHub Gist)", "Gist": FAKE_GIST_ID, "Token": masked,
        "Scopes": "gist", "File found": "yes", "Volumes": "1", "Rate limit": ""}
    assert healthy["rows"]["Rate limit"].endswith(" UTC")

    fake_github.scopes = "gist, repo"
    extra = run_connection_test(page)
    assert extra["rows"]["Scopes"] == "gist, repo" and extra["rows"]["Volumes"] == "1"
    assert [p["code"] for p in extra["problems"]] == ["extra_scopes"]
    assert "more scopes than it needs (repo)" in extra["problems"][0]["text"]
    assert extra["problems"][0]["fix"].startswith("Fix: Create a classic token with only the gist")

    fake_github.scopes = "gist"
    fake_github.inject("rate_limit", status=403)
    limited = run_connection_test(page)
    assert limited["summary"].startswith("One problem found")
    assert [p["code"] for p in limited["problems"]] == ["rate_limited"]
    assert "rate limit is reached" in limited["problems"][0]["text"]
    assert limited["problems"][0]["fix"].startswith("Fix: Wait until the reset time")
    assert limited["rows"]["Rate limit"].startswith("0 requests left, resets ")
    assert limited["rows"]["Token"] == masked
    assert limited["rows"]["Volumes"].startswith("unknown")  # not "0": GitHub said nothing

    assert run_connection_test(page)["summary"] == "Connection works."  # the limit has passed
    assert FAKE_GITHUB_TOKEN not in page.content()


def test_with_a_wrong_github_token_the_manage_page_opens_and_says_to_replace_it(
        run_server, gist_env, page):
    wrong = "wrong-gist-token-5e6f7a8b9c0d1e2f"
    server = run_server(gist_env | {"GITHUB_TOKEN": wrong})
    sign_in(page, server.url)  # the page opens although no volume can be read
    assert "GitHub refused the token (401" in page.inner_text("#status-error")
    assert page.inner_text("#status-token") == mask(wrong)
    assert page.inner_text("#status-count") == "unknown"
    assert page.locator("#volumes .volume-list").nth(1).locator("li").count() == len(
        load_builtins())

    result = run_connection_test(page)
    assert [p["code"] for p in result["problems"]] == ["bad_token"]
    assert "401" in result["problems"][0]["text"]
    assert result["problems"][0]["fix"].endswith("set GITHUB_TOKEN to it.")
    assert result["rows"]["Token"] == mask(wrong)
    assert result["rows"]["Scopes"].startswith("unknown")
    assert result["rows"]["Volumes"].startswith("unknown")

    page.fill("#title", "Refused")
    page.fill("#html", PASTED)
    page.click("#add-button")
    page.wait_for_selector("#form-error:not([hidden])")
    assert "GitHub refused the token" in page.inner_text("#form-error")
    assert page.input_value("#html") == PASTED
    assert wrong not in page.content() and FAKE_GITHUB_TOKEN not in page.content()


def shown_time(text: str) -> datetime:
    """The `YYYY-MM-DD HH:MM UTC` at the end of a notice."""
    return datetime.strptime(text[-20:], "%Y-%m-%d %H:%M UTC").replace(tzinfo=UTC)


def test_sync_status_and_the_last_copy_shown_while_github_is_unreachable(
        run_server, gist_env, fake_github, page):
    server = run_server(gist_env | {"GIST_CACHE_SECONDS": "1"})
    requests.post(server.url + "/api/volumes", headers=BEARER, timeout=30,
                  json={"number": "10", "title": "Kept Offline", "html": "<p>still here</p>"}
                  ).raise_for_status()
    expected = expected_ids(server)
    sign_in(page, server.url)
    assert page.inner_text("#status-backend") == "GitHub Gist"
    assert page.inner_text("#status-gist") == FAKE_GIST_ID
    synced = datetime.strptime(page.get_attribute("#status-synced", "datetime"),
                               "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert datetime.now(UTC) - synced < timedelta(minutes=1)
    assert page.inner_text("#status-synced") == synced.strftime("%Y-%m-%d %H:%M UTC")
    assert page.locator(".notice").count() == 0
    page.goto(server.url + "/")
    assert page.locator(".notice").count() == 0
    assert listed_ids(page) == expected
    gets_before = fake_github.count("GET")

    # Every connection to GitHub now drops without an answer (a stopped server would still
    # answer on the connection the app keeps open).
    fake_github.inject("drop", times=1000)
    time.sleep(1.2)  # past GIST_CACHE_SECONDS: the next view asks GitHub again
    page.goto(server.url + "/")
    notice = page.inner_text(".notice")
    assert notice.startswith("GitHub unreachable — showing the copy from ")
    assert datetime.now(UTC) - shown_time(notice) < timedelta(minutes=2)
    assert listed_ids(page) == expected
    assert page.text_content("#vol-10 .vol-title") == "Kept Offline"

    page.goto(server.url + "/manage")
    assert page.inner_text("#storage .notice") == notice
    assert page.inner_text("#status-synced") == notice[-20:]  # the copy's own time
    assert page.locator("#added-list li[data-id]").count() == 1
    assert fake_github.count("GET") > gets_before  # GitHub was asked, and failed


def test_each_outside_edit_of_the_gist_shows_within_six_seconds(fake_github, gist_env,
                                                                 run_server, page):
    """Another tool adds a volume to the gist five times in a row: each time, within 6 s, `/`
    lists every volume so far, over plain HTTP and in a page that reloads (a stale page, body
    or search index anywhere would keep one out)."""
    server = run_server(gist_env | {"GIST_CACHE_SECONDS": "2"})
    page.goto(server.url + "/")
    records: list[dict] = []
    for number in range(71, 76):
        records.append({"id": f"outside-{number}", "number": str(number),
                        "title": f"Outside edit {number}",
                        "html": f'<div class="sl">01 — Edit {number}</div><p>edit {number}</p>',
                        "added_at": "2026-01-01T00:00:00Z"})
        fake_github.commit(FAKE_GIST_ID, {FILENAME: json.dumps({"volumes": records})})
        edited = time.monotonic()
        titles = [record["title"] for record in records]
        while not all(title in requests.get(server.url + "/", timeout=10).text
                      for title in titles):
            assert time.monotonic() - edited < 6, f"{number} not served over HTTP in 6 s"
            time.sleep(0.2)
        while True:
            page.reload()
            shown = listed_ids(page)
            if all(f"vol-{record['number']}" in shown for record in records):
                break
            assert time.monotonic() - edited < 6, f"{number} not in the page in 6 s: {shown}"
            page.wait_for_timeout(200)
        page.keyboard.press("/")  # the search index: the one of this version of the page
        page.fill("#search-input", f"edit {number}")
        page.wait_for_function("n => Array.from(document.querySelectorAll('.search-result'))"
                               ".some(r => r.textContent.includes('Outside edit ' + n))",
                               arg=number, timeout=5000)
