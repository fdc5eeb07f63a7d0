"""Formulas and code typeset when a volume is prepared and when the built-in volumes load:
TeX to MathML, Pygments token spans, and the sanitizer keeping both and nothing more."""

import base64
import html as entities
import re

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from study_guide.content.builtin import load_builtins
from study_guide.content.highlight import TOKEN_CLASSES, guess_language
from study_guide.content.prepare import prepare_volume
from study_guide.content.sanitize import clean
from study_guide.content.search import labelled_sections
from study_guide.content.tex import find_formulas
from study_guide.content.volume import safe_volume

FOUR = (r"<p>The gradient $\nabla_\theta J(\theta)$ of the loss, the sum "
        r"$$\sum_{i=1}^{n} x_i^2$$, Pythagoras \(a^2+b^2\) and the scale "
        r"\[\frac{1}{\sqrt{d_k}}\] of attention.</p>")
SOURCES = [r"\nabla_\theta J(\theta)", r"\sum_{i=1}^{n} x_i^2", "a^2+b^2", r"\frac{1}{\sqrt{d_k}}"]
PYTHON = 'def scale(x, k=2):\n    """Times k."""\n    return x * k  # a<b & c\n'
MAX = 2 * 1024 * 1024


def prepared(html: str = "", markdown: str = ""):
    fields = {"markdown": markdown} if markdown else {"html": html}
    return prepare_volume({"number": "12", "title": "Maths"} | fields, MAX)


def visible_text(html: str) -> str:
    """The text a reader sees: annotations (display: none) and tags left out."""
    html = re.sub(r"<annotation\b.*?</annotation>", "", html, flags=re.DOTALL)
    return entities.unescape(re.sub(r"<[^>]+>", "", html))


def test_the_four_delimiters_become_four_math_elements_keeping_their_tex():
    volume = prepared(FOUR)
    assert volume.html.count("<math") == 4
    assert volume.html.count('<math display="block">') == 2
    annotations = re.findall(r'<annotation encoding="application/x-tex">(.*?)</annotation>',
                             volume.html)
    assert [entities.unescape(a) for a in annotations] == SOURCES
    text = visible_text(volume.html)
    assert "\\" not in text and "$" not in text and "^" not in text
    assert volume.report.notes == []


def test_markdown_formulas_keep_their_underscores_stars_and_backslashes():
    volume = prepared(markdown="# Loss\n\nThe product $a_1 * b_2 * c_3$ and \\(x_i^2\\).\n\n"
                               "$$\n\\begin{pmatrix}a & b \\\\ c & d\\end{pmatrix}\n$$\n")
    annotations = [entities.unescape(a) for a in re.findall(
        r'<annotation encoding="application/x-tex">(.*?)</annotation>', volume.html,
        re.DOTALL)]
    assert annotations == ["a_1 * b_2 * c_3", "x_i^2",
                           "\n\\begin{pmatrix}a & b \\\\ c & d\\end{pmatrix}\n"]
    assert "<em>" not in volume.html and "<mtable" in volume.html


@pytest.mark.parametrize("prose", [
    "A coffee costs $5 and a book $10.", "Salaries of $20,000 and $30,000 a year.",
    "The price is \\$x\\$ exactly.", "An empty pair $$ $$ and a lone \\( bracket.",
])
def test_prose_with_dollars_stays_text(prose):
    volume = prepared(f"<p>{prose}</p>")
    assert "<math" not in volume.html
    assert visible_text(volume.html) == prose


@pytest.mark.parametrize("markup", [
    "<p>Write <code>$x^2$</code> or <code>\\(x\\)</code> to get a formula.</p>",
    "<pre>$$\\sum_i x_i$$</pre>", "<p><kbd>$a$</kbd> <samp>\\[b\\]</samp></p>",
    '<p title="$x^2$">hover</p>',
])
def test_tex_in_code_and_attributes_stays_literal(markup):
    volume = prepared(markup)
    assert "<math" not in volume.html
    assert volume.html == clean(markup)[0]


def test_a_formula_that_does_not_parse_stays_visible_and_is_named_in_the_notes():
    volume = prepared(r"<p>Broken \(\frac{1}{\) here, fine $x$ there.</p>")
    assert volume.html.count("<math") == 1
    assert r"Broken \(\frac{1}{\) here" in visible_text(volume.html)
    [note] = volume.report.notes
    assert r"\(\frac{1}{\)" in note and "Expected closing token" in note


def test_many_broken_formulas_give_a_bounded_number_of_notes():
    volume = prepared("<p>" + " ".join(rf"\(\frac{{{n}}}{{\)" for n in range(30)) + "</p>")
    assert len(volume.report.notes) == 11 and "20 more" in volume.report.notes[-1]


def test_a_python_block_comes_back_with_token_spans_and_its_text_unchanged():
    escaped = entities.escape(PYTHON, quote=False)
    block = f'<pre><code class="language-python">{escaped}</code></pre>'
    volume = prepared(block)
    code = re.search(r'<pre><code class="language-python">(.*)</code></pre>', volume.html,
                     re.DOTALL).group(1)
    assert '<span class="k">def</span>' in code and '<span class="nf">scale</span>' in code
    assert entities.unescape(re.sub(r"<[^>]+>", "", code)) == PYTHON
    assert set(re.findall(r'class="([^"]+)"', code)) <= TOKEN_CLASSES
    assert "style=" not in code


def test_a_block_without_a_language_is_highlighted_only_when_the_guess_is_confident():
    confident = prepared("<pre><code>import torch\n\nx = torch.zeros(3)\n</code></pre>")
    assert '<code class="language-python"><span class="kn">import</span>' in confident.html
    for text in ("We import goods from abroad and sell them at home.",
                 "x = 1", "Hello world. This is prose, not code.", "SELECT a FROM t;"):
        block = f"<pre><code>{text}</code></pre>"
        assert prepared(block).html == block, text


