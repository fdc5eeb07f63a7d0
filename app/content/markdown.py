"""Markdown (CommonMark with pipe tables and fenced code) to a volume's HTML, on markdown-it-py.
The result goes through the same sanitizer as pasted HTML."""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

SECTION_HEADING = "h2"  # `## Title` is a section label: contents, deep links and search see it


def _heading_open(self: RendererHTML, tokens: Sequence[Token], index: int,
                  options: OptionsDict, env: EnvType) -> str:
    if tokens[index].tag == SECTION_HEADING:
        tokens[index].attrSet("class", "sl")
    return self.renderToken(tokens, index, options, env)


_PARSER = MarkdownIt("commonmark").enable("table")
_PARSER.add_render_rule("heading_open", _heading_open)


def markdown_to_html(text: str) -> str:
    return _PARSER.render(text)
