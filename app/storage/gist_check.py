"""The gist's connection test (`POST /api/connection-test`, `study-guide check`): every
problem found, each with what it means and how to fix it."""

from __future__ import annotations

import os
from pathlib import Path

from study_guide.config import Settings, mask
from study_guide.errors import AppError
from study_guide.storage import ConnectionReport, StorageError, StoredDocumentUnreadable
from study_guide.storage.document import FILENAME
from study_guide.storage.gist_copy import copy_of
from study_guide.storage.github import GistClient, GitHubError, GitHubUnavailable

# What a failed read of the gist means: GitHub's error code -> (problem code, fix).
GITHUB_FAILURES = {
    "github_bad_token": ("bad_token", "Create a new token (classic with only the gist scope, or "
                         "fine-grained with Gists read and write) and set GITHUB_TOKEN to it."),
    "gist_not_found": ("gist_not_found", "Check GIST_ID (the last part of the gist's address) "
                       "and that the token has the gist scope, or Gists read and write for a "
                       "fine-grained token."),
    "github_rate_limited": ("rate_limited", "Wait until the reset time; readers see the last "
                            "copy meanwhile. If it happens often, raise GIST_CACHE_SECONDS."),
}
UNREACHABLE = ("unreachable", "Check the server's network and GITHUB_API_URL, then run the "
               "test again.")
REFUSED = ("github_refused", "Read GitHub's message above and fix what it names (the token, the "
           "gist or GITHUB_API_URL), then run the test again.")


def connection_test(settings: Settings, client: GistClient, data_dir: Path) -> ConnectionReport:
    report = ConnectionReport(backend="gist", gist_id=settings.gist_id,
                              token=mask(settings.github_token),
                              location=f"{settings.github_api_url}/gists/{settings.gist_id}")
    try:
        answer = client.get_gist(settings.gist_id)
    except (GitHubError, GitHubUnavailable) as exc:
        report.rate_limit = client.last_rate_limit.as_dict()
        _report_failure(report, exc)
        return report
    report.rate_limit = answer.rate_limit.as_dict()
    report.scopes = answer.scopes or []
    _check_scopes(report, answer.scopes)
    _check_file(report, answer.data, client, settings.gist_id)
    if not os.access(data_dir, os.W_OK):
        report.problem("cache_folder_read_only",
                       f"The data folder {data_dir} is not writable, so no copy of the gist "
                       "is kept for when GitHub is down.",
                       "Give the server's user write access, or set STUDY_GUIDE_DATA_DIR "
                       "to a writable folder.")
    return report


def _check_file(report: ConnectionReport, gist: object, client: GistClient,
                gist_id: str) -> None:
    try:
        found = copy_of(gist, client, gist_id)
    except (StoredDocumentUnreadable, StorageError, GitHubError, GitHubUnavailable) as exc:
        report.file_found = True
        report.problem("file_unreadable", exc.message,
                       f"Open the gist on GitHub and make {FILENAME} JSON with a "
                       '"volumes" list, or bring back an earlier revision there.')
        return
    report.file_found = found.file_found
    report.volumes = len(found.document["volumes"])
    if not found.file_found:
        report.problem("file_missing",
                       f"Gist {gist_id} has no file named {FILENAME}.",
                       f'Add a file {FILENAME} holding {{"volumes":[]}} to the gist, or '
                       "just add a volume: the first add creates it.")


def _report_failure(report: ConnectionReport, error: AppError) -> None:
    fallback = UNREACHABLE if isinstance(error, GitHubUnavailable) else REFUSED
    code, fix = GITHUB_FAILURES.get(error.code, fallback)
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
