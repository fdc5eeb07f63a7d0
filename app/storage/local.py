"""The embedded default: the stored document as a JSON file in the data folder."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path

from filelock import FileLock

from study_guide.files import replace_file, stat_key
from study_guide.storage import Change, ConnectionReport, Snapshot, Store, StoredDocumentUnreadable
from study_guide.storage.document import (
    FILENAME,
    DocumentError,
    dump_document,
    empty_document,
    parse_document,
    utc_now,
)
from study_guide.storage.fork import renew_in_every_child

# Longer than any file system's timestamp tick.
RACY_NANOSECONDS = 100_000_000


class LocalStore(Store):
    backend = "local"

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FILENAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._cache_key: tuple | None = None
        self._cached: Snapshot | None = None
        self._cache_guard = threading.Lock()
        self._racy = False
        renew_in_every_child(self)

    def renew(self) -> None:
        # A file lock, so several server processes writing at once never lose a volume.
        self._file_lock = FileLock(str(self.path) + ".lock", timeout=30)

    def _read(self) -> tuple[dict, str]:
        if not self.path.exists():
            return empty_document(), "empty"
        raw = self.path.read_bytes()
        try:
            document = parse_document(raw.decode("utf-8"))
        except (DocumentError, UnicodeDecodeError) as exc:
            raise StoredDocumentUnreadable(
                f"The stored volumes file {self.path} cannot be read: {exc}. Fix the file or "
                "move it aside; nothing is written to it until then.") from exc
        return document, hashlib.sha256(raw).hexdigest()[:16]

    def load(self) -> Snapshot:
        key = stat_key(self.path)
        with self._cache_guard:
            if self._cached is not None and key == self._cache_key and not self._racy:
                return self._cached
        document, version = self._read()
        synced = utc_now()
        snapshot = Snapshot(document=document, version=version, synced_at=synced)
        with self._cache_guard:
            self._cache_key, self._cached = key, snapshot
            # File times are coarse (a clock tick): a file written again within the tick
            # after this read, at the same size and reusing the inode, would look unchanged.
            # So a copy read that soon after the file's time is checked again (as git does).
            self._racy = key is not None and time.time_ns() - key[1] < RACY_NANOSECONDS
        return snapshot

    def modify(self, change: Change) -> dict:
        with self._file_lock:
            document, _ = self._read()
            updated = change(document)
            self._write(dump_document(updated))
        return updated

    def _write(self, text: str) -> None:
        replace_file(self.path, text.encode("utf-8"), durable=True)

    def connection_test(self) -> ConnectionReport:
        report = ConnectionReport(backend=self.backend, location=str(self.path),
                                  file_found=self.path.exists())
        try:
            report.volumes = len(self.load().document["volumes"])
        except StoredDocumentUnreadable as exc:
            report.problem("file_unreadable", exc.message,
                           f"Repair {self.path} (it must be JSON with a \"volumes\" list) or "
                           "move it aside to start with no added volumes.")
        if not os.access(self.path.parent, os.W_OK):
            report.problem("folder_read_only", f"The data folder {self.path.parent} is not "
                           "writable, so volumes cannot be added.",
                           "Give the server's user write access, or set STUDY_GUIDE_DATA_DIR "
                           "to a writable folder.")
        return report

    def describe(self) -> dict:
        return {"backend": self.backend, "location": str(self.path)}
