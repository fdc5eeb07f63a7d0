"""Each built-in volume rendered in Chromium at desktop and phone widths: nothing overflows the
page, and no diagram label is cut off or drawn over another."""

import os
from pathlib import Path

import pytest

from study_guide.content.builtin import load_builtins

pytestmark = pytest.mark.browser
VOLUMES = load_builtins()
WIDTHS = (1280, 375)

SVG_TEXT_PROBLEMS = """
(volume) => {
  const problems = [];
  volume.querySelectorAll("svg").forEach((svg, index) => {
    const box = svg.viewBox.baseVal;
    const texts = Array.from(svg.querySelectorAll("text")).filter(t => t.textContent.trim());
    const boxes = texts.map(t => {
      const b = t.getBBox();
      // getBBox is in the text's own user space: map its corners into the svg's viewBox
      // space, so labels inside transformed groups are measured where they are drawn.
      const m = svg.getScreenCTM().inverse().multiply(t.getScreenCTM());
      const corners = [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height],
                       [b.x + b.width, b.y + b.height]];
      const pts = corners.map(([x, y]) => new DOMPoint(x, y).matrixTransform(m));
      const xs = pts.map(p => p.x), ys = pts.map(p => p.y);
      return {text: t.textContent.trim().slice(0, 40), x1: Math.min(...xs), y1: Math.min(...ys),
              x2: Math.max(...xs), y2: Math.max(...ys)};
    });
    const tol = 1.5;
    boxes.forEach(b => {
      if (b.x1 < box.x - tol || b.y1 < box.y - tol || b.x2 > box.x + box.width + tol ||
          b.y2 > box.y + box.height + tol) {
        problems.push(`svg ${index + 1}: "${b.text}" is cut off at the edge`);
      }
    });
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j];
        const dx = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
        const dy = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
        if (dx > 2 && dy > 2) problems.push(`svg ${index + 1}: "${a.text}" overlaps "${b.text}"`);
      }
    }
  });
  return problems;
}
"""


@pytest.fixture(scope="module")
def export_file(tmp_path_factory) -> Path:
    from study_guide import create_app

    folder = tmp_path_factory.mktemp("export")
    app = create_app({"STUDY_GUIDE_DATA_DIR": str(folder / "data"),
                      "OWNER_TOKEN": "browser-volumes-owner"})
    path = folder / "guide.html"
    path.write_bytes(app.test_client().get("/download").data)
    return path


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("volume", VOLUMES, ids=lambda v: f"vol-{v.number}")
def test_volume_fits_the_page_and_its_diagrams_are_legible(chromium, export_file, volume,
                                                            width):
    context = chromium.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        "file://") else route.abort())
    page.goto(export_file.as_uri() + f"#{volume.anchor}")
    section = page.locator(f"#{volume.anchor}")
    section.evaluate("el => { el.style.contentVisibility = 'visible'; }")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"
    wide = section.evaluate("""el => Array.from(el.querySelectorAll('*')).filter(e => {
        const r = e.getBoundingClientRect();
        return r.right > window.innerWidth + 1 && !e.closest('pre, table, figure, .fml');
      }).map(e => e.tagName + '.' + e.className).slice(0, 5)""")
    assert wide == [], f"elements wider than the screen: {wide}"
    if width == WIDTHS[0]:
        assert section.evaluate(SVG_TEXT_PROBLEMS) == []
    shots = os.environ.get("SCREENSHOT_DIR")
    if shots:
        section.screenshot(path=str(Path(shots) / f"vol-{volume.number}-{width}.png"))
    context.close()
