"""On `/` each volume's body comes as the reader nears it, or when a deep link, search,
flashcards, find-in-page or printing needs it. Past the first volumes, a volume's outline (its
sections in the contents, the stand-ins of its labels) is built once its body is in."""

import pytest
import requests
from conftest import OWNER_TOKEN

pytestmark = pytest.mark.browser
ADDED = {"number": "10", "title": "Diffusion Models",
         "html": ('<p>Diffusion models learn to undo noise.</p>'
                  '<div class="sl">01 — The Forward Process</div><p>quokkanoise grows.</p>'
                  '<div class="sl">02 — Sampling</div><p>Reverse steps remove it.</p>'
                  '<div class="qa"><div class="qa-q">What does sampling remove?</div>'
                  '<div class="qa-a">Noise.</div></div>')}
PENDING = "() => Array.from(document.querySelectorAll('section.volume[data-body]'), s => s.id)"


@pytest.fixture
def guide(run_server, chromium):
    server = run_server()
    response = requests.post(server.url + "/api/volumes", json=ADDED, timeout=30,
                             headers={"Authorization": f"Bearer {OWNER_TOKEN}"})
    assert response.status_code == 201, response.text
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.bodies = []
    context.on("request", lambda r: "/volumes/" in r.url and context.bodies.append(r.url))
    server.context = context
    server.volumes = [f"vol-{v['number']}" for v in
                      requests.get(server.url + "/api/volumes", timeout=30).json()["volumes"]]
    yield server
    context.close()


def open_page(guide, hash: str = ""):
    page = guide.context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(guide.url + "/" + hash)
    page.wait_for_function("() => window.StudyGuide && StudyGuide.openStudy")
    return page


def test_the_first_view_fetches_only_the_volume_on_screen_and_lists_every_section(guide):
    page = open_page(guide)
    page.wait_for_load_state("networkidle")
    first = guide.volumes[0]
    assert len(guide.context.bodies) == 1 and "/volumes/builtin-01.html?v=" in \
        guide.context.bodies[0]
    assert page.evaluate(PENDING) == guide.volumes[1:]
    assert page.locator(f"#{first} .sl .anchor-link").count() >= 3
    # Each waiting volume already shows its section labels, so the contents work at once.
    assert page.locator("#vol-10 .vol-pending .sl#vol-10-02").text_content().startswith("02 — ")
    assert page.locator('#toc a[href="#vol-10-02"]').count() == 1
    assert page.errors == []


def test_reading_on_brings_in_the_next_volume(guide):
    page = open_page(guide)
    first, second = guide.volumes[:2]
    page.wait_for_function(f"() => !document.getElementById('{first}').hasAttribute('data-body')")
    page.evaluate("""() => { const first = document.querySelector('section.volume');
                             scrollTo(0, first.offsetTop + first.offsetHeight - innerHeight); }""")
    page.wait_for_function(f"() => !document.getElementById('{second}').hasAttribute('data-body')")
    assert len(guide.context.bodies) == 2 and f"/volumes/builtin-0{second[-1]}" in \
        guide.context.bodies[1]
    assert page.locator(f"#{second} .vol-pending").count() == 0
    assert page.locator(f"#{second} .sl .anchor-link").count() >= 3
    assert page.errors == []


def test_a_deep_link_lands_on_the_real_section_of_a_waiting_volume(guide):
    page = open_page(guide, "#vol-10-02")
    # At the top under the header, or on screen with the page scrolled to its end.
    page.wait_for_function("""() => { const label = document.getElementById('vol-10-02');
        if (!label || label.closest('.vol-pending')) return false;
        const top = label.getBoundingClientRect().top;
        const header = document.querySelector('.site-header').offsetHeight;
        const end = scrollY + innerHeight >= document.documentElement.scrollHeight - 2;
        return top >= header - 2 && (top < header + 40 || (end && top < innerHeight - 40)); }""")
    assert page.locator("#vol-10 p", has_text="Reverse steps remove it.").is_visible()
    assert any("/volumes/" in url for url in guide.context.bodies)
    # Only the volumes around the link came, not the whole guide.
    assert len(guide.context.bodies) < len(guide.volumes) - 1
    page.wait_for_selector('#toc a[href="#vol-10-02"][aria-current="location"]')
    assert page.errors == []


def test_search_brings_in_its_results_volumes_and_flashcards_every_volume(guide):
    page = open_page(guide)
    page.keyboard.press("/")
    page.fill("#search-input", "quokkanoise")
    page.wait_for_function("""() => Array.from(document.querySelectorAll('.sr-snippet'))
        .some(s => s.textContent.includes('quokkanoise'))""")
    # The snippets come from the listed volumes' bodies; the rest of the guide stays away.
    assert "vol-10" not in page.evaluate(PENDING) and len(page.evaluate(PENDING)) > 3
    page.keyboard.press("Escape")

    other = open_page(guide)
    other.keyboard.press("f")
    other.wait_for_selector('#study-volumes input[value="vol-10"]', state="attached")
    assert other.evaluate(PENDING) == []
    assert "(1)" in other.locator('#study-volumes label', has_text="Diffusion").text_content()
    assert page.errors == [] and other.errors == []


