"""The reader's tools in Chromium, on `/` from a real server and in the downloaded file opened
from disk with the network blocked: search, contents sidebar, deep links, flashcards, reading
progress and keyboard shortcuts on both; print on `/`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from conftest import OWNER_TOKEN

from study_guide.content.search import tokens

pytestmark = pytest.mark.browser

DIFFUSION = {
    "number": "10", "title": "Diffusion Models",
    "html": ('<p class="lead">Diffusion models learn to undo noise.</p>'
             '<div class="sl">01 — The Forward Process</div>'
             '<p>Each step adds a little Gaussian noise to the image.</p>'
             '<div class="fml">xₜ = √(ᾱₜ) x₀ + √(1 − ᾱₜ) ε</div>'
             '<div class="sl">02 — Score Matching</div>'
             '<p>The score ∂ log p(x) / ∂x points uphill; a zebrafinch never needs it.</p>'
             '<div class="sl">03 — Flashcards</div>'
             '<div class="qa"><div class="qa-q">What does the forward process add?</div>'
             '<div class="qa-a">Gaussian <strong>noise</strong>, step by step.</div></div>'
             '<div class="qa"><div class="qa-q">What is the score?</div>'
             '<div class="qa-a">The gradient of the log density.</div></div>'),
}
# Text that would become markup if the tools ever used innerHTML with volume text.
HOSTILE = {
    "number": "11", "title": "Hostile <b>title</b>",
    "html": ('<div class="sl">01 — &lt;img src=x onerror="window.__pwned=1"&gt;</div>'
             '<p>quokkaberry &lt;img src=x onerror="window.__pwned=1"&gt; &lt;/script&gt;</p>'
             '<div class="qa"><div class="qa-q">quokkaberry &lt;img src=x '
             'onerror="window.__pwned=1"&gt;?</div><div class="qa-a">&lt;b&gt;no&lt;/b&gt;'
             '</div></div>'),
}

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@dataclass
class Guide:
    """The guide as one target serves it: `site` (the server's `/`) or `export` (file://)."""

    target: str
    url: str
    server_url: str
    chromium: object
    contexts: list = field(default_factory=list)

    def context(self, width: int = 1280, height: int = 900):
        context = self.chromium.new_context(viewport={"width": width, "height": height})
        context.add_init_script(WATCH)
        context.outside = []  # requests that left the page's own origin
        context.index_requests = []
        if self.target == "export":
            def only_files(route):
                if route.request.url.startswith("file://"):
                    route.continue_()
                else:
                    context.outside.append(route.request.url)
                    route.abort()
            context.route("**/*", only_files)
        else:
            context.on("request", lambda r: "/search-index.json" in r.url
                       and context.index_requests.append(r.url))
        self.contexts.append(context)
        return context

    def open(self, context=None, hash: str = "", width: int = 1280, whole: bool = True):
        """The guide in a page, ready. `whole`: with every volume's body brought in (on `/`
        they come as the reader nears them; tests of that pass False)."""
        context = context or self.context(width)
        page = context.pages[0] if context.pages else context.new_page()
        page.errors = getattr(page, "errors", [])
        if not hasattr(page, "watched"):
            page.on("pageerror", lambda e: page.errors.append(str(e)))
            page.watched = True
        page.goto(self.url + hash)
        page.wait_for_function("() => typeof (window.StudyGuide || {}).openStudy === 'function'")
        if whole:
            page.evaluate("() => StudyGuide.loadAll().then(() => true)")
        return page

    def check_clean(self, page) -> None:
        assert page.evaluate("window.__violations") == []
        assert page.errors == []
        assert page.evaluate("window.__pwned") is None
        assert page.context.outside == []


@pytest.fixture(params=["site", "export"])
def guide(request, run_server, chromium, tmp_path):
    server = run_server()
    for volume in (DIFFUSION, HOSTILE):
        response = requests.post(server.url + "/api/volumes", json=volume, timeout=60,
                                 headers={"Authorization": f"Bearer {OWNER_TOKEN}"})
        assert response.status_code == 201, response.text
    url = server.url + "/"
    if request.param == "export":
        path = Path(tmp_path) / "study-guide.html"
        path.write_bytes(requests.get(server.url + "/download", timeout=60).content)
        url = path.as_uri()
    guide = Guide(request.param, url, server.url, chromium)
    yield guide
    for context in guide.contexts:
        context.close()


def header_height(page) -> float:
    return page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")


def wait_at_top(page, element_id: str) -> None:
    """Wait until the element sits just under the sticky header (or, near the end of the
    page, where the page cannot scroll further, anywhere below the header)."""
    page.wait_for_function(
        """id => { const top = document.getElementById(id).getBoundingClientRect().top;
                   const h = document.querySelector('.site-header').getBoundingClientRect().height;
                   const end = scrollY + innerHeight >= document.documentElement.scrollHeight - 2;
                   return top >= h - 2 && (top <= h + 40 || (end && top < innerHeight - 40)); }""",
        arg=element_id, timeout=5000)


# Some result is in this volume and section ("VOL. X · Title|section title").
ANY_TITLE = """want => Array.from(document.querySelectorAll('.search-result')).some(r =>
  r.querySelector('.sr-where').textContent.endsWith(want.split('|')[0]) &&
  r.querySelector('.sr-title').textContent === want.split('|')[1])"""


def stored(page, key: str):
    text = page.evaluate("k => localStorage.getItem('study-guide:' + k)", key)
    return None if text is None else json.loads(text)


# --- 1. search -------------------------------------------------------------------------------

def test_search_finds_prefixes_and_symbols_and_jumps_to_the_section(guide):
    context = guide.context()
    page = guide.open(context)
    assert context.index_requests == []  # the index loads only when search opens
    page.keyboard.press("/")
    assert page.locator("#search-dialog").is_visible()
    assert page.evaluate("document.activeElement.id") == "search-input"
    page.wait_for_function("() => document.getElementById('search-status').textContent"
                           ".includes('sections in')")

    page.keyboard.type("diffus")
    first = page.locator(".search-result").first
    first.wait_for()
    assert "Diffusion Models" in first.locator(".sr-where").inner_text()
    assert page.locator(".search-result mark").first.inner_text().lower().startswith("diffusion")

    page.fill("#search-input", "zebraf")
    page.wait_for_function("() => document.querySelector('.search-result .sr-title') && "
                           "document.querySelector('.search-result .sr-title').textContent"
                           ".includes('Score Matching')")
    assert page.locator(".search-result").count() == 1
    assert page.locator(".search-result .sr-snippet mark").inner_text() == "zebrafinch"

    page.fill("#search-input", "∂x")  # formula symbols are searchable tokens
    page.wait_for_function(ANY_TITLE, arg="X · Diffusion Models|02 — Score Matching")
    page.fill("#search-input", "√ x₀")
    page.wait_for_function(ANY_TITLE, arg="X · Diffusion Models|01 — The Forward Process")
    marks = page.locator('.search-result:has-text("Forward Process") mark').all_inner_texts()
    assert {"√", "x", "₀"} <= set(marks)  # the subscript is marked as written
    assert page.get_attribute("#search-input", "aria-activedescendant") == "search-result-0"

    page.fill("#search-input", "zebrafinch")
    page.wait_for_function("() => document.getElementById('search-status').textContent"
                           ".startsWith('1 section')")
    page.keyboard.press("Enter")
    assert not page.locator("#search-dialog").is_visible()
    assert page.evaluate("location.hash") == "#vol-10-02"
    wait_at_top(page, "vol-10-02")

    page.keyboard.press("/")  # a second search needs no second download
    page.fill("#search-input", "gaussian noise")
    page.locator(".search-result").first.wait_for()
    if guide.target == "site":
        assert len(context.index_requests) == 1
    # How fast a query renders is measured by bench/search.py, not asserted here.
    guide.check_clean(page)


def test_search_shows_hostile_text_as_text(guide):
    page = guide.open()
    page.keyboard.press("/")
    page.fill("#search-input", "quokkaberry")
    page.wait_for_function("() => document.querySelectorAll('.search-result').length === 1")
    results = page.locator("#search-results")
    assert "<img src=x" in results.inner_text()
    assert results.locator("img, b").count() == 0
    guide.check_clean(page)


def test_browser_and_server_tokenise_alike(guide):
    page = guide.open()
    samples = ["Poincaré's TRANSFORMER", "wᵢxᵢ + x² + dₖ", "∂L/∂w ≈ √d, ∑ = Σ, ∏ς, a+b=c",
               "ﬁne d_model GPT-2", "Straße İstanbul ŷ μ µ"]
    for text in samples:
        browser = page.evaluate("t => StudyGuide.search.tokenise(t).map(x => x.term)", text)
        assert browser == tokens(text), text


# --- 2. contents sidebar ---------------------------------------------------------------------

def test_contents_sidebar_follows_the_reader_and_collapses(guide):
    context = guide.context()
    page = guide.open(context)
    toc = page.locator("#toc")
    assert toc.is_visible()
    assert toc.locator('a[href="#vol-10-02"]').count() == 1
    assert toc.locator('a[href="#vol-11"]').inner_text().endswith("Hostile <b>title</b>")

    page.evaluate("document.getElementById('vol-10-02').scrollIntoView()")
    page.wait_for_selector('#toc a[href="#vol-10-02"][aria-current="location"]')
    assert page.get_attribute('#toc [aria-controls="toc-vol-10"]', "aria-expanded") == "true"
    assert page.locator("#toc-vol-10").is_visible()
    page.evaluate("document.getElementById('vol-10-01').scrollIntoView()")
    page.wait_for_selector('#toc a[href="#vol-10-01"][aria-current="location"]')
    assert page.locator("#toc [aria-current]").count() == 1

    page.click('#toc [aria-controls="toc-vol-10"]')  # the reader folds a volume away
    assert not page.locator("#toc-vol-10").is_visible()
    assert not page.locator("#toc-vol-11").is_visible()  # other volumes are folded
    page.click('#toc [aria-controls="toc-vol-11"]')
    page.click('#toc a[href="#vol-11-01"]')
    wait_at_top(page, "vol-11-01")
    page.wait_for_selector('#toc a[href="#vol-11-01"][aria-current="location"]')

    page.click("#toc-toggle")  # collapse the whole sidebar; it stays collapsed on reload
    toc.wait_for(state="hidden")  # after the slide-out
    assert page.get_attribute("#toc-toggle", "aria-expanded") == "false"
    page = guide.open(context)
    page.locator("#toc").wait_for(state="hidden")
    page.click("#toc-toggle")
    page.locator("#toc").wait_for(state="visible")
    guide.check_clean(page)


def test_contents_is_a_menu_on_phones(guide):
    page = guide.open(width=375)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.locator("#toc").wait_for(state="hidden")
    assert header_height(page) < 70  # one row: the menu holds the volumes
    page.click("#toc-toggle")
    page.locator("#toc").wait_for(state="visible")
    assert page.get_attribute("#toc-toggle", "aria-expanded") == "true"
    assert page.evaluate("document.getElementById('toc').contains(document.activeElement)")
    page.keyboard.press("Escape")
    page.locator("#toc").wait_for(state="hidden")
    assert page.evaluate("document.activeElement.id") == "toc-toggle"
    page.click("#toc-toggle")
    page.click('#toc [aria-controls="toc-vol-10"]')
    page.click('#toc a[href="#vol-10-02"]')
    page.locator("#toc").wait_for(state="hidden")
    wait_at_top(page, "vol-10-02")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    guide.check_clean(page)


# --- 3. deep links ---------------------------------------------------------------------------

def test_deep_links_copy_and_land(guide):
    context = guide.context()
    # A file:// page has no origin to name: there the grant covers every page of the context.
    where = {"origin": guide.server_url} if guide.target == "site" else {}
    context.grant_permissions(["clipboard-read", "clipboard-write"], **where)
    page = guide.open(context)
    assert page.locator("section.volume#vol-10 .sl#vol-10-02").count() == 1
    labels = page.locator("section.volume .sl[id]")
    assert labels.count() == page.locator("section.volume .sl .anchor-link").count() > 3
    button = page.locator("#vol-10-02 .anchor-link")
    button.scroll_into_view_if_needed()
    button.hover()
    assert button.get_attribute("aria-label") == "Copy a link to this section"
    button.click()
    assert page.evaluate("location.hash") == "#vol-10-02"
    page.wait_for_function("() => document.querySelector('#vol-10-02 .anchor-link')"
                           ".textContent === '✓'")
    assert page.evaluate("navigator.clipboard.readText()") == guide.url + "#vol-10-02"

    landing = guide.open(guide.context(), hash="#vol-10-02", whole=False)
    wait_at_top(landing, "vol-10-02")
    landing.wait_for_selector('#toc a[href="#vol-10-02"][aria-current="location"]')
    volume = guide.open(guide.context(), hash="#vol-11", whole=False)
    wait_at_top(volume, "vol-11")
    guide.check_clean(landing)
    guide.check_clean(page)


# --- 4. flashcards ---------------------------------------------------------------------------

def question(page) -> str:
    return page.inner_text("#study-q")


def test_flashcards_schedule_and_survive_reloads(guide):
    context = guide.context()
    context.clock.set_fixed_time("2026-05-04T12:00:00")  # "due today" away from midnight
    page = guide.open(context)
    page.keyboard.press("f")
    dialog = page.locator("#study-dialog")
    assert dialog.is_visible()
    page.click(".study-picker summary")
    page.click('[data-pick="none"]')
    assert "No flashcards" in page.inner_text("#study-done")
    page.check('#study-volumes input[value="vol-10"]')
    assert page.inner_text("#study-picked").startswith("1 of")
    assert page.inner_text("#study-where").startswith("VOL. X")
    assert question(page) == "What does the forward process add?"
    assert not page.locator("#study-a").is_visible()
    page.focus("#study-flip")  # Space on the picker's checkbox stays the checkbox's
    page.keyboard.press("Space")
    assert page.locator("#study-a").is_visible()
    assert page.inner_text("#study-a") == "Gaussian noise, step by step."
    page.keyboard.press("3")  # good: its next learning step, in 10 minutes
    assert question(page) == "What is the score?"
    page.keyboard.press("3")  # grading before the flip does nothing
    assert question(page) == "What is the score?"
    page.keyboard.press("Space")
    page.keyboard.press("1")  # again: it comes back in this round
    assert question(page) == "What is the score?"
    page.keyboard.press("Space")
    page.keyboard.press("4")  # easy
    assert page.locator("#study-done").is_visible()
    assert "All caught up" in page.inner_text("#study-done")
    assert "due in 10 minutes" in page.inner_text("#study-done")

    cards = stored(page, "fsrs")
    keys = {text: page.evaluate("t => StudyGuide.cardKey(t)", text)
            for text in ("What does the forward process add?", "What is the score?")}
    assert {k: v["state"] for k, v in cards.items()} == {
        keys["What does the forward process add?"]: "learning",
        keys["What is the score?"]: "review"}
    score = cards[keys["What is the score?"]]
    assert score["reviews"] == 2
    assert [(r["grade"], r["state"]) for r in score["log"]] == [(1, "new"), (4, "learning")]
    page.keyboard.press("Escape")
    assert not dialog.is_visible()

    page = guide.open(context)  # a reload keeps the choice of volumes and the schedule
    page.click("#study-open")
    assert page.inner_text("#study-picked").startswith("1 of")
    assert "1 due today · 0 new · 1 learned" in page.inner_text("#study-stats")
    assert page.locator("#study-done").is_visible()
    page.click("#study-ahead")
    assert question(page) == "What does the forward process add?"
    guide.check_clean(page)

    if guide.target == "site":
        # Progress is keyed by the question, so it survives the guide changing around it;
        # a volume added later is in the study set until the reader unticks it.
        response = requests.post(guide.server_url + "/api/volumes", timeout=60,
                                 headers={"Authorization": f"Bearer {OWNER_TOKEN}"},
                                 json={"number": "12", "title": "Later",
                                       "html": '<div class="qa"><div class="qa-q">New?</div>'
                                               '<div class="qa-a">Yes.</div></div>'})
        assert response.status_code == 201
        page = guide.open(context)
        page.click("#study-open")
        assert page.inner_text("#study-picked").startswith("2 of")
        assert "1 due today · 1 new · 1 learned" in page.inner_text("#study-stats")
        assert question(page) == "New?"


def test_flashcards_show_hostile_text_as_text(guide):
    page = guide.open()
    page.click("#study-open")
    page.click(".study-picker summary")
    page.click('[data-pick="none"]')
    page.check('#study-volumes input[value="vol-11"]')
    assert question(page).startswith("quokkaberry <img src=x")
    page.click("#study-flip")
    assert page.inner_text("#study-a") == "<b>no</b>"
    assert page.locator("#study-card img, #study-card b").count() == 0
    guide.check_clean(page)


# --- 5. reading progress ---------------------------------------------------------------------

def test_reading_progress_offers_to_continue_and_marks_volumes_read(guide):
    # Short enough that scrolling to volume 10's last section leaves the page's end (and with
    # it the last, short volume 11) below the window: reaching the end reads what it shows.
    context = guide.context(height=600)
    page = guide.open(context)
    assert page.locator("#resume").is_hidden()
    page.evaluate("document.getElementById('vol-10-02').scrollIntoView()")
    page.wait_for_function("() => (localStorage.getItem('study-guide:position') || '')"
                           ".includes('vol-10-02')")

    page = guide.open(context)
    resume = page.locator("#resume")
    assert resume.is_visible()
    assert "02 — Score Matching" in resume.inner_text()
    page.click("#resume-link")
    wait_at_top(page, "vol-10-02")
    assert resume.is_hidden()

    # reading a volume to its last section marks it read
    read_button = page.locator("#vol-10 .vol-read")
    assert read_button.get_attribute("aria-pressed") == "false"
    assert page.locator('#toc [data-volume="vol-10"] .toc-read').is_hidden()
    page.evaluate("document.getElementById('vol-10-03').scrollIntoView()")
    page.wait_for_function("() => document.querySelector('#vol-10 .vol-read')"
                           ".getAttribute('aria-pressed') === 'true'")
    assert page.locator('#toc [data-volume="vol-10"] .toc-read').is_visible()
    assert page.locator('.contents a[href="#vol-10"].is-read').count() == 1

    page = guide.open(context)
    assert stored(page, "read") == {"vol-10": True}
    read_button = page.locator("#vol-10 .vol-read")
    assert read_button.get_attribute("aria-pressed") == "true"
    assert read_button.text_content() == "Read ✓"
    read_button.click()  # the reader can take it back, and set it by hand
    assert read_button.get_attribute("aria-pressed") == "false"
    assert stored(page, "read") == {}
    page = guide.open(context)
    read_button = page.locator("#vol-10 .vol-read")
    assert read_button.get_attribute("aria-pressed") == "false"
    read_button.click()
    assert stored(page, "read") == {"vol-10": True}
    guide.check_clean(page)


# --- 6. keyboard shortcuts -------------------------------------------------------------------

def test_keyboard_shortcuts(guide):
    page = guide.open(hash="#vol-10")
    wait_at_top(page, "vol-10")
    page.keyboard.press("j")
    wait_at_top(page, "vol-10-01")
    assert page.evaluate("location.hash") == "#vol-10-01"
    page.keyboard.press("j")
    wait_at_top(page, "vol-10-02")
    page.keyboard.press("k")
    wait_at_top(page, "vol-10-01")
    page.keyboard.press("k")
    wait_at_top(page, "vol-10")

    page.keyboard.press("?")
    help_panel = page.locator("#help-dialog")
    assert help_panel.is_visible()
    listed = help_panel.inner_text()
    for key in ("/", "j", "k", "f", "?", "Esc", "Space"):
        assert key in listed
    page.keyboard.press("Escape")
    assert help_panel.is_hidden()

    page.keyboard.press("/")
    page.keyboard.type("jkf?/")  # typed into the field, not taken as shortcuts
    assert page.input_value("#search-input") == "jkf?/"
    assert page.locator(".rt-dialog[open]").count() == 1
    page.keyboard.press("Escape")
    assert page.locator(".rt-dialog[open]").count() == 0
    assert page.evaluate("location.hash") == "#vol-10"

    page.keyboard.press("f")
    assert page.locator("#study-dialog").is_visible()
    page.keyboard.press("Escape")
    assert page.locator("#study-dialog").is_hidden()
    page.click("#help-open")
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") == "help-open"  # focus comes back
    page.keyboard.press("Control+f")  # the browser's own find stays the browser's
    assert page.locator("#study-dialog").is_hidden()
    guide.check_clean(page)


# --- 7. print --------------------------------------------------------------------------------

PRINT_STYLE = """() => {
  const s = (sel, prop) => { const el = document.querySelector(sel);
                             return el ? getComputedStyle(el)[prop] : null; };
  return {
    background: s('body', 'backgroundColor'), text: s('body', 'color'),
    toc: s('#toc', 'display'), header: s('.site-header', 'display'),
    tools: s('.vol-tools', 'display'), anchor: s('.anchor-link', 'display'),
    breakBefore: s('section.volume', 'breakBefore'),
    svgInside: s('section.volume svg', 'breakInside'),
    svgGround: s('section.volume svg', 'backgroundColor'),
    volumes: Array.from(document.querySelectorAll('main > section.volume'))
      .filter(v => getComputedStyle(v).display !== 'none').map(v => v.id),
  };
}"""


def test_print_stylesheet_for_the_guide_and_for_one_volume(run_server, chromium):
    server = run_server()
    requests.post(server.url + "/api/volumes", json=DIFFUSION, timeout=60,
                  headers={"Authorization": f"Bearer {OWNER_TOKEN}"})
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server.url + "/")
    page.wait_for_function("() => window.StudyGuide")
    page.emulate_media(media="print")
    whole = page.evaluate(PRINT_STYLE)
    assert whole["background"] == "rgb(255, 255, 255)" and whole["text"] == "rgb(17, 17, 17)"
    assert whole["toc"] == whole["header"] == whole["tools"] == whole["anchor"] == "none"
    assert whole["breakBefore"] == "page"
    if whole["svgInside"] is not None:  # diagrams whole, on their dark ground (light labels)
        assert whole["svgInside"] == "avoid" and whole["svgGround"] == "rgb(20, 25, 40)"
    assert "vol-10" in whole["volumes"] and len(whole["volumes"]) > 1

    page.emulate_media(media="screen")
    # A function: Playwright calls what an expression evaluates to, so a bare assignment of
    # the stub would run it at once.
    page.evaluate("() => { window.print = () => { window.__printed = true; }; }")
    page.click("#vol-10 .vol-print")  # prints once the volume's body is in
    page.wait_for_function("() => window.__printed === true")
    page.emulate_media(media="print")
    assert page.evaluate(PRINT_STYLE)["volumes"] == ["vol-10"]
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert len(page.evaluate(PRINT_STYLE)["volumes"]) > 1
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    context.close()
