"""The GitHub Gist client against the fake Gist API, and the fake's own faithfulness."""

from __future__ import annotations

import json
import time
import traceback

import pytest
import requests
from conftest import FAKE_GIST_ID, FAKE_GITHUB_TOKEN, free_port
from fake_gist import TRUNCATE_AT, FakeGitHub

from study_guide.storage.document import FILENAME
from study_guide.storage.github import (
    BadToken,
    GistClient,
    GistNotFound,
    GitHubError,
    GitHubTimeout,
    GitHubUnavailable,
    RateLimited,
)

GIST = f"/gists/{FAKE_GIST_ID}"


@pytest.fixture
def gist_client(fake_github: FakeGitHub) -> GistClient:
    """A client with short timeouts and backoff, so fault tests run quickly."""
    return GistClient(fake_github.url, FAKE_GITHUB_TOKEN, timeout=(1.0, 0.5), backoff=0.01)


def raw_request(fake: FakeGitHub, method: str, path: str, **kwargs) -> requests.Response:
    headers = {"Authorization": f"Bearer {FAKE_GITHUB_TOKEN}"} | kwargs.pop("headers", {})
    return requests.request(method, fake.url + path, headers=headers, timeout=5, **kwargs)


# --- what every request carries -------------------------------------------------------------

def test_requests_carry_githubs_media_type_api_version_bearer_token_and_user_agent(
        gist_client, fake_github):
    gist_client.get_gist(FAKE_GIST_ID)
    headers = fake_github.seen_headers[-1]
    assert headers["Accept"] == "application/vnd.github+json"
    assert headers["X-GitHub-Api-Version"] == "2022-11-28"
    assert headers["Authorization"] == f"Bearer {FAKE_GITHUB_TOKEN}"
    assert headers["User-Agent"].startswith("study-guide")


def test_answer_reports_scopes_rate_limit_and_etag(gist_client):
    answer = gist_client.get_gist(FAKE_GIST_ID)
    assert answer.scopes == ["gist"]
    assert answer.rate_limit.limit == 5000
    assert answer.rate_limit.remaining == 4999
    assert answer.rate_limit.as_dict()["reset"].endswith("Z")
    assert answer.etag.startswith('W/"')


def test_conditional_get_answers_304_and_costs_no_rate_limit(gist_client, fake_github):
    first = gist_client.get_gist(FAKE_GIST_ID)
    again = gist_client.get_gist(FAKE_GIST_ID, etag=first.etag)
    assert again.not_modified and again.data is None
    assert again.rate_limit.remaining == first.rate_limit.remaining
    assert fake_github.answers[304] == 1


def test_raw_url_on_another_host_is_fetched_without_the_token(gist_client):
    other = FakeGitHub("another-token-0000000000").start()
    try:
        other.create_gist("g1", {FILENAME: '{"volumes": []}'})
        raw_url = other.gist_json("g1")["files"][FILENAME]["raw_url"]
        assert gist_client.get_raw(raw_url) == '{"volumes": []}'
        assert "Authorization" not in other.seen_headers[-1]
    finally:
        other.stop()


# --- GitHub's refusals become typed errors ----------------------------------------------------

def test_bad_token_is_a_502_saying_to_replace_the_token(fake_github):
    client = GistClient(fake_github.url, "not-the-token-0000000000")
    with pytest.raises(BadToken) as caught:
        client.get_gist(FAKE_GIST_ID)
    assert caught.value.status == 502
    assert "GITHUB_TOKEN" in caught.value.message


@pytest.mark.parametrize("cause", ["unknown gist", "token without the gist scope"])
def test_not_found_is_a_502_naming_both_possible_causes(gist_client, fake_github, cause):
    gist_id = "0000000000unknown" if cause == "unknown gist" else FAKE_GIST_ID
    if cause != "unknown gist":
        fake_github.scopes = "repo"
    with pytest.raises(GistNotFound) as caught:
        gist_client.get_gist(gist_id)
    assert caught.value.status == 502
    assert "GIST_ID" in caught.value.message and "gist scope" in caught.value.message


def test_a_refused_patch_is_a_502_with_githubs_reason(gist_client, fake_github):
    response = raw_request(fake_github, "PATCH", GIST,
                           json={"files": {FILENAME: {"content": ""}}})
    assert response.status_code == 422
    fake_github.inject("status", status=422, method="PATCH")
    with pytest.raises(GitHubError) as caught:
        gist_client.update_file(FAKE_GIST_ID, FILENAME, '{"volumes": []}')
    assert caught.value.status == 502 and caught.value.code == "github_rejected"


