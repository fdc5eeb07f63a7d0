"""POST /api/volumes/draft against the fake OpenAI-compatible server (tests/fake_llm.py): JSON
and event-stream answers, the pipeline a paste takes, truncation, and every failure mapped to
the status, code and sentence docs/http.md gives."""

import json

import pytest
from conftest import FAKE_LLM_KEY, OWNER_TOKEN, free_port

BEARER = {"Authorization": f"Bearer {OWNER_TOKEN}"}
STREAM = BEARER | {"Accept": "text/event-stream"}
NOTES = {"notes": "Diffusion: forward noising, reverse denoising, the ε-prediction loss."}


@pytest.fixture
def drafting(make_app, llm_env):
    """A test client whose server drafts with the fake."""
    return make_app(**llm_env).test_client()


def events_of(response) -> list[tuple[str, dict]]:
    found = []
    for block in response.get_data(as_text=True).split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in lines:
            found.append((lines["event"], json.loads(lines["data"])))
    return found


def test_a_draft_comes_back_through_the_paste_pipeline(drafting, fake_llm):
    response = drafting.post("/api/volumes/draft", json=NOTES | {"title": "Diffusion"},
                             headers=BEARER)
    assert response.status_code == 200
    data = response.get_json()
    assert data["html"].startswith('<div class="sl">01 — Diffusion in one picture</div>')
    assert "Tell me" not in data["html"] and "```" not in data["html"]
    assert "Removed the chat text before the ```html block." in data["report"]["notes"]
    assert data["truncated"] is False and data["model"] == "fake-model-1"
    assert data["title"] == "Diffusion" and data["format"] == "html"
    seen = fake_llm.seen[-1]
    assert seen.headers["Authorization"] == f"Bearer {FAKE_LLM_KEY}"
    assert seen.body["model"] == "fake-model-1" and seen.body["stream"] is True
    prompt = seen.body["messages"][0]["content"]
    assert "OUTPUT RULES" in prompt and NOTES["notes"] in prompt
    assert "[PASTE YOUR NOTES HERE]" not in prompt and "The volume's title: Diffusion" in prompt


def test_a_draft_stores_nothing(drafting):
    before = drafting.get("/api/volumes").get_json()
    assert drafting.post("/api/volumes/draft", json=NOTES, headers=BEARER).status_code == 200
    assert drafting.get("/api/volumes").get_json() == before


def test_a_server_that_does_not_stream_answers_in_one_piece(drafting, fake_llm):
    fake_llm.inject("json")
    streamed = drafting.post("/api/volumes/draft", json=NOTES, headers=BEARER).get_json()
    whole = drafting.post("/api/volumes/draft", json=NOTES, headers=BEARER).get_json()
    assert streamed == whole


def test_the_title_the_answer_offers_is_taken(drafting, fake_llm):
    fake_llm.answer = "# Diffusion Models\n\n## Noise\n\nThe forward process adds noise."
    data = drafting.post("/api/volumes/draft", json=NOTES, headers=BEARER).get_json()
    assert data["title"] == "Diffusion Models" and data["format"] == "markdown"
    assert '<h2 class="sl">Noise</h2>' in data["html"]


def test_an_answer_without_a_title_leaves_it_to_the_owner(drafting):
    data = drafting.post("/api/volumes/draft", json=NOTES, headers=BEARER).get_json()
    assert "title" not in data


def test_the_event_stream_reports_progress_then_the_draft(drafting, fake_llm):
    fake_llm.answer = fake_llm.answer.replace("plain mean", "plain " + "very " * 200 + "mean")
    fake_llm.chunk_delay = 0.01
    response = drafting.post("/api/volumes/draft", json=NOTES, headers=STREAM)
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    events = events_of(response)
    progress = [data for name, data in events if name == "progress"]
    assert progress[0] == {"chars": 0, "elapsed": progress[0]["elapsed"]}
    assert len(progress) >= 3
    assert [p["chars"] for p in progress] == sorted(p["chars"] for p in progress)
    assert progress[-1]["elapsed"] > 0
    name, data = events[-1]
    assert name == "draft" and data["truncated"] is False
    assert data == drafting.post("/api/volumes/draft", json=NOTES, headers=BEARER).get_json()


@pytest.mark.parametrize("headers", [BEARER, STREAM], ids=["json", "event-stream"])
def test_an_answer_cut_at_the_length_limit_is_marked_truncated(drafting, fake_llm, headers):
    fake_llm.answer = fake_llm.answer.split("<div class=\"sl\">02")[0].rstrip("\n`")
    fake_llm.answer = fake_llm.answer.split("```")[0] + "```html\n<div class=\"sl\">01 — A</div>"
    fake_llm.finish_reason = "length"
    response = drafting.post("/api/volumes/draft", json=NOTES, headers=headers)
    data = response.get_json() if headers is BEARER else events_of(response)[-1][1]
    assert data["truncated"] is True
    assert any("output limit" in note for note in data["report"]["notes"])


# --- refusals before the model is asked ---------------------------------------------------

def test_drafting_is_off_without_llm_api_url(client):
    response = client.post("/api/volumes/draft", json=NOTES, headers=BEARER)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "llm_off" and "LLM_API_URL" in error["message"]


def test_not_signed_in_is_401(drafting, fake_llm):
    response = drafting.post("/api/volumes/draft", json=NOTES)
    assert response.status_code == 401 and not fake_llm.seen


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"notes": "  \n"}, 400, "bad_input"),
    ({}, 400, "bad_input"),
    ({"notes": 12}, 400, "bad_input"),
    ({"notes": "x", "number": "zero"}, 400, "bad_input"),
    ({"notes": "x", "title": "t" * 201}, 400, "bad_input"),
    ({"notes": "é" * (100 * 1024 + 1)}, 413, "too_large"),
])
def test_bad_notes_are_refused_before_the_model_is_asked(drafting, fake_llm, body, status,
                                                         code):
    response = drafting.post("/api/volumes/draft", json=body, headers=BEARER)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert not fake_llm.seen


