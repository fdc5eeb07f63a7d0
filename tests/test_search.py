"""The search index (study_guide.content.search), its route, and how the page and the export
carry it."""

import base64
import hashlib
import json
import re
import threading
from dataclasses import replace
from html import unescape

import brotli

from study_guide.content import search
from study_guide.content.search import build_index, index_json, labelled_sections, tokens
from study_guide.content.volume import safe_volume
from study_guide.publish.page import READER_SCRIPTS
from study_guide.services import services

FRAGMENT = ('<p class="lead">Before any label: an introduction.</p>'
            '<div class="sl">01 — The Transformer</div><p>Attention is all you need; '
            'transformers stack attention layers.</p><div class="fml">softmax(QKᵀ / √dₖ) V</div>'
            '<div class="sl">02 — Gradients</div><p>∂L/∂w = Σ x<sub>i</sub> δ; the '
            'Poincaré inequality. Attention again.</p>')


def volume(number: str = "3", html: str = FRAGMENT, title: str = "Attention"):
    return safe_volume({"id": f"t{number}", "number": number, "title": title, "html": html},
                       builtin=False)[0]


def decoded(index: dict, term: str) -> dict[str, int]:
    """A term's postings as {section id: count}."""
    out, section = {}, 0
    for entry in index["postings"][index["terms"].index(term)].split(" "):
        gap, _, count = entry.partition(":")
        section += int(gap, 36)
        out[index["sections"][section][1]] = int(count or "1", 36)
    return out


def test_tokens_fold_case_accents_and_maths_notation():
    assert tokens("Poincaré's TRANSFORMER") == ["poincare", "s", "transformer"]
    # sub- and superscripts are tokens of their own, like <sub>…</sub>
    assert tokens("wᵢxᵢ + x² + dₖ") == ["w", "i", "x", "i", "x", "2", "d", "k"]
    # maths symbols are one token each; ∑ and ς read as σ, ∏ as π; ASCII operators are skipped
    assert tokens("∂L/∂w ≈ √d, ∑ = Σ, ∏ς, a+b=c") == [
        "∂", "l", "∂", "w", "≈", "√", "d", "σ", "σ", "π", "σ", "a", "b", "c"]
    assert tokens("ﬁne d_model GPT-2") == ["fine", "d", "model", "gpt", "2"]


def test_sections_split_at_labels_in_page_order():
    vol = volume()
    index = build_index([vol])
    assert [s[1] for s in index["sections"]] == ["vol-3", "vol-3-01", "vol-3-02"]
    assert [s[2] for s in index["sections"]] == ["", "01 — The Transformer", "02 — Gradients"]
    assert index["volumes"] == [["vol-3", "III", "Attention"]]
    assert decoded(index, "attention") == {"vol-3-01": 2, "vol-3-02": 1}
    assert decoded(index, "introduction") == {"vol-3": 1}
    assert decoded(index, "√") == {"vol-3-01": 1}
    assert decoded(index, "i") == {"vol-3-02": 1}  # x<sub>i</sub> is x and i
    # the label's own words belong to its section
    assert decoded(index, "gradients") == {"vol-3-02": 1}
    assert index["sections"][1][3] == len(tokens("01 — The Transformer Attention is all you "
                                                  "need; transformers stack attention layers. "
                                                  "softmax(QKᵀ / √dₖ) V"))


def test_postings_are_base36_gaps_with_counts_above_one():
    html = "".join(f'<div class="sl">{n:02d} — S</div><p>{"common " * (n % 3 + 1)}</p>'
                   for n in range(1, 45))
    index = build_index([volume(html=html)])
    entries = index["postings"][index["terms"].index("common")].split(" ")
    assert entries[:4] == ["0:2", "1:3", "1", "1:2"]
    assert len(entries) == 44
    assert decoded(index, "common")["vol-3-44"] == 44 % 3 + 1
    wide = "".join(f'<div class="sl">{n:02d} — S</div><p>{"w " * 40 if n in (1, 1300) else ""}'
                   '</p>' for n in range(1, 1301))
    index = build_index([volume(html=wide)])
    assert index["postings"][index["terms"].index("w")] == "0:14 103:14"  # 1299 = 36² + 3


def test_terms_are_sorted_as_javascript_compares_strings():
    vol = volume(html='<div class="sl">01 — A</div><p>zeta ｚ 𝔷 \uffe0 b</p>')
    terms = build_index([vol])["terms"]
    assert terms == sorted(terms, key=lambda t: t.encode("utf-16-be", "surrogatepass"))
    assert len(terms) == len(set(terms))


