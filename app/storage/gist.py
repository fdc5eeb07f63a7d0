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

import copy
import random
import re
import threading
import time
from dataclasses import replace
from pathlib import Path

from filelock import FileLock, Timeout

from study_guide.config import Settings, mask
from study_guide.errors import AppError
from study_guide.storage import (
    Change,
    ConnectionReport,
    DocumentTooLarge,
    Snapshot,
    StorageError,
    Store,
    StoredDocumentUnreadable,
    gist_check,
)
from study_guide.storage.document import (
    FILENAME,
    dump_document,
    find_record,
    readable_time,
    utc_now,
)
from study_guide.storage.fork import renew_in_every_child
from study_guide.storage.gist_cache import Outcome, SharedGistCache
from study_guide.storage.gist_copy import GistCopy, copy_of
from study_guide.storage.github import (
    GistClient,
    GistNotFound,
    GitHubError,
    GitHubUnavailable,
    RateLimited,
)
from study_guide.storage.merge import merge_documents, present_in

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


class GistStore(Store):
    backend = "gist"

    def __init__(self, settings: Settings, client: GistClient | None = None) -> None:
        self.settings = settings
        self.gist_id = settings.gist_id
        self.data_dir = Path(settings.data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.cache = SharedGistCache(self.data_dir, self.gist_id, settings.gist_cache_seconds)
        self._given_client = client
        self._revision_volumes: dict[str, tuple[bool, list[dict]]] = {}
        renew_in_every_child(self)

    def renew(self) -> None:
        self.client = self._given_client or GistClient(self.settings.github_api_url,
                                                       self.settings.github_token)
        self._fetch_guard = threading.Lock()
        self._file_lock = FileLock(str(self.data_dir / LOCK_FILE), timeout=60)
        self._read_lock = FileLock(str(self.data_dir / READ_LOCK_FILE), timeout=60)

    # --- reading -----------------------------------------------------------------------------

    def load(self) -> Snapshot:
        outcome = self.cache.recent()
        if outcome is None:
            # One reader per process asks; the others wait here and then take its answer.
            with self._fetch_guard:
                outcome = self.cache.recent()
                if outcome is None:
                    outcome = self._shared_or_refreshed()
        if isinstance(outcome, AppError):
            # A copy: raising the kept error itself would lengthen its traceback on each read,
            # and keep every frame of every page view that read it.
            raise copy.copy(outcome)
        return outcome

    def _shared_or_refreshed(self) -> Outcome:
        """Another process's answer from within the period, or GitHub's, asked by one process
        at a time on this data folder."""
        outcome = self.cache.shared()
        if outcome is None:
            try:
                with self._read_lock:
                    outcome = self.cache.shared()  # it may have asked while we waited
                    if outcome is None:
                        outcome = self._asked_and_recorded()
            except Timeout:
                outcome = self._asked_and_recorded()
        return outcome

    def _asked_and_recorded(self) -> Outcome:
        outcome = self._refresh()
        # Only a failed ask gives an error, or the last good copy with a notice.
        self.cache.record(outcome, failed=isinstance(outcome, AppError) or bool(outcome.notice))
        return outcome

    def _refresh(self) -> Outcome:
        """A conditional GET of the gist, or the last good copy (with a notice) if that fails.
        Failures are cached like answers, so a GitHub outage is not hammered by page views."""
        known = self.cache.known_copy()
        try:
            answer = self.client.get_gist(self.gist_id, etag=known.etag if known else "",
                                          retry=not self.cache.failures)
            if answer.not_modified and known is not None:
                fresh = replace(known, synced_at=utc_now())
            else:
                fresh = self._copy_from(answer.data, etag=answer.etag)
        except (GitHubError, GitHubUnavailable, StoredDocumentUnreadable) as exc:
            if known is None:
                return exc
            return known.snapshot(notice=stale_notice(exc, known))
        self.cache.keep(fresh)
        return fresh.snapshot()

    def _copy_from(self, gist: object, etag: str = "") -> GistCopy:
        return copy_of(gist, self.client, self.gist_id, etag)

    # --- writing -----------------------------------------------------------------------------

    def modify(self, change: Change) -> dict:
        # The file lock serializes writers on this machine; the revision check covers others.
        with self._file_lock:
            base = self._read_current()
            ours = change(copy.deepcopy(base.document))
            final, text = self._write_merging(base, ours)
        with self._fetch_guard:
            fresh = GistCopy(text, final, True, "", "", utc_now())
            self.cache.keep(fresh)
            self.cache.record(fresh.snapshot(), failed=False)
        return final

    def _read_current(self) -> GistCopy:
        """The document as it is now on GitHub: never the cache, and never a broken one."""
        answer = self.client.get_gist(self.gist_id)
        return self._copy_from(answer.data)

    def _write_merging(self, base: GistCopy, ours: dict) -> tuple[dict, str]:
        text = checked_text(ours)
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
            merged = checked_text(ours)
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
                ours = merge_documents(present_in(base.document, theirs), theirs, ours)
        return ours

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
        known = self.cache.last_copy()
        return {"backend": self.backend, "gist_id": self.gist_id,
                "token": mask(self.settings.github_token),
                "synced_at": known.synced_at if known else ""}

    def connection_test(self) -> ConnectionReport:
        return gist_check.connection_test(self.settings, self.client, self.data_dir)


def checked_text(document: dict) -> str:
    """The document as it is written, refused before anything is sent when GitHub could not
    serve it back."""
    text = dump_document(document)
    size = len(text.encode("utf-8", "surrogatepass"))
    if size >= MAX_DOCUMENT_BYTES:
        raise DocumentTooLarge(
            f"Saving this would make {FILENAME} {size / 1_000_000:.1f} MB, and GitHub serves "
            f"a gist file back only up to 10 MB (this app stops at "
            f"{MAX_DOCUMENT_BYTES / 1_000_000:.1f} MB). Nothing was sent: delete a volume, "
            "or make this one smaller.")
    return text


def stale_notice(error: AppError, known: GistCopy) -> str:
    when = readable_time(known.synced_at) or "an unknown time"
    if isinstance(error, GitHubUnavailable):
        return f"GitHub unreachable — showing the copy from {when}"
    if isinstance(error, StoredDocumentUnreadable):
        return f"The volumes file in the gist cannot be read — showing the copy from {when}"
    return f"GitHub refused to serve the gist — showing the copy from {when}"
