"""TeX formulas in text: finding `$…$`, `\\(…\\)`, `$$…$$` and `\\[…\\]`, and converting one
to MathML Core with math-core, the TeX source kept in an `annotation`.

A single `$` opens a formula only when a non-space follows it, and closes one only when a
non-space precedes it and no digit follows (Pandoc's rule), so "costs $5 and $10" stays text.
`\\$` is a literal dollar. A formula holds no other `$` and is at most MAX_FORMULA characters
long, which also bounds the search for its end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import math_core

MAX_FORMULA = 2000
OPENER = re.compile(r"\\[(\[]|\$")
CLOSERS = {"\\(": "\\)", "\\[": "\\]", "$$": "$$"}
_CONVERTER = math_core.LatexToMathML(annotation=True, fancy_error=False)


@dataclass(frozen=True)
class Formula:
    start: int
    end: int  # past the closing delimiter
    tex: str  # between the delimiters
    display: bool


class FormulaError(ValueError):
    """TeX that does not convert; the message says where and why."""


def formula_at(text: str, start: int) -> Formula | None:
    """The formula whose opening delimiter starts at `start`, if one does."""
    if start > 0 and text[start - 1] == "\\":
        return None  # `\$`, `\\(`: escaped
    opener = text[start:start + 2]
    if opener in CLOSERS:
        closer = CLOSERS[opener]
        end = text.find(closer, start + 2, start + 2 + MAX_FORMULA + len(closer))
        tex = text[start + 2:end]
        if end < 0 or not tex.strip() or (opener == "$$" and "$" in tex):
            return None
        return Formula(start, end + 2, tex, display=opener != "\\(")
    if not text.startswith("$", start):
        return None
    return _dollar_at(text, start)


def _dollar_at(text: str, start: int) -> Formula | None:
    if start + 1 >= len(text) or text[start + 1].isspace():
        return None
    end = start + 1
    limit = start + 1 + MAX_FORMULA
    while True:
        end = text.find("$", end, limit)
        if end < 0:
            return None
        if text[end - 1] != "\\":
            break
        end += 1
    closes = not text[end - 1].isspace() and not text[end + 1:end + 2].isdigit()
    return Formula(start, end + 1, text[start + 1:end], display=False) if closes else None


def find_formulas(text: str, limit: int | None = None) -> list[Formula]:
    """The formulas of a text (the first `limit` of them), in order, none overlapping."""
    found: list[Formula] = []
    position = 0
    while (limit is None or len(found) < limit) and (match := OPENER.search(text, position)):
        formula = formula_at(text, match.start())
        if formula is None:
            position = match.start() + 1
        else:
            found.append(formula)
            position = formula.end
    return found


def to_mathml(formula: Formula) -> str:
    """MathML Core for one formula, its TeX in `<annotation encoding="application/x-tex">`.
    Raises FormulaError when the TeX does not parse."""
    try:
        return _CONVERTER.convert_with_local_state(formula.tex, displaystyle=formula.display)
    except math_core.LatexError as exc:
        offset, _, reason = str(exc).partition(": ")
        where = f" (at character {int(offset) + 1})" if offset.isdigit() else ""
        raise FormulaError(f"{reason or exc}{where}".rstrip(".") + ".") from exc
