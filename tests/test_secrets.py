"""Neither GITHUB_TOKEN, LLM_API_KEY nor OWNER_TOKEN appears in any answer, header, log line
or export, whatever endpoint or error path is taken."""

import logging

from conftest import FAKE_GITHUB_TOKEN, FAKE_LLM_KEY, OWNER_TOKEN, csrf_token_from

BEARER = {"Authorization": f"Bearer {OWNER_TOKEN}"}
VOLUME = {"number": "10", "title": "Secret test", "html": '<div class="sl">01 — A</div>'}


def exchanges(client, fake):
    """Every endpoint, with its success and failure paths, against the fake Gist API."""
    yield client.get("/")
    yield client.get("/healthz")
    yield client.get("/api/volumes")
    yield client.get("/login")
    yield client.post("/login", data={"token": "wrong-owner-token"})  # no CSRF
    added = client.post("/api/volumes", json=VOLUME, headers=BEARER)
    yield added
    volume_id = added.get_json()["volume"]["id"]
    yield client.post("/api/volumes", json=VOLUME, headers=BEARER)  # 409
    yield client.post("/api/volumes", json=VOLUME | {"title": ""}, headers=BEARER)  # 400
    yield client.post("/api/volumes", json=VOLUME | {"html": "<script>x</script>"},
                      headers=BEARER)  # 422
    yield client.post("/api/volumes", data="{", headers=BEARER)  # bad JSON
    yield client.post("/api/volumes", json=VOLUME, headers={"Authorization": "Bearer wrong"})
    yield client.post("/api/volumes/preview", json=VOLUME, headers=BEARER)
    yield client.post("/api/connection-test", headers=BEARER)
    yield client.get("/api/revisions", headers=BEARER)
    yield client.get("/download")
    yield client.get("/manage")
    yield client.delete("/api/volumes/builtin-01", headers=BEARER)  # 403
    yield client.delete("/api/volumes/unknown", headers=BEARER)  # 404
    for status in (401, 404, 500):
        fake.inject("status", status=status, times=3)
        yield client.post("/api/volumes", json=VOLUME | {"number": "11"}, headers=BEARER)
        yield client.post("/api/connection-test", headers=BEARER)
        fake.faults.clear()
    fake.inject("rate_limit", times=3)
    yield client.post("/api/volumes", json=VOLUME | {"number": "12"}, headers=BEARER)
    fake.faults.clear()
    fake.inject("drop", times=6)
    yield client.delete(f"/api/volumes/{volume_id}", headers=BEARER)
    yield client.get("/")
    fake.faults.clear()
    yield client.delete(f"/api/volumes/{volume_id}", headers=BEARER)
    yield client.post("/logout")


def checked(responses, secrets: tuple[str, ...]) -> set[int]:
    """The statuses of `responses`, each answer's body and headers checked for the secrets."""
    statuses = set()
    for response in responses:
        statuses.add(response.status_code)
        text = response.get_data(as_text=True) + "".join(
            f"{k}: {v}\n" for k, v in response.headers.items())
        for secret in secrets:
            assert secret not in text, response.request.path
            assert secret[4:-4] not in text  # not even the middle of a masked token
    return statuses


def test_no_token_in_any_answer_header_or_log(make_app, gist_env, fake_github, caplog):
    app = make_app(**gist_env)
    client = app.test_client()
    caplog.set_level(logging.DEBUG)
    statuses = checked(exchanges(client, fake_github), (FAKE_GITHUB_TOKEN, OWNER_TOKEN))
    # The paths really ran: successes, refusals and GitHub failures alike.
    assert {200, 201, 204, 400, 401, 403, 404, 409, 422, 502, 503} <= statuses
    logged = "\n".join(record.getMessage() + str(record.exc_info or "")
                       for record in caplog.records)
    assert FAKE_GITHUB_TOKEN not in logged and OWNER_TOKEN not in logged


def test_no_token_in_the_command_line_output(data_dir, gist_env, tmp_path):
    import os
    import subprocess
    import sys

    from conftest import ROOT

    env = {k: v for k, v in os.environ.items()} | gist_env
    for args in (["check"], ["check", "--json"], ["export", str(tmp_path / "g.html")]):
        result = subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=60)
        assert FAKE_GITHUB_TOKEN not in result.stdout + result.stderr
    assert FAKE_GITHUB_TOKEN not in (tmp_path / "g.html").read_text()
    assert OWNER_TOKEN not in (tmp_path / "g.html").read_text()


def draft_exchanges(client, fake):
    """Every path of a draft against the fake model server, and the pages around it."""
    notes = {"notes": "Diffusion models: noise, then denoise."}
    stream = BEARER | {"Accept": "text/event-stream"}
    yield client.get("/manage")
    yield client.post("/api/volumes/draft", json=notes, headers=BEARER)
    yield client.post("/api/volumes/draft", json=notes, headers=stream)
    yield client.post("/api/volumes/draft", json={"notes": ""}, headers=BEARER)
    for kind, options in (("status", {"status": 429}), ("status", {"status": 500}),
                          ("stream_error", {}), ("garbage", {}), ("drop", {}),
                          ("stall", {"seconds": 1.5})):
        fake.inject(kind, **options)
        yield client.post("/api/volumes/draft", json=notes, headers=BEARER)
        fake.inject(kind, **options)
        yield client.post("/api/volumes/draft", json=notes, headers=stream)
    fake.key = "another-key-the-server-does-not-have"  # the server refuses ours: 401
    yield client.post("/api/volumes/draft", json=notes, headers=BEARER)
    yield client.post("/api/volumes/draft", json=notes, headers=stream)
    yield client.get("/download")
    yield client.get("/")


def test_no_llm_key_in_any_answer_header_or_log(make_app, llm_env, fake_llm, caplog):
    from study_guide.services import services

    app = make_app(**llm_env | {"LLM_TIMEOUT": "0.5"})
    services(app).llm.per_minute = 100  # every path below, not the draft limit
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"token": OWNER_TOKEN, "csrf_token": token})
    caplog.set_level(logging.DEBUG)
    statuses = checked(draft_exchanges(client, fake_llm), (FAKE_LLM_KEY, OWNER_TOKEN))
    assert {200, 400, 502, 503} <= statuses and 429 not in statuses
    assert len(fake_llm.seen) == 16  # the empty notes never reached it
    assert fake_llm.seen[0].headers["Authorization"] == f"Bearer {FAKE_LLM_KEY}"
    logged = "\n".join(record.getMessage() + str(record.exc_info or "")
                       for record in caplog.records)
    assert "llm_" in logged and FAKE_LLM_KEY not in logged and FAKE_LLM_KEY[4:-4] not in logged
