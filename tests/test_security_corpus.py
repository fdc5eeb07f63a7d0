"""The attack corpus against the sanitizer, then in Chromium as added volumes: no script runs,
no request leaves for another host, nothing escapes its volume, and the page still works."""

import re
from html.parser import HTMLParser

import pytest
from attack_corpus import corpus
from browser_watch import Watch
from conftest import open_whole_guide

from study_guide.content.sanitize import URL_SCHEMES, clean

CORPUS = corpus()
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "cite", "srcset",
                  "background", "xlink:href", "ping"}


class Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.found += [(tag, name, value or "") for name, value in attrs]


def attributes(html: str) -> list[tuple[str, str, str]]:
    parser = Attributes()
    parser.feed(html)
    return parser.found


def test_corpus_covers_every_category_with_at_least_150_payloads():
    assert len(CORPUS) >= 150
    assert len({category for category, _ in CORPUS}) == 9


@pytest.mark.parametrize("category, payload", CORPUS, ids=[f"{c[:12]}-{i}" for i, (c, _) in
                                                           enumerate(CORPUS)])
def test_sanitizer_output_has_no_active_content(category, payload):
    safe, _ = clean(payload, "atk-")
    assert not re.search(r"<(script|iframe|object|embed|meta|base|link|form|style|img|use|"
                         r"animate|set|foreignobject|image|frame|template|noscript)\b", safe, re.I)
    for tag, name, value in attributes(safe):
        assert not name.startswith("on"), (tag, name)
        if name in URL_ATTRIBUTES:
            assert value.startswith("#") or value.lower().startswith(URL_SCHEMES), value
            assert "evil.example" not in value or value.startswith(("http", "mailto"))
        if name == "style":
            assert "url(" not in value.replace("url(#", "") and "expression" not in value
            assert "position" not in value
        if name == "id":
            assert value.startswith("atk-"), value


@pytest.mark.browser
def test_corpus_as_volumes_in_chromium(run_server, chromium, owner_headers):
    import requests

    server = run_server()
    for index, (category, payload) in enumerate(CORPUS):
        response = requests.post(server.url + "/api/volumes", headers=owner_headers, timeout=10,
                                 json={"number": str(100 + index), "title": f"Attack {index}",
                                       "html": f"<p>payload {index}</p>{payload}"})
        if "\x00" in payload:  # refused outright: NUL is not text
            assert response.status_code == 400 and "NUL" in response.json()["error"]["message"]
        else:
            assert response.status_code == 201, (payload, response.text)

    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    watch = Watch()
    watch.attach(context, server.url)
    page = context.new_page()
    watch.watch(page)
    open_whole_guide(page, server.url + "/")
    watch.provoke(page)

    assert watch.in_page(page) == {"hits": [], "violations": []}
    assert watch.outside == []
    assert watch.errors == []
    structure = page.evaluate("""() => ({
        body: Array.from(document.body.children).map(e => e.tagName.toLowerCase()),
        main: Array.from(document.querySelector('main').children).map(
          e => e.tagName.toLowerCase() + (e.classList.contains('volume') ? '.volume' : '')),
        volumes: document.querySelectorAll('main > section.volume').length,
        escaped: document.querySelectorAll('[id^=escaped]').length,
        fixed: Array.from(document.querySelectorAll('section.volume *')).filter(
          e => getComputedStyle(e).position === 'fixed').length,
        header: document.querySelectorAll('header.site-header').length,
      })""")
    assert structure["body"][:3] == ["a", "header", "main"]
    assert set(structure["main"]) <= {"div", "p", "ol", "nav", "aside", "dialog", "section.volume"}
    expected = len(requests.get(server.url + "/api/volumes").json()["volumes"])
    assert structure["volumes"] == expected
    assert structure["escaped"] == 0 and structure["fixed"] == 0
    assert structure["header"] == 1
    # Each payload's text stays inside its own volume's section.
    misplaced = page.evaluate("""() => Array.from(document.querySelectorAll('section.volume'))
        .filter(s => s.id.match(/^vol-\\d+$/) && Number(s.id.slice(4)) >= 100)
        .filter(s => !s.textContent.includes('payload ' + (Number(s.id.slice(4)) - 100)))
        .map(s => s.id)""")
    assert misplaced == []
    # The page still works: the header links jump to a volume.
    page.click('.volume-nav a[href="#vol-150"]')
    assert page.evaluate("location.hash") == "#vol-150"
    context.close()