@pytest.mark.parametrize("text, language", [
    ("#!/bin/bash\necho hi\n", "bash"), ("import os\nprint(os.sep)\n", "python"),
    ("We import goods from abroad.", None), ("import the numbers: 3, 4 and 5", None),
    ("$ ls -la", None), ('{"a": 1}', None), ("def f(x):\n    return x\n", None),
])
def test_language_guesses(text, language):
    assert guess_language(text) == language


def test_the_sanitizer_keeps_token_classes_on_span_only():
    html = '<pre><code><span class="k">def</span></code></pre><div class="k nf">x</div>'
    assert clean(html)[0] == ('<pre><code><span class="k">def</span></code></pre>'
                              '<div class="">x</div>')


@pytest.mark.parametrize("markup, kept", [
    ('<math display="block"><mi mathvariant="normal">x</mi></math>',
     '<math display="block"><mi mathvariant="normal">x</mi></math>'),
    ('<math href="https://a.example/"><mi src="x" xlink:href="#a">x</mi></math>',
     "<math><mi>x</mi></math>"),
    ('<math><semantics><mi>x</mi><annotation encoding="text/html">y</annotation></semantics>'
     '</math>', "<math><semantics><mi>x</mi><annotation>y</annotation></semantics></math>"),
    ('<math><annotation-xml encoding="text/html"><p>hidden</p></annotation-xml>'
     '<maction actiontype="toggle"><mi>a</mi></maction><mglyph></mglyph><malignmark></malignmark>'
     "</math>", "<math></math>"),
    ('<math><menclose notation="box"><mi>x</mi></menclose></math>', "<math><mi>x</mi></math>"),
    ("<p><mi>outside</mi></p>", "<p></p>"),
])
def test_the_sanitizer_keeps_mathml_core_and_nothing_that_loads_or_hides(markup, kept):
    assert clean(markup)[0] == kept


def test_what_is_stored_is_what_cleaning_gives_back():
    volume = prepared(FOUR + f'<pre><code class="language-python">{PYTHON}</code></pre>'
                      r"<p>\(\begin{aligned}a&=b\\c&=d\end{aligned}\) $\color{red}x$</p>")
    assert clean(volume.html)[0] == volume.html


FRAGMENTS = ["$x$", "$$y_1$$", r"\(a^2\)", r"\[\frac{1}{2}\]", "$5 and $10", r"\(", "$",
             r"\$", "<code>$z$</code>", "<p>", "</p>", "<b>", r"\frac{1}{", "a < b", "&amp;",
             "<pre><code>import os\nos.sep\n</code></pre>", "<math><mi>q</mi></math>", " "]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=12).map("".join))
def test_typeset_output_is_stable_under_cleaning(html):
    volume = prepared("<p>Text.</p>" + html)
    assert clean(volume.html)[0] == volume.html


def test_finding_formulas_in_hostile_text_stays_linear():
    text = "\\(" * 20_000 + "$a " * 20_000 + "\\[" * 20_000
    assert find_formulas(text) == []


def test_at_least_nine_in_ten_builtin_code_blocks_carry_tokens():
    blocks = [block for volume in load_builtins()
              for block in re.findall(r"<pre\b.*?</pre>", volume.html, re.DOTALL)]
    tokened = [block for block in blocks if '<span class="' in block]
    assert len(blocks) > 100 and len(tokened) >= 0.9 * len(blocks)


def test_search_indexes_a_formulas_tex_and_its_plain_text():
    prepared_html = prepared(r'<div class="sl">01 — Attention</div><p>The weights '
                             r"\(\mathrm{softmax}(QK^\top/\sqrt{d_k})\) sum to one.</p>").html
    volume = safe_volume({"id": "v", "number": "12", "html": prepared_html}, builtin=False)[0]
    [section] = labelled_sections(volume)
    assert section.words.count("softmax") == 2  # the MathML text and the TeX
    assert {"sqrt", "top", "⊤"} <= set(section.words)


def test_typesetting_is_bounded_per_volume():
    many = prepared("<p>" + "$a$ " * 2050 + "</p>")
    assert many.html.count("<math") == 2000
    assert many.report.notes == ["Only the first 2000 formulas were typeset; the others stay as "
                                 "TeX. Split the volume to typeset them all."]
    assert many.html.endswith("<math><semantics><mi>a</mi><annotation encoding=\"application/"
                              "x-tex\">a</annotation></semantics></math> " + "$a$ " * 50
                              + "</p>")
    deep = prepared(r"<p>\(" + "x^{" * 150 + "y" + "}" * 150 + r"\)</p>")
    assert "<math" not in deep.html and "nests more than 100 levels" in deep.report.notes[0]
    code = "x = 1\n" * 20_000
    long = prepared(f'<pre><code class="language-python">{code}</code></pre>'
                    '<pre><code class="language-python">def f(): pass\n</code></pre>')
    assert "<span" not in long.html
    assert "Only the first 100,000 characters of code were coloured" in long.report.notes[0]


def test_the_download_carries_the_maths_font_only_when_a_volume_has_a_formula(client,
                                                                            owner_headers):
    font = (ROOT / "static" / "fonts" / "latin-modern-math-subset.woff2").read_bytes()
    encoded = base64.b64encode(font).decode()
    assert encoded not in client.get("/download").get_data(as_text=True)
    response = client.post("/api/volumes", headers=owner_headers, json={
        "number": "12", "title": "Maths", "html": r"<p>Loss \(\ell(y)\).</p>"})
    assert response.status_code == 201
    assert encoded in client.get("/download").get_data(as_text=True)
