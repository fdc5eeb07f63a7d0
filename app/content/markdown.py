"""Markdown (CommonMark with pipe tables and fenced code) to a volume's HTML, on markdown-it-py.
The result goes through the same sanitizer as pasted HTML.

A TeX formula (`$…$`, `\\(…\\)`, …; see tex.py) is passed through as its text, delimiters
and all, so that Markdown's escapes and emphasis leave its backslashes, `_` and `*` alone; it
is converted to MathML after sanitizing, like a formula in pasted HTML."""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from study_guide.content.tex import formula_at

SECTION_HEADING = "h2"  # `## Title` is a section label: contents, deep links and search see it


def _heading_open(self: RendererHTML, tokens: Sequence[Token], index: int,
                  options: OptionsDict, env: EnvType) -> str:
    if tokens[index].tag == SECTION_HEADING:
        tokens[index].attrSet("class", "sl")
    return self.renderToken(tokens, index, options, env)


def _formula(state: StateInline, silent: bool) -> bool:
    formula = formula_at(state.src, state.pos)
    if formula is None:
        return False
    if not silent:
        state.push("formula", "", 0).content = state.src[formula.start:formula.end]
    state.pos = formula.end
    return True


def _formula_text(self: RendererHTML, tokens: Sequence[Token], index: int,
                  options: OptionsDict, env: EnvType) -> str:
    return escapeHtml(tokens[index].content)


_PARSER = MarkdownIt("commonmark").enable("table")
_PARSER.add_render_rule("heading_open", _heading_open)
_PARSER.inline.ruler.before("escape", "formula", _formula)
_PARSER.add_render_rule("formula", _formula_text)


def markdown_to_html(text: str) -> str:
    return _PARSER.render(text)
