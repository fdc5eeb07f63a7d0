"""Gist storage: the stored document is the file `study_guide_volumes.json` of one gist.

Reads cost GitHub at most one conditional request per `GIST_CACHE_SECONDS`, however many
processes serve on one data folder: the process that asks records its answer there (the last
good copy, and a small file saying when GitHub was last asked and what it said), and the
others take that answer until the period is over. The last good copy also serves when GitHub
is down. A gist has no optimistic concurrency (`If-Match` is refused), so writes lose nothing
another way: each write re-reads the document, applies its one change, writes, then reads the
revision list; if another writer's revision landed between the one read and ours, ours dropped
its changes, so they are merged back by volume id and written again.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import os
import random
import re
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from filelock import FileLock, Timeout

from app.config import Settings, mask
from app.errors import AppError
from app.files import replace_file
from app.github import GistClient, GistNotFound, GitHubError, GitHubUnavailable, RateLimited
from app.storage import (
    Change,
    ConnectionReport,
    DocumentTooLarge,
    Snapshot,
    StorageError,
    Store,
    StoredDocumentUnreadable,
    readable_time,
    stat_key,
)
from app.volumes import (
    FILENAME,
    DocumentError,
    dump_document,
    empty_document,
    find_record,
    merge_documents,
    parse_document,
    utc_now,
)

CACHE_FILE = "gist_cache.json"
CHECK_FILE = "gist_check.json"  # when GitHub was last asked, and what went wrong if anything
LOCK_FILE = "gist.lock"
READ_LOCK_FILE = "gist-read.lock"
# raw_url serves a file back only up to 10 MB; the margin covers a merge adding volumes.
MAX_DOCUMENT_BYTES = 9_500_000
# Each extra write merges the writers who landed during the previous one. Writers that keep
# colliding back off for a random moment, so they stop landing in each other's window.
MAX_WRITES = 12
MERGE_BACKOFF_SECONDS = 0.05
MAX_MERGED_REVISIONS = 20
VERSION = re.compile(r"[0-9a-f]{7,64}")

_PROCESS_GUARD = threading.Lock()


def _write_if_possible(path: Path, text: str) -> None:
    """Replace `path` whole. The files it writes are conveniences (for outages, and for the
    other processes): a full disk must not fail a read, so it is only skipped."""
    with contextlib.suppress(OSError):
        replace_file(path, text.encode("utf-8"))


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


class GistStore(Store):
    backend = "gist"

    def __init__(self, settings: Settings, client: GistClient | None = None) -> None:
        self.settings = settings
        self.gist_id = settings.gist_id
        self.cache_path = Path(settings.data_dir) / CACHE_FILE
        self.check_path = Path(settings.data_dir) / CHECK_FILE
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        self._given_client = client
        self._pid = 0
        self._outcome: Snapshot | AppError | None = None
        self._checked_at = float("-inf")
        self._copy: GistCopy | None = None
        self._copy_key: tuple | None = None  # the cache file's stat when _copy was read
        self._check_key: tuple | None = None  # the check file's stat when last taken
        self._revision_volumes: dict[str, tuple[bool, list[dict]]] = {}

    # --- per-process state -------------------------------------------------------------------

    def _ensure_process(self) -> None:
        """Sessions, locks and file locks are made per process: gunicorn forks the app after
        building it, and none of them may cross a fork."""
        if self._pid == os.getpid():
            return
        with _PROCESS_GUARD:
            if self._pid == os.getpid():
                return
            self.client = self._given_client or GistClient(self.settings.github_api_url,
                                                           self.settings.github_token)
            self._fetch_guard = threading.Lock()
            self._file_lock = FileLock(str(self.cache_path.parent / LOCK_FILE), timeout=60)
            self._read_lock = FileLock(str(self.cache_path.parent / READ_LOCK_FILE), timeout=60)
            self._pid = os.getpid()

    # --- reading -----------------------------------------------------------------------------

    def load(self) -> Snapshot:
        self._ensure_process()
        outcome = self._cached_outcome()
        if outcome is None:
            # One reader per process asks; the others wait here and then take its answer.
            with self._fetch_guard:
                outcome = self._cached_outcome()
                if outcome is None:
                    outcome = self._shared_or_refreshed()
        if isinstance(outcome, AppError):
            raise outcome
        return outcome

    def _cached_outcome(self) -> Snapshot | AppError | None:
        """This process's last answer, while it is within the period and no other process has
        asked GitHub or written since (one stat of the check file)."""
        age = time.monotonic() - self._checked_at
        if age >= self.settings.gist_cache_seconds or stat_key(self.check_path) != self._check_key:
            return None
        return self._outcome

    def _shared_or_refreshed(self) -> Snapshot | AppError:
        """Another process's answer from within the period, or GitHub's, asked by one process
        at a time on this data folder."""
        outcome = self._shared_outcome()
        if outcome is None:
            try:
                with self._read_lock:
                    outcome = self._shared_outcome()  # it may have asked while we waited
                    if outcome is None:
                        outcome = self._asked_and_recorded()
            except Timeout:
                outcome = self._asked_and_recorded()
        return outcome

    def _asked_and_recorded(self) -> Snapshot | AppError:
        outcome = self._refresh()
        self._record_check(outcome)
        return outcome

    def _record_check(self, outcome: Snapshot | AppError) -> None:
        """Tell the other processes on this data folder what GitHub answered, and when."""
        check: dict = {"gist_id": self.gist_id}
        if isinstance(outcome, AppError):
            check["error"] = {"message": outcome.message, "status": outcome.status,
                              "code": outcome.code, "retry_after": outcome.retry_after}
        else:
            check["notice"] = outcome.notice
        _write_if_possible(self.check_path, json.dumps(check))
        self._take(outcome, stat_key(self.check_path), age=0.0)

    def _shared_outcome(self) -> Snapshot | AppError | None:
        """The answer another process recorded within the period, if there is one."""
        key = stat_key(self.check_path)
        if key is None:
            return None
        age = time.time() - key[1] / 1e9
        if not 0 <= age < self.settings.gist_cache_seconds:
            return None
        try:
            check = json.loads(self.check_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(check, dict) or check.get("gist_id") != self.gist_id:
            return None
        known = self._known_copy()
        error = check.get("error")
        if isinstance(error, dict):
            outcome: Snapshot | AppError = AppError(
                str(error.get("message", "")), status=int(error.get("status", 503)),
                code=str(error.get("code", "github_unavailable")),
                retry_after=error.get("retry_after"))
        elif known is not None:
            outcome = known.snapshot(notice=str(check.get("notice", "")))
        else:
            return None
        self._take(outcome, key, age)
        return outcome

    def _take(self, outcome: Snapshot | AppError, check_key: tuple | None, age: float) -> None:
        self._outcome, self._check_key = outcome, check_key
        self._checked_at = time.monotonic() - age

    def _refresh(self) -> Snapshot | AppError:
        """A conditional GET of the gist, or the last good copy (with a notice) if that fails.
        Failures are cached like answers, so a GitHub outage is not hammered by page views."""
        known = self._known_copy()
        try:
            answer = self.client.get_gist(self.gist_id, etag=known.etag if known else "")
            if answer.not_modified and known is not None:
                fresh = replace(known, synced_at=utc_now())
            else:
                fresh = self._copy_from(answer.data, etag=answer.etag)
        except (GitHubError, GitHubUnavailable, StoredDocumentUnreadable) as exc:
            if known is None:
                return exc
            return known.snapshot(notice=self._stale_notice(exc, known))
        self._keep(fresh)
        return fresh.snapshot()

    @staticmethod
    def _stale_notice(error: AppError, known: GistCopy) -> str:
        when = readable_time(known.synced_at) or "an unknown time"
        if isinstance(error, GitHubUnavailable):
            return f"GitHub unreachable — showing the copy from {when}"
        if isinstance(error, StoredDocumentUnreadable):
            return f"The volumes file in the gist cannot be read — showing the copy from {when}"
        return f"GitHub refused to serve the gist — showing the copy from {when}"

    def _copy_from(self, gist: object, etag: str = "") -> GistCopy:
        """The volumes file of a gist (or of one of its revisions) as a GistCopy."""
        gist = gist if isinstance(gist, dict) else {}
        text = self._file_text(gist)
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
                f"The file {FILENAME} in gist {self.gist_id} cannot be read: {exc}. Fix it on "
                "gist.github.com (or restore an earlier revision there); nothing is written to "
                "it until then.") from None
        return GistCopy(text, document, True, revision, etag, utc_now())

    def _file_text(self, gist: dict) -> str | None:
        files = gist.get("files") or {}
        file = files.get(FILENAME)
        if file is None:
            if gist.get("truncated"):
                raise StorageError(
                    f"Gist {self.gist_id} has more than 300 files, so GitHub does not list "
                    f"{FILENAME}. Keep the volumes file in a gist of its own.", status=502,
                    code="gist_too_many_files")
            return None
        content = file.get("content")
        if file.get("truncated") or content is None:
            # The API cuts content at 1 MB; raw_url serves the whole file (up to 10 MB).
            return self.client.get_raw(file["raw_url"])
        return content

    def _known_copy(self) -> GistCopy | None:
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

    def _keep(self, fresh: GistCopy) -> None:
        """Remember a good copy in memory and in the data folder (atomic replace)."""
        self._copy = fresh
        saved = {"gist_id": self.gist_id, "text": fresh.text, "file_found": fresh.file_found,
                 "revision": fresh.revision, "etag": fresh.etag, "synced_at": fresh.synced_at}
        _write_if_possible(self.cache_path, json.dumps(saved, ensure_ascii=False))
        self._copy_key = stat_key(self.cache_path)

    # --- writing -----------------------------------------------------------------------------

    def modify(self, change: Change) -> dict:
        self._ensure_process()
        # The file lock serializes writers on this machine; the revision check covers others.
        with self._file_lock:
            base = self._read_current()
            ours = change(copy.deepcopy(base.document))
            final, text = self._write_merging(base, ours)
        with self._fetch_guard:
            fresh = GistCopy(text, final, True, "", "", utc_now())
            self._keep(fresh)
            self._record_check(fresh.snapshot())
        return final

    def _read_current(self) -> GistCopy:
        """The document as it is now on GitHub: never the cache, and never a broken one."""
        answer = self.client.get_gist(self.gist_id)
        return self._copy_from(answer.data)

    def _write_merging(self, base: GistCopy, ours: dict) -> tuple[dict, str]:
        text = self._checked_text(ours)
        known: set[str] = set()  # our revisions and those already merged
        for attempt in range(MAX_WRITES):
            if attempt > 1:
                time.sleep(random.uniform(0, MERGE_BACKOFF_SECONDS * attempt))  # noqa: S311
            known.add(self._patch(text))
            try:
                ours = self._merge_clobbered(base, ours, known)
            except (GitHubError, GitHubUnavailable) as exc:
                raise StorageError(
                    "The change was saved, but GitHub failed while checking whether another "
                    f"writer saved at the same moment: {exc.message} If a volume added or "
                    "deleted elsewhere in the last minute looks wrong, fix it from the list of "
                    "revisions.", status=503, code="gist_unverified",
                    retry_after=exc.retry_after) from None
            merged = self._checked_text(ours)
            if merged == text:
                return ours, text  # what they wrote was already in ours
            text = merged
        raise StorageError(
            "Other writers kept changing the gist while this change was saved, so it could not "
            "be confirmed that their volumes were kept. Reload the list, check it, and try "
            "again.", status=503, code="gist_busy")

    def _merge_clobbered(self, base: GistCopy, ours: dict, known: set[str]) -> dict:
        """Ours plus the volumes of every revision our last write replaced.

        A revision can lack a volume because its writer deleted it, or because its write
        replaced a revision that writer never read; from the gist the two look the same. So
        the merge takes their additions and keeps our deletions, but never their absences:
        a volume deleted elsewhere at the same moment may come back; none is ever lost."""
        for revision in self._clobbered(base.revision, known):
            known.add(revision)
            theirs = self._revision_document(revision)
            if theirs is not None:
                ours = merge_documents(_present_in(base.document, theirs), theirs, ours)
        return ours

    def _checked_text(self, document: dict) -> str:
        text = dump_document(document)
        size = len(text.encode("utf-8", "surrogatepass"))
        if size >= MAX_DOCUMENT_BYTES:
            raise DocumentTooLarge(
                f"Saving this would make {FILENAME} {size / 1_000_000:.1f} MB, and GitHub serves "
                f"a gist file back only up to 10 MB (this app stops at "
                f"{MAX_DOCUMENT_BYTES / 1_000_000:.1f} MB). Nothing was sent: delete a volume, "
                "or make this one smaller.")
        return text

    def _patch(self, text: str) -> str:
        """Write the file; the gist revision it made ("" when GitHub does not say)."""
        try:
            answer = self.client.update_file(self.gist_id, FILENAME, text)
        except RateLimited:
            raise
        except GitHubUnavailable:
            # The PATCH may have landed before the answer was lost: look, never resend blindly.
            landed = self._landed(text)
            if landed is None:
                raise
            return landed
        history = (answer.data or {}).get("history") or [{}]
        return str(history[0].get("version", ""))

    def _landed(self, text: str) -> str | None:
        try:
            current = self._read_current()
        except (GitHubError, GitHubUnavailable, StoredDocumentUnreadable):
            return None
        return current.revision if current.text == text else None

    def _clobbered(self, base_revision: str, known: set[str]) -> list[str]:
        """Revisions by others between the one we read and our last write, oldest first."""
        versions = [str(c.get("version", "")) for c in self.client.list_commits(self.gist_id)]
        ours = [i for i, v in enumerate(versions) if v in known]
        if ours:
            # Revisions after our last write are their writers' to check: they saw ours.
            versions = versions[ours[0]:]
        if base_revision in versions:
            versions = versions[:versions.index(base_revision)]
        clobbered = [v for v in reversed(versions) if v and v not in known]
        if len(clobbered) > MAX_MERGED_REVISIONS:
            raise StorageError(
                f"{len(clobbered)} other revisions of the gist landed during this change: too "
                "many to merge safely. Reload the list, check it, and try again.", status=503,
                code="gist_busy")
        return clobbered

    def _revision_document(self, revision: str) -> dict | None:
        """The document at a revision; None when the file is missing or does not parse."""
        gist = self.client.get_revision(self.gist_id, revision).data
        try:
            found = self._copy_from(gist)
        except StoredDocumentUnreadable:
            return None
        return found.document if found.file_found else None

    # --- history -----------------------------------------------------------------------------

    def revisions(self, limit: int = 20) -> list[dict]:
        """Recent revisions, newest first, with the volumes each held."""
        self._ensure_process()
        commits = self.client.list_commits(self.gist_id, per_page=max(1, min(limit, 100)))
        listed = []
        for commit in commits[:limit]:
            version = str(commit.get("version", ""))
            readable, volumes = self._revision_summary(version)
            listed.append({"version": version, "committed_at": commit.get("committed_at", ""),
                           "volumes": volumes, "readable": readable})
        return listed

    def _revision_summary(self, version: str) -> tuple[bool, list[dict]]:
        # A revision never changes, so its summary is fetched once per process.
        if version not in self._revision_volumes:
            document = self._revision_document(version)
            volumes = [] if document is None else [
                {"id": r["id"], "number": str(r.get("number", "")),
                 "title": str(r.get("title", ""))} for r in document["volumes"]]
            self._revision_volumes[version] = (document is not None, volumes)
        return self._revision_volumes[version]

    def revision_record(self, version: str, volume_id: str) -> dict:
        """A volume as it was at an earlier revision."""
        self._ensure_process()
        if not VERSION.fullmatch(version):
            raise AppError(f"{version[:50]!r} is not a gist revision: pick one from the list.",
                           status=400, code="bad_revision")
        try:
            document = self._revision_document(version)
        except GistNotFound:
            raise AppError(f"GitHub has no revision {version} of this gist. Reload the list of "
                           "revisions (if the gist itself is gone, run the connection test).",
                           status=404, code="unknown_revision") from None
        record = find_record(document, volume_id) if document is not None else None
        if record is None:
            raise AppError(f"Revision {version[:12]} has no volume with the id {volume_id!r}: "
                           "pick the volume from that revision's list.", status=404,
                           code="unknown_volume")
        return record

    # --- status ------------------------------------------------------------------------------

    def describe(self) -> dict:
        known = self._copy or self._known_copy()
        return {"backend": self.backend, "gist_id": self.gist_id,
                "token": mask(self.settings.github_token),
                "synced_at": known.synced_at if known else ""}

    def connection_test(self) -> ConnectionReport:
        self._ensure_process()
        report = ConnectionReport(backend=self.backend, gist_id=self.gist_id,
                                  token=mask(self.settings.github_token),
                                  location=f"{self.settings.github_api_url}/gists/{self.gist_id}")
        try:
            answer = self.client.get_gist(self.gist_id)
        except (GitHubError, GitHubUnavailable) as exc:
            report.rate_limit = self.client.last_rate_limit.as_dict()
            _report_failure(report, exc)
            return report
        report.rate_limit = answer.rate_limit.as_dict()
        report.scopes = answer.scopes or []
        _check_scopes(report, answer.scopes)
        self._check_file(report, answer.data)
        if not os.access(self.cache_path.parent, os.W_OK):
            report.problem("cache_folder_read_only",
                           f"The data folder {self.cache_path.parent} is not writable, so no "
                           "copy of the gist is kept for when GitHub is down.",
                           "Give the server's user write access, or set STUDY_GUIDE_DATA_DIR "
                           "to a writable folder.")
        return report

    def _check_file(self, report: ConnectionReport, gist: object) -> None:
        try:
            found = self._copy_from(gist)
        except (StoredDocumentUnreadable, StorageError, GitHubError,
                GitHubUnavailable) as exc:
            report.file_found = True
            report.problem("file_unreadable", exc.message,
                           f"Open the gist on GitHub and make {FILENAME} JSON with a "
                           '"volumes" list, or bring back an earlier revision there.')
            return
        report.file_found = found.file_found
        report.volumes = len(found.document["volumes"])
        if not found.file_found:
            report.problem("file_missing",
                           f"Gist {self.gist_id} has no file named {FILENAME}.",
                           f'Add a file {FILENAME} holding {{"volumes":[]}} to the gist, or '
                           "just add a volume: the first add creates it.")


def _present_in(base: dict, theirs: dict) -> dict:
    """The base without what `theirs` lacks: to merge_documents, "they deleted nothing"."""
    their_ids = {r["id"] for r in theirs["volumes"]}
    return base | {"volumes": [r for r in base["volumes"] if r["id"] in their_ids]}


def _report_failure(report: ConnectionReport, error: AppError) -> None:
    fixes = {
        "github_bad_token": ("bad_token", "Create a new token (classic with only the gist "
                             "scope, or fine-grained with Gists read and write) and set "
                             "GITHUB_TOKEN to it."),
        "gist_not_found": ("gist_not_found", "Check GIST_ID (the last part of the gist's "
                           "address) and that the token has the gist scope, or Gists read "
                           "and write for a fine-grained token."),
        "github_rate_limited": ("rate_limited", "Wait until the reset time; readers see the "
                                "last copy meanwhile. If it happens often, raise "
                                "GIST_CACHE_SECONDS."),
    }
    code, fix = fixes.get(error.code, (
        "unreachable" if isinstance(error, GitHubUnavailable) else "github_refused",
        "Check the server's network and GITHUB_API_URL, then run the test again."))
    report.problem(code, error.message, fix)


def _check_scopes(report: ConnectionReport, scopes: list[str] | None) -> None:
    if scopes is None:
        return  # fine-grained tokens have no scopes header; the read above proved access
    if "gist" not in scopes:
        report.problem("missing_gist_scope",
                       "The token does not have the gist scope, so saving volumes will fail.",
                       "Create a classic token with the gist scope and set GITHUB_TOKEN.")
    elif len(scopes) > 1:
        extra = ", ".join(s for s in scopes if s != "gist")
        report.problem("extra_scopes",
                       f"The token has more scopes than it needs ({extra}): if the server "
                       "leaks it, more than this gist is exposed.",
                       "Create a classic token with only the gist scope (or a fine-grained "
                       "one with only Gists read and write) and set GITHUB_TOKEN to it.")
