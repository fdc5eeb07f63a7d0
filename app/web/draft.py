"""`POST /api/volumes/draft` (docs/http.md): the model drafts a volume from the owner's notes,
and its answer goes through the pipeline a paste does (unwrap, Markdown, sanitize). Answered
as JSON, or as an event stream of progress then the draft. Nothing is stored: the owner adds it
with `POST /api/volumes`."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

from flask import Blueprint, Response, jsonify, request, stream_with_context

from study_guide.content.fields import validate_fields
from study_guide.errors import AppError
from study_guide.llm import Completion, LLMError, off, volume_messages
from study_guide.services import services
from study_guide.web.auth import owner_required
from study_guide.web.manage import PROMPT

bp = Blueprint("draft", __name__, url_prefix="/api")
log = logging.getLogger("study_guide")
MAX_NOTES_BYTES = 200 * 1024
PROGRESS_EVERY = 0.25  # seconds between progress events
TRUNCATED = ("The model stopped at its output limit (finish_reason \"length\"): the volume is "
             "probably cut off. Add it as it is, or draft again from fewer notes.")


@bp.post("/volumes/draft")
@owner_required
def draft() -> object:
    client = services().llm
    if not client.enabled:
        raise off()
    notes, number, title = draft_fields(request.get_json(silent=True))
    client.admit()
    completion = client.start(volume_messages(PROMPT.read_text(encoding="utf-8"), notes, title))
    wanted = request.accept_mimetypes.best_match(["application/json", "text/event-stream"])
    if wanted == "text/event-stream":
        return Response(stream_with_context(events(completion, number, title)),
                        mimetype="text/event-stream", headers={"X-Accel-Buffering": "no"})
    return jsonify(drafted(completion, "".join(completion.pieces()), number, title))


def draft_fields(body: object) -> tuple[str, str, str]:
    """The notes, and the number and title checked as an add would check them."""
    if not isinstance(body, dict):
        raise AppError('Send a JSON body (Content-Type: application/json) with "notes", and '
                       'optionally "title" and "number".', status=400, code="bad_json")
    notes = body.get("notes")
    if not isinstance(notes, str) or not notes.strip():
        raise AppError('The notes are empty: send the notes to draft from as "notes".',
                       status=400, code="bad_input")
    size = len(notes.encode("utf-8", "surrogatepass"))
    if size > MAX_NOTES_BYTES:
        raise AppError(f"The notes are {size / 1024:.0f} KB; a draft takes at most "
                       f"{MAX_NOTES_BYTES // 1024} KB of notes. Draft from a part of them.",
                       status=413, code="too_large")
    number = body.get("number") if body.get("number") not in (None, "") else "1"
    fields = validate_fields({"number": number, "title": body.get("title"), "html": notes})
    return notes, fields.number, fields.title


def drafted(completion: Completion, answer: str, number: str, title: str) -> dict:
    """The answer as a preview shows it, with what the model said about it."""
    if not answer.strip():
        raise LLMError(f"The model ({completion.model}) answered with no text"
                       f"{' before its output limit' if completion.truncated else ''}: try "
                       "again, or with another LLM_MODEL.", status=502, code="llm_bad_answer")
    prepared = services().catalogue.prepare({"number": number, "title": title, "html": answer},
                                            require_title=False)
    report = prepared.report.as_dict()
    if completion.truncated:
        report["notes"] = [*report.get("notes", []), TRUNCATED]
    result = {"html": prepared.html, "report": report, "truncated": completion.truncated,
              "model": completion.model, "format": prepared.format}
    if prepared.title:
        result["title"] = prepared.title
    return result


def event(name: str, data: dict) -> str:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


def events(completion: Completion, number: str, title: str) -> Iterator[str]:
    """`progress` events while the answer arrives, then `draft` (the JSON answer's body) or
    `error` (`{"error": {"code", "message"}, "status"}`)."""
    parts: list[str] = []
    last = time.monotonic()
    yield event("progress", {"chars": 0, "elapsed": round(completion.elapsed, 1)})
    try:
        for piece in completion.pieces():
            parts.append(piece)
            if time.monotonic() - last >= PROGRESS_EVERY:
                last = time.monotonic()
                yield event("progress", {"chars": completion.received,
                                         "elapsed": round(completion.elapsed, 1)})
        yield event("draft", drafted(completion, "".join(parts), number, title))
    except AppError as error:
        if error.status >= 500:
            log.warning("%s: %s", error.code, error.message)
        failure = error.as_dict() | {"status": error.status}
        if error.retry_after is not None:
            failure["retry_after"] = error.retry_after
        yield event("error", failure)
