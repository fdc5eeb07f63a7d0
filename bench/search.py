"""Prints the search index's size and the time a query takes, for the built-in volumes plus 50
generated ~80 KB added volumes, measured in Chromium running static/js/search.js itself on the
standalone export (opened from disk, network blocked).

Run: .venv/bin/python bench/search.py
"""

from __future__ import annotations

import gzip
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from html import escape, unescape
from pathlib import Path

import brotli

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from study_guide import create_app
from study_guide.content.builtin import load_builtins
from study_guide.content.search import build_index, index_json
from study_guide.content.volume import safe_volume
from study_guide.publish.page import GuidePage
from study_guide.services import services

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ADDED = 50
TARGET_BYTES = 80 * 1024
RUNS = 15
QUERIES = [
    "transf", "attention", "softmax", "gradient descent", "∂L/∂w", "√", "Σ", "x₀", "lstm",
    "batch norm", "conv", "dropout", "embedding", "learning rate", "adam", "relu", "backprop",
    "token", "bert", "gpt", "loss function", "co", "re", "in", "the", "a", "vanishing gradient",
    "cross entropy", "η", "sqrt", "weight decay", "self attention heads", "zzzz", "xavier init",
]
PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")


def corpus_sentences(volumes) -> list[str]:
    """Plain sentences from the built-in volumes, so generated text has their vocabulary."""
    sentences = []
    for volume in volumes:
        for paragraph in PARAGRAPH.findall(volume.html):
            text = unescape(TAG.sub("", paragraph))
            sentences.extend(s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip())
    return sentences or ["Gradient descent follows the slope of the loss downhill."]


