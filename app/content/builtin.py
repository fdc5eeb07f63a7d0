"""The built-in volumes: one HTML file each in the package's `volumes/` folder, opening with a
metadata comment (number, title, subtitle), and the structure check their authors run
(`study-guide check-volume FILE.html`)."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable

from study_guide.content.sanitize import clean
from study_guide.content.typeset import typeset
from study_guide.content.volume import Volume, VolumeError, safe_volume

METADATA = re.compile(r"\A\s*<!--(.*?)-->", re.DOTALL)


def builtin_folder() -> Traversable:
    return files("study_guide") / "volumes"


def builtin_files(directory: Traversable | None = None) -> list[Traversable]:
    """The volume files of the folder (the package's own by default), by name."""
    directory = directory or builtin_folder()
    return sorted((p for p in directory.iterdir() if p.name.endswith(".html")),
                  key=lambda p: p.name)


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


def typeset_record(record: dict) -> dict:
    """The record with its formulas and code typeset, as an add would store them."""
    return record | {"html": _typeset_html(record["html"])}


@lru_cache(maxsize=32)
def _typeset_html(html: str) -> str:
    # Once per process and content: each app the process makes (tests make many) reuses it.
    return typeset(clean(html)[0]).html


def load_builtins(directory: Traversable | None = None) -> list[Volume]:
    """Every built-in volume in the folder, sanitized and typeset, in number order."""
    volumes = []
    for path in builtin_files(directory):
        record = parse_builtin(path.read_text(encoding="utf-8"), path.name)
        volumes.append(safe_volume(typeset_record(record), builtin=True)[0])
    return sorted(volumes, key=lambda v: v.sort_key)


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


def check_file(path: Traversable) -> int:
    """Print what the sanitizer removes from a built-in file, as written and once typeset, and
    its structure; 0 when clean."""
    record = parse_builtin(path.read_text(encoding="utf-8"), path.name)
    volume, report = safe_volume(record, builtin=True)
    typeset_report = safe_volume(typeset_record(record), builtin=True)[1]
    print(f"{path.name}: volume {volume.number} ({volume.numeral}) — {volume.title}")
    print("sanitizer removed:", json.dumps(report.as_dict()) if report.changed else "nothing")
    if typeset_report.changed:
        print("sanitizer removed once typeset:", json.dumps(typeset_report.as_dict()))
    for name, count in structure(record["html"]).items():
        print(f"  {name}: {count}")
    return 1 if report.changed or typeset_report.changed else 0
