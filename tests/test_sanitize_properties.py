"""Properties of `clean()` over generated HTML (hypothesis)."""

from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from study_guide.content.sanitize import URL_SCHEMES, clean

TAGS = ["div", "p", "span", "a", "b", "table", "tr", "td", "svg", "g", "text", "path",
        "script", "style", "img", "iframe", "math", "noscript", "template", "textarea",
        "title", "form", "select", "option", "marker", "foreignObject", "li", "ul", "pre",
        "mi", "mo", "mtext", "mrow", "mfrac", "semantics", "annotation", "annotation-xml",
        "maction", "mglyph", "malignmark", "mtable", "mtd", "code"]
ATTRIBUTES = ["href", "src", "style", "class", "id", "onclick", "onload", "onerror",
              "viewBox", "fill", "marker-end", "xlink:href", "title", "formaction", "encoding",
              "display", "mathvariant", "stretchy"]
VALUES = ["javascript:alert(1)", " JaVaScRiPt:x", "data:text/html,x", "https://a.example/",
          "#x", "mailto:a@b.c", "url(#x)", "url(https://e.example)", "color: red",
          "position: fixed", "sl card", "x\" onclick=\"y", "</p><script>", "&#106;avascript:",
          "0 0 10 10", "vbscript:x", "/rel", "text/html", "application/x-tex", "block", "k nf",
          ""]
VOID = {"br", "hr", "img", "input", "meta", "link", "col", "wbr", "area", "base", "embed",
        "source", "track"}


@st.composite
def markup(draw, depth: int = 0) -> str:
    if depth > 4 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(["text", "a < b", "x &amp; y", "<!-- c -->", "</div>",
                                     "<![CDATA[x]]>", "&lt;script&gt;", "\u2028", ""]))
    tag = draw(st.sampled_from(TAGS))
    attrs = "".join(f' {name}="{value}"' for name, value in draw(
        st.lists(st.tuples(st.sampled_from(ATTRIBUTES), st.sampled_from(VALUES)), max_size=3)))
    children = "".join(draw(st.lists(markup(depth + 1), max_size=3)))
    closing = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", ""]))
    return f"<{tag}{attrs}>{children}{closing}"


class Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"handler {name}")
            if name in {"href", "src", "xlink:href", "formaction"} and value and not (
                    value.startswith("#") or value.lower().startswith(URL_SCHEMES)):
                self.problems.append(f"scheme {value!r}")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unbalanced </{tag}>")
        else:
            self.stack.pop()


def check(html: str) -> list[str]:
    checker = Checker()
    checker.feed(html)
    checker.close()
    return checker.problems + [f"unclosed <{tag}>" for tag in checker.stack]


FAST = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(markup())
def test_clean_is_idempotent(html):
    once, _ = clean(html)
    assert clean(once)[0] == once


@FAST
@given(st.lists(markup(), min_size=1, max_size=4).map("".join))
def test_output_has_no_handler_no_bad_scheme_and_balanced_markup(html):
    safe, _ = clean(html, "p-")
    assert check(safe) == []


@FAST
@given(st.text(max_size=300))
def test_arbitrary_text_never_yields_active_markup(text):
    safe, _ = clean(text)
    assert check(safe) == []
    assert "<script" not in safe.lower()
