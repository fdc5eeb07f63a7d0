"""The reader's search index and contents outline, built from the volumes when the page renders.

The index holds no text of its own: the page carries every word (once the volumes' bodies are
in, which opening search brings about), so the browser cuts snippets from the section in the
DOM, and the index only says which sections hold which words.

    {"version": 1,
     "volumes": [[anchor, numeral, title], ...],
     "sections": [[volume index, element id, title, words], ...],
     "terms": [term, ...],                       sorted in UTF-16 order (JavaScript's)
     "postings": ["3 1:2 a", ...]}               one string per term, sections ascending

A term's postings are space-separated entries, each the gap from the previous section number
(the first from 0) in base 36, then `:count` in base 36 when the term occurs more than once;
"3 1:2 a" is section 3 once, section 4 twice, section 14 once. Text this compact halves the
index against JSON number arrays, and the browser decodes only the terms a query touches.

Tokens are the same in Python and in static/js/search.js: NFC text is split into words (runs of
letters and digits), runs of sub/superscript characters (`wᵢ` gives `w` and `i`, `x²` gives `x`
and `2`) and single non-ASCII maths symbols (`√`, `∂`, `∇`, `≈`); each token is then NFKC
normalised, lower-cased and stripped of accents, and `∑`/`ς` become `σ`, `∏` becomes `π`.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from study_guide.content.volume import Volume

INDEX_VERSION = 1
SUPSUB = ("\u00b2\u00b3\u00b9\u02b0-\u02b8\u1d2c-\u1d6a\u1d9b-\u1dbf\u2070-\u209c"
          "\u2c7c\u2c7d")


def _maths_symbols() -> str:
    """Every non-ASCII character of Unicode category Sm, as a regex class body."""
    chars = [chr(c) for c in range(0x80, 0x20000) if unicodedata.category(chr(c)) == "Sm"]
    return "".join(re.escape(c) for c in chars)


TOKEN = re.compile(f"[{SUPSUB}]+|(?:(?![{SUPSUB}])[^\\W_])+|[{_maths_symbols()}]")
FOLD = str.maketrans({"ς": "σ", "∑": "σ", "∏": "π"})
# Elements whose text runs into its neighbours' (`foo<b>bar</b>` is one word); every other
# element boundary separates words, as the browser side does when it reads a section.
INLINE = {"a", "abbr", "b", "code", "del", "em", "i", "ins", "kbd", "mark", "q", "s", "samp",
          "small", "span", "strong", "u", "var"}
VOID = {"br", "col", "hr", "img", "wbr"}


def normalise(token: str) -> str:
    folded = unicodedata.normalize("NFKC", token).lower()
    stripped = "".join(c for c in unicodedata.normalize("NFD", folded)
                       if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", stripped).translate(FOLD)


def tokens(text: str) -> list[str]:
    """The search tokens of a text, in order."""
    return [normalise(t) for t in TOKEN.findall(unicodedata.normalize("NFC", text))]


@dataclass
class Section:
    """One section of a volume: its label's id and text, and the words under it."""

    id: str
    title: str
    words: list[str] = field(default_factory=list)


def _interned(words: list[str]) -> map:
    """One string object per distinct word, however often it occurs: the outlines of every
    volume are kept (the index of a hundred volumes holds over a million words), and without
    this each occurrence would be an object of its own."""
    return map(sys.intern, words)


class _Outline(HTMLParser):
    """Splits a volume's HTML at its section labels (`.sl`), in document order."""

    def __init__(self, anchor: str) -> None:
        super().__init__(convert_charrefs=True)
        self.sections = [Section(anchor, "")]
        self.parts: list[str] = []
        self.depth = 0
        self.label_depth: int | None = None
        self.label_text: list[str] = []

    def _flush(self) -> None:
        self.sections[-1].words.extend(_interned(tokens("".join(self.parts))))
        self.parts = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in INLINE:
            self.parts.append(" ")
        if tag in VOID:
            return
        self.depth += 1
        attributes = dict(attrs)
        if self.label_depth is None and "sl" in (attributes.get("class") or "").split():
            self._flush()
            self.sections.append(Section(attributes.get("id") or self.sections[0].id, ""))
            self.label_depth = self.depth
            self.label_text = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in INLINE:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if tag not in INLINE:
            self.parts.append(" ")
        if self.label_depth is not None and self.depth == self.label_depth:
            section = self.sections[-1]
            section.title = " ".join("".join(self.label_text).split())
            section.words.extend(_interned(tokens("".join(self.label_text))))
            self.parts = []
            self.label_depth = None
        self.depth -= 1

    def handle_data(self, data: str) -> None:
        (self.label_text if self.label_depth is not None else self.parts).append(data)

    def close(self) -> None:
        super().close()
        self._flush()


@lru_cache(maxsize=512)
def _outline(html: str, anchor: str) -> tuple[Section, ...]:
    parser = _Outline(anchor)
    parser.feed(html)
    parser.close()
    intro, *labelled = parser.sections
    return tuple(([intro] if intro.words else []) + labelled)


def outline(volume: Volume) -> tuple[Section, ...]:
    """The volume's sections in order; text before the first label is a section of its own,
    keyed by the volume's anchor, when there is any. Cached by content."""
    return _outline(volume.html, volume.anchor)


def labelled_sections(volume: Volume) -> list[Section]:
    """The sections that have a label: what the contents sidebar lists."""
    return [s for s in outline(volume) if s.title]


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_SMALL = [_DIGITS[n] if n < 36 else _DIGITS[n // 36] + _DIGITS[n % 36] for n in range(36 * 36)]


def _base36(number: int) -> str:
    if number < len(_SMALL):
        return _SMALL[number]
    digits = ""
    while number:
        number, digit = divmod(number, 36)
        digits = _DIGITS[digit] + digits
    return digits


def _utf16_key(term: str) -> bytes:
    return term.encode("utf-16-be", "surrogatepass")


def build_index(volumes: list[Volume]) -> dict:
    """The search index of these volumes, as a JSON-ready dict (see the module docstring)."""
    sections: list[list] = []
    postings: dict[str, list[str]] = {}
    last: dict[str, int] = {}
    for volume_index, volume in enumerate(volumes):
        for section in outline(volume):
            number = len(sections)
            sections.append([volume_index, section.id, section.title, len(section.words)])
            for term, count in Counter(section.words).items():
                gap = _base36(number - last.get(term, 0))
                postings.setdefault(term, []).append(
                    gap if count == 1 else f"{gap}:{_base36(count)}")
                last[term] = number
    terms = sorted(postings, key=_utf16_key)
    return {
        "version": INDEX_VERSION,
        "volumes": [[v.anchor, v.numeral, v.title] for v in volumes],
        "sections": sections,
        "terms": terms,
        "postings": [" ".join(postings[term]) for term in terms],
    }


# Any change to the code that builds indexes changes every index's name.
_BUILDER = hashlib.sha256(Path(__file__).read_bytes()).digest()


def index_version(volumes: list[Volume]) -> str:
    """Names the index `index_json(volumes)` builds, without building it (a page names its
    index, and building one for many volumes takes a while): the builder's code and what the
    index reads of each volume."""
    digest = hashlib.sha256(_BUILDER)
    for volume in volumes:
        fields = (volume.anchor, volume.numeral, volume.title, volume.digest)
        digest.update(json.dumps(fields, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


def index_json(volumes: list[Volume]) -> str:
    """The index as compact JSON, safe inside a `<script type="application/json">` block:
    `<`, `>` and `&` are escaped, so volume text cannot close the element."""
    text = json.dumps(build_index(volumes), ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

