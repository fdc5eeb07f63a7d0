"""Volumes: the record, the built-in catalogue, display order and the stored document format.

The stored document (`study_guide_volumes.json`) holds only the added volumes:
`{"volumes": [{"id", "number", "title", "html", "added_at", ...}]}`. Reading is tolerant: keys
we do not know are kept and written back unchanged, and a record without an id gets one derived
from its content.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import secrets
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from app.errors import AppError
from app.sanitize import MarkupTooDeep, Report, clean_cached

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "volumes"
FILENAME = "study_guide_volumes.json"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # how stored and synced times are written
MAX_NUMBER = 3999  # the largest number a roman numeral writes
METADATA = re.compile(r"\A\s*<!--(.*?)-->", re.DOTALL)
SECTION_LABEL = re.compile(r'<(div|p|h2|h3)( id="[^"]*")? class="sl">', re.IGNORECASE)


class DocumentError(ValueError):
    """The stored document does not parse or has no `volumes` list."""


class VolumeError(AppError):
    """A volume is not acceptable; the message says what to change."""

    status = 400
    code = "bad_input"


@dataclass(frozen=True)
class Volume:
    """One volume as the guide shows it: built-in or added, with its sanitized HTML."""

    id: str
    number: str
    title: str
    subtitle: str
    html: str
    builtin: bool
    added_at: str = ""

    @property
    def anchor(self) -> str:
        return f"vol-{self.number}"

    @cached_property
    def digest(self) -> str:
        """Names this content: the URL of the volume's body changes exactly when it does."""
        return hashlib.sha256(self.html.encode("utf-8", "surrogatepass")).hexdigest()[:16]

    @property
    def numeral(self) -> str:
        return numeral_of(self.number)

    @property
    def sort_key(self) -> tuple[int, str, str]:
        numeric = int(self.number) if self.number.isdigit() else MAX_NUMBER + 1
        return (numeric, self.number, self.id)

    def summary(self) -> dict:
        return {"id": self.id, "number": self.number, "title": self.title,
                "builtin": self.builtin}


def numeral_of(number: str) -> str:
    """How a volume number is shown: in roman numerals when it is a whole number."""
    return roman(int(number)) if number.isdigit() else number


def roman(number: int) -> str:
    """Roman numeral for 1..3999."""
    numerals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = []
    for value, letters in numerals:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def safe_volume(record: dict, builtin: bool) -> tuple[Volume, Report]:
    """A `Volume` from a record, its HTML sanitized (cached by content) and sections anchored."""
    number = str(record.get("number", "")).strip()
    volume_id = str(record["id"])
    try:
        html, report = clean_cached(str(record.get("html", "")), f"{volume_id}-")
    except MarkupTooDeep as exc:
        # A stored volume edited outside the app: show why, keep the rest of the guide.
        html, report = f'<p class="notice">This volume cannot be shown: {exc}</p>', Report()
    volume = Volume(
        id=volume_id,
        number=number,
        title=str(record.get("title", "")).strip(),
        subtitle=str(record.get("subtitle", "")).strip(),
        html=anchor_sections(html, f"vol-{number}"),
        builtin=builtin,
        added_at=str(record.get("added_at", "")),
    )
    return volume, report


def anchor_sections(html: str, anchor: str) -> str:
    """Give every section label a stable deep-link id: `vol-3-01`, `vol-3-02`, ..."""
    counter = iter(range(1, 10_000))

    def label(match: re.Match[str]) -> str:
        return f'<{match.group(1)} id="{anchor}-{next(counter):02d}" class="sl">'

    return SECTION_LABEL.sub(label, html)


# --- built-in catalogue ---------------------------------------------------------------------

def parse_builtin(text: str, name: str) -> dict:
    """Split a built-in file into its metadata comment and its fragment."""
    match = METADATA.match(text)
    if not match:
        raise VolumeError(f"{name}: the file must start with a <!-- number/title/subtitle --> "
                          "comment")
    meta = {}
    for line in match.group(1).strip().splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip().lower()] = value.strip()
    for key in ("number", "title"):
        if not meta.get(key):
            raise VolumeError(f"{name}: the metadata comment has no {key}")
    return {"id": f"builtin-{int(meta['number']):02d}", "number": meta["number"],
            "title": meta["title"], "subtitle": meta.get("subtitle", ""),
            "html": text[match.end():].strip()}


def load_builtins(directory: Path = BUILTIN_DIR) -> list[Volume]:
    """Every built-in volume in the folder, sanitized, in number order."""
    volumes = []
    for path in sorted(directory.glob("*.html")):
        record = parse_builtin(path.read_text(encoding="utf-8"), path.name)
        volumes.append(safe_volume(record, builtin=True)[0])
    return sorted(volumes, key=lambda v: v.sort_key)


# --- the stored document --------------------------------------------------------------------

def empty_document() -> dict:
    return {"volumes": []}


def parse_document(text: str) -> dict:
    """The stored document from its JSON text; raises DocumentError with a reason."""
    if not text.strip():
        raise DocumentError("the stored file is empty")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(f"the stored file is not valid JSON ({exc.msg} at line {exc.lineno}, "
                            f"column {exc.colno})") from exc
    if not isinstance(document, dict) or not isinstance(document.get("volumes"), list):
        raise DocumentError('the stored file has no "volumes" list')
    for index, record in enumerate(document["volumes"]):
        if not isinstance(record, dict):
            raise DocumentError(f"volume {index + 1} in the stored file is not an object")
        if not record.get("id"):
            record["id"] = derived_id(record)
    return document