def test_notes_of_200_kb_are_taken(drafting):
    body = {"notes": "n" * (200 * 1024)}
    assert drafting.post("/api/volumes/draft", json=body, headers=BEARER).status_code == 200


def test_a_body_that_is_not_json_is_refused(drafting):
    response = drafting.post("/api/volumes/draft", data="{", headers=BEARER)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_json"


def test_drafts_are_limited_to_ten_a_minute(drafting, fake_llm):
    statuses = [drafting.post("/api/volumes/draft", json=NOTES, headers=BEARER).status_code
                for _ in range(11)]
    assert statuses == [200] * 10 + [429] and len(fake_llm.seen) == 10
    response = drafting.post("/api/volumes/draft", json=NOTES, headers=BEARER)
    assert response.get_json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(response.headers["Retry-After"]) <= 60


# --- the model server's failures -------------------------------------------------------------

def refusal(client, headers=BEARER):
    response = client.post("/api/volumes/draft", json=NOTES, headers=headers)
    return response, response.get_json()["error"]


def test_a_refused_key_is_502_naming_llm_api_key(make_app, llm_env, fake_llm):
    client = make_app(**llm_env | {"LLM_API_KEY": "wrong-key-000000000000"}).test_client()
    response, error = refusal(client)
    assert response.status_code == 502 and error["code"] == "llm_bad_key"
    assert "LLM_API_KEY" in error["message"] and "0000" not in error["message"]


@pytest.mark.parametrize(("header", "expected"), [("7", "7"), (None, "30")])
def test_rate_limited_upstream_is_503_with_retry_after(drafting, fake_llm, header, expected):
    fake_llm.inject("status", status=429, retry_after=header)
    response, error = refusal(drafting)
    assert response.status_code == 503 and error["code"] == "llm_rate_limited"
    assert response.headers["Retry-After"] == expected


def test_an_unreachable_server_is_503(make_app, llm_env):
    client = make_app(**llm_env | {"LLM_API_URL": f"http://127.0.0.1:{free_port()}/v1"}
                      ).test_client()
    response, error = refusal(client)
    assert response.status_code == 503 and error["code"] == "llm_unreachable"
    assert "LLM_API_URL" in error["message"]


@pytest.mark.parametrize(("kind", "options", "status", "code"), [
    ("drop", {}, 503, "llm_unreachable"),
    ("status", {"status": 500}, 503, "llm_unreachable"),
    ("status", {"status": 503}, 503, "llm_unreachable"),
    ("stream_error", {}, 502, "llm_rejected"),
    ("garbage", {}, 502, "llm_bad_answer"),
])
def test_server_failures_map_to_502_or_503(drafting, fake_llm, kind, options, status, code):
    fake_llm.inject(kind, **options)
    response, error = refusal(drafting)
    assert (response.status_code, error["code"]) == (status, code)


def test_an_unknown_model_is_502_with_the_servers_reason(make_app, llm_env):
    client = make_app(**llm_env | {"LLM_MODEL": "no-such-model"}).test_client()
    response, error = refusal(client)
    assert response.status_code == 502 and error["code"] == "llm_rejected"
    assert "no-such-model" in error["message"] and "LLM_MODEL" in error["message"]


def test_an_empty_answer_is_502(drafting, fake_llm):
    fake_llm.answer = ""
    response, error = refusal(drafting)
    assert response.status_code == 502 and error["code"] == "llm_bad_answer"


@pytest.mark.parametrize("kind", ["slow", "stall"])
def test_no_answer_within_the_limit_is_503(make_app, llm_env, fake_llm, kind):
    client = make_app(**llm_env | {"LLM_TIMEOUT": "0.5"}).test_client()
    fake_llm.inject(kind, seconds=1.5)
    response, error = refusal(client)
    assert response.status_code == 503 and error["code"] == "llm_timeout"
    assert "LLM_TIMEOUT" in error["message"]


def test_a_failure_mid_stream_is_an_error_event(make_app, llm_env, fake_llm):
    client = make_app(**llm_env | {"LLM_TIMEOUT": "0.5"}).test_client()
    fake_llm.inject("stall", seconds=1.5)
    response = client.post("/api/volumes/draft", json=NOTES, headers=STREAM)
    assert response.status_code == 200
    name, data = events_of(response)[-1]
    assert name == "error" and data["status"] == 503
    assert data["error"]["code"] == "llm_timeout"


def test_a_refusal_before_the_stream_keeps_its_status(drafting, fake_llm):
    fake_llm.inject("status", status=429, retry_after="5")
    response, error = refusal(drafting, STREAM)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert error["code"] == "llm_rate_limited"


# --- the manage page ---------------------------------------------------------------------------

def test_the_manage_page_shows_the_model_and_the_key_masked(make_app, llm_env):
    client = make_app(**llm_env).test_client()
    page = manage_page(client)
    assert "fake-model-1" in page and 'id="draft-button"' in page
    assert FAKE_LLM_KEY not in page and FAKE_LLM_KEY[4:-4] not in page
    assert f"{FAKE_LLM_KEY[:4]}…{FAKE_LLM_KEY[-4:]}" in page


def test_the_manage_page_says_what_to_set_when_drafting_is_off(client):
    page = manage_page(client)
    assert 'id="draft-button"' not in page
    assert "LLM_API_URL" in page and "LLM_MODEL" in page


def manage_page(client) -> str:
    from conftest import csrf_token_from

    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"token": OWNER_TOKEN, "csrf_token": token})
    return client.get("/manage").get_data(as_text=True)
