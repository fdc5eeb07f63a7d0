"""The one allowlist policy for volume HTML, on nh3 (the binding to Rust's ammonia).

`clean(html, id_prefix)` returns the safe fragment and a report of what the policy removed.
Element ids are prefixed per volume and in-volume references (`href="#x"`, `url(#x)`) rewritten,
so two volumes that both define `id="arrow"` both render right.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import nh3

from study_guide.content.budget import MAX_ATTRIBUTES, Deadline, TooComplex
from study_guide.content.css_values import only_local_urls, rename_urls
from study_guide.content.highlight import TOKEN_CLASSES
from study_guide.content.mathml import (
    MATHML_ATTRIBUTES,
    MATHML_DROP_WITH_CONTENT,
    MATHML_TAGS,
    TEX_ENCODING,
)
from study_guide.content.tags import tags

HTML_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "hr", "i",
    "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    "var",
}
SVG_TAGS = {
    "svg", "g", "defs", "marker", "path", "rect", "circle", "ellipse", "line", "polyline",
    "polygon", "text", "tspan", "linearGradient", "radialGradient", "stop", "title", "desc",
}
# Tags whose content is dropped along with the tag: never text a reader should see.
DROP_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "embed", "noscript",
                     "textarea", "select", "option", "foreignObject", "xmp", "noembed",
                     "noframes", "plaintext"} | MATHML_DROP_WITH_CONTENT

GLOBAL_ATTRIBUTES = {"id", "style", "title", "role", "lang", "dir", "aria-label",
                     "aria-hidden", "aria-describedby", "aria-labelledby"}
SVG_PRESENTATION = {
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-dasharray", "stroke-dashoffset", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "opacity", "transform", "font-size", "font-family", "font-weight",
    "font-style", "text-anchor", "dominant-baseline", "alignment-baseline", "baseline-shift",
    "letter-spacing", "text-decoration", "visibility", "display", "marker-start", "marker-mid",
    "marker-end", "vector-effect", "paint-order",
}
SVG_GEOMETRY = {"x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "width",
                "height", "d", "points", "dx", "dy", "rotate", "textLength", "lengthAdjust",
                "pathLength"}
TAG_ATTRIBUTES: dict[str, set[str]] = {
    "*": GLOBAL_ATTRIBUTES,
    "a": {"href"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "details": {"open"},
    "svg": {"viewBox", "preserveAspectRatio"} | SVG_PRESENTATION | SVG_GEOMETRY,
    "marker": {"viewBox", "markerWidth", "markerHeight", "refX", "refY", "orient",
               "markerUnits", "preserveAspectRatio"} | SVG_PRESENTATION,
    "linearGradient": {"x1", "y1", "x2", "y2", "gradientUnits", "gradientTransform",
                       "spreadMethod"},
    "radialGradient": {"cx", "cy", "r", "fx", "fy", "fr", "gradientUnits",
                       "gradientTransform", "spreadMethod"},
    "stop": {"offset", "stop-color", "stop-opacity"},
}
for _tag in SVG_TAGS - {"svg", "marker", "linearGradient", "radialGradient", "stop"}:
    TAG_ATTRIBUTES[_tag] = SVG_PRESENTATION | SVG_GEOMETRY
TAG_ATTRIBUTES |= MATHML_ATTRIBUTES

# The design system's classes (docs/design-system.md); every other class is removed.
DESIGN_CLASSES = {
    "sl", "card", "g2", "g3", "g4", "fml", "tag", "good", "bad", "insight", "qa", "qa-q", "qa-a",
    "cheat-grid", "cheat-cell", "cheat-label", "cheat-val", "cheat-sub", "sources", "diagram",
    "lead", "muted", "c-cyan", "c-green", "c-amber", "c-violet", "c-rose", "c-sky", "c-pink",
    "c-indigo",
}
CODE_CLASSES = {f"language-{name}" for name in (
    "python", "bash", "shell", "text", "json", "yaml", "javascript", "sql", "toml", "plaintext")}
ALLOWED_CLASSES = {tag: DESIGN_CLASSES for tag in HTML_TAGS - {"code"}}
ALLOWED_CLASSES["code"] = DESIGN_CLASSES | CODE_CLASSES
# Pygments' token classes, written by highlight.py into `pre code`; the stylesheet colours them
# only there.
ALLOWED_CLASSES["span"] = DESIGN_CLASSES | TOKEN_CLASSES

CSS_PROPERTIES = {
    "color", "background", "background-color", "border", "border-top", "border-right",
    "border-bottom", "border-left", "border-color", "border-width", "border-style",
    "border-radius", "border-collapse", "border-left-color", "border-top-color",
    "margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
    "padding", "padding-top", "padding-right", "padding-bottom", "padding-left",
    "font", "font-size", "font-weight", "font-style", "font-family", "font-variant",
    "line-height", "letter-spacing", "text-align", "text-decoration", "text-transform",
    "text-indent", "vertical-align", "white-space", "word-break", "overflow-wrap",
    "display", "width", "max-width", "min-width", "height", "max-height", "min-height",
    "gap", "row-gap", "column-gap", "grid-template-columns", "grid-column", "grid-row",
    "flex", "flex-direction", "flex-wrap", "flex-grow", "flex-shrink", "flex-basis",
    "align-items", "align-self", "justify-content", "opacity", "list-style",
    "list-style-type", "overflow", "overflow-x", "overflow-y", "box-shadow", "box-sizing",
    "fill", "stroke", "stroke-width", "stroke-dasharray", "font-feature-settings",
    "font-variant-numeric", "text-underline-offset", "cursor", "float", "clear", "transform",
}
# A value may not load anything, run anything or hide tricks in escapes or comments.
UNSAFE_CSS_VALUE = re.compile(
    r"expression|javascript|vbscript|behavior|binding|@|\\|/\*|<|>|&|image-set|image\(|"
    r"\bvar\(|\benv\(|\bsrc\(",
    re.IGNORECASE,
)
URL_SCHEMES = ("http://", "https://", "mailto:")


MAX_DEPTH = 400
MAX_SETTLE_PASSES = 4
# Elements that never nest inside themselves in practice, or that the parser closes implicitly.
FLAT_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
             "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option",
             "thead", "tbody", "tfoot", "colgroup", "caption", "rt", "rp", "optgroup"}


class MarkupTooDeep(ValueError):
    """Nesting deep enough to make parsing slow: refused before nh3 sees it."""


def nesting_depth(html: str) -> int:
    """How deep elements nest, estimated from the tags (the parser's cost grows with it)."""
    depth = deepest = 0
    for closing, name, attributes in tags(html):
        if name.lower() in FLAT_TAGS or attributes.endswith("/"):
            continue
        if closing:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


@dataclass
class Report:
    """What the policy removed from one fragment, and notes on what was done to the paste
    before it (see unwrap.py): sentences a person reads."""

    removed_tags: dict[str, int] = field(default_factory=dict)
    removed_attributes: dict[str, int] = field(default_factory=dict)
    removed_classes: dict[str, int] = field(default_factory=dict)
    removed_styles: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.removed_tags or self.removed_attributes or self.removed_classes
                    or self.removed_styles)

    def as_dict(self) -> dict:
        return {
            "removed_tags": self.removed_tags,
            "removed_attributes": self.removed_attributes,
            "removed_classes": self.removed_classes,
            "removed_styles": self.removed_styles,
            "changed": self.changed,
            "notes": self.notes,
        }


