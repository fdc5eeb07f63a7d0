"""Authoring through the API: chat answers, Markdown, preview = add, and editing a volume in
place, with local storage and with the Gist (the fake Gist API over real HTTP)."""

import json
import re

import pytest
from conftest import FAKE_GIST_ID

from study_guide.storage.document import FILENAME

CHAT = """Here is your volume, following the format you asked for:

```html
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Diffusion Models</title>
<style>body { background: white }</style>
</head>
<body>
<div class="sl">01 — The forward process</div>
<p>Noise is added step by step until nothing of the image is left.</p>
<div class="sl">02 — The reverse process</div>
<p>A network learns to take one step back.</p>
</body>
</html>
```

Let me know if you want another volume!"""

MARKDOWN = """## Noise schedules

A **linear** schedule and a cosine one.

| schedule | at t = T |
| --- | --- |
| linear | pure noise |

- one item
- another

```python
def beta(t):
    return 1e-4 + t * 0.02
```
"""


@pytest.fixture(params=["local", "gist"])
def authoring(request, make_app, owner_headers):
    """(client, fake GitHub or None) for each storage backend."""
    if request.param == "local":
        yield make_app().test_client(), None
        return
    gist_env = request.getfixturevalue("gist_env")
    yield make_app(**gist_env).test_client(), request.getfixturevalue("fake_github")