@pytest.mark.parametrize("status", [403, 429])
def test_primary_rate_limit_is_a_503_with_retry_after_until_the_reset(gist_client, fake_github,
                                                                     status):
    fake_github.inject("rate_limit", status=status, seconds=600)
    with pytest.raises(RateLimited) as caught:
        gist_client.get_gist(FAKE_GIST_ID)
    assert caught.value.status == 503
    assert 590 <= caught.value.retry_after <= 600
    assert "10 minutes" in caught.value.message
    assert fake_github.count("GET") == 1  # a rate limit is never retried


@pytest.mark.parametrize("status", [403, 429])
def test_secondary_rate_limit_waits_as_long_as_retry_after_says(gist_client, fake_github, status):
    fake_github.inject("rate_limit", status=status, secondary=True, seconds=45)
    with pytest.raises(RateLimited) as caught:
        gist_client.get_gist(FAKE_GIST_ID)
    assert caught.value.retry_after == 45


def test_a_403_that_is_no_rate_limit_is_a_refusal(gist_client, fake_github):
    fake_github.inject("status", status=403)
    with pytest.raises(GitHubError) as caught:
        gist_client.get_gist(FAKE_GIST_ID)
    assert caught.value.status == 502


# --- timeouts, retries and faults --------------------------------------------------------------

def test_gets_are_retried_with_backoff_after_5xx(gist_client, fake_github):
    fake_github.inject("status", status=502, times=2)
    assert gist_client.get_gist(FAKE_GIST_ID).status == 200
    assert fake_github.count("GET", GIST) == 3


def test_gets_give_up_after_three_5xx_with_a_503(gist_client, fake_github):
    fake_github.inject("status", status=503, times=5)
    with pytest.raises(GitHubUnavailable) as caught:
        gist_client.get_gist(FAKE_GIST_ID)
    assert caught.value.status == 503 and "3 tries" in caught.value.message
    assert fake_github.count("GET", GIST) == 3


def test_gets_are_retried_after_a_dropped_connection(gist_client, fake_github):
    fake_github.inject("drop", times=1)
    assert gist_client.get_gist(FAKE_GIST_ID).status == 200
    assert fake_github.count("GET", GIST) == 2


@pytest.mark.parametrize("fault", [{"kind": "status", "status": 502},
                                   {"kind": "drop"}, {"kind": "drop", "after_apply": True}])
def test_a_patch_is_sent_once_never_retried_blindly(gist_client, fake_github, fault):
    fake_github.inject(fault.pop("kind"), method="PATCH", **fault)
    with pytest.raises(GitHubUnavailable):
        gist_client.update_file(FAKE_GIST_ID, FILENAME, '{"volumes": [{"id": "a"}]}')
    assert fake_github.count("PATCH") == 1


def test_a_patch_answered_with_a_5xx_does_not_claim_it_was_retried(gist_client, fake_github):
    fake_github.inject("status", status=503, method="PATCH")
    with pytest.raises(GitHubUnavailable) as caught:
        gist_client.update_file(FAKE_GIST_ID, FILENAME, '{"volumes": []}')
    assert "HTTP 503" in caught.value.message and "tries" not in caught.value.message


def test_an_answer_slower_than_the_read_timeout_is_a_503_and_not_retried(gist_client, fake_github):
    fake_github.inject("slow", seconds=1.0)
    started = time.monotonic()
    with pytest.raises(GitHubTimeout) as caught:
        gist_client.get_gist(FAKE_GIST_ID)
    assert time.monotonic() - started < 0.9
    assert caught.value.status == 503 and "0.5 s" in caught.value.message
    assert fake_github.count("GET", GIST) == 1


def test_an_unreachable_api_is_a_503_that_names_the_host(fake_github):
    client = GistClient(f"http://127.0.0.1:{free_port()}", FAKE_GITHUB_TOKEN, backoff=0.01)
    with pytest.raises(GitHubUnavailable) as caught:
        client.get_gist(FAKE_GIST_ID)
    assert "127.0.0.1" in caught.value.message and "GITHUB_API_URL" in caught.value.message


# --- the token stays secret -------------------------------------------------------------------

def every_client_error(fake: FakeGitHub) -> list[Exception]:
    client = GistClient(fake.url, FAKE_GITHUB_TOKEN, timeout=(1.0, 0.3), backoff=0.01)
    faults = [("status", {"status": 500, "times": 3}), ("drop", {"times": 3}),
              ("slow", {"seconds": 0.6}), ("rate_limit", {"status": 403}),
              ("rate_limit", {"status": 429, "secondary": True}), ("status", {"status": 422})]
    errors = []
    for kind, options in faults:
        fake.inject(kind, **options)
        with pytest.raises(Exception) as caught:
            client.get_gist(FAKE_GIST_ID)
        errors.append(caught.value)
    for bad in (GistClient(fake.url, FAKE_GITHUB_TOKEN + "x"),
                GistClient(f"http://127.0.0.1:{free_port()}", FAKE_GITHUB_TOKEN, backoff=0)):
        with pytest.raises(Exception) as caught:
            bad.get_gist(FAKE_GIST_ID)
        errors.append(caught.value)
    return errors


