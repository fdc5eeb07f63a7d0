"""Keyboard, phone-width and owner-page checks in Chromium: every control reached by Tab with a
visible focus indicator, the owner's tasks done with keys alone, no page-level sideways scroll
at 375 px, and the copy-prompt feedback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests
from conftest import OWNER_TOKEN, sign_in

pytestmark = pytest.mark.browser
BEARER = {"Authorization": f"Bearer {OWNER_TOKEN}"}
PHONE = 375

# Wider than a phone on purpose: a long code line and a table of twelve columns.
CODE_LINE = ("attention = torch.nn.functional.scaled_dot_product_attention(query, key, value, "
             "attn_mask=None, dropout_p=0.1, is_causal=True)")
WIDE = {
    "number": "10", "title": "Wide Things",
    "html": ('<div class="sl">01 — Wide</div><p>Tables and code wider than a phone.</p>'
             '<table><thead><tr>' + "".join(f"<th>column{i}</th>" for i in range(12))
             + '</tr></thead><tbody><tr>' + "".join(f"<td>value{i}</td>" for i in range(12))
             + f'</tr></tbody></table><pre><code>{CODE_LINE}</code></pre>'),
}

# Marks every control a keyboard user should reach (shown, enabled, in the tab order) and
# records, for each element focused from then on, whether it shows a focus indicator.
WATCH_FOCUS = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), textarea, select, summary, '
                 + '[tabindex]';
  const shown = el => el.checkVisibility({visibilityProperty: true, checkVisibilityCSS: true});
  const focusable = () => Array.from(document.querySelectorAll(selector)).filter(
    el => el.tabIndex >= 0 && !el.disabled && !el.closest('[inert]') && shown(el));
  const controls = focusable();
  // Volume bodies come in as focus moves down the page, each with controls of its own.
  window.__focusableNow = () => focusable().length;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                   + ' "' + (el.textContent || el.value || '').trim().slice(0, 30) + '"';
  window.__controls = controls;
  window.__reached = new Set();
  window.__unmarked = [];
  document.addEventListener('focusin', event => {
    const el = event.target;
    window.__reached.add(controls.indexOf(el));
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    if (!outline && style.boxShadow === 'none') window.__unmarked.push(name(el));
  });
  // A control the page replaced meanwhile (a volume loading its body) is not missed.
  window.__missing = () => controls.filter((el, i) => el.isConnected && !window.__reached.has(i))
                                   .map(name);
  return controls.length;
}"""


def tab_through(page) -> None:
    """Press Tab until every control on the page has had focus (or twice round the page), and
    check each had a visible focus indicator."""
    assert page.evaluate(WATCH_FOCUS) > 0
    presses = 0
    while (page.evaluate("window.__missing().length")
           and presses < 2 * page.evaluate("window.__focusableNow()") + 10):
        for _ in range(10):
            page.keyboard.press("Tab")
        presses += 10
    assert page.evaluate("window.__missing()") == []
    assert page.evaluate("window.__unmarked") == []


def tab_to(page, selector: str, limit: int = 120) -> None:
    """Move focus with Tab alone until it is on `selector`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def focused(page) -> str:
    return page.evaluate("document.activeElement.id")


def sideways_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


# A box wider than its content area that scrolls inside itself, not the page.
SCROLLS_INSIDE = """box => {
  box.scrollIntoView({block: 'center'});
  const wider = box.scrollWidth > box.clientWidth + 1;
  box.scrollLeft = 40;
  const rect = box.getBoundingClientRect();
  return {wider, scrolled: box.scrollLeft > 0, pageScrolled: window.scrollX !== 0,
          inside: rect.left >= 0 && rect.right <= window.innerWidth + 0.5};
}"""


def assert_scrolls_inside(locator) -> None:
    assert locator.evaluate(SCROLLS_INSIDE) == {"wider": True, "scrolled": True,
                                               "pageScrolled": False, "inside": True}


def header_fits(page) -> None:
    """The header is one row and every control in it is on screen."""
    height = page.evaluate("document.querySelector('.site-header').getBoundingClientRect()"
                           ".height")
    assert height < 70
    off_screen = page.eval_on_selector_all(
        ".site-header a, .site-header button",
        """els => els.filter(e => e.checkVisibility()).filter(e => {
             const r = e.getBoundingClientRect();
             return r.left < 0 || r.right > window.innerWidth; }).map(e => e.textContent)""")
    assert off_screen == []


def screenshot(page, name: str) -> None:
    """Full-page screenshots for looking at, when SCREENSHOT_DIR is set. The guide is tens of
    thousands of pixels tall: its first 4000 are taken."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    height = page.evaluate("document.documentElement.scrollHeight")
    width = page.evaluate("window.innerWidth")
    clip = {"x": 0, "y": 0, "width": width, "height": min(height, 4000)}
    page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True, clip=clip)


