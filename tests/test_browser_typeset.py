"""Formulas and code in Chromium, on `/` from a real server and in the downloaded file opened
from disk with the network blocked: MathML that takes up room, prose dollars and code left
alone, a display formula that scrolls in its own box on a phone, coloured tokens, a Copy button
that works from the keyboard, and a flashcard whose answer holds a formula."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import requests
from conftest import OWNER_TOKEN, ROOT

pytestmark = pytest.mark.browser

WIDE = " + ".join(f"x_{{{i}}}^{{2}}" for i in range(1, 40))
MATHS = {
    "number": "10", "title": "Gradients",
    "html": (r'<div class="sl">01 — Formulas</div>'
             r"<p>The gradient $\nabla_\theta J(\theta)$ of the loss, the sum "
             r"$$\sum_{i=1}^{n} x_i^2$$, Pythagoras \(a^2+b^2\) and the scale "
             r"\[\frac{1}{\sqrt{d_k}}\] of attention.</p>"
             "<p>A coffee costs $5 and a book $10.</p>"
             r"<p>Type <code>\(x^2\)</code> to write a formula.</p>"
             rf"<p>A long one: \[{WIDE}\]</p>"
             '<div class="sl">02 — Code</div>'
             '<pre><code class="language-python">def scale(x):\n    return x * 2\n</code></pre>'
             '<div class="sl">03 — Flashcards</div>'
             '<div class="qa"><div class="qa-q">How does attention scale its scores?</div>'
             r'<div class="qa-a">By \(\frac{1}{\sqrt{d_k}}\):'
             '<pre><code class="language-python">scores / d_k ** 0.5\n</code></pre></div></div>'),
}
CODE = "def scale(x):\n    return x * 2\n"


@pytest.fixture(scope="module")
def served(tmp_path_factory, chromium):
    from conftest import start_server

    folder = tmp_path_factory.mktemp("typeset")
    server = start_server(folder)
    response = requests.post(server.url + "/api/volumes", json=MATHS, timeout=60,
                             headers={"Authorization": f"Bearer {OWNER_TOKEN}"})
    assert response.status_code == 201, response.text
    download = folder / "study-guide.html"
    download.write_bytes(requests.get(server.url + "/download", timeout=60).content)
    yield {"site": server.url + "/", "export": download.as_uri()}
    server.stop()


def open_guide(chromium, url: str, width: int = 1280, clipboard: bool = False):
    context = chromium.new_context(viewport={"width": width, "height": 900})
    if clipboard:
        # A file:// page has no origin to name: there the grant covers every page.
        where = {} if url.startswith("file:") else {"origin": url.rstrip("/")}
        context.grant_permissions(["clipboard-read", "clipboard-write"], **where)
    own = "file://" if url.startswith("file:") else url.rstrip("/")
    outside = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(own)
                  else (outside.append(route.request.url), route.abort()))
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_function("() => typeof (window.StudyGuide || {}).loadAll === 'function'")
    page.evaluate("() => StudyGuide.loadAll().then(() => true)")
    page.evaluate("() => document.querySelectorAll('section.volume').forEach("
                  "s => s.style.contentVisibility = 'visible')")
    page.outside, page.errors = outside, errors
    return page


@pytest.mark.parametrize("target", ["site", "export"])
def test_formulas_render_as_maths_and_text_stays_text(served, chromium, target):
    page = open_guide(chromium, served[target])
    page.wait_for_function("() => document.fonts.status === 'loaded'")
    boxes = page.evaluate("""() => Array.from(document.querySelectorAll('#vol-10 math'))
        .map(m => { const r = m.getBoundingClientRect(); return [r.width, r.height]; })""")
    assert len(boxes) == 6  # the four, the long one and the flashcard's
    assert all(width > 0 and height > 0 for width, height in boxes), boxes
    text = page.inner_text("#vol-10")
    for tex in ("\\nabla", "\\sum", "a^2", "\\frac", "$$", "\\[", "\\("):
        assert tex not in text.replace("\\(x^2\\)", ""), tex
    assert "A coffee costs $5 and a book $10." in text
    assert page.inner_text("#vol-10 p code") == "\\(x^2\\)"
    font = page.evaluate("() => getComputedStyle(document.querySelector('#vol-10 math'))"
                         ".fontFamily")
    assert font.startswith('"Latin Modern Math"')
    assert page.evaluate("() => document.fonts.check('16px \"Latin Modern Math\"', '∑')")
    assert page.outside == [] and page.errors == []
    page.context.close()


@pytest.mark.parametrize("target", ["site", "export"])
def test_a_wide_display_formula_scrolls_in_its_own_box_on_a_phone(served, chromium, target):
    page = open_guide(chromium, served[target], width=375)
    wide = page.evaluate("""() => { const m = Array.from(document.querySelectorAll(
          '#vol-10 math[display=block]')).pop();
        return [m.scrollWidth, m.clientWidth, getComputedStyle(m).overflowX]; }""")
    assert wide[0] > 375 and wide[1] < 375 and wide[2] == "auto", wide
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.context.close()


@pytest.mark.parametrize("target", ["site", "export"])
def test_keywords_are_painted_apart_and_copy_works_from_the_keyboard(served, chromium, target):
    page = open_guide(chromium, served[target], clipboard=True)
    colours = page.evaluate("""() => {
        const code = document.querySelector('#vol-10 pre code');
        const colour = el => getComputedStyle(el).color;
        return [colour(code.querySelector('.k')), colour(code.querySelector('.nf')),
                colour(code)]; }""")
    assert colours[0] != colours[2] and colours[1] != colours[2], colours
    buttons = page.locator("#vol-10 .code-box .code-copy")
    assert buttons.count() == 2  # one per code block: the section's and the flashcard's
    button = buttons.first
    assert button.get_attribute("aria-label") == "Copy the code"
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#vol-10 .code-copy').textContent"
                           " === 'Copied'")
    page.wait_for_function("() => Array.from(document.querySelectorAll('[role=status]'))"
                           ".some(el => el.textContent === 'Copied')")
    assert page.evaluate("navigator.clipboard.readText()") == CODE
    page.context.close()


def test_copy_falls_back_without_the_clipboard_api(served, chromium):
    context = chromium.new_context()
    context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page = context.new_page()
    page.goto(served["export"])
    page.wait_for_function("() => typeof (window.StudyGuide || {}).loadAll === 'function'")
    page.evaluate("() => StudyGuide.loadAll().then(() => true)")
    page.locator("#vol-10 .code-copy").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#vol-10 .code-copy').textContent"
                           " === 'Copied'")
    context.close()


def test_builtin_code_blocks_carry_tokens(served, chromium):
    page = open_guide(chromium, served["site"])
    counts = page.evaluate("""() => {
        const pres = Array.from(document.querySelectorAll('section.volume pre'));
        return [pres.length, pres.filter(p => p.querySelector('code span[class]')).length]; }""")
    assert counts[0] > 100 and counts[1] >= 0.9 * counts[0], counts
    assert page.locator("section.volume pre").count() == \
        page.locator("section.volume .code-box > .code-copy").count()
    page.context.close()


def test_a_flashcard_answer_shows_its_formula_rendered(served, chromium):
    page = open_guide(chromium, served["export"])
    page.click("#study-open")
    page.wait_for_function("() => / cards · /.test(document.getElementById('study-stats')"
                           ".textContent)")
    page.click(".study-picker summary")
    page.click('[data-pick="none"]')
    page.check('#study-volumes input[value="vol-10"]')
    page.click(".study-picker summary")
    page.click("#study-flip")
    box = page.evaluate("""() => { const m = document.querySelector('#study-a math');
        const r = m.getBoundingClientRect(); return [r.width, r.height]; }""")
    assert box[0] > 0 and box[1] > 0
    assert "\\frac" not in page.inner_text("#study-a")
    # The answer's code is shown, without the page's Copy button (a clone has no listener).
    assert page.inner_text("#study-a pre").strip() == "scores / d_k ** 0.5"
    assert page.locator("#study-a button").count() == 0
    page.context.close()


def test_search_finds_a_word_inside_a_formula(served, chromium):
    page = open_guide(chromium, served["site"])
    page.keyboard.press("/")
    page.fill("#search-input", "nabla")  # only the TeX says it: the MathML shows ∇
    page.wait_for_function("() => document.querySelectorAll('#search-results li').length > 0")
    assert "Gradients" in page.inner_text("#search-results")
    page.context.close()


def test_the_download_carries_the_maths_font(served):
    html = Path(served["export"].removeprefix("file://")).read_text(encoding="utf-8")
    font = (ROOT / "static" / "fonts" / "latin-modern-math-subset.woff2").read_bytes()
    assert base64.b64encode(font).decode() in html
    assert "latin-modern-math-subset" not in html  # inlined, not linked