def test_no_intro_section_when_the_volume_starts_with_a_label():
    vol = volume(html='<div class="sl">01 — Only</div><p>text</p>')
    assert [s.id for s in labelled_sections(vol)] == ["vol-3-01"]
    assert [s[1] for s in build_index([vol])["sections"]] == ["vol-3-01"]


def test_index_json_cannot_close_its_script_element():
    hostile = volume(html='<div class="sl">01 — &lt;/script&gt;&lt;script&gt;alert(1)</div>'
                          '<p>&lt;img src=x onerror=alert(1)&gt; &amp;</p>')
    text = index_json([hostile])
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["sections"][0][2] == "01 — </script><script>alert(1)"


def test_search_index_route_is_cached_by_version(client, owner_headers):
    html = client.get("/").get_data(as_text=True)
    url = unescape(re.search(r'data-index-url="([^"]+)"', html).group(1))
    assert url.startswith("/search-index.json?v=")
    response = client.get(url, headers={"Accept-Encoding": "br"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Encoding"] == "br"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    index = json.loads(brotli.decompress(response.data))
    assert index["version"] == 1
    etag = response.headers["ETag"]
    assert etag.startswith('"')
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    # A page older than the volumes still gets the current index, but revalidated each time.
    stale = client.get("/search-index.json?v=0000")
    assert stale.headers["Cache-Control"] == "no-cache" and stale.get_json() == index

    client.post("/api/volumes", headers=owner_headers,
                json={"number": "10", "title": "Diffusion", "html": FRAGMENT})
    new_html = client.get("/").get_data(as_text=True)
    new_url = unescape(re.search(r'data-index-url="([^"]+)"', new_html).group(1))
    assert new_url != url
    added = client.get(new_url).get_json()
    assert ["vol-10", "X", "Diffusion"] in added["volumes"]
    assert "vol-10-02" in [s[1] for s in added["sections"]]


def test_the_index_is_built_once_per_change_not_per_request(client, monkeypatch):
    html = client.get("/").get_data(as_text=True)
    url = unescape(re.search(r'data-index-url="([^"]+)"', html).group(1))
    client.get(url)
    def fail(*args, **kwargs):
        raise AssertionError("the index was rebuilt for a request")

    monkeypatch.setattr(search, "build_index", fail)
    assert client.get("/").status_code == 200 and client.get(url).status_code == 200


def test_the_page_names_its_index_without_building_it(client, monkeypatch, owner_headers):
    released = threading.Event()
    real = search.build_index
    waited_out = []  # builds that gave up waiting: some request was held on the index

    def build_when_released(volumes):
        if not released.wait(10):
            waited_out.append(1)
        return real(volumes)

    monkeypatch.setattr(search, "build_index", build_when_released)
    client.post("/api/volumes", headers=owner_headers,
                json={"number": "10", "title": "Diffusion", "html": FRAGMENT})
    # The page answers while no index can be built yet (one may be under way in the back).
    html = client.get("/").get_data(as_text=True)
    released.set()
    assert waited_out == []
    url = unescape(re.search(r'data-index-url="([^"]+)"', html).group(1))
    response = client.get(url)
    assert response.status_code == 200 and "Diffusion" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # The name follows the content: the same volumes, the same name; any edit, a new one.
    volumes = services(client.application).catalogue.snapshot()[0]
    assert search.index_version(volumes) == search.index_version(list(volumes))
    edited = [replace(v, html=v.html + "<p>more</p>") if v.number == "10" else v
              for v in volumes]
    assert search.index_version(edited) != search.index_version(volumes)


def test_sidebar_lists_every_volume_and_section(client, owner_headers):
    client.post("/api/volumes", headers=owner_headers,
                json={"number": "10", "title": "Diffusion", "html": FRAGMENT})
    html = client.get("/").get_data(as_text=True)
    toc = html[html.index('<nav class="toc"'):html.index("</nav>", html.index('<nav class="toc"'))]
    assert 'href="#vol-10"' in toc and 'href="#vol-10-01">01 — The Transformer</a>' in toc
    assert 'href="#vol-10-02">02 — Gradients</a>' in toc


def test_export_embeds_the_index_and_hashes_every_script(client, owner_headers):
    client.post("/api/volumes", headers=owner_headers,
                json={"number": "10", "title": "Diffusion", "html": FRAGMENT})
    html = client.get("/download").get_data(as_text=True)
    block = re.search(r'<script type="application/json" id="search-index">(.*?)</script>', html,
                      re.DOTALL)
    index = json.loads(block.group(1))
    assert "vol-10-02" in [s[1] for s in index["sections"]]
    csp = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"',
                             html).group(1))
    scripts = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert len(scripts) == len(READER_SCRIPTS)  # every reader script, each in its own tag
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert not re.search(r"<dialog[^>]*data-index-url", html)  # nothing to fetch from disk
