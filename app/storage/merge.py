"""Three-way merge of stored documents by volume id, for writers that raced each other."""

from __future__ import annotations

import copy


def merge_documents(base: dict, theirs: dict, ours: dict) -> dict:
    """Keep our change and every change another writer made between `base` (what we read)
    and `theirs` (what they wrote): their additions and deletions, and their edits of volumes
    we left as they were. Where both changed one volume, ours wins; a volume we edited stays
    even if they deleted it."""
    base_records = {r["id"]: r for r in base["volumes"]}
    their_records = {r["id"]: r for r in theirs["volumes"]}
    base_ids = set(base_records)
    their_ids = set(their_records)
    result = copy.deepcopy(ours)
    deleted_by_them = base_ids - their_ids
    result["volumes"] = [
        copy.deepcopy(their_records[r["id"]]) if _edited_by_them(r, base_records, their_records)
        else r
        for r in result["volumes"]
        if r["id"] not in deleted_by_them or r != base_records[r["id"]]]
    our_ids = {r["id"] for r in result["volumes"]}
    deleted_by_us = base_ids - {r["id"] for r in ours["volumes"]}
    for record in theirs["volumes"]:
        if record["id"] not in our_ids and record["id"] not in deleted_by_us:
            result["volumes"].append(copy.deepcopy(record))
    for key, value in theirs.items():
        if key != "volumes" and key not in result:
            result[key] = copy.deepcopy(value)
    return result


def _edited_by_them(ours: dict, base: dict[str, dict], theirs: dict[str, dict]) -> bool:
    volume_id = ours["id"]
    return (volume_id in base and volume_id in theirs and ours == base[volume_id]
            and theirs[volume_id] != base[volume_id])


def present_in(base: dict, theirs: dict) -> dict:
    """The base without what `theirs` lacks: to merge_documents, "they deleted nothing"."""
    their_ids = {r["id"] for r in theirs["volumes"]}
    return base | {"volumes": [r for r in base["volumes"] if r["id"] in their_ids]}
