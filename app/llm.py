"""The model server that drafts volumes: one call to an OpenAI-compatible `/chat/completions`
(OpenAI, OpenRouter, Ollama, llama.cpp, vLLM), streamed, with every failure as an AppError that
names the setting to fix. LLM_API_KEY goes only into that request's Authorization header: no
message, log line or answer carries it."""

from __future__ import annotations

import json
import math
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import ReadTimeoutError

from study_guide.config import Settings, mask
from study_guide.errors import AppError

NOTES_MARK = "[PASTE YOUR NOTES HERE]"
DEFAULT_RETRY_AFTER = 30  # seconds, when a rate-limited server does not say
MAX_ANSWER_CHARS = 4 * 1024 * 1024  # twice the largest volume: past that, stop reading
ERROR_BODY_BYTES = 64 * 1024
DRAFTS_PER_MINUTE = 10  # per server process: each draft costs money


class LLMError(AppError):
    """The model server could not give a draft; the message says what to change."""

    status = 503
    code = "llm_unreachable"


def volume_messages(prompt: str, notes: str, title: str = "") -> list[dict]:
    """The chat the owner would have had: the volume-builder prompt with the notes in it."""
    if title:
        notes = f"The volume's title: {title}\n\n{notes}"
    text = prompt.replace(NOTES_MARK, notes) if NOTES_MARK in prompt else f"{prompt}\n\n{notes}"
    return [{"role": "user", "content": text}]


