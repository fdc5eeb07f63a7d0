"""Prints the sanitizer's time for a 100 KB volume, the time to prepare a 100 KB volume with 200
formulas and 30 code blocks (bench/authoring.py), and the size of `/` and of the export, then
the serving benchmarks of bench/serve.py.

Run: make bench (or .venv/bin/python bench/run.py).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from study_guide import create_app
from study_guide.content.builtin import builtin_files, parse_builtin
from study_guide.content.sanitize import clean
from study_guide.services import services


def sample_volume(target_bytes: int = 100 * 1024) -> str:
    """About 100 KB of design-system HTML: built-in volumes when present, else generated."""
    parts = [parse_builtin(p.read_text(encoding="utf-8"), p.name)["html"]
             for p in builtin_files()]
    text = "".join(parts) or ""
    section = ('<div class="sl">01 — Section</div><p class="lead">Text with <code>code</code> '
               'and <strong>emphasis</strong>.</p><div class="g2"><div class="card">card</div>'
               '</div><svg viewBox="0 0 640 200"><defs><marker id="m" markerWidth="6" '
               'markerHeight="6" refX="5" refY="3"><path d="M0 0L6 3L0 6z"></path></marker>'
               '</defs><line x1="10" y1="10" x2="600" y2="150" stroke="#22d3ee" '
               'marker-end="url(#m)"></line><text x="20" y="40" fill="#e2e8f8">label</text>'
               '</svg><table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td>'
               '<td style="color: #4ade80">2</td></tr></tbody></table>')
    while len(text.encode()) < target_bytes:
        text += section
    return text.encode()[:target_bytes].decode("utf-8", "ignore")


def time_sanitizer(html: str, runs: int = 30) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        clean(html, "bench-")
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def page_sizes() -> dict[str, int]:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"STUDY_GUIDE_DATA_DIR": folder, "OWNER_TOKEN": "bench-owner-token-1"})
        client = app.test_client()
        client.get("/")
        client.get("/download")
        services(app).pages.settle()  # the bytes served once compressed densely
        guide = client.get("/")
        guide_br = client.get("/", headers={"Accept-Encoding": "br"})
        guide_gzip = client.get("/", headers={"Accept-Encoding": "gzip"})
        export = client.get("/download")
        export_br = client.get("/download", headers={"Accept-Encoding": "br"})
        return {"/ (bytes)": len(guide.data), "/ gzip": len(guide_gzip.data),
                "/ brotli": len(guide_br.data), "export (bytes)": len(export.data),
                "export brotli": len(export_br.data)}


def main() -> None:
    html = sample_volume()
    median, worst = time_sanitizer(html)
    print(f"{'measure':<34}{'value':>14}")
    print(f"{'sanitize 100 KB volume, median':<34}{median:>11.1f} ms")
    print(f"{'sanitize 100 KB volume, worst':<34}{worst:>11.1f} ms")
    from authoring import formula_volume, time_prepare  # bench/authoring.py, beside this file

    prepare = statistics.median(time_prepare(formula_volume()))
    print(f"{'prepare 100 KB, 200 formulas':<34}{prepare:>11.1f} ms")
    for name, size in page_sizes().items():
        print(f"{name:<34}{size:>14,}")
    print(flush=True)
    from serve import main as serving  # bench/serve.py, beside this file

    serving([])


if __name__ == "__main__":
    main()
