"""The worst cases for time that HTML can be built into, by size: bench/hostile.py times them
at 100 KB and 1 MB, tests/test_linear_time.py checks that their time grows linearly."""

from __future__ import annotations

from collections.abc import Callable


def _fill(head: str, unit: Callable[[int], str], tail: str, size: int) -> str:
    """`head`, then `unit(i)` for i = 0, 1, ... until `size` bytes, then `tail`."""
    parts, total, index = [head], len(head) + len(tail), 0
    while total < size:
        part = unit(index)
        parts.append(part)
        total += len(part)
        index += 1
    return "".join(parts) + tail


# name -> size -> HTML. The unit sizes give the counts at 1 MB (50,000 attributes,
# 200,000 entities, 40,000 paths, 100,000 <p>, 50,000 comments) and a tenth of them at 100 KB.
CASES: dict[str, Callable[[int], str]] = {
    "url( in style attribute": lambda n: _fill(
        '<p style="background: ', lambda i: "url(", '">x</p>', n),
    "url( in <style>": lambda n: _fill(
        "<style>p { background: ", lambda i: "url(", "</style><p>x</p>", n),
    "/* in style attribute": lambda n: _fill(
        '<p style="color: red; ', lambda i: "/* ", '">x</p>', n),
    "50,000 attributes": lambda n: _fill(
        "<p", lambda i: f' a{i:07d}="v{i % 10:08d}"', ">x</p>", n),
    "one 1 MB attribute": lambda n: _fill('<p title="', lambda i: "a" * 1000, '">x</p>', n),
    "50,000 unclosed comments": lambda n: _fill("<p>x</p>", lambda i: "<!-- unclosed  ", "", n),
    "200,000 entities": lambda n: _fill(
        "<p>", lambda i: ("&amp;", "&#60;", "&lt;;", "&#x3;")[i % 4], "</p>", n),
    "SVG of 40,000 paths": lambda n: _fill(
        '<svg viewBox="0 0 9 9">', lambda i: '<path d="M0 0L9 9"/>', "</svg>", n),
    "100,000 unclosed <p>": lambda n: _fill("", lambda i: "<p>unclos", "", n),
    "tags and quotes never closed": lambda n: _fill("<p>x</p>", lambda i: "<a b='", "", n),
}