def add(client, headers, **body):
    response = client.post("/api/volumes", headers=headers, json={"number": "10"} | body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def body_of(client, volume_id: str) -> str:
    return client.get(f"/volumes/{volume_id}.html").get_data(as_text=True)


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_a_chat_answer_shows_only_the_volume(authoring, owner_headers):
    client, _ = authoring
    added = add(client, owner_headers, title="", html=CHAT)
    notes = added["report"]["notes"]
    assert notes and all(isinstance(note, str) and note.endswith(".") for note in notes)
    assert added["volume"]["title"] == "Diffusion Models"  # offered by <title>
    body = body_of(client, added["volume"]["id"])
    page = client.get("/").get_data(as_text=True)
    assert "The forward process" in body and "vol-10" in page
    for leftover in ("Here is your volume", "Let me know", "```", "<html", "<head", "<body",
                     "<title", "<style", "background: white"):
        assert leftover not in body
    assert "Diffusion Models" not in visible_text(body)


def test_preview_is_what_add_stores(authoring, owner_headers):
    client, fake = authoring
    preview = client.post("/api/volumes/preview", headers=owner_headers,
                          json={"number": "10", "title": "", "html": CHAT}).get_json()
    added = add(client, owner_headers, title="", html=CHAT)
    record = client.get(f"/api/volumes/{added['volume']['id']}", headers=owner_headers)
    assert record.get_json()["html"] == preview["html"]
    assert preview["report"] == added["report"] and preview["title"] == "Diffusion Models"
    if fake is not None:
        stored = json.loads(fake.content(FAKE_GIST_ID, FILENAME))["volumes"][0]
        assert stored["html"] == preview["html"]


def test_markdown_renders_as_the_guide_expects(authoring, owner_headers):
    client, _ = authoring
    added = add(client, owner_headers, title="Noise", markdown=MARKDOWN)
    body = body_of(client, added["volume"]["id"])
    assert re.search(r'<h2 id="vol-10-01" class="sl">Noise schedules</h2>', body)
    for element in ("<strong>linear</strong>", "<table>", "<ul>", "<li>one item</li>",
                    '<pre><code class="language-python"><span class="k">def</span>'):
        assert element in body
    page = client.get("/").get_data(as_text=True)
    assert 'href="#vol-10-01"' in page  # the contents link to the section


def test_markdown_pasted_as_html_renders_the_same(client, owner_headers):
    as_markdown = client.post("/api/volumes/preview", headers=owner_headers,
                              json={"number": "10", "title": "T", "markdown": MARKDOWN})
    as_html = client.post("/api/volumes/preview", headers=owner_headers,
                          json={"number": "10", "title": "T", "html": MARKDOWN})
    assert as_html.get_json()["html"] == as_markdown.get_json()["html"]
    assert any("Markdown" in note for note in as_html.get_json()["report"]["notes"])


def test_get_returns_what_the_owner_wrote(authoring, owner_headers):
    client, _ = authoring
    html_id = add(client, owner_headers, title="HTML one", html="<p>plain</p>")["volume"]["id"]
    md_id = add(client, owner_headers, number="11", title="MD one",
                markdown=MARKDOWN)["volume"]["id"]
    as_html = client.get(f"/api/volumes/{html_id}", headers=owner_headers).get_json()
    assert as_html == {"id": html_id, "number": "10", "title": "HTML one", "html": "<p>plain</p>"}
    as_md = client.get(f"/api/volumes/{md_id}", headers=owner_headers).get_json()
    assert as_md["format"] == "markdown" and as_md["source"] == MARKDOWN.strip("\n")


def test_an_edit_keeps_the_id_and_anchor_and_shows_everywhere(authoring, owner_headers):
    client, fake = authoring
    volume_id = add(client, owner_headers, title="Old", html='<div class="sl">01 — Old</div>'
                    "<p>old words</p>")["volume"]["id"]
    revisions_before = len(fake.history(FAKE_GIST_ID)) if fake else 0
    response = client.put(f"/api/volumes/{volume_id}", headers=owner_headers,
                          json={"number": "10", "title": "New",
                                "html": '<div class="sl">01 — New</div><p>new words</p>'})
    assert response.status_code == 200
    assert response.get_json()["volume"]["id"] == volume_id
    assert response.get_json()["volume"]["title"] == "New"
    if fake is not None:
        assert len(fake.history(FAKE_GIST_ID)) == revisions_before + 1  # one revision
    page = client.get("/").get_data(as_text=True)
    assert 'id="vol-10"' in page and 'id="vol-10-01"' in page and "New" in page
    assert "new words" in body_of(client, volume_id) and "old words" not in body_of(
        client, volume_id)
    index_url = re.search(r'data-index-url="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "new" in client.get(index_url).get_data(as_text=True)
    download = client.get("/download").get_data(as_text=True)
    assert "new words" in download and "old words" not in download


def test_edit_refusals(client, owner_headers):
    volume_id = add(client, owner_headers, title="Mine", html="<p>x</p>")["volume"]["id"]
    add(client, owner_headers, number="11", title="Other", html="<p>y</p>")
    body = {"number": "10", "title": "T", "html": "<p>z</p>"}
    cases = [("/api/volumes/builtin-01", body, owner_headers, 403),
             ("/api/volumes/nope", body, owner_headers, 404),
             (f"/api/volumes/{volume_id}", body, {}, 401),
             (f"/api/volumes/{volume_id}", body | {"number": "11"}, owner_headers, 409),
             (f"/api/volumes/{volume_id}", body | {"number": "1"}, owner_headers, 409),
             (f"/api/volumes/{volume_id}", body | {"html": "<script>x</script>"},
              owner_headers, 422)]
    for url, payload, headers, status in cases:
        response = client.put(url, headers=headers, json=payload)
        assert response.status_code == status, (url, payload)
        assert response.get_json()["error"]["message"]
    assert client.get("/api/volumes/builtin-01", headers=owner_headers).status_code == 403
    assert client.get(f"/api/volumes/{volume_id}").status_code == 401
    stored = client.get(f"/api/volumes/{volume_id}", headers=owner_headers).get_json()
    assert stored == {"id": volume_id, "number": "10", "title": "Mine", "html": "<p>x</p>"}


def test_an_edit_github_refuses_leaves_the_volume_as_it_was(make_app, gist_env, fake_github,
                                                           owner_headers):
    client = make_app(**gist_env).test_client()
    volume_id = add(client, owner_headers, title="Kept", html="<p>kept</p>")["volume"]["id"]
    before = fake_github.content(FAKE_GIST_ID, FILENAME)
    fake_github.inject("status", status=422, method="PATCH")
    response = client.put(f"/api/volumes/{volume_id}", headers=owner_headers,
                          json={"number": "10", "title": "Lost", "html": "<p>lost</p>"})
    assert response.status_code == 502 and response.get_json()["error"]["message"]
    assert fake_github.content(FAKE_GIST_ID, FILENAME) == before
    assert "kept" in body_of(client, volume_id)


def test_restoring_the_revision_before_an_edit_brings_the_old_content_back(
        make_app, gist_env, fake_github, owner_headers):
    client = make_app(**gist_env).test_client()
    volume_id = add(client, owner_headers, title="First", html="<p>first</p>")["volume"]["id"]
    before_edit = client.get("/api/revisions", headers=owner_headers).get_json()["revisions"][0]
    client.put(f"/api/volumes/{volume_id}", headers=owner_headers,
               json={"number": "10", "title": "Second", "html": "<p>second</p>"})
    response = client.post("/api/volumes/restore", headers=owner_headers,
                           json={"revision": before_edit["version"], "volume_id": volume_id})
    assert response.status_code == 201
    volumes = json.loads(fake_github.content(FAKE_GIST_ID, FILENAME))["volumes"]
    assert [(v["id"], v["title"]) for v in volumes] == [(volume_id, "First")]
    assert "first" in body_of(client, volume_id)
