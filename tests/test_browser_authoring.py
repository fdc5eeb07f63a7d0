"""Authoring in Chromium: a pasted chat answer previews with its notes and its title; a volume
is edited in place from the list (and Cancel leaves it untouched), by mouse and by keyboard,
at desktop and phone widths."""

import pytest
import requests
from conftest import OWNER_TOKEN, sign_in

pytestmark = pytest.mark.browser

CHAT = ("Here is your volume:\n\n```html\n<!DOCTYPE html><html><head><title>Diffusion Models"
        "</title></head><body>\n<div class=\"sl\">01 — Noise</div>\n<p>Forward noise.</p>\n"
        "</body></html>\n```\n\nLet me know if you want another volume!")
HEADERS = {"Authorization": f"Bearer {OWNER_TOKEN}"}


def add_by_api(url: str, **body) -> dict:
    response = requests.post(url + "/api/volumes", headers=HEADERS, timeout=10,
                             json={"number": "10", "title": "Original"} | body)
    assert response.status_code == 201
    return response.json()["volume"]


def test_a_chat_answer_previews_with_notes_and_its_title(run_server, page):
    server = run_server()
    sign_in(page, server.url)
    page.fill("#number", "10")
    page.fill("#html", CHAT)
    page.click("#preview-button")
    page.wait_for_selector("#preview-notes:not([hidden])")
    notes = page.locator("#preview-notes li").all_inner_texts()
    assert "Removed the chat text before the ```html block." in notes
    assert any("cut off" not in note and "<body>" in note for note in notes)
    assert page.input_value("#title") == "Diffusion Models"
    assert page.inner_text("#preview-body").split() == ["01", "—", "Noise", "Forward", "noise."]
    page.click("#add-button")
    page.wait_for_selector("#form-ok:not([hidden])")
    assert "Added volume 10 — Diffusion Models" in page.inner_text("#form-ok")
    assert page.console_errors == []


def test_edit_in_place_and_cancel(run_server, page):
    server = run_server()
    volume = add_by_api(server.url, markdown="## Noise\n\nThe **old** words.")
    sign_in(page, server.url)
    item = page.locator("#added-list li", has_text="Original")
    item.locator(".edit-button").click()
    page.locator("#add-button", has_text="Save changes").wait_for()
    assert page.input_value("#format") == "markdown"
    assert page.input_value("#html") == "## Noise\n\nThe **old** words."
    assert page.input_value("#title") == "Original"
    assert page.inner_text("#builder-h") == "Edit volume 10"

    page.fill("#html", "## Noise\n\nThe **new** words.")
    page.click("#edit-cancel")  # Cancel: nothing is sent, the form is a blank add form again
    assert page.inner_text("#add-button") == "Add volume" and page.input_value("#html") == ""
    assert page.evaluate("document.activeElement.classList.contains('edit-button')")
    body = requests.get(f"{server.url}/api/volumes/{volume['id']}", headers=HEADERS, timeout=10)
    assert "old" in body.json()["source"]

    item.locator(".edit-button").click()
    page.locator("#add-button", has_text="Save changes").wait_for()
    page.fill("#title", "Renamed")
    page.fill("#html", "## Noise\n\nThe **new** words.")
    page.click("#add-button")
    page.wait_for_selector("#form-ok:not([hidden])")
    assert "Saved volume 10 — Renamed" in page.inner_text("#form-ok")
    assert page.locator("#added-list li").count() == 1
    assert "edited" in page.inner_text("#added-list li")
    assert page.inner_text("#add-button") == "Add volume"

    page.goto(server.url + "/#vol-10")
    page.locator("#vol-10 strong", has_text="new").wait_for()
    assert page.locator("#vol-10 .vol-title").inner_text() == "Renamed"
    assert page.locator("#vol-10-01").inner_text().startswith("Noise")
    assert page.console_errors == []


def test_edit_by_keyboard_at_phone_width(run_server, chromium):
    server = run_server()
    add_by_api(server.url, html="<p>first words</p>")
    context = chromium.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, server.url)
        page.focus("#added-list .edit-button")
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.activeElement.id === 'html'")
        assert page.input_value("#html") == "<p>first words</p>"
        page.keyboard.press("Control+A")
        page.keyboard.type("<p>second words</p>")
        page.focus("#add-button")
        page.keyboard.press("Enter")
        page.wait_for_selector("#form-ok:not([hidden])")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        answer = requests.get(server.url + "/api/volumes", timeout=10).json()["volumes"]
        assert [v["title"] for v in answer if not v["builtin"]] == ["Original"]
        assert "second words" in requests.get(server.url + "/download", timeout=30).text
    finally:
        context.close()