def server_label(url: str) -> str:
    """The base URL without credentials or query, to name the server on pages and errors."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}"


@dataclass
class Completion:
    """One answer as it arrives: `pieces()` yields its text as the server sends it, then
    `finish_reason` and `model` hold what the server said."""

    response: requests.Response
    server: str
    started: float
    deadline: float
    model: str
    finish_reason: str = ""
    received: int = field(default=0)

    @property
    def truncated(self) -> bool:
        return self.finish_reason == "length"

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def pieces(self) -> Iterator[str]:
        try:
            if "text/event-stream" in self.response.headers.get("Content-Type", ""):
                pieces = self._events()
            else:  # a server that ignores "stream": one JSON answer
                pieces = iter([self._whole_answer()])
            for piece in pieces:
                self.received += len(piece)
                if self.received > MAX_ANSWER_CHARS:
                    raise LLMError("The model's answer is over 4 million characters, twice the "
                                   "largest volume: ask for a shorter volume.", status=502,
                                   code="llm_bad_answer")
                yield piece
        except requests.Timeout:
            raise self.timed_out() from None
        except requests.RequestException as exc:
            # requests reports a read timeout in the middle of a body as a ConnectionError
            if exc.args and isinstance(exc.args[0], ReadTimeoutError):
                raise self.timed_out() from None
            raise LLMError(f"The connection to the model server {self.server} broke off "
                           "before the answer was complete: try again.") from None
        finally:
            self.response.close()

    def timed_out(self) -> LLMError:
        return LLMError(f"The model server {self.server} did not finish its answer within "
                        f"{self.deadline - self.started:.0f} s (LLM_TIMEOUT): try again, ask "
                        "for a shorter volume, or choose a faster LLM_MODEL.", code="llm_timeout")

    def _events(self) -> Iterator[str]:
        for line in self.response.iter_lines():
            if time.monotonic() > self.deadline:
                raise self.timed_out()
            if not line.startswith(b"data:"):
                continue  # blank separators, comments (": keep-alive"), event names
            data = line[5:].strip()
            if data == b"[DONE]":
                return
            content = self._read_chunk(data, "delta")
            if content:
                yield content

    def _whole_answer(self) -> str:
        return self._read_chunk(self.response.content, "message")

    def _read_chunk(self, data: bytes, key: str) -> str:
        try:
            chunk = json.loads(data)
        except ValueError:
            raise bad_answer(self.server, "sent something that is not JSON") from None
        if not isinstance(chunk, dict):
            raise bad_answer(self.server, "sent JSON that is not an object")
        if chunk.get("error"):
            raise LLMError(f"The model server {self.server} stopped with an error: "
                           f"{error_message(chunk)}", status=502, code="llm_rejected")
        self.model = str(chunk.get("model") or self.model)
        choices = chunk.get("choices") or [{}]
        choice = choices[0] if isinstance(choices[0], dict) else {}
        self.finish_reason = str(choice.get("finish_reason") or self.finish_reason)
        part = choice.get(key) or {}
        content = part.get("content") if isinstance(part, dict) else None
        return content if isinstance(content, str) else ""


def bad_answer(server: str, what: str) -> LLMError:
    return LLMError(f"The model server {server} {what}: check that LLM_API_URL is an "
                    "OpenAI-compatible base URL ending in /v1.", status=502,
                    code="llm_bad_answer")


def error_message(body: object) -> str:
    """The sentence an OpenAI-style error body carries, shortened."""
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else error
    return str(message or "no reason given")[:300]


class LLMClient:
    """The configured model server, or none (drafting off)."""

    per_minute = DRAFTS_PER_MINUTE

    def __init__(self, settings: Settings) -> None:
        self.url = settings.llm_api_url
        self.model = settings.llm_model
        self.timeout = settings.llm_timeout
        self._key = settings.llm_api_key
        self.server = server_label(self.url) if self.url else ""
        self._recent: deque[float] = deque()  # when the drafts of the last minute started
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return bool(self.url)

    def describe(self) -> dict:
        """What the manage page shows: the key masked, like the GitHub token."""
        return {"enabled": self.enabled, "server": self.server, "model": self.model,
                "key": mask(self._key) if self._key else ""}

    def admit(self) -> None:
        """At most `per_minute` drafts a minute, with Retry-After when over."""
        with self._lock:
            now = time.monotonic()
            while self._recent and now - self._recent[0] >= 60:
                self._recent.popleft()
            if len(self._recent) >= self.per_minute:
                wait = max(1, math.ceil(60 - (now - self._recent[0])))
                raise AppError(f"At most {self.per_minute} drafts a minute: try again in "
                               f"{wait} s.", status=429, code="too_many_requests",
                               retry_after=wait)
            self._recent.append(now)

    def start(self, messages: list[dict]) -> Completion:
        """Send the chat and wait for the answer's headers; refusals raise LLMError."""
        if not self.enabled:
            raise off()
        headers = {"Accept": "text/event-stream, application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        started = time.monotonic()
        try:
            response = requests.post(
                f"{self.url}/chat/completions", headers=headers, stream=True,
                json={"model": self.model, "messages": messages, "stream": True},
                timeout=(min(10.0, self.timeout), self.timeout))
        except requests.Timeout:
            raise LLMError(f"The model server {self.server} did not answer within "
                           f"{self.timeout:.0f} s (LLM_TIMEOUT): check that it is running and "
                           "not overloaded, then try again.", code="llm_timeout") from None
        except requests.RequestException:
            raise LLMError(f"The model server {self.server} could not be reached: check "
                           "LLM_API_URL and that the server is running.") from None
        if response.status_code >= 400:
            try:
                raise self.refusal(response)
            finally:
                response.close()
        return Completion(response, self.server, started, started + self.timeout, self.model)

    def refusal(self, response: requests.Response) -> LLMError:
        status = response.status_code
        if status in (401, 403):
            return LLMError(f"The model server {self.server} refused LLM_API_KEY ({status}): "
                            "set a valid key for it on the server and restart.", status=502,
                            code="llm_bad_key")
        if status == 429:
            wait = retry_after(response.headers.get("Retry-After"))
            return LLMError(f"The model server {self.server} is rate limiting this key, or its "
                            f"quota is used up (429): try again in {wait} s.",
                            code="llm_rate_limited", retry_after=wait)
        if status >= 500:
            return LLMError(f"The model server {self.server} failed ({status}): try again "
                            "later.")
        return LLMError(f"The model server {self.server} refused the request ({status}): "
                        f"{self.scrubbed(self.error_text(response))} Check LLM_MODEL and that "
                        "LLM_API_URL ends in /v1.", status=502, code="llm_rejected")

    def error_text(self, response: requests.Response) -> str:
        try:
            body = response.raw.read(ERROR_BODY_BYTES, decode_content=True)
            return error_message(json.loads(body))
        except (ValueError, requests.RequestException, OSError):
            return "no reason given."

    def scrubbed(self, text: str) -> str:
        """A server's own words, without any part of the key (some servers quote it)."""
        key = self._key
        if key and any(part in text for part in (key, key[:8], key[-6:])):
            return "(its reason quoted the key, so it is not shown)."
        return text


def off() -> LLMError:
    return LLMError("Drafting is off on this server: set LLM_API_URL (an OpenAI-compatible "
                    "base URL ending in /v1), LLM_MODEL and, if the server needs one, "
                    "LLM_API_KEY, then restart.", status=409, code="llm_off")


def retry_after(header: str | None) -> int:
    try:
        return max(1, min(3600, int(float(header or ""))))
    except (ValueError, OverflowError):
        return DEFAULT_RETRY_AFTER
