"""What a person pastes, turned into a volume's content before it is sanitized.

A chat answer rarely holds the volume alone: a sentence before it, a fenced block around it
(often a whole HTML document), a sentence after it. `unwrap` keeps the content and says, in
notes a person reads, each thing it dropped or guessed. It is a pure function of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape

# Invisible characters that chat apps and editors slip into copied text.
INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060]")
FENCE = re.compile(r"^[ \t]{0,3}(?P<marks>`{3,}|~{3,})[ \t]*(?P<info>[^\s`]*)[^\n`]*$")
# What a fenced block holding the volume itself is tagged with; other blocks are code.
VOLUME_LANGUAGES = {"html": "html", "htm": "html", "xhtml": "html", "markdown": "markdown",
                    "md": "markdown", "": "html"}
# A whole document starts so; <body> met inside a fragment is only a tag the sanitizer drops.
DOCUMENT = re.compile(r"\A\s*(?:<!doctype\b|<html[\s>]|<head[\s>]|<body[\s>])", re.IGNORECASE)
BODY = re.compile(r"<body\b[^>]*>(?P<inside>.*?)(?:</body\s*>|\Z)", re.IGNORECASE | re.DOTALL)
HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
TITLE = re.compile(r"<title\b[^>]*>(?P<text>.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
LEADING_H1 = re.compile(r"\A\s*<h1\b[^>]*>(?P<text>.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>")
WRAPPERS = ("main", "article", "section")
MARKDOWN_SIGNS = re.compile(
    r"^(?:#{1,6}[ \t]+\S|[ \t]{0,3}[-*+][ \t]+\S|[ \t]{0,3}\d{1,9}[.)][ \t]+\S|"
    r"[ \t]{0,3}(?:`{3,}|~{3,})|[ \t]*\|.*\|[ \t]*$)", re.MULTILINE)
MARKDOWN_HEADING = re.compile(r"\A\s*#[ \t]+(?P<text>[^\n]+?)[ \t#]*(?:\n|\Z)")
# Chat prose around an unfenced answer is a few short lines; anything longer is content.
MAX_PROSE_LINES = 3
MAX_PROSE_CHARS = 400


@dataclass
class Unwrapped:
    content: str
    format: str  # "html" or "markdown"
    notes: list[str] = field(default_factory=list)
    title: str = ""  # a title found in the paste (<title>, a leading <h1> or # heading)
    cut_off: bool = False  # the answer looks cut off at its end


@dataclass
class _Block:
    info: str
    start: int  # index of its first content line
    end: int  # index after its last content line
    closed: bool


def unwrap(text: str, format: str = "html") -> Unwrapped:
    """The volume inside `text`, as pasted into the HTML box (`format="html"`, where Markdown
    without tags is recognised too) or sent as Markdown (`format="markdown"`)."""
    result = Unwrapped(content=_normalised(text, notes := []), format=format, notes=notes)
    _take_fenced_block(result)
    if result.format == "html":
        if not TAG.search(result.content) and MARKDOWN_SIGNS.search(result.content):
            result.format = "markdown"
            result.notes.append("The text has no HTML tags but reads as Markdown (headings, "
                                "lists, code or tables), so it was converted from Markdown.")
        else:
            _drop_surrounding_prose(result)
            _reduce_document(result)
            _unwrap_single_wrapper(result)
            _take_leading_heading(result, LEADING_H1, "<h1>")
    if result.format == "markdown":
        _take_leading_heading(result, MARKDOWN_HEADING, "# heading")
    result.content = result.content.strip("\n")
    return result


def _normalised(text: str, notes: list[str]) -> str:
    cleaned = INVISIBLE.sub("", text)
    if cleaned != text:
        notes.append("Removed invisible characters (a byte-order mark or zero-width spaces).")
    if "\r" in cleaned:
        cleaned = cleaned.replace("\r\n", "\n").replace("\r", "\n")
    return cleaned


def _fenced_blocks(lines: list[str]) -> list[_Block]:
    """Top-level fenced blocks. Inside one, a fence with a language opens a nested block and a
    bare fence closes the innermost (a Markdown answer fenced with ``` may hold code fences)."""
    blocks: list[_Block] = []
    stack: list[tuple[str, str, int]] = []  # (marks, info, first content line)
    for index, line in enumerate(lines):
        match = FENCE.match(line)
        if not match:
            continue
        marks, info = match["marks"], match["info"].lower()
        bare = not line.strip().lstrip(marks[0]).strip()
        if stack and bare and marks[0] == stack[-1][0][0] and len(marks) >= len(stack[-1][0]):
            opened = stack.pop()
            if not stack:
                blocks.append(_Block(opened[1], opened[2], index, closed=True))
        elif not stack or not bare:
            stack.append((marks, info, index + 1))
    if stack:
        blocks.append(_Block(stack[0][1], stack[0][2], len(lines), closed=False))
    return blocks


def _take_fenced_block(result: Unwrapped) -> None:
    if result.content.lstrip().startswith("<"):
        return  # already HTML: a fence line in it is a code sample's text
    lines = result.content.split("\n")
    # A block tagged html or markdown is the volume; an untagged one only when it holds HTML
    # (in Markdown notes, an untagged block is a code sample).
    blocks = [b for b in _fenced_blocks(lines) if b.info in VOLUME_LANGUAGES and (
        b.info or "\n".join(lines[b.start:b.end]).lstrip().startswith("<"))]
    if not blocks:
        return
    html_blocks = [b for b in blocks if VOLUME_LANGUAGES[b.info] == "html"]
    block = max(html_blocks or blocks, key=lambda b: b.end - b.start)
    before = "\n".join(lines[:max(block.start - 1, 0)]).strip()
    after = "\n".join(lines[block.end + 1:]).strip() if block.closed else ""
    result.content = "\n".join(lines[block.start:block.end])
    if VOLUME_LANGUAGES[block.info] == "markdown":
        result.format = "markdown"
    fence = f"```{block.info}" if block.info else "fenced"
    if before:
        result.notes.append(f"Removed the chat text before the {fence} block.")
    if after:
        result.notes.append(f"Removed the chat text after the {fence} block.")
    result.notes.append(f"Kept the inside of the {fence} block and dropped its fence marks.")
    if not block.closed:
        result.cut_off = True
        result.notes.append(f"The {fence} block was not closed: the answer may have been cut "
                            "off — check the end of the volume.")


def _drop_surrounding_prose(result: Unwrapped) -> None:
    lines = result.content.split("\n")
    tag_lines = [i for i, line in enumerate(lines) if line.lstrip().startswith("<")]
    if not tag_lines:
        return
    first = tag_lines[0]
    closing = [i for i, line in enumerate(lines) if line.rstrip().endswith(">")]
    last = closing[-1] if closing else len(lines) - 1
    before, after = lines[:first], lines[last + 1:]
    if _is_prose(before):
        result.notes.append("Removed the chat text before the HTML.")
        lines = lines[first:]
        last -= first
    if _is_prose(after):
        result.notes.append("Removed the chat text after the HTML.")
        lines = lines[:last + 1]
    result.content = "\n".join(lines)


def _is_prose(lines: list[str]) -> bool:
    text = "\n".join(lines).strip()
    filled = [line for line in lines if line.strip()]
    return (bool(text) and len(filled) <= MAX_PROSE_LINES and len(text) <= MAX_PROSE_CHARS
            and not TAG.search(text))


def _reduce_document(result: Unwrapped) -> None:
    content = result.content
    if not DOCUMENT.search(content):
        return
    title = TITLE.search(content)
    if title:
        result.title = _text_of(title["text"])
    body = BODY.search(content)
    if body:
        inside = body["inside"]
    else:
        head_end = HEAD_END.search(content)
        inside = content[head_end.end():] if head_end else DOCUMENT.sub("", content)
        inside = re.sub(r"</?(?:html|body)\b[^>]*>", "", inside, flags=re.IGNORECASE)
    dropped = [name for name, pattern in (("<title>", r"<title\b"), ("<style>", r"<style\b"),
                                          ("<script>", r"<script\b"), ("<meta>", r"<meta\b"))
               if re.search(pattern, content[:body.start()] if body else content,
                            re.IGNORECASE)]
    head = f"; dropped the <head> with its {' and '.join(dropped)}" if dropped else (
        "; dropped the rest of the document")
    result.content = inside
    result.notes.append(f"Kept the inside of <body>{head}.")


def _unwrap_single_wrapper(result: Unwrapped) -> None:
    content = result.content.strip()
    for name in WRAPPERS:
        opening = re.match(rf"<{name}\b[^>]*>", content, re.IGNORECASE)
        if not opening or not re.search(rf"</{name}\s*>\Z", content, re.IGNORECASE):
            continue
        if len(re.findall(rf"<{name}\b", content, re.IGNORECASE)) != 1:
            return  # several of them: not one wrapper around everything
        result.content = content[opening.end():content.lower().rindex(f"</{name}")]
        result.notes.append(f"Removed the <{name}> element wrapped around the whole volume.")
        return


def _take_leading_heading(result: Unwrapped, pattern: re.Pattern[str], name: str) -> None:
    """A heading opening the content is the volume's title: offer it and drop it."""
    match = pattern.match(result.content)
    if not match:
        return
    heading = _text_of(match["text"])
    result.title = result.title or heading
    result.content = result.content[match.end():]
    result.notes.append(f"Removed the leading {name} ({heading[:80]}): the guide shows the "
                        "volume's title itself.")


def _text_of(html: str) -> str:
    return " ".join(unescape(TAG.sub("", html)).split())