# --- keyboard --------------------------------------------------------------------------------

def test_sign_in_by_keyboard_alone_with_a_visible_focus_on_every_control(run_server, page):
    server = run_server()
    page.goto(server.url + "/login")
    page.wait_for_function("() => document.activeElement.id === 'token'")  # ready for typing
    page.keyboard.type("not-the-owner-token-at-all")
    page.keyboard.press("Enter")
    page.wait_for_selector("#login-error")
    assert focused(page) == "token"
    tab_through(page)
    tab_to(page, "#token")
    page.keyboard.type(OWNER_TOKEN)
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(server.url + "/manage")


def test_owner_tools_work_by_keyboard_alone_with_a_visible_focus(run_server, chromium):
    server = run_server()
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page = context.new_page()
    sign_in(page, server.url)
    tab_through(page)
    page.reload()  # start again from the top, watching every focus from here on
    page.evaluate(WATCH_FOCUS)

    tab_to(page, 'a[href="#setup"]')
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash === '#setup'")

    tab_to(page, "#test-connection")
    page.keyboard.press("Enter")
    page.wait_for_selector("#connection-result .message.ok")
    assert focused(page) == "test-connection"  # a busy button keeps the focus

    tab_to(page, "#copy-prompt")
    page.keyboard.press("Space")
    page.wait_for_selector("#copy-status.ok")
    assert "[PASTE YOUR NOTES HERE]" in page.evaluate("navigator.clipboard.readText()")
    tab_to(page, ".prompt-details summary")
    page.keyboard.press("Enter")
    assert page.locator("#prompt-text").is_visible()

    tab_to(page, "#number")
    page.keyboard.press("Control+A")
    page.keyboard.type("10")
    page.keyboard.press("Tab")
    assert focused(page) == "title"
    page.keyboard.type("Typed Volume")
    page.keyboard.press("Tab")
    assert focused(page) == "html"
    page.keyboard.type('<div class="sl">01 — Keys</div><p>typed</p><script>x()</script>')
    page.keyboard.press("Tab")
    assert focused(page) == "preview-button"
    page.keyboard.press("Enter")
    page.wait_for_selector("#preview:not([hidden])")
    assert "script ×1" in page.inner_text("#preview-report")
    assert focused(page) == "preview-button"
    page.keyboard.press("Tab")
    assert focused(page) == "add-button"
    page.keyboard.press("Enter")
    page.wait_for_selector("#form-ok:not([hidden])")
    assert "Added volume 10" in page.inner_text("#form-ok")

    delete = page.locator("#added-list .delete-button")
    tab_to(page, "#added-list .delete-button")
    page.keyboard.press("Enter")
    page.wait_for_selector("#delete-dialog[open]")
    assert focused(page) == "delete-cancel"
    page.keyboard.press("Enter")  # Cancel
    page.wait_for_selector("#delete-dialog:not([open])", state="attached")
    assert page.evaluate("document.activeElement.classList.contains('delete-button')")
    page.keyboard.press("Enter")
    page.wait_for_selector("#delete-dialog[open]")
    page.keyboard.press("Escape")  # also cancels
    page.wait_for_selector("#delete-dialog:not([open])", state="attached")
    assert delete.count() == 1
    page.keyboard.press("Enter")
    page.wait_for_selector("#delete-dialog[open]")
    page.keyboard.press("Tab")
    assert focused(page) == "delete-confirm"
    page.keyboard.press("Enter")
    page.wait_for_selector("#list-ok:not([hidden])")
    assert delete.count() == 0
    assert "Deleted “Typed Volume”" in page.inner_text("#list-ok")
    assert focused(page) == "list-ok"  # focus stays in the list, on what happened
    assert page.evaluate("window.__unmarked") == []

    tab_to(page, ".site-header button[type=submit]")  # Sign out
    page.keyboard.press("Enter")
    page.wait_for_url(server.url + "/")
    assert requests.post(server.url + "/api/volumes/preview", json={}, timeout=30,
                         cookies={c["name"]: c["value"] for c in context.cookies()}
                         ).status_code == 401
    context.close()