def dump_document(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def derived_id(record: dict) -> str:
    """A stable id for a record stored without one, from its content."""
    basis = json.dumps([record.get("number"), record.get("title"), record.get("html")],
                       ensure_ascii=False)
    return "d" + hashlib.sha256(basis.encode("utf-8", "surrogatepass")).hexdigest()[:11]


def new_id() -> str:
    return secrets.token_hex(6)


def stored_volumes(document: dict) -> list[tuple[Volume, Report]]:
    """The added volumes of a document, sanitized: stored HTML is untrusted."""
    return [safe_volume(record, builtin=False) for record in document["volumes"]]


def utc_now() -> str:
    """The current time as stored and synced times are written."""
    return datetime.now(UTC).strftime(TIME_FORMAT)


def new_record(number: str, title: str, html: str) -> dict:
    return {"id": new_id(), "number": number, "title": title, "html": html,
            "added_at": utc_now()}


def validate_fields(payload: object) -> tuple[str, str, str]:
    """Number, title and HTML from an API body, trimmed; VolumeError says what is wrong."""
    if not isinstance(payload, dict):
        raise VolumeError('Send a JSON object with "number", "title" and "html".')
    number = payload.get("number")
    number = str(number).strip() if isinstance(number, (str, int)) else ""
    title = payload.get("title")
    title = title.strip() if isinstance(title, str) else ""
    html = payload.get("html")
    if not number:
        raise VolumeError("The volume number is missing: give a whole number such as 10.")
    if not number.isdigit() or not 1 <= int(number) <= MAX_NUMBER:
        raise VolumeError(f"The volume number must be a whole number from 1 to {MAX_NUMBER}; "
                          f"got {number[:20]!r}.")
    if not title:
        raise VolumeError("The title is empty: give the volume a title.")
    if len(title) > 200:
        raise VolumeError("The title is longer than 200 characters: shorten it.")
    if not isinstance(html, str) or not html.strip():
        raise VolumeError("The HTML is empty: paste the volume's HTML.")
    if "\x00" in html or "\x00" in title:
        raise VolumeError("The text contains NUL characters, which are not text: the paste is "
                          "probably a binary file. Paste the volume's HTML instead.")
    return str(int(number)), title, html


# --- changes to the document ----------------------------------------------------------------

def add_record(document: dict, record: dict) -> dict:
    """A copy of the document with the record added (idempotent by id)."""
    result = copy.deepcopy(document)
    if all(existing.get("id") != record["id"] for existing in result["volumes"]):
        result["volumes"].append(copy.deepcopy(record))
    return result


def remove_record(document: dict, volume_id: str) -> dict:
    """A copy of the document without the volume of that id."""
    result = copy.deepcopy(document)
    result["volumes"] = [r for r in result["volumes"] if r.get("id") != volume_id]
    return result


def find_record(document: dict, volume_id: str) -> dict | None:
    return next((r for r in document["volumes"] if r.get("id") == volume_id), None)


def merge_documents(base: dict, theirs: dict, ours: dict) -> dict:
    """Three-way merge by volume id: keep our change and every change another writer made
    between `base` (what we read) and `theirs` (what they wrote)."""
    base_ids = {r["id"] for r in base["volumes"]}
    their_ids = {r["id"] for r in theirs["volumes"]}
    result = copy.deepcopy(ours)
    deleted_by_them = base_ids - their_ids
    result["volumes"] = [r for r in result["volumes"] if r["id"] not in deleted_by_them]
    our_ids = {r["id"] for r in result["volumes"]}
    deleted_by_us = base_ids - {r["id"] for r in ours["volumes"]}
    for record in theirs["volumes"]:
        if record["id"] not in our_ids and record["id"] not in deleted_by_us:
            result["volumes"].append(copy.deepcopy(record))
    for key, value in theirs.items():
        if key != "volumes" and key not in result:
            result[key] = copy.deepcopy(value)
    return result


# --- structure of a volume (for the check command and the content tests) ----------------------

def structure(html: str) -> dict[str, int]:
    """Counts of the parts every volume should have."""
    return {
        "sections": len(re.findall(r'class="sl"', html)),
        "svg": len(re.findall(r"<svg\b", html)),
        "svg_with_viewbox": len(re.findall(r"<svg\b[^>]*\bviewBox=", html)),
        "tables": len(re.findall(r"<table\b", html)),
        "code_blocks": len(re.findall(r"<pre\b", html)),
        "insights": len(re.findall(r'class="insight"', html)),
        "cheat_grids": len(re.findall(r'class="cheat-grid"', html)),
        "flashcards": len(re.findall(r'class="qa"', html)),
        "source_links": len(re.findall(r'<a href="https?://', html.split('class="sources"', 1)[-1]))
        if 'class="sources"' in html else 0,
        "kilobytes": round(len(html.encode("utf-8")) / 1024),
    }


def check_file(path: Path) -> int:
    """Print what the sanitizer removes from a built-in file and its structure; 0 when clean."""
    record = parse_builtin(path.read_text(encoding="utf-8"), path.name)
    volume, report = safe_volume(record, builtin=True)
    print(f"{path.name}: volume {volume.number} ({volume.numeral}) — {volume.title}")
    print("sanitizer removed:", json.dumps(report.as_dict()) if report.changed else "nothing")
    for name, count in structure(record["html"]).items():
        print(f"  {name}: {count}")
    return 1 if report.changed else 0


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] != "check":
        print("usage: python -m app.volumes check FILE.html [FILE.html ...]", file=sys.stderr)
        return 2
    return max(check_file(Path(name)) for name in argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
