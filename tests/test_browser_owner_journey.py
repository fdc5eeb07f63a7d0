"""The owner's journey in a real browser: sign in, add through the form, read, delete."""

import pytest
from conftest import OWNER_TOKEN, fill_volume_form, open_whole_guide

pytestmark = pytest.mark.browser

PASTED = ('<div class="sl">01 — Denoising</div><p>Forward noise, reverse learning.</p>'
          '<p onclick="window.__clicked = true">click me</p>'
          '<script>window.__pwned = true</script>'
          '<svg viewBox="0 0 200 60" role="img" aria-label="steps"><defs><marker id="arrow" '
          'viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto">'
          '<path d="M0 0L10 5L0 10z" fill="#22d3ee"></path></marker></defs>'
          '<line x1="10" y1="30" x2="190" y2="30" stroke="#22d3ee" marker-end="url(#arrow)">'
          '</line></svg>')


def test_owner_signs_in_adds_sees_and_deletes_a_volume(run_server, page):
    server = run_server()
    requests_seen = []
    page.on("request", lambda r: requests_seen.append(r.url))

    page.goto(server.url + "/manage")
    assert page.url.startswith(server.url + "/login")
    page.fill("#token", "definitely-not-the-token")
    page.click("button[type=submit]")
    assert "not the owner token" in page.inner_text("#login-error")

    page.fill("#token", OWNER_TOKEN)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/manage")
    page.console_errors.clear()  # the refused sign-in above logs its 401

    fill_volume_form(page, "10", "Diffusion Models", PASTED)
    page.click("#preview-button")
    page.wait_for_selector("#preview:not([hidden])")
    assert "script ×1" in page.inner_text("#preview-report")
    assert "onclick ×1" in page.inner_text("#preview-report")

    page.click("#add-button")
    page.wait_for_selector("#form-ok:not([hidden])")
    assert "Added volume 10" in page.inner_text("#form-ok")
    # Listed at once, as the server lists it on the next visit.
    added = page.locator("#added-list li", has_text="Diffusion Models")
    assert added.locator("strong").text_content() == "X."
    assert added.locator(".delete-button").get_attribute("aria-label") == \
        "Delete volume X, Diffusion Models"

    open_whole_guide(page, server.url + "/")
    volume = page.locator("#vol-10")
    assert volume.locator(".vol-title").text_content() == "Diffusion Models"
    assert volume.locator("svg").get_attribute("viewBox") == "0 0 200 60"
    marker_id = volume.locator("marker").get_attribute("id")
    assert volume.locator("line").get_attribute("marker-end") == f"url(#{marker_id})"
    volume.get_by_text("click me").click()
    assert page.evaluate("window.__pwned === undefined && window.__clicked === undefined")
    # Number order: volume 10 follows every built-in.
    ids = page.eval_on_selector_all("section.volume", "els => els.map(e => e.id)")
    assert ids[-1] == "vol-10"

    page.goto(server.url + "/manage")
    page.click("#added-list .delete-button")
    page.click("#delete-cancel")
    assert page.locator("#added-list .delete-button").count() == 1
    page.click("#added-list .delete-button")
    page.click("#delete-confirm")
    page.wait_for_selector("#added-list .delete-button", state="detached")

    page.goto(server.url + "/")
    assert page.locator("#vol-10").count() == 0
    assert all(url.startswith(server.url) for url in requests_seen)
    assert page.console_errors == []
