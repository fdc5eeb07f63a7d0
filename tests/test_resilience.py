"""The guide stays up whatever the storage holds or does: hostile records written into the
gist from outside are skipped (and kept), and GitHub down from the start costs a few requests.
Figures (start-up with 50 volumes, 6,000 views during an outage): bench/resilience.py."""

import json
import re
import time
import traceback
from collections import Counter

import pytest
import requests
from conftest import FAKE_GIST_ID, OWNER_TOKEN
from hostile_cases import CASES

from study_guide.errors import AppError
from study_guide.storage.document import FILENAME

HOSTILE = {
    "deep": "<div>" * 2000 + "deep" + "</div>" * 2000,
    "attributes": CASES["50,000 attributes"](1024 * 1024),
    "surrogate": "<p>broken \ud800 text</p>",
}


def record(volume_id: str, number: int, html: str) -> dict:
    return {"id": volume_id, "number": str(number), "title": f"Volume {volume_id}",
            "html": html, "added_at": "2026-01-01T00:00:00Z"}


def signed_in(url: str) -> requests.Session:
    session = requests.Session()
    form = session.get(url + "/login", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    session.post(url + "/login", data={"token": OWNER_TOKEN, "csrf_token": token}, timeout=10)
    return session


def test_hostile_records_in_the_gist_are_skipped_shown_to_the_owner_and_kept(
        fake_github, gist_env, run_server, owner_headers):
    records = [record("good", 20, "<p>A fine volume.</p>")] + [
        record(name, 21 + index, html) for index, (name, html) in enumerate(HOSTILE.items())]
    fake_github.commit(FAKE_GIST_ID, {FILENAME: json.dumps({"format": 1, "volumes": records})})
    server = run_server(gist_env | {"GIST_CACHE_SECONDS": "30"})  # answers /healthz in 20 s

    page = requests.get(server.url + "/", timeout=30)
    assert page.status_code == 200
    assert "Neural Network Foundations" in page.text and "Volume good" in page.text
    assert "3 added volumes cannot be shown" in page.text
    assert not any(f"Volume {name}" in page.text for name in HOSTILE)

    manage = signed_in(server.url).get(server.url + "/manage", timeout=30).text
    problems = re.search(r'id="status-unshown".*?</div>', manage, re.DOTALL).group(0)
    for name, reason in [("deep", "nests elements 2000 deep"),
                         ("attributes", "too complex to check: an element has 49,932"),
                         ("surrogate", "not valid Unicode")]:
        assert re.search(f"<code>{name}</code>: [^<]*{re.escape(reason)}", problems), name

    added = requests.post(server.url + "/api/volumes", headers=owner_headers, timeout=30,
                          json={"number": "30", "title": "Later", "html": "<p>later</p>"})
    assert added.status_code == 201, added.text
    stored = json.loads(fake_github.content(FAKE_GIST_ID, FILENAME))
    assert [r["id"] for r in stored["volumes"]][:4] == ["good", *HOSTILE]
    assert stored["volumes"][1]["html"] == HOSTILE["deep"]


def test_github_down_from_the_start_costs_a_few_requests_and_serves_the_builtins(
        fake_github, gist_env, run_server):
    fake_github.outage()
    # A period of 1 s: without the back-off, 6 s of views would ask GitHub 3 times a second.
    server = run_server(gist_env | {"GIST_CACHE_SECONDS": "1"}, workers=2)
    statuses, etags = Counter(), set()
    started = time.monotonic()
    with requests.Session() as session:
        while time.monotonic() - started < 6 or sum(statuses.values()) < 300:
            answer = session.get(server.url + "/", timeout=30)
            statuses[answer.status_code] += 1
            etags.add(answer.headers.get("ETag"))
            time.sleep(0.01)
    assert set(statuses) <= {200, 503}, statuses
    assert statuses[200] > 0
    assert "showing the built-in volumes only" in answer.text
    assert len(etags) == 1  # one page, rendered once per process, not once per view
    assert sum(fake_github.requests.values()) <= 5, fake_github.requests


def test_a_remembered_failure_is_raised_afresh_each_time(fake_github, gist_store):
    """The error kept for the cache period must not gather the tracebacks of every reader
    (12 KB a page view while GitHub was down)."""
    fake_github.outage()
    store = gist_store(GIST_CACHE_SECONDS="30")
    depths = []
    for _ in range(5):
        with pytest.raises(AppError) as raised:
            store.load()
        depths.append(len(traceback.extract_tb(raised.value.__traceback__)))
    assert len(set(depths)) == 1, depths
