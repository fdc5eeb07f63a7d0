"""The volumes file of a gist as read from GitHub: its text, the parsed document, and where it
came from."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass

from study_guide.storage import Snapshot, StorageError, StoredDocumentUnreadable
from study_guide.storage.document import (
    FILENAME,
    DocumentError,
    dump_document,
    empty_document,
    parse_document,
    utc_now,
)
from study_guide.storage.github import GistClient


@dataclass(frozen=True)
class GistCopy:
    """The volumes file as last read from the gist, parsed."""

    text: str
    document: dict
    file_found: bool
    revision: str  # the gist revision it was read at ("" when unknown)
    etag: str = ""
    synced_at: str = ""

    def snapshot(self, notice: str = "") -> Snapshot:
        version = hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]
        return Snapshot(document=copy.deepcopy(self.document), version=version,
                        synced_at=self.synced_at, notice=notice)


def copy_of(gist: object, client: GistClient, gist_id: str, etag: str = "") -> GistCopy:
    """The volumes file of a gist (or of one of its revisions), as GitHub answered it."""
    gist = gist if isinstance(gist, dict) else {}
    text = _file_text(gist, client, gist_id)
    history = gist.get("history") or [{}]
    revision = str(history[0].get("version", ""))
    if text is None:
        # A gist without the file yet: an empty document; the first add creates the file.
        empty = empty_document()
        return GistCopy(dump_document(empty), empty, False, revision, etag, utc_now())
    try:
        document = parse_document(text)
    except DocumentError as exc:
        raise StoredDocumentUnreadable(
            f"The file {FILENAME} in gist {gist_id} cannot be read: {exc}. Fix it on "
            "gist.github.com (or restore an earlier revision there); nothing is written to "
            "it until then.") from None
    return GistCopy(text, document, True, revision, etag, utc_now())


def _file_text(gist: dict, client: GistClient, gist_id: str) -> str | None:
    files = gist.get("files") or {}
    file = files.get(FILENAME)
    if file is None:
        if gist.get("truncated"):
            raise StorageError(
                f"Gist {gist_id} has more than 300 files, so GitHub does not list "
                f"{FILENAME}. Keep the volumes file in a gist of its own.", status=502,
                code="gist_too_many_files")
        return None
    content = file.get("content")
    if file.get("truncated") or content is None:
        # The API cuts content at 1 MB; raw_url serves the whole file (up to 10 MB).
        return client.get_raw(file["raw_url"])
    return content