def test_no_error_message_repr_or_traceback_carries_the_token(fake_github):
    errors = every_client_error(fake_github)
    assert len({type(e) for e in errors}) >= 5
    for error in errors:
        printed = "".join(traceback.format_exception(error))
        assert FAKE_GITHUB_TOKEN not in printed
        assert FAKE_GITHUB_TOKEN not in repr(error) and FAKE_GITHUB_TOKEN not in str(error)
        assert error.__cause__ is None  # requests' exception (request headers) is not chained
    client = GistClient(fake_github.url, FAKE_GITHUB_TOKEN)
    assert FAKE_GITHUB_TOKEN not in repr(gist_client) and "test…1a09" in repr(client)


def test_a_token_echoed_back_by_a_server_is_masked_in_the_message(gist_client, fake_github,
                                                                 monkeypatch):
    def echo(self, fault):
        self._json(400, {"message": f"bad header Bearer {FAKE_GITHUB_TOKEN}"})

    monkeypatch.setattr("fake_gist.GistHandler._fault_answer", echo)
    fake_github.inject("status", status=400)
    with pytest.raises(GitHubError) as caught:
        gist_client.get_gist(FAKE_GIST_ID)
    assert FAKE_GITHUB_TOKEN not in caught.value.message and "test…1a09" in caught.value.message


# --- the fake follows GitHub's documented behaviour -------------------------------------------

def test_fake_truncates_content_over_1_mb_and_raw_url_serves_the_whole_file(fake_github):
    big = json.dumps({"volumes": [{"id": "a", "html": "é" * TRUNCATE_AT}]})
    fake_github.commit(FAKE_GIST_ID, {FILENAME: big})
    file = raw_request(fake_github, "GET", GIST).json()["files"][FILENAME]
    assert file["truncated"] is True and file["size"] == len(big.encode())
    assert len(file["content"].encode()) <= TRUNCATE_AT and big.startswith(file["content"])
    assert requests.get(file["raw_url"], timeout=5).content.decode() == big


def test_fake_patch_replaces_the_named_file_keeps_others_and_adds_a_revision(fake_github):
    fake_github.commit(FAKE_GIST_ID, {"notes.md": "keep me"})
    before = len(fake_github.history(FAKE_GIST_ID))
    answer = raw_request(fake_github, "PATCH", GIST,
                         json={"files": {FILENAME: {"content": '{"volumes": [1]}'}}}).json()
    assert answer["files"]["notes.md"]["content"] == "keep me"
    assert answer["files"][FILENAME]["content"] == '{"volumes": [1]}'
    assert len(answer["history"]) == before + 1
    assert answer["history"][0]["version"] == fake_github.history(FAKE_GIST_ID)[-1].version


def test_fake_refuses_if_match_with_400_and_empty_content_with_422(fake_github):
    body = {"files": {FILENAME: {"content": '{"volumes": [1]}'}}}
    assert raw_request(fake_github, "PATCH", GIST, json=body,
                       headers={"If-Match": '"x"'}).status_code == 400
    body["files"][FILENAME]["content"] = ""
    assert raw_request(fake_github, "PATCH", GIST, json=body).status_code == 422
    assert len(fake_github.history(FAKE_GIST_ID)) == 1


def test_fake_lists_revisions_newest_first_and_serves_each(fake_github):
    versions = [fake_github.commit(FAKE_GIST_ID, {FILENAME: f'{{"volumes": [{n}]}}'})
                for n in range(3)]
    listed = raw_request(fake_github, "GET", f"{GIST}/commits?per_page=2")
    assert [c["version"] for c in listed.json()] == versions[::-1][:2]
    assert 'rel="next"' in listed.headers["Link"]
    old = raw_request(fake_github, "GET", f"{GIST}/{versions[0]}").json()
    assert old["files"][FILENAME]["content"] == '{"volumes": [0]}'
    assert raw_request(fake_github, "GET", f"{GIST}/{'0' * 40}").status_code == 404


def test_fake_answers_401_for_a_bad_token_and_404_without_the_gist_scope(fake_github):
    wrong = raw_request(fake_github, "GET", GIST, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.json()["message"] == "Bad credentials"
    fake_github.scopes = "read:user"
    assert raw_request(fake_github, "GET", GIST).status_code == 404
