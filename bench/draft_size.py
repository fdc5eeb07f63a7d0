"""Prints what one draft (POST /api/volumes/draft) costs, measured against the fake
OpenAI-compatible server: the request the server sends (prompt + notes), the answer streamed
back, and tokens estimated at about 4 characters per token (the usual rule of thumb for English
and HTML; the real count depends on the model's tokenizer).

Run: .venv/bin/python bench/draft_size.py
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from fake_llm import FakeLLM  # noqa: E402
from run import sample_volume  # noqa: E402

from study_guide import create_app  # noqa: E402

KEY = "bench-llm-key-000000000000000000"
OWNER_TOKEN = "bench-owner-token-1"
NOTES_CHARS = 4000


def sample_notes() -> str:
    """About 4,000 characters of plain-text notes, taken from a built-in volume's text."""
    html = (ROOT / "volumes" / "08-transformers.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.split("<body", 1)[-1]))
    return text[:NOTES_CHARS]


def measure(answer_bytes: int) -> dict:
    fake = FakeLLM(KEY).start()
    try:
        fake.answer = f"Here is the volume.\n\n```html\n{sample_volume(answer_bytes)}\n```"
        with tempfile.TemporaryDirectory() as folder:
            client = create_app({"STUDY_GUIDE_DATA_DIR": folder, "OWNER_TOKEN": OWNER_TOKEN,
                                 "LLM_API_URL": fake.url, "LLM_API_KEY": KEY,
                                 "LLM_MODEL": fake.model}).test_client()
            response = client.post("/api/volumes/draft", json={"notes": sample_notes()},
                                   headers={"Authorization": f"Bearer {OWNER_TOKEN}",
                                            "Accept": "text/event-stream"})
            assert response.status_code == 200, response.get_data(as_text=True)[:300]
            to_browser = len(response.get_data())
        prompt = fake.seen[-1].body["messages"][0]["content"]
        return {"prompt_chars": len(prompt), "request_bytes": fake.request_bytes[-1],
                "answer_chars": len(fake.answer), "stream_bytes": fake.response_bytes[-1],
                "to_browser_bytes": to_browser}
    finally:
        fake.stop()


def main() -> None:
    print(f"notes: {NOTES_CHARS} characters; tokens ≈ characters / 4")
    for size in (40 * 1024, 100 * 1024):
        m = measure(size)
        print(json.dumps(m))
        print(f"  answer of {size // 1024} KB: input ≈ {m['prompt_chars'] / 4:,.0f} tokens "
              f"(request body {m['request_bytes']:,} B), output ≈ {m['answer_chars'] / 4:,.0f} "
              f"tokens (streamed as {m['stream_bytes']:,} B of events)")


if __name__ == "__main__":
    main()
