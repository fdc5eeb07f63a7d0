"""Hostile sizes and encodings get a clear 4xx fast, and the server stays up."""

import time

import pytest
import requests


@pytest.fixture
def server(run_server):
    return run_server()


def post(server, owner_headers, data: bytes, **headers):
    start = time.monotonic()
    response = requests.post(server.url + "/api/volumes", data=data, timeout=10,
                             headers=owner_headers | {"Content-Type": "application/json"}
                             | headers)
    return response, time.monotonic() - start


def body(html: str) -> bytes:
    import json

    return json.dumps({"number": "50", "title": "Hostile", "html": html}).encode()


@pytest.mark.parametrize("name, data, status, words", [
    ("100 000 nested elements", body("<div>" * 100_000 + "x" + "</div>" * 100_000), 400,
     "deep"),
    ("a 2 MB single attribute", body('<p title="' + "a" * 2_100_000 + '">x</p>'), 413,
     "at most 2 MB"),
    ("invalid UTF-8", b'{"number": "50", "title": "\xff\xfe", "html": "<p>\xc3\x28</p>"}', 400,
     "JSON body"),
    ("NUL bytes", body("<p>a\x00b</p>"), 400, "NUL"),
    ("a body past the request limit", b"{" + b" " * (7 * 1024 * 1024) + b"}", 413, "2 MB"),
])
def test_hostile_input_is_refused_fast_and_clearly(server, owner_headers, name, data, status,
                                                  words):
    response, seconds = post(server, owner_headers, data)
    assert response.status_code == status, response.text[:300]
    assert words in response.json()["error"]["message"]
    assert seconds < 2, f"{name} took {seconds:.2f} s"
    assert requests.get(server.url + "/healthz", timeout=5).json() == {"ok": True}


@pytest.mark.parametrize("name, html", [
    ("half a million formulas", "<p>" + "$a$ " * 480_000 + "</p>"),
    ("a 1.9 MB code block", '<pre><code class="language-python">'
     + "def f(x): return x\n" * 100_000 + "</code></pre>"),
    ("formulas nested deep", "<p>" + (r"\(" + "x^{" * 400 + "}" * 400 + r"\) ") * 100 + "</p>"),
])
def test_heavy_maths_and_code_are_typeset_within_bounds(server, owner_headers, name, html):
    response, _ = post(server, owner_headers, body(html))  # within post's 10 s timeout
    assert response.status_code == 201, response.text[:300]
    assert response.json()["report"]["notes"], name
    assert requests.get(server.url + "/healthz", timeout=5).json() == {"ok": True}