def test_every_control_on_the_guide_is_reached_by_tab_with_a_visible_focus(run_server, page):
    server = run_server()
    page.goto(server.url + "/")
    page.wait_for_function("() => typeof (window.StudyGuide || {}).openStudy === 'function'")
    tab_through(page)

    page.goto(server.url + "/")
    page.wait_for_function("() => typeof (window.StudyGuide || {}).openStudy === 'function'")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    tab_to(page, '.volume-nav a[href="#vol-5"]')
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash === '#vol-5'")
    top = page.evaluate("document.getElementById('vol-5').getBoundingClientRect().top")
    assert 0 <= top < 200


# --- phones ----------------------------------------------------------------------------------

@pytest.mark.parametrize("width", [1280, PHONE])
def test_pages_never_scroll_sideways_and_wide_content_scrolls_in_its_own_box(
        run_server, chromium, tmp_path, width):
    server = run_server()
    requests.post(server.url + "/api/volumes", json=WIDE, headers=BEARER,
                  timeout=30).raise_for_status()
    context = chromium.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    phone = width == PHONE

    page.goto(server.url + "/login")
    assert sideways_overflow(page) <= 0
    header_fits(page)

    page.goto(server.url + "/")
    page.wait_for_function("() => typeof (window.StudyGuide || {}).openStudy === 'function'")
    assert sideways_overflow(page) <= 0
    header_fits(page)
    # On phones the header's volume links give way to the contents menu.
    assert page.locator(".volume-nav").is_visible() is not phone
    assert page.locator("#toc-toggle").is_visible()
    screenshot(page, f"guide-{width}")
    if phone:
        page.evaluate("document.getElementById('vol-10').scrollIntoView()")  # loads it
        assert_scrolls_inside(page.locator("#vol-10 table"))
        assert_scrolls_inside(page.locator("#vol-10 pre"))
        assert sideways_overflow(page) <= 0

    sign_in(page, server.url)
    assert sideways_overflow(page) <= 0
    header_fits(page)
    page.fill("#title", "Preview of wide things")
    page.fill("#html", WIDE["html"])
    page.click("#preview-button")
    page.wait_for_selector("#preview:not([hidden])")
    page.click("#test-connection")
    page.wait_for_selector("#connection-result .message.ok")
    assert sideways_overflow(page) <= 0
    if phone:
        assert_scrolls_inside(page.locator("#preview-body table"))
        assert_scrolls_inside(page.locator("#preview-body pre"))
        assert_scrolls_inside(page.locator("#setup .panel-code"))
        assert sideways_overflow(page) <= 0
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, f"manage-{width}")

    export = tmp_path / "study-guide.html"
    export.write_bytes(requests.get(server.url + "/download", timeout=60).content)
    page.goto(export.as_uri())
    assert sideways_overflow(page) <= 0
    header_fits(page)
    if phone:
        assert_scrolls_inside(page.locator("#vol-10 table"))
        assert_scrolls_inside(page.locator("#vol-10 pre"))
        assert sideways_overflow(page) <= 0
    context.close()


# --- the manage page -------------------------------------------------------------------------

def test_copy_prompt_puts_the_prompt_on_the_clipboard_and_says_so(run_server, chromium):
    server = run_server()
    context = chromium.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page = context.new_page()
    sign_in(page, server.url)
    status = page.locator("#copy-status")
    assert not status.is_visible()
    page.click("#copy-prompt")
    page.wait_for_selector("#copy-status.ok")
    assert status.is_visible() and status.inner_text().startswith("Copied: paste it")
    assert status.evaluate("el => getComputedStyle(el, '::before').content") == '"✓ "'
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "[PASTE YOUR NOTES HERE]" in copied
    assert copied == page.input_value("#prompt-text")
    assert copied.startswith("You are an experienced AI educator")
    context.close()


def test_manage_page_is_organised_by_the_owners_tasks(run_server, page):
    server = run_server()
    sign_in(page, server.url)
    assert page.eval_on_selector_all("main section > h2", "hs => hs.map(h => h.textContent)") == [
        "Status", "Add a volume", "Volumes", "Set-up help"]
    tasks = page.eval_on_selector_all(".manage-tasks a", "as => as.map(a => a.hash)")
    assert tasks == ["#storage", "#builder", "#volumes", "#setup"]
    # Status first: where volumes are kept and the connection test, above the fold.
    assert page.locator("#test-connection").bounding_box()["y"] < 900
    page.click('.manage-tasks a[href="#volumes"]')
    page.wait_for_function("() => location.hash === '#volumes'")
    top = page.evaluate("document.getElementById('volumes').getBoundingClientRect().top")
    header = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().bottom")
    assert header <= top < header + 40  # not hidden under the sticky header