ATTRIBUTE = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
# Text a browser never parses as markup: comments and raw-text elements.
NOT_MARKUP = re.compile(r"<!--.*?(?:-->|$)|<(script|style|textarea|title|xmp)\b.*?(?:</\1\s*>|$)",
                        re.IGNORECASE | re.DOTALL)


@dataclass
class _Markup:
    """Counts of start tags, attribute names and classes, to tell what sanitizing removed."""

    tags: Counter[str] = field(default_factory=Counter)
    attributes: Counter[str] = field(default_factory=Counter)
    classes: Counter[str] = field(default_factory=Counter)
    ids: set[str] = field(default_factory=set)
    most_attributes: int = 0  # on one element


def _count(html: str) -> _Markup:
    # Regular expressions rather than a parser: this only feeds the report, and runs in a
    # tenth of the time; nh3 does the parsing that matters.
    starts = [(name, body) for closing, name, body in
              tags(NOT_MARKUP.sub(_keep_tag_only, html)) if not closing]
    markup = _Markup(tags=Counter(name.lower() for name, _ in starts))
    # A tag's attributes are at most its length: only tags that long need counting one by one.
    markup.most_attributes = max((len(ATTRIBUTE.findall(body)) for _, body in starts
                                  if len(body) > MAX_ATTRIBUTES), default=0)
    for name, double, single, bare in ATTRIBUTE.findall(" ".join(body for _, body in starts)):
        name = name.lower()
        markup.attributes[name] += 1
        if name == "class":
            markup.classes.update((double or single or bare).split())
        elif name == "id" and (double or single or bare).strip():
            markup.ids.add((double or single or bare).strip())
    return markup


def _keep_tag_only(match: re.Match[str]) -> str:
    """A raw-text element counts as its own tag; a comment counts as nothing."""
    return f"<{match.group(1)}>" if match.group(1) else ""


def _clean_style(value: str, rename: dict[str, str], removed: Counter[str]) -> str | None:
    kept = []
    for declaration in value.split(";"):
        if not declaration.strip():
            continue
        name, sep, raw = declaration.partition(":")
        name = name.strip().lower()
        raw = raw.strip()
        if not sep or name not in CSS_PROPERTIES or not raw or UNSAFE_CSS_VALUE.search(raw):
            removed[name or "?"] += 1
            continue
        if not only_local_urls(raw):
            removed[name] += 1
            continue
        raw = rename_urls(raw, rename)
        kept.append(f"{name}: {raw}")
    return "; ".join(kept) if kept else None


