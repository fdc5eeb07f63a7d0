"""What GitHub last answered about the gist, shared by every process on one data folder.

Two files in the data folder: the last good copy of the volumes file (also what a restart or a
GitHub outage starts from), and a small check file saying what GitHub answered last, and, by
its time, when. A process takes another's answer while it is younger than the cache period,
so readers cost GitHub at most one request per period however many processes serve them.
"""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

from study_guide.errors import AppError
from study_guide.files import replace_file, stat_key
from study_guide.storage import Snapshot
from study_guide.storage.document import parse_document
from study_guide.storage.gist_copy import GistCopy

CACHE_FILE = "gist_cache.json"
CHECK_FILE = "gist_check.json"  # when GitHub was last asked, and what went wrong if anything
# While GitHub fails, the period doubles with each failed ask (from at least OUTAGE_FIRST
# seconds, whatever GIST_CACHE_SECONDS says) up to OUTAGE_LONGEST: an outage of hours costs
# a dozen requests, and a short one is noticed within a minute or two of its end.
OUTAGE_FIRST = 15.0
OUTAGE_LONGEST = 600.0

Outcome = Snapshot | AppError  # what a read of the gist gives readers


def _write_if_possible(path: Path, text: str) -> None:
    """Replace `path` whole. These files are conveniences (for outages, and for the other
    processes): a full disk must not fail a read, so it is only skipped."""
    with contextlib.suppress(OSError):
        replace_file(path, text.encode("utf-8"))


class SharedGistCache:
    def __init__(self, data_dir: Path, gist_id: str, period: float) -> None:
        self.gist_id = gist_id
        self.period = period
        self.cache_path = data_dir / CACHE_FILE
        self.check_path = data_dir / CHECK_FILE
        self._outcome: Outcome | None = None
        self._checked_at = float("-inf")
        self._copy: GistCopy | None = None
        self._copy_key: tuple | None = None  # the cache file's stat when _copy was read
        self._check_key: tuple | None = None  # the check file's stat when last taken
        self.failures = 0  # asks in a row that GitHub failed (0: it answered last time)

    def _period(self, failures: int) -> float:
        if not failures:
            return self.period
        return min(max(self.period, OUTAGE_FIRST) * 2 ** (failures - 1), OUTAGE_LONGEST)

    def recent(self) -> Outcome | None:
        """This process's last answer, while it is within the period and no other process has
        asked GitHub or written since (one stat of the check file)."""
        age = time.monotonic() - self._checked_at
        if age >= self._period(self.failures) or stat_key(self.check_path) != self._check_key:
            return None
        return self._outcome

    def shared(self) -> Outcome | None:
        """The answer any process on this folder recorded within the period, if there is one."""
        key = stat_key(self.check_path)
        if key is None:
            return None
        age = time.time() - key[1] / 1e9
        if not 0 <= age < max(self.period, OUTAGE_LONGEST):
            return None
        try:
            check = json.loads(self.check_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(check, dict) or check.get("gist_id") != self.gist_id:
            return None
        failures = check.get("failures", 0)
        failures = failures if isinstance(failures, int) else 0
        if age >= self._period(failures):
            return None
        known = self.known_copy()
        error = check.get("error")
        if isinstance(error, dict):
            outcome: Outcome = AppError(
                str(error.get("message", "")), status=int(error.get("status", 503)),
                code=str(error.get("code", "github_unreachable")),
                retry_after=error.get("retry_after"))
        elif known is not None:
            outcome = known.snapshot(notice=str(check.get("notice", "")))
        else:
            return None
        self._take(outcome, key, age, failures)
        return outcome

    def record(self, outcome: Outcome, *, failed: bool) -> None:
        """Tell the other processes on this data folder what GitHub answered, and when;
        `failed` when GitHub failed (the outcome may still be the last good copy)."""
        failures = self.failures + 1 if failed else 0
        check: dict = {"gist_id": self.gist_id, "failures": failures}
        if isinstance(outcome, AppError):
            check["error"] = {"message": outcome.message, "status": outcome.status,
                              "code": outcome.code, "retry_after": outcome.retry_after}
        else:
            check["notice"] = outcome.notice
        _write_if_possible(self.check_path, json.dumps(check))
        self._take(outcome, stat_key(self.check_path), 0.0, failures)

    def _take(self, outcome: Outcome, check_key: tuple | None, age: float,
              failures: int) -> None:
        self._outcome, self._check_key, self.failures = outcome, check_key, failures
        self._checked_at = time.monotonic() - age

    def known_copy(self) -> GistCopy | None:
        """The last good copy: in memory, unless the data folder holds a newer one (another
        process asked GitHub or wrote since), which is also what a restart starts from."""
        key = stat_key(self.cache_path)
        if self._copy is not None and key == self._copy_key:
            return self._copy
        try:
            saved = json.loads(self.cache_path.read_text(encoding="utf-8"))
            if saved.get("gist_id") != self.gist_id:
                return self._copy  # a copy of another gist: GIST_ID changed
            self._copy = GistCopy(saved["text"], parse_document(saved["text"]),
                                  bool(saved["file_found"]), saved.get("revision", ""),
                                  saved.get("etag", ""), saved.get("synced_at", ""))
            self._copy_key = key
        except (OSError, ValueError, KeyError, TypeError):
            return self._copy
        return self._copy

    def last_copy(self) -> GistCopy | None:
        """The copy in memory, or else the folder's: for status lines, no GitHub request."""
        return self._copy or self.known_copy()

    def keep(self, fresh: GistCopy) -> None:
        """Remember a good copy in memory and in the data folder (atomic replace)."""
        self._copy = fresh
        saved = {"gist_id": self.gist_id, "text": fresh.text, "file_found": fresh.file_found,
                 "revision": fresh.revision, "etag": fresh.etag, "synced_at": fresh.synced_at}
        _write_if_possible(self.cache_path, json.dumps(saved, ensure_ascii=False))
        self._copy_key = stat_key(self.cache_path)
