"""Tags found in untrusted HTML in one left-to-right pass, in time linear in its length.

The sanitizer's own checks (how deep elements nest, how many attributes one element carries,
what the report counts, whether anything visible is left) read tags before and after nh3.
A pattern like `<name(?:[^>"']|"[^"]*")*>` fails when the `>` or a closing quote never comes,
and is then retried from every later `<`: a megabyte of `<a b='` took minutes. `TAG` cannot
fail once `<name` matched (an unclosed value or tag ends at the end of the text) and cannot
backtrack (possessive quantifiers), so each character is read once.
"""

from __future__ import annotations

import re

TAG = re.compile(r"""<(/?)([a-zA-Z][^\s/>]*+)((?:[^>"']++|"[^"]*+"?+|'[^']*+'?+)*+)(?:>|\Z)""")


def tags(html: str) -> list[tuple[str, str, str]]:
    """(`/` or "", name as written, the text between the name and the `>`) of every start
    and end tag, in order. Comments and raw text are not told apart: callers that care remove
    them first (with patterns that end at the end of the text)."""
    return TAG.findall(html)


def without_tags(html: str) -> str:
    """The text outside the tags, with a space where each tag was."""
    return TAG.sub(" ", html)
