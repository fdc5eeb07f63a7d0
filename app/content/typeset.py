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
from study_guide.content.sanitize import nesting_depth
from study_guide.content.tex import OPENER, Formula, FormulaError, find_formulas, to_mathml

TAG = re.compile(r"<(/?)([a-zA-Z][^\s/>]*)[^>]*>")
# Text inside these is never TeX to convert: code shows TeX literally, maths is converted.
LITERAL = {"code", "pre", "kbd", "samp", "math", "svg", "script", "style", "textarea", "title"}
CODE_BLOCK = re.compile(r"<pre([^>]*)><code([^>]*)>([^<]*)</code></pre>")
LANGUAGE = re.compile(r"\blanguage-([\w+-]+)")
MAX_NOTES = 10
# Bounds that keep one volume's typesetting to about a second: past them, formulas stay TeX and
# code stays plain (a built-in volume has under 100 formulas and 25,000 characters of code).
MAX_FORMULAS = 2000
MAX_HIGHLIGHTED = 100_000  # characters of code
MAX_FORMULA_DEPTH = 100  # elements nested in one formula's MathML


@dataclass
class Typeset:
    html: str
    notes: list[str] = field(default_factory=list)


def typeset(safe_html: str) -> Typeset:
    """Sanitized HTML with its formulas in MathML and its code blocks highlighted, and a note
    for each formula that stayed text."""
    work = _Work()
    html = _typeset_formulas(CODE_BLOCK.sub(work.highlight_block, safe_html), work)
    notes = work.failures[:MAX_NOTES]
    if len(work.failures) > MAX_NOTES:
        notes.append(f"{len(work.failures) - MAX_NOTES} more formulas stayed text for such "
                     "reasons.")
    if work.formulas > MAX_FORMULAS:
        notes.append(f"Only the first {MAX_FORMULAS} formulas were typeset; the others stay "
                     "as TeX. Split the volume to typeset them all.")
    if work.code_left < 0:
        notes.append(f"Only the first {MAX_HIGHLIGHTED:,} characters of code were coloured; "
                     "the later code blocks stay plain.")
    return Typeset(html, notes)


@dataclass
class _Work:
    """One volume's typesetting: what failed and what is left of its bounds."""

    failures: list[str] = field(default_factory=list)
    formulas: int = 0  # found so far; one past MAX_FORMULAS means "and more"
    code_left: int = MAX_HIGHLIGHTED

    def highlight_block(self, match: re.Match[str]) -> str:
        pre, code, text = match.groups()
        source = entities.unescape(text)
        if not source.strip() or self.code_left < 0:
            return match.group(0)
        self.code_left -= len(source)
        if self.code_left < 0:
            return match.group(0)
        language = LANGUAGE.search(code)
        name = language.group(1) if language else guess_language(source)
        spans = highlight(source, name) if name else None
        if spans is None:
            return match.group(0)
        if not language:
            code = f'{code} class="language-{name}"' if "class=" not in code else \
                code.replace('class="', f'class="language-{name} ', 1)
        return f"<pre{pre}><code{code}>{spans}</code></pre>"

    def formula(self, source: str, formula: Formula) -> str:
        """The formula as MathML, or its TeX (escaped) when it fails."""
        self.formulas += 1
        try:
            mathml = to_mathml(formula)
            if nesting_depth(mathml) > MAX_FORMULA_DEPTH:
                raise FormulaError(f"it nests more than {MAX_FORMULA_DEPTH} levels deep.")
            return mathml
        except FormulaError as exc:
            self.failures.append(f"The formula {_quoted(source)} stays as text: {exc}")
            return entities.escape(source, quote=False)


def _typeset_formulas(html: str, work: _Work) -> str:
    if not OPENER.search(html):
        return html
    out = []
    literal = 0  # depth inside LITERAL elements
    position = 0
    for tag in TAG.finditer(html):
        out.append(_text(html[position:tag.start()], work) if not literal
                   else html[position:tag.start()])
        out.append(tag.group(0))
        position = tag.end()
        if tag.group(2).lower() in LITERAL and not tag.group(0).endswith("/>"):
            literal = max(literal + (-1 if tag.group(1) else 1), 0)
    out.append(_text(html[position:], work) if not literal else html[position:])
    return "".join(out)


def _text(escaped: str, work: _Work) -> str:
    if "$" not in escaped and "\\" not in escaped:
        return escaped
    text = entities.unescape(escaped)
    # Past the bound, one more formula found is enough to say so.
    formulas = find_formulas(text, limit=max(MAX_FORMULAS - work.formulas, 0) + 1)
    if not formulas:
        return escaped
    out = []
    position = 0
    for formula in formulas:
        if work.formulas >= MAX_FORMULAS:
            work.formulas = MAX_FORMULAS + 1
            break
        out.append(entities.escape(text[position:formula.start], quote=False))
        out.append(work.formula(text[formula.start:formula.end], formula))
        position = formula.end
    out.append(entities.escape(text[position:], quote=False))
    return "".join(out)


def _quoted(source: str, limit: int = 80) -> str:
    return f"“{source if len(source) <= limit else source[:limit] + '…'}”"
