"""`url(...)` references in CSS values (style attributes and SVG presentation attributes),
found in time linear in the value: an unclosed `url(` runs to the end of the value, so a
value that opens `url(` again and again is read once, not once per `url(`."""

from __future__ import annotations

import re

# No `\s*` before the reference (it would overlap `[^)]*`), and no way to fail once `url(`
# matched: the reference ends at `)` or at the end of the value.
CSS_URL = re.compile(r"url\(([^)]*)(?:\)|\Z)", re.IGNORECASE)
LOCAL_REF = re.compile(r"#[A-Za-z][\w.:-]*")


def reference(raw: str) -> str:
    """A url(...)'s reference without the whitespace and quotes around it."""
    return raw.strip(" \t\n\r\f'\"")


def only_local_urls(value: str) -> bool:
    """True when every url(...) in `value` points inside the page (`url(#id)`)."""
    return all(LOCAL_REF.fullmatch(reference(raw)) for raw in CSS_URL.findall(value))


def rename_urls(value: str, rename: dict[str, str]) -> str:
    """`value` with each url(#id) pointing at the id as renamed."""
    def renamed(match: re.Match[str]) -> str:
        target = reference(match.group(1)).lstrip("#")
        return f"url(#{rename.get(target, target)})"

    return CSS_URL.sub(renamed, value)
