"""A faithful fake of the GitHub Gist API, served over real HTTP on loopback.

It follows GitHub's documented behaviour: `GET /gists/{id}` lists files with `content`,
`size`, `truncated` and `raw_url` (content over 1 MB comes back cut, with `truncated: true`;
`raw_url` serves the whole file of that revision, without a token as for secret gists), an
`ETag` and `304` for a matching `If-None-Match` (not counted against the rate limit);
`PATCH /gists/{id}` replaces the named files and keeps the others, refuses `If-Match` with
400 and empty content with 422, and adds a revision when something changed;
`GET /gists/{id}/commits` (newest first, paginated) and `GET /gists/{id}/{sha}`; 401 for a
bad token and 404 for an unknown gist or a token without the gist scope; `X-OAuth-Scopes` and
`x-ratelimit-*` headers on every answer.

Switches (`inject`) make the next requests fail the ways GitHub does: rate limiting (403 or
429, primary or secondary), 5xx, slow answers past the client's timeout, dropped connections
(before or after a PATCH is applied); `outage()` answers 503 to everything from then on.
`before_next_patch` runs another writer's change between our read and our write. `requests`
counts what was asked, by method and path; `answers` counts the statuses given;
`seen_headers` keeps each request's headers.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TRUNCATE_AT = 1024 * 1024
RATE_LIMIT = 5000
DOCS = "https://docs.github.com/rest"


@dataclass
class Fault:
    kind: str  # "rate_limit" | "status" | "slow" | "drop"
    times: int
    method: str | None = None  # only requests with this method
    path: str | None = None  # only requests whose path ends so
    status: int = 502
    seconds: float = 0.0
    secondary: bool = False
    after_apply: bool = False  # "drop": apply the PATCH, then drop the connection

    def matches(self, method: str, path: str) -> bool:
        return ((self.method is None or self.method == method)
                and (self.path is None or path.endswith(self.path)))


@dataclass
class Revision:
    version: str
    committed_at: str
    files: dict[str, str]
    change: dict = field(default_factory=dict)


class FakeGitHub:
    """The state of one account with gists, and the HTTP server in front of it."""

    def __init__(self, token: str, scopes: str = "gist", user: str = "octo-owner") -> None:
        self.token = token
        self.scopes = scopes
        self.user = user
        self.gists: dict[str, list[Revision]] = {}
        self.requests: Counter[str] = Counter()  # "GET /gists/{id}": how many
        self.answers: Counter[int] = Counter()  # status: how many
        self.seen_headers: list[dict[str, str]] = []  # each request's headers, in order
        self.remaining = RATE_LIMIT
        self.reset_at = int(time.time()) + 3600
        self.faults: list[Fault] = []
        self._before_patch: list[Callable[[FakeGitHub], None]] = []
        self._lock = threading.RLock()
        self._server: QuietServer | None = None
        self.url = ""

    # --- setting up --------------------------------------------------------------------------

    def create_gist(self, gist_id: str, files: dict[str, str]) -> None:
        with self._lock:
            self.gists[gist_id] = []
            self.commit(gist_id, files)

    def commit(self, gist_id: str, changes: dict[str, str | None]) -> str | None:
        """Apply a change as its own revision (as github.com or another writer would): None
        deletes a file. Returns the new version, or None when nothing changed."""
        with self._lock:
            history = self.gists[gist_id]
            files = dict(history[-1].files) if history else {}
            before = dict(files)
            for name, content in changes.items():
                if content is None:
                    files.pop(name, None)
                else:
                    files[name] = content
            if history and files == before:
                return None
            version = hashlib.sha1(f"{gist_id}{len(history)}{time.time_ns()}"
                                   .encode()).hexdigest()
            history.append(Revision(version, _iso_now(), files, _change_status(before, files)))
            return version

    def content(self, gist_id: str, name: str) -> str | None:
        with self._lock:
            return self.gists[gist_id][-1].files.get(name)

    def history(self, gist_id: str) -> list[Revision]:
        with self._lock:
            return list(self.gists[gist_id])

    def inject(self, kind: str, *, times: int = 1, **options: object) -> None:
        with self._lock:
            self.faults.append(Fault(kind, times, **options))

    def outage(self) -> None:
        """GitHub down: every request from now on is answered 503."""
        self.inject("status", times=1 << 62, status=503)

    def before_next_patch(self, action: Callable[[FakeGitHub], None]) -> None:
        """Run `action` once, inside the next PATCH, before it is applied."""
        with self._lock:
            self._before_patch.append(action)

    def count(self, method: str, path: str | None = None) -> int:
        with self._lock:
            return sum(n for key, n in self.requests.items()
                       if key.split(" ", 1)[0] == method
                       and (path is None or key.split(" ", 1)[1] == path))

    # --- serving -----------------------------------------------------------------------------

    def start(self) -> FakeGitHub:
        self._server = QuietServer.started(_handler_for(self))
        self.url = self._server.url
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    def take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.matches(method, path):
                    fault.times -= 1
                    return fault
        return None

    def take_before_patch(self) -> Callable[[FakeGitHub], None] | None:
        with self._lock:
            return self._before_patch.pop(0) if self._before_patch else None

    # --- the gist representation -------------------------------------------------------------

    def gist_json(self, gist_id: str, version: str | None = None) -> dict | None:
        with self._lock:
            history = self.gists[gist_id]
            index = (len(history) - 1 if version is None else
                     next((i for i, r in enumerate(history) if r.version == version), None))
            if index is None:
                return None
            revision = history[index]
            newer_first = list(reversed(history[:index + 1]))
        return {
            "url": f"{self.url}/gists/{gist_id}",
            "id": gist_id,
            "html_url": f"{self.url}/{self.user}/{gist_id}",
            "git_pull_url": f"{self.url}/{gist_id}.git",
            "public": False,
            "description": "Study Guide volumes",
            "created_at": history[0].committed_at,
            "updated_at": revision.committed_at,
            "owner": {"login": self.user, "id": 1},
            "truncated": False,
            "files": {name: self._file_json(gist_id, revision, name, text)
                      for name, text in revision.files.items()},
            "history": [self.commit_json(gist_id, r) for r in newer_first],
        }

    def _file_json(self, gist_id: str, revision: Revision, name: str, text: str) -> dict:
        data = text.encode("utf-8")
        truncated = len(data) > TRUNCATE_AT
        content = data[:TRUNCATE_AT].decode("utf-8", "ignore") if truncated else text
        return {"filename": name, "type": "application/json", "language": "JSON",
                "raw_url": f"{self.url}/raw/{gist_id}/{revision.version}/{name}",
                "size": len(data), "truncated": truncated, "content": content}

    def commit_json(self, gist_id: str, revision: Revision) -> dict:
        return {"url": f"{self.url}/gists/{gist_id}/{revision.version}",
                "version": revision.version, "user": {"login": self.user, "id": 1},
                "change_status": revision.change, "committed_at": revision.committed_at}

    def raw(self, gist_id: str, version: str, name: str) -> str | None:
        with self._lock:
            for revision in self.gists.get(gist_id, []):
                if revision.version == version:
                    return revision.files.get(name)
        return None


def _iso_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _change_status(before: dict[str, str], after: dict[str, str]) -> dict:
    old = sum(text.count("\n") for text in before.values())
    new = sum(text.count("\n") for text in after.values())
    additions, deletions = max(new - old, 0), max(old - new, 0)
    return {"total": additions + deletions, "additions": additions, "deletions": deletions}


class QuietServer(ThreadingHTTPServer):
    """A threaded server on a free loopback port, serving from its own thread (fake_llm.py
    uses it too)."""

    daemon_threads = True

    @classmethod
    def started(cls, handler: type[BaseHTTPRequestHandler]) -> QuietServer:
        server = cls(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return server

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def handle_error(self, request: object, client_address: object) -> None:
        """Dropped and timed-out connections are what the faults are for: no tracebacks."""


def _handler_for(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(GistHandler):
        github = fake

    return Handler


class GistHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as GitHub: the client reuses connections
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms ACK stalls
    github: FakeGitHub

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests read `requests`, not stderr."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    # --- dispatch ----------------------------------------------------------------------------

    def _serve(self, method: str) -> None:
        url = urlsplit(self.path)
        path = url.path.rstrip("/")
        body = self._body()
        with self.github._lock:
            self.github.requests[f"{method} {path}"] += 1
            self.github.seen_headers.append(dict(self.headers))
        fault = self.github.take_fault(method, path)
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.seconds)
        elif fault is not None and fault.kind == "drop" and not fault.after_apply:
            return self._drop()
        elif fault is not None and fault.kind in ("status", "rate_limit"):
            return self._fault_answer(fault)
        parts = path.strip("/").split("/")
        if parts[0] == "raw" and len(parts) == 4 and method == "GET":
            return self._raw(*parts[1:])
        if not self._authorized():
            return
        if parts[0] != "gists" or len(parts) < 2 or parts[1] not in self.github.gists:
            return self._json(404, {"message": "Not Found", "documentation_url": DOCS})
        gist_id = parts[1]
        if method == "PATCH" and len(parts) == 2:
            self._patch(gist_id, body, drop_after=fault is not None and fault.kind == "drop")
        elif method == "GET" and len(parts) == 2:
            self._json(200, self.github.gist_json(gist_id), conditional=True)
        elif method == "GET" and len(parts) == 3 and parts[2] == "commits":
            self._commits(gist_id, parse_qs(url.query))
        elif method == "GET" and len(parts) == 3:
            found = self.github.gist_json(gist_id, parts[2])
            if found is None:
                return self._json(404, {"message": "Not Found", "documentation_url": DOCS})
            self._json(200, found, conditional=True)
        else:
            self._json(404, {"message": "Not Found", "documentation_url": DOCS})

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _authorized(self) -> bool:
        scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() not in ("bearer", "token") or token != self.github.token:
            self._json(401, {"message": "Bad credentials", "documentation_url": DOCS,
                             "status": "401"})
            return False
        if "gist" not in [s.strip() for s in self.github.scopes.split(",")]:
            # GitHub hides gists from a token without the scope: 404, not 403.
            self._json(404, {"message": "Not Found", "documentation_url": DOCS})
            return False
        return True

    # --- endpoints ---------------------------------------------------------------------------

    def _patch(self, gist_id: str, body: bytes, drop_after: bool) -> None:
        if "If-Match" in self.headers:
            return self._json(400, {"message": "Conditional request headers are not allowed "
                                    "in unsafe requests unless supported by the endpoint",
                                    "documentation_url": DOCS})
        try:
            files = json.loads(body or b"{}").get("files") or {}
        except (ValueError, AttributeError):
            return self._json(400, {"message": "Problems parsing JSON",
                                    "documentation_url": DOCS})
        if any(spec is not None and not (spec.get("content") or "") for spec in files.values()):
            return self._json(422, {"message": "Validation Failed", "documentation_url": DOCS,
                                    "errors": [{"resource": "Gist", "code": "missing_field",
                                                "field": "files"}]})
        other_writer = self.github.take_before_patch()
        if other_writer is not None:
            other_writer(self.github)
        self.github.commit(gist_id, {name: None if spec is None else spec["content"]
                                     for name, spec in files.items()})
        if drop_after:
            return self._drop()
        self._json(200, self.github.gist_json(gist_id))

    def _commits(self, gist_id: str, query: dict[str, list[str]]) -> None:
        per_page = min(int(query.get("per_page", ["30"])[0]), 100)
        page = max(int(query.get("page", ["1"])[0]), 1)
        newest_first = list(reversed(self.github.history(gist_id)))
        chunk = newest_first[(page - 1) * per_page:page * per_page]
        headers = {}
        if page * per_page < len(newest_first):
            headers["Link"] = (f'<{self.github.url}/gists/{gist_id}/commits?per_page={per_page}'
                               f'&page={page + 1}>; rel="next"')
        self._json(200, [self.github.commit_json(gist_id, r) for r in chunk], headers=headers)

    def _raw(self, gist_id: str, version: str, name: str) -> None:
        text = self.github.raw(gist_id, version, name)
        if text is None:
            return self._send(404, b"404: Not Found", {"Content-Type": "text/plain"})
        self._send(200, text.encode("utf-8"), {"Content-Type": "text/plain; charset=utf-8"})

    # --- answers -----------------------------------------------------------------------------

    def _fault_answer(self, fault: Fault) -> None:
        if fault.kind == "status":
            return self._json(fault.status, {"message": "Server Error"})
        if fault.secondary:
            return self._json(fault.status, {
                "message": "You have exceeded a secondary rate limit. Please wait a few "
                           "minutes before you try again.", "documentation_url": DOCS},
                headers={"retry-after": str(int(fault.seconds or 60))})
        reset = int(time.time() + (fault.seconds or 600))
        self._json(fault.status, {"message": "API rate limit exceeded for user ID 1.",
                                  "documentation_url": DOCS},
                   headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)})

    def _json(self, status: int, data: object, *, conditional: bool = False,
              headers: dict | None = None) -> None:
        body = json.dumps(data).encode("utf-8")
        etag = 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        not_modified = conditional and self.headers.get("If-None-Match") == etag
        with self.github._lock:
            # A 304 is free, as on GitHub; everything else costs one request.
            if not not_modified and status < 500:
                self.github.remaining = max(self.github.remaining - 1, 0)
            limits = {"x-ratelimit-limit": str(RATE_LIMIT),
                      "x-ratelimit-remaining": str(self.github.remaining),
                      "x-ratelimit-reset": str(self.github.reset_at),
                      "x-ratelimit-used": str(RATE_LIMIT - self.github.remaining),
                      "x-ratelimit-resource": "core"}
        extra = {"Content-Type": "application/json; charset=utf-8",
                 "X-OAuth-Scopes": self.github.scopes, "X-Accepted-OAuth-Scopes": "",
                 "X-GitHub-Api-Version-Selected": "2022-11-28"} | limits | (headers or {})
        if conditional and status == 200:
            extra["ETag"] = etag
        if not_modified:
            return self._send(304, b"", extra)
        self._send(status, body, extra)

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        with self.github._lock:
            self.github.answers[status] += 1
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def _drop(self) -> None:
        """Close the connection without an answer, as a proxy or a network fault would."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
