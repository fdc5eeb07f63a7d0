"""Drafting in Chromium against the fake model server: Draft fills the volume form and shows
the preview within 30 s while nothing is added until Add; Stop aborts; a truncated draft
warns; the keyboard reaches it all; at 375 px nothing overflows; with drafting off the page
says what to set."""

import time

import pytest
import requests
from conftest import OWNER_TOKEN, sign_in

pytestmark = pytest.mark.browser
HEADERS = {"Authorization": f"Bearer {OWNER_TOKEN}"}


def added(url: str) -> list[dict]:
    volumes = requests.get(url + "/api/volumes", headers=HEADERS, timeout=10).json()["volumes"]
    return [volume for volume in volumes if not volume["builtin"]]


def test_draft_fills_the_form_and_nothing_is_added_until_add(run_server, page, llm_env,
                                                             fake_llm):
    fake_llm.chunk_delay = 0.02  # a visible stream: progress shows before the draft
    server = run_server(llm_env)
    sign_in(page, server.url)
    page.fill("#number", "10")
    page.fill("#draft-notes", "Diffusion: forward noise, reverse denoising.")
    started = time.monotonic()
    page.click("#draft-button")
    page.wait_for_function("() => /characters received/.test("
                           "document.getElementById('draft-progress').textContent)")
    page.wait_for_selector("#preview:not([hidden])", timeout=30_000)
    assert time.monotonic() - started < 30
    assert page.input_value("#html").startswith('<div class="sl">01 — Diffusion in one')
    assert "Diffusion in one picture" in page.inner_text("#preview-body")
    notes = page.locator("#preview-notes li").all_inner_texts()
    assert "Removed the chat text before the ```html block." in notes
    assert "Review the preview below" in page.inner_text("#draft-progress")
    assert page.is_hidden("#draft-stop") and page.is_hidden("#draft-warning")
    assert "fake-model-1" in page.inner_text("#status-llm")
    assert added(server.url) == []  # drafted, previewed, not added
    page.fill("#title", "Diffusion")
    page.click("#add-button")
    page.wait_for_selector("#form-ok:not([hidden])")
    assert [volume["title"] for volume in added(server.url)] == ["Diffusion"]
    assert page.console_errors == []


def test_stop_aborts_the_draft(run_server, page, llm_env, fake_llm):
    fake_llm.chunk_delay = 0.5  # about 15 s for the whole answer
    server = run_server(llm_env)
    sign_in(page, server.url)
    page.fill("#draft-notes", "Notes")
    page.click("#draft-button")
    page.wait_for_selector("#draft-stop:not([hidden])")
    page.wait_for_function("() => /[1-9][0-9,]* characters received/.test("
                           "document.getElementById('draft-progress').textContent)")
    page.click("#draft-stop")
    assert page.inner_text("#draft-progress").startswith("Stopped")
    page.wait_for_timeout(1000)
    assert page.is_hidden("#preview") and page.input_value("#html") == ""
    assert page.get_attribute("#draft-button", "aria-busy") is None
    assert added(server.url) == []


def test_a_truncated_draft_warns_and_errors_show(run_server, page, llm_env, fake_llm):
    fake_llm.finish_reason = "length"
    server = run_server(llm_env)
    sign_in(page, server.url)
    page.click("#draft-button")
    assert "notes first" in page.inner_text("#draft-error")
    assert page.evaluate("document.activeElement.id") == "draft-notes"
    page.fill("#draft-notes", "Notes")
    page.click("#draft-button")
    page.wait_for_selector("#draft-warning:not([hidden])", timeout=30_000)
    assert "cut off" in page.inner_text("#draft-warning")
    fake_llm.inject("status", status=429, retry_after="9")
    page.click("#draft-button")
    page.wait_for_selector("#draft-error:not([hidden])")
    assert "try again in 9 s" in page.inner_text("#draft-error")
    assert page.is_hidden("#draft-warning")


def test_draft_by_keyboard_at_phone_width(run_server, page, llm_env, fake_llm):
    server = run_server(llm_env)
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, server.url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.focus("#draft-notes")
    page.keyboard.type("Attention: queries, keys, values.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "draft-button"
    page.keyboard.press("Enter")
    page.wait_for_selector("#preview:not([hidden])", timeout=30_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.console_errors == []


def test_with_drafting_off_the_page_says_what_to_set(run_server, page):
    server = run_server()
    sign_in(page, server.url)
    text = page.inner_text("#draft-off")
    assert "LLM_API_URL" in text and "LLM_MODEL" in text and "LLM_API_KEY" in text
    assert page.locator("#draft-button").count() == 0
    assert page.inner_text("#status-llm").startswith("off")
    assert page.console_errors == []