def test_find_in_page_brings_in_every_volume(guide):
    page = open_page(guide)
    page.keyboard.press("Control+f")
    page.wait_for_function(f"() => ({PENDING})().length === 0")
    assert page.locator("#vol-10", has_text="quokkanoise").count() == 1


def test_the_browsers_own_print_has_every_body_before_it_lays_out(guide):
    page = open_page(guide)
    page.wait_for_load_state("networkidle")
    assert len(page.evaluate(PENDING)) == len(guide.volumes) - 1
    # The browser lays the page out for print as soon as beforeprint's handlers return.
    after_handlers = page.evaluate(f"""() => {{ dispatchEvent(new Event('beforeprint'));
        return ({PENDING})(); }}""")
    assert after_handlers == []
    assert page.locator("#vol-10", has_text="quokkanoise").count() == 1
    assert page.locator("section.volume .vol-pending").count() == 0
    assert page.errors == []


def test_printing_one_volume_brings_in_only_that_volume(guide):
    page = open_page(guide)
    page.evaluate("() => { window.print = () => { window.__printed = true; }; }")
    page.click("#vol-10 .vol-print")
    page.wait_for_function("() => window.__printed === true")
    assert page.locator("#vol-10", has_text="quokkanoise").count() == 1
    waiting = page.evaluate(f"""() => {{ const before = ({PENDING})();
        dispatchEvent(new Event('beforeprint'));
        return [before, ({PENDING})()]; }}""")
    assert waiting[0] and waiting[0] == waiting[1]  # the others stay where they are
    assert page.errors == []


def test_a_body_that_fails_to_load_says_so_and_loads_on_the_next_try(guide):
    page = open_page(guide)
    failures = []

    def refuse_once(route):
        if not failures:
            failures.append(route.request.url)
            route.fulfill(status=503, body="busy")
        else:
            route.continue_()

    page.route("**/volumes/*", refuse_once)
    page.evaluate("() => StudyGuide.loadVolume(document.getElementById('vol-10')).catch(() => 0)")
    assert "could not be loaded (the server answered 503). Reload the page" in \
        page.locator("#vol-10 .vol-loading").text_content()
    page.evaluate("() => StudyGuide.loadVolume(document.getElementById('vol-10'))")
    assert page.locator("#vol-10 .vol-pending").count() == 0
    assert page.locator("#vol-10", has_text="quokkanoise").count() == 1


def test_a_volume_deleted_since_the_page_came_says_to_reload(guide):
    page = open_page(guide)
    volume_id = next(v["id"] for v in requests.get(guide.url + "/api/volumes", timeout=30)
                     .json()["volumes"] if v["number"] == "10")
    deleted = requests.delete(f"{guide.url}/api/volumes/{volume_id}", timeout=30,
                              headers={"Authorization": f"Bearer {OWNER_TOKEN}"})
    assert deleted.status_code == 204
    page.evaluate("() => StudyGuide.loadVolume(document.getElementById('vol-10')).catch(() => 0)")
    assert page.locator("#vol-10 .vol-loading").text_content() == (
        "This volume is no longer in the guide: reload the page for the current list.")
    assert page.errors == []


FAR = {"number": "11", "title": "Far Volume",
       "html": ('<p>Far from the top.</p><div class="sl">01 — First Part</div><p>Words.</p>'
                '<div class="sl">02 — Second Part</div><p>The pangolinword lives here.</p>')}


def test_a_volume_past_the_first_ten_is_outlined_once_its_body_is_in(guide):
    response = requests.post(guide.url + "/api/volumes", json=FAR, timeout=30,
                             headers={"Authorization": f"Bearer {OWNER_TOKEN}"})
    assert response.status_code == 201, response.text
    page = open_page(guide)
    page.wait_for_load_state("networkidle")
    # The eleventh volume: neither stand-ins, nor its sections in the contents, nor buttons.
    assert page.locator("#vol-11 .sl, #toc-vol-11, #vol-11 .vol-tools").count() == 0
    assert page.locator('#toc a[href="#vol-10-02"]').count() == 1  # the tenth has them
    page.keyboard.press("/")
    page.fill("#search-input", "pangolinword")
    page.wait_for_function("""() => Array.from(document.querySelectorAll('.sr-snippet'))
        .some(s => s.textContent.includes('pangolinword'))""")
    page.keyboard.press("Enter")
    page.wait_for_selector('#toc a[href="#vol-11-02"][aria-current="location"]')
    assert page.locator("#toc-vol-11 a").all_inner_texts() == ["01 — First Part",
                                                              "02 — Second Part"]
    assert page.locator('#toc [aria-controls="toc-vol-11"]').get_attribute(
        "aria-expanded") == "true"
    # Its last section reached, it is read: its new button and contents mark say so.
    read = page.locator("#vol-11 .vol-read")
    mark = page.locator('#toc [data-volume="vol-11"] .toc-read')
    page.wait_for_function("""() => document.querySelector('#vol-11 .vol-read')
        .getAttribute('aria-pressed') === 'true'""")
    assert mark.is_visible()
    read.click()
    assert read.get_attribute("aria-pressed") == "false" and not mark.is_visible()
    assert page.errors == []
