"""Prints how long preparing (what preview, add and edit run) a 100 KB volume takes when it
holds 200 TeX formulas and 30 code blocks, and how long adding it through the API takes.

Run: .venv/bin/python bench/authoring.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from study_guide import create_app
from study_guide.content.prepare import prepare_volume

FORMULAS = [r"$\nabla_\theta J(\theta)$", r"\(a^2+b^2\)", r"$$\sum_{i=1}^{n} x_i^2$$",
            r"\[\frac{1}{\sqrt{d_k}}\]",
            r"\(\mathrm{softmax}(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}\)"]
CODE = ('<pre><code class="language-python">import torch\n\n\ndef attention(q, k, v):\n'
        '    scores = q @ k.transpose(-2, -1) / k.shape[-1] ** 0.5\n'
        '    return torch.softmax(scores, dim=-1) @ v  # weights times values\n</code></pre>')
OWNER = "bench-owner-token-1"


def formula_volume(target_bytes: int = 100 * 1024, formulas: int = 200, blocks: int = 30) -> str:
    """About 100 KB of HTML: paragraphs with formulas, code blocks spread through them."""
    parts = []
    for index in range(formulas):
        parts.append(f"<p>Step {index}: the gradient {FORMULAS[index % len(FORMULAS)]} "
                     "moves the weights against the slope of the loss.</p>")
        if index % (formulas // blocks) == 0 and index // (formulas // blocks) < blocks:
            parts.append(CODE)
    text = '<div class="sl">01 — Formulas</div>' + "".join(parts)
    filler = "<p>" + "Plain prose about training a network, with no maths in it. " * 20 + "</p>"
    while len(text.encode()) < target_bytes:
        text += filler
    return text


def time_prepare(html: str, runs: int = 20) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        prepare_volume({"number": "42", "title": "Formulas", "html": html}, 2 * 1024 * 1024)
        times.append((time.perf_counter() - start) * 1000)
    return times


def time_add(html: str, runs: int = 10) -> list[float]:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"STUDY_GUIDE_DATA_DIR": folder, "OWNER_TOKEN": OWNER})
        client = app.test_client()
        headers = {"Authorization": f"Bearer {OWNER}"}
        times = []
        for index in range(runs):
            start = time.perf_counter()
            response = client.post("/api/volumes", headers=headers, json={
                "number": str(50 + index), "title": f"Formulas {index}", "html": html})
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 201, response.text
        return times


def main() -> None:
    html = formula_volume()
    print(f"volume: {len(html.encode()):,} bytes")
    prepare = time_prepare(html)
    add = time_add(html)
    print(f"{'measure':<38}{'value':>12}")
    print(f"{'prepare 100 KB, 200 formulas, median':<38}{statistics.median(prepare):>9.1f} ms")
    print(f"{'POST /api/volumes of it, median':<38}{statistics.median(add):>9.1f} ms")


if __name__ == "__main__":
    main()