def _safe_href(value: str, rename: dict[str, str]) -> str | None:
    # Browsers ignore whitespace and control characters inside schemes: strip them first.
    compact = re.sub(r"[\x00-\x20]", "", value)
    if compact.startswith("#"):
        target = compact[1:]
        return "#" + rename.get(target, target)
    if compact.lower().startswith(URL_SCHEMES):
        return value.strip()
    return None


def clean(html: str, id_prefix: str = "", deadline: Deadline | None = None
          ) -> tuple[str, Report]:
    """Sanitize one volume fragment; `id_prefix` namespaces its element ids.
    Raises MarkupTooDeep for nesting past MAX_DEPTH, TooComplex past the deadline."""
    deadline = deadline or Deadline()
    depth = nesting_depth(html)
    if depth > MAX_DEPTH:
        raise MarkupTooDeep(f"The HTML nests elements {depth} deep; at most {MAX_DEPTH} levels "
                            "are allowed. Check for unclosed tags.")
    before = _count(html)
    if before.most_attributes > MAX_ATTRIBUTES:
        raise TooComplex(f"an element has {before.most_attributes:,} attributes, and at most "
                         f"{MAX_ATTRIBUTES:,} are allowed on one element")
    deadline.check("reading the tags")
    rename = {old: f"{id_prefix}{old}" for old in before.ids} if id_prefix else {}
    removed_styles: Counter[str] = Counter()

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if deadline.passed:
            return None  # nh3 ignores exceptions here: the check after it refuses
        if attribute == "id":
            # Every id, also one the counting missed: none may collide with the page's own.
            return f"{id_prefix}{value.strip()}"
        if attribute == "style":
            return _clean_style(value, rename, removed_styles)
        if attribute == "href":
            return _safe_href(value, rename)
        if attribute == "encoding":
            return value if value == TEX_ENCODING else None
        if attribute in SVG_PRESENTATION and "\\" in value:
            return None  # presentation attributes are CSS: escapes could spell url(
        if "url(" in value.lower():
            # Presentation attributes (fill, marker-end, …) may point inside the volume only.
            if not only_local_urls(value):
                return None
            return rename_urls(value, rename)
        return value

    safe = _allowlisted(html, attribute_filter)
    deadline.check("sanitizing")
    safe = _settled(safe, deadline)
    after = _count(safe)
    report = Report(
        removed_tags=_shrinkage(before.tags, after.tags),
        removed_attributes=_shrinkage(before.attributes, after.attributes),
        removed_classes=_shrinkage(before.classes, after.classes),
        removed_styles=dict(removed_styles),
    )
    return safe, report


def _allowlisted(html: str, attribute_filter: Callable[[str, str, str], str | None] | None
                 ) -> str:
    return nh3.clean(
        html,
        tags=HTML_TAGS | SVG_TAGS | MATHML_TAGS,
        clean_content_tags=DROP_WITH_CONTENT - (HTML_TAGS | SVG_TAGS | MATHML_TAGS),
        attributes=TAG_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        attribute_filter=attribute_filter,
        url_schemes={"http", "https", "mailto"},
        # No rel is added: external links carry none, and the Referrer-Policy header governs.
        link_rel=None,
        strip_comments=True,
    )


def _settled(safe: str, deadline: Deadline) -> str:
    """The output as a browser's parser will rebuild it. Serialising a parsed tree can write
    markup that parses into another tree (`<li><li>` from a list item moved out of a table);
    parsing again until nothing moves makes what is stored what readers get, and cleaning
    clean output a no-op. The values were filtered already; the allowlists apply again."""
    for _ in range(MAX_SETTLE_PASSES):
        deadline.check("parsing the result again")
        again = _allowlisted(safe, None)
        if again == safe:
            return safe
        safe = again
    return safe


def _shrinkage(before: Counter[str], after: Counter[str]) -> dict[str, int]:
    return {name: before[name] - after[name] for name in sorted(before)
            if before[name] > after[name]}


_CACHE: OrderedDict[tuple[str, str], tuple[str, Report]] = OrderedDict()
_CACHE_SIZE = 512
_CACHE_LOCK = threading.Lock()


def clean_cached(html: str, id_prefix: str = "") -> tuple[str, Report]:
    """`clean`, memoised by content hash: the same volume is sanitized once per process."""
    key = (hashlib.sha256(html.encode("utf-8", "surrogatepass")).hexdigest(), id_prefix)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    result = clean(html, id_prefix)
    with _CACHE_LOCK:
        _CACHE[key] = result
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result
