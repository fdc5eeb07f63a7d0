"""The stored document, `study_guide_volumes.json`: the added volumes as records.

`{"volumes": [{"id", "number", "title", "html", "added_at", ...}]}`. Reading is tolerant: keys
we do not know are kept and written back unchanged, and a record without an id gets one derived
from its content. Changes return a new document and leave the one given untouched.
"""

from __future__ import annotations

import copy
import hashlib
import json
import secrets
from datetime import UTC, datetime

FILENAME = "study_guide_volumes.json"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # how stored and synced times are written


class DocumentError(ValueError):
    """The stored document does not parse or has no `volumes` list."""


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
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A record written elsewhere holds a lone surrogate (JSON allows "\ud800"): written
        # as escapes, it is kept as it came, and the file stays valid UTF-8.
        text = json.dumps(document, indent=1) + "\n"
    return text


def derived_id(record: dict) -> str:
    """A stable id for a record stored without one, from its content."""
    basis = json.dumps([record.get("number"), record.get("title"), record.get("html")],
                       ensure_ascii=False)
    return "d" + hashlib.sha256(basis.encode("utf-8", "surrogatepass")).hexdigest()[:11]


def new_id() -> str:
    return secrets.token_hex(6)


def utc_now() -> str:
    """The current time as stored and synced times are written."""
    return datetime.now(UTC).strftime(TIME_FORMAT)


def readable_time(iso: str | None) -> str:
    """`2026-11-22T10:00:00Z` as `2026-11-22 10:00 UTC`; anything else unchanged."""
    try:
        return datetime.strptime(iso or "", TIME_FORMAT).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return iso or ""


def new_record(number: str, title: str, html: str, **fields: str) -> dict:
    """A record for a new volume; `fields` are further keys (a Markdown volume's source)."""
    return {"id": new_id(), "number": number, "title": title, "html": html,
            "added_at": utc_now()} | fields


def add_record(document: dict, record: dict) -> dict:
    """A copy of the document with the record added (idempotent by id)."""
    result = copy.deepcopy(document)
    if all(existing.get("id") != record["id"] for existing in result["volumes"]):
        result["volumes"].append(copy.deepcopy(record))
    return result


def replace_record(document: dict, record: dict) -> dict:
    """A copy of the document with the record of that id replaced, in its place (added at the
    end when there is none)."""
    result = copy.deepcopy(document)
    volumes = result["volumes"]
    for index, existing in enumerate(volumes):
        if existing.get("id") == record["id"]:
            volumes[index] = copy.deepcopy(record)
            return result
    volumes.append(copy.deepcopy(record))
    return result


def remove_record(document: dict, volume_id: str) -> dict:
    """A copy of the document without the volume of that id."""
    result = copy.deepcopy(document)
    result["volumes"] = [r for r in result["volumes"] if r.get("id") != volume_id]
    return result


def find_record(document: dict, volume_id: str) -> dict | None:
    return next((r for r in document["volumes"] if r.get("id") == volume_id), None)
