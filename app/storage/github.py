"""A small client for the GitHub Gist API over one `requests.Session`.

Every request has connect and read timeouts, so GitHub can never hang a worker. GETs are
retried with backoff on 5xx answers and connection errors; a PATCH never is, because a PATCH
that timed out may still have landed (the store checks the revision list instead). Every
failure becomes one of the typed errors below, whose messages say what to do. The token is
only ever in the Authorization header: no message, repr or log line carries it, and the
`requests` exceptions (which carry the request and its headers) are not chained.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests

from study_guide.config import mask
from study_guide.errors import AppError

API_VERSION = "2022-11-28"
USER_AGENT = "study-guide (+https://github.com/; gist storage)"
CONNECT_TIMEOUT = 3.05
READ_TIMEOUT = 15.0
GET_ATTEMPTS = 3
BACKOFF_SECONDS = 0.25
RETRIED_STATUSES = frozenset({500, 502, 503, 504})
SECONDARY_LIMIT_WAIT = 60  # GitHub: "otherwise, wait for at least one minute"


# --- errors -----------------------------------------------------------------------------------

class GitHubError(AppError):
    """GitHub answered and refused (the contract's 502)."""

    status = 502
    code = "github_refused"


class BadToken(GitHubError):
    code = "github_bad_token"


class GistNotFound(GitHubError):
    code = "gist_not_found"


class GitHubUnavailable(AppError):
    """GitHub could not be reached or asks us to wait (the contract's 503)."""

    status = 503
    code = "github_unreachable"


class GitHubTimeout(GitHubUnavailable):
    code = "github_timeout"


class RateLimited(GitHubUnavailable):
    code = "github_rate_limited"


# --- answers ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RateLimit:
    remaining: int | None = None
    limit: int | None = None
    reset: int | None = None  # epoch seconds

    @classmethod
    def from_headers(cls, headers: requests.structures.CaseInsensitiveDict) -> RateLimit:
        return cls(_int(headers.get("x-ratelimit-remaining")),
                   _int(headers.get("x-ratelimit-limit")),
                   _int(headers.get("x-ratelimit-reset")))

    def as_dict(self) -> dict:
        reset = (datetime.fromtimestamp(self.reset, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                 if self.reset is not None else "")
        return {"remaining": self.remaining, "limit": self.limit, "reset": reset}


@dataclass(frozen=True)
class Answer:
    """A successful answer: its JSON (None for 304 Not Modified) and what its headers say."""

    status: int
    data: object
    etag: str = ""
    scopes: list[str] | None = None  # None: no X-OAuth-Scopes header (fine-grained token)
    rate_limit: RateLimit = field(default_factory=RateLimit)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


# --- the client -------------------------------------------------------------------------------

class GistClient:
    def __init__(self, api_url: str, token: str, *,
                 timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
                 attempts: int = GET_ATTEMPTS, backoff: float = BACKOFF_SECONDS) -> None:
        self.api_url = api_url.rstrip("/")
        self._token = token
        self.timeout = timeout
        self.attempts = attempts
        self.backoff = backoff
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/vnd.github+json",
                                     "X-GitHub-Api-Version": API_VERSION,
                                     "User-Agent": USER_AGENT})
        self.last_rate_limit = RateLimit()

    def __repr__(self) -> str:
        return f"GistClient({self.api_url!r}, token={mask(self._token)!r})"

    # The endpoints the store uses.

    def get_gist(self, gist_id: str, etag: str = "", *, retry: bool = True) -> Answer:
        """The gist; with `etag`, a conditional GET (a 304 answer has `data` None).
        `retry=False` asks once, failures included (GitHub known to be down)."""
        headers = {"If-None-Match": etag} if etag else {}
        return self._get(f"/gists/{gist_id}", headers=headers, retry=retry)

    def get_revision(self, gist_id: str, version: str) -> Answer:
        return self._get(f"/gists/{gist_id}/{version}")

    def list_commits(self, gist_id: str, per_page: int = 100) -> list[dict]:
        """The gist's revisions, newest first (the first page: up to 100)."""
        answer = self._get(f"/gists/{gist_id}/commits", params={"per_page": per_page})
        return answer.data if isinstance(answer.data, list) else []

    def get_raw(self, url: str) -> str:
        """A file's whole content from its `raw_url` (the API truncates content over 1 MB)."""
        response = self._send("GET", url, retry=True, authorize=self._same_origin(url))
        response.encoding = "utf-8"
        return response.text

    def update_file(self, gist_id: str, filename: str, content: str) -> Answer:
        """Replace one file of the gist (files left out stay). Sent once, never retried."""
        response = self._send("PATCH", self.api_url + f"/gists/{gist_id}",
                              json={"files": {filename: {"content": content}}})
        return self._answer(response)

    # Plumbing.

    def _get(self, path: str, *, headers: dict | None = None,
             params: dict | None = None, retry: bool = True) -> Answer:
        response = self._send("GET", self.api_url + path, headers=headers, params=params,
                              retry=retry)
        return self._answer(response)

    def _answer(self, response: requests.Response) -> Answer:
        scopes = response.headers.get("X-OAuth-Scopes")
        data = None if response.status_code == 304 or not response.content else response.json()
        return Answer(status=response.status_code, data=data,
                      etag=response.headers.get("ETag", ""),
                      scopes=None if scopes is None else
                      [s.strip() for s in scopes.split(",") if s.strip()],
                      rate_limit=RateLimit.from_headers(response.headers))

    def _same_origin(self, url: str) -> bool:
        # raw_url is on another host on github.com (gist.githubusercontent.com), which serves
        # secret gists without a token: the token goes only where the API lives.
        ours, theirs = urlsplit(self.api_url), urlsplit(url)
        return (ours.scheme, ours.netloc) == (theirs.scheme, theirs.netloc)

    def _send(self, method: str, url: str, *, retry: bool = False, authorize: bool = True,
              **kwargs: object) -> requests.Response:
        attempts = self.attempts if retry else 1
        for attempt in range(1, attempts + 1):
            try:
                response = self._request_once(method, url, authorize, **kwargs)
            except GitHubUnavailable as exc:
                if attempt == attempts or isinstance(exc, GitHubTimeout):
                    raise
            else:
                if response.status_code not in RETRIED_STATUSES or attempt == attempts:
                    return self._checked(response, tries=attempt)
            time.sleep(self.backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _request_once(self, method: str, url: str, authorize: bool,
                      **kwargs: object) -> requests.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        if authorize:
            headers["Authorization"] = f"Bearer {self._token}"
        try:
            return self.session.request(method, url, headers=headers, timeout=self.timeout,
                                        **kwargs)
        # Not chained (`from None`): requests' exceptions hold the request and its headers.
        except requests.ConnectTimeout:
            error = GitHubUnavailable(
                f"GitHub did not accept a connection within {self.timeout[0]:g} s "
                f"({self._host()}). Check the server's network, or GITHUB_API_URL.")
        except requests.Timeout:
            # A read timeout is not retried: a slow GitHub would hold the worker thrice as long.
            error = GitHubTimeout(
                f"GitHub did not answer within {self.timeout[1]:g} s ({self._host()}). It "
                "may be slow right now: try again in a minute.")
        except requests.ConnectionError:
            error = GitHubUnavailable(
                f"GitHub could not be reached ({self._host()}): the connection failed or was "
                "dropped. Check the server's network, or GITHUB_API_URL, and try again.")
        except requests.RequestException as exc:
            error = GitHubUnavailable(f"The request to GitHub failed ({type(exc).__name__}). "
                                      "Try again in a minute.")
        raise error

    def _host(self) -> str:
        return urlsplit(self.api_url).netloc

    def _checked(self, response: requests.Response, tries: int = 1) -> requests.Response:
        self.last_rate_limit = RateLimit.from_headers(response.headers)
        if response.status_code < 400:
            return response
        raise self._error_for(response, tries)

    def _error_for(self, response: requests.Response, tries: int = 1) -> AppError:
        status = response.status_code
        message = self._scrub(_github_message(response))
        rate_limit = RateLimit.from_headers(response.headers)
        if status in (403, 429) and (rate_limit.remaining == 0
                                     or "retry-after" in response.headers
                                     or "rate limit" in message.lower()):
            wait = _wait_seconds(response, rate_limit)
            return RateLimited(
                f"GitHub's rate limit is reached ({message or status}). Volumes can be "
                f"changed again in about {_in_words(wait)}; until then readers see the last "
                "copy.", retry_after=wait)
        if status == 401:
            return BadToken(
                "GitHub refused the token (401 Bad credentials): it is wrong, expired or "
                "revoked. Create a new token with the gist scope and set GITHUB_TOKEN.")
        if status == 404:
            return GistNotFound(
                "GitHub says the gist was not found (404): check GIST_ID, and that the token "
                "has the gist scope (classic) or Gists read and write (fine-grained) — GitHub "
                "answers 404 for both.")
        if status == 403:
            return GitHubError(
                f"GitHub refused the request (403: {message or 'forbidden'}). Check that the "
                "token may write gists and that the gist belongs to the token's account.")
        if status >= 500:
            # A PATCH is sent once: saying "after 3 tries" there would be untrue.
            tried = f" and did not answer after {tries} tries" if tries > 1 else ""
            return GitHubUnavailable(
                f"GitHub is having trouble (HTTP {status}){tried}. Try again in a few minutes.")
        return GitHubError(f"GitHub refused the request (HTTP {status}: "
                           f"{message or 'no reason given'}). Nothing was changed.",
                           code="github_rejected")

    def _scrub(self, text: str) -> str:
        # GitHub does not echo tokens, but a proxy or a test server might: never pass one on.
        return text.replace(self._token, mask(self._token)) if self._token else text


def _github_message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    message = body.get("message", "") if isinstance(body, dict) else ""
    return str(message)[:300]


def _wait_seconds(response: requests.Response, rate_limit: RateLimit) -> int:
    retry_after = _int(response.headers.get("retry-after"))
    if retry_after is not None:
        return max(retry_after, 1)
    if rate_limit.remaining == 0 and rate_limit.reset is not None:
        return max(rate_limit.reset - int(time.time()), 1)
    return SECONDARY_LIMIT_WAIT


def _in_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{round(seconds / 60)} minutes"
