"""Formulas and code typeset once per content, on sanitized HTML: TeX in text becomes MathML
(tex.py), code blocks get token spans (highlight.py). The sanitizer's output is canonical
(every element closed, `<` and `>` escaped in text and attribute values), so tags and text
split cleanly at `<…>`; what this writes goes through the sanitizer again before it is stored.
"""

from __future__ import annotations

import html as entities
import re
from dataclasses import dataclass, field

from study_guide.content.highlight import guess_language, highlight
from study_guide.content.tex import OPENER, FormulaError, find_formulas, to_mathml

TAG = re.compile(r"<(/?)([a-zA-Z][^\s/>]*)[^>]*>")
# Text inside these is never TeX to convert: code shows TeX literally, maths is converted.
LITERAL = {"code", "pre", "kbd", "samp", "math", "svg", "script", "style", "textarea", "title"}
CODE_BLOCK = re.compile(r"<pre([^>]*)><code([^>]*)>([^<]*)</code></pre>")
LANGUAGE = re.compile(r"\blanguage-([\w+-]+)")
MAX_NOTES = 10


@dataclass
class Typeset:
    html: str
    notes: list[str] = field(default_factory=list)


def typeset(safe_html: str) -> Typeset:
    """Sanitized HTML with its formulas in MathML and its code blocks highlighted, and a note
    for each formula that stayed text."""
    failures: list[str] = []
    html = _typeset_formulas(CODE_BLOCK.sub(_highlight_block, safe_html), failures)
    notes = failures[:MAX_NOTES]
    if len(failures) > MAX_NOTES:
        notes.append(f"{len(failures) - MAX_NOTES} more formulas stayed text for such reasons.")
    return Typeset(html, notes)


def _highlight_block(match: re.Match[str]) -> str:
    pre, code, text = match.groups()
    source = entities.unescape(text)
    language = LANGUAGE.search(code)
    name = language.group(1) if language else guess_language(source)
    spans = highlight(source, name) if name and source.strip() else None
    if spans is None:
        return match.group(0)
    if not language:
        code = f'{code} class="language-{name}"' if "class=" not in code else \
            code.replace('class="', f'class="language-{name} ', 1)
    return f"<pre{pre}><code{code}>{spans}</code></pre>"


def _typeset_formulas(html: str, failures: list[str]) -> str:
    if not OPENER.search(html):
        return html
    out = []
    literal = 0  # depth inside LITERAL elements
    position = 0
    for tag in TAG.finditer(html):
        out.append(_text(html[position:tag.start()], failures) if not literal
                   else html[position:tag.start()])
        out.append(tag.group(0))
        position = tag.end()
        if tag.group(2).lower() in LITERAL and not tag.group(0).endswith("/>"):
            literal = max(literal + (-1 if tag.group(1) else 1), 0)
    out.append(_text(html[position:], failures) if not literal else html[position:])
    return "".join(out)


def _text(escaped: str, failures: list[str]) -> str:
    if "$" not in escaped and "\\" not in escaped:
        return escaped
    text = entities.unescape(escaped)
    formulas = find_formulas(text)
    if not formulas:
        return escaped
    out = []
    position = 0
    for formula in formulas:
        out.append(entities.escape(text[position:formula.start], quote=False))
        source = text[formula.start:formula.end]
        try:
            out.append(to_mathml(formula))
        except FormulaError as exc:
            failures.append(f"The formula {_quoted(source)} stays as text: {exc}")
            out.append(entities.escape(source, quote=False))
        position = formula.end
    out.append(entities.escape(text[position:], quote=False))
    return "".join(out)


def _quoted(source: str, limit: int = 80) -> str:
    return f"“{source if len(source) <= limit else source[:limit] + '…'}”"