def made_up_words(rng: random.Random, count: int) -> list[str]:
    """New terms an added volume brings (its own names, acronyms, jargon)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(5, 11))) for _ in range(count)]


def generated_volume(number: int, sentences: list[str], rng: random.Random) -> str:
    """About 80 KB of design-system HTML: sections with prose, formulas, code, a table, a
    diagram, and closing flashcards."""
    novel = made_up_words(rng, 300)

    def sentence() -> str:
        words = rng.choice(sentences).split()
        for _ in range(rng.randint(0, 2)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(novel))
        return " ".join(words)

    parts, section = [], 0
    while sum(len(p.encode()) for p in parts) < TARGET_BYTES - 6000:
        section += 1
        title = " ".join(rng.choice(novel).capitalize() for _ in range(rng.randint(2, 4)))
        parts.append(f'<div class="sl">{section:02d} — {escape(title)}</div>')
        for _ in range(rng.randint(3, 6)):
            parts.append("<p>" + escape(" ".join(sentence() for _ in range(rng.randint(2, 5))))
                         + "</p>")
        parts.append(f'<div class="fml">∂L/∂w{section} = Σᵢ xᵢ · δ{section} / √d '
                     f"+ λ‖w‖²</div>")
        parts.append('<pre><code class="language-python">import torch\n'
                     f"def {rng.choice(novel)}(x):\n    return torch.softmax(x @ x.T / "
                     f"x.shape[-1] ** 0.5, dim=-1)  # {escape(rng.choice(novel))}\n</code></pre>")
        parts.append("<table><thead><tr><th>method</th><th>when</th></tr></thead><tbody>"
                     + "".join(f"<tr><td>{rng.choice(novel)}</td><td>{escape(sentence())}</td>"
                               "</tr>" for _ in range(3)) + "</tbody></table>")
        parts.append('<figure class="diagram"><svg viewBox="0 0 640 120" role="img" '
                     'aria-label="diagram"><rect x="10" y="10" width="200" height="60" '
                     'fill="#0d1120" stroke="#22d3ee"></rect><text x="30" y="45" '
                     f'fill="#e2e8f8" font-size="13">{rng.choice(novel)}</text></svg>'
                     "</figure>")
    section += 1
    parts.append(f'<div class="sl">{section:02d} — Flashcards</div>')
    for _ in range(8):
        parts.append(f'<div class="qa"><div class="qa-q">{escape(sentence())}?</div>'
                     f'<div class="qa-a">{escape(sentence())}</div></div>')
    return "".join(parts)


def build_volumes():
    builtins = load_builtins()
    rng = random.Random(20261201)
    sentences = corpus_sentences(builtins)
    added = []
    for i in range(ADDED):
        number = 100 + i
        record = {"id": f"bench{number}", "number": str(number),
                  "title": f"Generated volume {number}",
                  "html": generated_volume(number, sentences, rng)}
        added.append(safe_volume(record, builtin=False)[0])
    return builtins, added


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


MEASURE = """([queries, runs]) => {
  const S = StudyGuide.search;
  const out = {query: [], render: [], perQuery: {}};
  for (const q of queries) {
    const times = [];
    let found = null;
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      found = S.query(q);
      times.push(performance.now() - t);
      out.query.push(times[times.length - 1]);
      t = performance.now();
      S.render(q);
      out.render.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    out.perQuery[q] = [times[times.length >> 1], found.hits.length];
  }
  return out;
}"""


def measure_in_chromium(html: str) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        path = Path(folder) / "guide.html"
        path.write_text(html, encoding="utf-8")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", lambda route: route.continue_()
                      if route.request.url.startswith("file://") else route.abort())
        page = context.new_page()
        page.goto(path.as_uri())
        page.wait_for_function("() => typeof (window.StudyGuide || {}).openSearch === 'function'")
        load_ms = page.evaluate("""async () => { const t = performance.now();
            await StudyGuide.search.load(); return performance.now() - t; }""")
        page.click("#search-open")  # results render into the open panel, as a reader sees
        page.evaluate(MEASURE, [QUERIES[:3], 3])  # warm up the JIT
        result = page.evaluate(MEASURE, [QUERIES, RUNS])
        result["load"] = load_ms
        browser.close()
    return result


def main() -> int:
    started = time.perf_counter()
    builtins, added = build_volumes()
    volumes = builtins + added
    html_bytes = sum(len(v.html.encode()) for v in volumes)
    print(f"volumes: {len(builtins)} built-in + {len(added)} generated "
          f"(avg {sum(len(v.html.encode()) for v in added) / len(added) / 1024:.0f} KB), "
          f"{html_bytes / 1_048_576:.1f} MB of HTML; prepared in "
          f"{time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    index = build_index(volumes)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    text = index_json(volumes).encode()
    warm = time.perf_counter() - started
    print(f"index build (Python, at render time): {cold * 1000:.0f} ms cold, {warm * 1000:.0f} ms "
          f"with every volume's outline cached (one volume added: one outline to parse) · "
          f"{len(index['sections'])} sections, {len(index['terms']):,} terms")
    print(f"index size: {len(text):,} B raw · {len(gzip.compress(text, 9)):,} B gzip · "
          f"{len(brotli.compress(text, quality=11)):,} B brotli")

    app = create_app({"STUDY_GUIDE_DATA_DIR": tempfile.mkdtemp(), "OWNER_TOKEN": "b" * 32})
    with app.test_request_context("/"):
        html = GuidePage.for_standalone(volumes, assets=services(app).assets,
                                        saved_on=date.today()).render()
    print(f"export: {len(html.encode()) / 1_048_576:.1f} MB")

    result = measure_in_chromium(html)
    query, render = result["query"], result["render"]
    print(f"index load in Chromium (JSON.parse + prepare): {result['load']:.1f} ms")
    print(f"query (rank every section), {len(QUERIES)} queries x {RUNS} runs: "
          f"median {statistics.median(query):.2f} ms · p95 {percentile(query, 0.95):.2f} ms · "
          f"max {max(query):.2f} ms")
    print(f"query + results panel (20 snippets from the page): "
          f"median {statistics.median(render):.2f} ms · p95 {percentile(render, 0.95):.2f} ms · "
          f"max {max(render):.2f} ms")
    slowest = sorted(result["perQuery"].items(), key=lambda item: -item[1][0])[:4]
    print("slowest queries (median ms, sections matched): " + " · ".join(
        f"{q!r} {ms:.2f} ({hits})" for q, (ms, hits) in slowest))
    budget_ok = percentile(render, 0.95) < 50
    print("within the 50 ms budget" if budget_ok else "OVER the 50 ms budget")
    return 0 if budget_ok else 1


if __name__ == "__main__":
    sys.exit(main())
