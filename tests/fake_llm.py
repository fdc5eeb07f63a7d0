"""A fake OpenAI-compatible chat server, served over real HTTP on loopback.

It follows OpenAI's documented behaviour for `POST /v1/chat/completions`: a Bearer key
(`401` with an `invalid_api_key` error that quotes the key's ends, as OpenAI's does), a known
`model` (`404` `model_not_found` otherwise), and the answer either as one JSON object
(`choices[0].message.content`, `finish_reason`, `usage`) or, with `"stream": true`, as
server-sent events: `data: {chat.completion.chunk}` lines whose `choices[0].delta.content`
carry the text in pieces, a last chunk with `finish_reason`, then `data: [DONE]`.

`answer` is what the model says; `finish_reason` is "stop" unless a test sets "length";
`chunk_chars` and `chunk_delay` pace the stream. Switches (`inject`) make the next requests
fail the ways such servers do: a status (`429` with or without `Retry-After`, `5xx`), slow
headers, a stall mid-stream, a dropped connection, an error event mid-stream, JSON although a
stream was asked for, and a body that is not JSON. `seen` keeps each request's headers and JSON
body; `request_bytes` and `response_bytes` their sizes on the wire (bodies only).
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

from fake_gist import QuietServer

DEFAULT_ANSWER = """Here is your volume.

```html
<div class="sl">01 — Diffusion in one picture</div>
<p class="lead">A diffusion model learns to undo noise, one small step at a time.</p>
<div class="card"><div class="fml">x<sub>t</sub> = √ᾱ<sub>t</sub> x<sub>0</sub>
 + √(1−ᾱ<sub>t</sub>) ε</div></div>
<div class="sl">02 — Training</div>
<p>Predict the noise ε that was added; the loss is a plain mean squared error.</p>
```

Tell me if you want more flashcards."""


@dataclass
class Fault:
    kind: str  # "status" | "slow" | "stall" | "drop" | "stream_error" | "json" | "garbage"
    times: int = 1
    status: int = 500
    retry_after: str | None = None
    seconds: float = 0.0


@dataclass
class Seen:
    headers: dict[str, str]
    body: dict


class FakeLLM:
    """One account on an OpenAI-compatible server, and the HTTP server in front of it."""

    def __init__(self, key: str, model: str = "fake-model-1") -> None:
        self.key = key
        self.model = model
        self.answer = DEFAULT_ANSWER
        self.finish_reason = "stop"
        self.chunk_chars = 24  # about six tokens a chunk, as real servers send
        self.chunk_delay = 0.0
        self.faults: list[Fault] = []
        self.seen: list[Seen] = []
        self.request_bytes: list[int] = []
        self.response_bytes: list[int] = []
        self._lock = threading.Lock()
        self._server: QuietServer | None = None
        self.url = ""  # the base URL, with /v1, as LLM_API_URL takes it

    def inject(self, kind: str, **options: object) -> None:
        with self._lock:
            self.faults.append(Fault(kind, **options))

    def take_fault(self) -> Fault | None:
        with self._lock:
            if not self.faults:
                return None
            fault = self.faults[0]
            fault.times -= 1
            if fault.times <= 0:
                self.faults.pop(0)
            return fault

    def start(self) -> FakeLLM:
        self._server = QuietServer.started(type("Handler", (ChatHandler,), {"llm": self}))
        self.url = self._server.url + "/v1"
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()


class ChatHandler(BaseHTTPRequestHandler):
    llm: FakeLLM

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw)
        except ValueError:
            body = {}
        with self.llm._lock:
            self.llm.seen.append(Seen(dict(self.headers.items()), body))
            self.llm.request_bytes.append(len(raw))
        if self.path != "/v1/chat/completions":
            return self._error(404, f"Unknown request URL: POST {self.path}.", "unknown_url")
        if self.llm.key and self.headers.get("Authorization") != f"Bearer {self.llm.key}":
            sent = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
            return self._error(401, f"Incorrect API key provided: {sent[:3]}****{sent[-4:]}.",
                               "invalid_api_key")
        if body.get("model") != self.llm.model:
            return self._error(404, f"The model `{body.get('model')}` does not exist or you "
                               "do not have access to it.", "model_not_found")
        fault = self.llm.take_fault()
        if fault and fault.kind == "drop":
            return self._drop()
        if fault and fault.kind == "slow":
            time.sleep(fault.seconds)
        if fault and fault.kind == "status":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            return self._error(fault.status, "Rate limit reached for requests."
                               if fault.status == 429 else "The server had an error.",
                               "rate_limit_exceeded" if fault.status == 429 else None, headers)
        if fault and fault.kind == "garbage":
            return self._send(200, b"<html>not an API</html>", {"Content-Type": "text/html"})
        if body.get("stream") and not (fault and fault.kind == "json"):
            return self._stream(fault)
        self._json(200, self._completion())

    # --- answers -----------------------------------------------------------------------------

    def _completion(self) -> dict:
        return {"id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
                "model": self.llm.model,
                "choices": [{"index": 0, "finish_reason": self.llm.finish_reason,
                             "message": {"role": "assistant", "content": self.llm.answer}}],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}}

    def _chunk(self, delta: dict, finish_reason: str | None = None) -> bytes:
        chunk = {"id": "chatcmpl-fake", "object": "chat.completion.chunk",
                 "created": int(time.time()), "model": self.llm.model,
                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]}
        return b"data: " + json.dumps(chunk).encode("utf-8") + b"\n\n"

    def _stream(self, fault: Fault | None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.close_connection = True  # no length: the stream ends with the connection
        text, size = self.llm.answer, self.llm.chunk_chars
        pieces = [text[i:i + size] for i in range(0, len(text), size)]
        sent = 0
        try:
            sent += self._write(b": keep-alive\n\n" + self._chunk({"role": "assistant",
                                                                  "content": ""}))
            for index, piece in enumerate(pieces):
                if index == 1 and fault and fault.kind == "stall":
                    time.sleep(fault.seconds)
                if index == 1 and fault and fault.kind == "stream_error":
                    error = {"error": {"message": "The upstream provider failed.",
                                       "code": 502}}
                    sent += self._write(b"data: " + json.dumps(error).encode() + b"\n\n")
                    return
                if self.llm.chunk_delay:
                    time.sleep(self.llm.chunk_delay)
                sent += self._write(self._chunk({"content": piece}))
            sent += self._write(self._chunk({}, self.llm.finish_reason) + b"data: [DONE]\n\n")
        except OSError:
            pass  # the client went away (a Stop)
        finally:
            with self.llm._lock:
                self.llm.response_bytes.append(sent)

    def _write(self, data: bytes) -> int:
        self.wfile.write(data)
        self.wfile.flush()
        return len(data)

    def _error(self, status: int, message: str, code: str | None,
               headers: dict | None = None) -> None:
        self._json(status, {"error": {"message": message, "type": "invalid_request_error",
                                      "param": None, "code": code}}, headers)

    def _json(self, status: int, data: object, headers: dict | None = None) -> None:
        body = json.dumps(data).encode("utf-8")
        with self.llm._lock:
            self.llm.response_bytes.append(len(body))
        self._send(status, body, {"Content-Type": "application/json"} | (headers or {}))

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _drop(self) -> None:
        """Close the connection without an answer, as a crashed server would."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
