import gzip
import re

import brotli

from study_guide.content.builtin import load_builtins


def test_guide_shows_every_volume_in_its_wrapper(client, owner_headers):
    client.post("/api/volumes", headers=owner_headers,
                json={"number": "10", "title": "Diffusion", "html": '<div class="sl">01 — A</div>'})
    html = client.get("/").get_data(as_text=True)
    for volume in load_builtins():
        assert f'<section class="volume" id="vol-{volume.number}"' in html
        assert f'href="#vol-{volume.number}"' in html
    assert '<section class="volume" id="vol-10"' in html
    assert '<span class="vol-num">VOL. X</span>' in html
    # Bodies come as the reader nears them: a stand-in for each label now, the body from the
    # URL the section names.
    assert '<div class="sl" id="vol-10-01">01 — A</div>' in html
    body_url = re.search(r'id="vol-10"[^>]* data-body="([^"]+)"', html).group(1)
    assert 'id="vol-10-01" class="sl"' in client.get(body_url).get_data(as_text=True)


def test_volume_bodies_come_from_urls_cached_for_good(client):
    html = client.get("/").get_data(as_text=True)
    volumes = load_builtins()
    urls = re.findall(r'data-body="([^"]+)"', html)
    assert len(urls) == len(volumes)
    for volume, url in zip(volumes, urls, strict=True):
        assert url.startswith(f"/volumes/{volume.id}.html?v=")
        body = client.get(url)
        assert body.get_data(as_text=True) == volume.html
        assert body.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert body.headers["Content-Security-Policy"].startswith("default-src 'none'")
        again = client.get(url, headers={"If-None-Match": body.headers["ETag"]})
        assert again.status_code == 304
        # A stale digest (an older page) gets the current body, revalidated each time.
        stale = client.get(f"/volumes/{volume.id}.html?v=0000")
        assert stale.get_data(as_text=True) == volume.html
        assert stale.headers["Cache-Control"] == "no-cache"
    # The page itself carries the contents and the labels, not the bodies.
    assert len(html.encode()) < sum(len(v.html.encode()) for v in volumes) / 10
    assert client.get("/volumes/no-such-volume.html").status_code == 404


def test_guide_links_download_and_manage(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/download"' in html and 'href="/manage"' in html


def test_guide_makes_no_third_party_requests(client):
    html = client.get("/").get_data(as_text=True)
    loads = re.findall(r'<(?:link|script|img)\b[^>]*(?:href|src)="([^"]+)"', html)
    assert loads and all(url.startswith("/assets/") for url in loads)


def test_guide_is_cached_with_a_strong_etag_and_revalidates(client):
    first = client.get("/")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = client.get("/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


def test_guide_etag_changes_when_volumes_change(client, owner_headers):
    before = client.get("/").headers["ETag"]
    client.post("/api/volumes", headers=owner_headers,
                json={"number": "10", "title": "New", "html": "<p>new</p>"})
    after = client.get("/")
    assert after.headers["ETag"] != before and "New" in after.get_data(as_text=True)


def test_guide_is_served_precompressed(client):
    plain = client.get("/").data
    brotli_response = client.get("/", headers={"Accept-Encoding": "gzip, br"})
    assert brotli_response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(brotli_response.data) == plain
    gzip_response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(gzip_response.data) == plain
    assert brotli_response.headers["Vary"] == "Accept-Encoding"


def test_page_views_never_sanitize(client, monkeypatch):
    client.get("/")
    import study_guide.content.sanitize

    def fail(*args, **kwargs):
        raise AssertionError("sanitized during a page view")

    monkeypatch.setattr(study_guide.content.sanitize, "clean", fail)
    assert client.get("/").status_code == 200


def test_security_headers(client):
    headers = client.get("/").headers
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_static_assets_have_hashed_names_long_cache_and_compression(client):
    html = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/assets/css/guide\.[0-9a-f]{12}\.css)"', html).group(1)
    response = client.get(css, headers={"Accept-Encoding": "br"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "br"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    text = brotli.decompress(response.data).decode()
    fonts = re.findall(r'url\("\.\./(fonts/[\w.-]+)"\)', text)
    assert fonts and all(re.search(r"\.[0-9a-f]{12}\.woff2$", font) for font in fonts)
    assert client.get("/assets/" + fonts[0]).status_code == 200
    assert client.get(css, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_stale_or_foreign_asset_names_are_404(client):
    assert client.get("/assets/css/guide.000000000000.css").status_code == 404
    assert client.get("/assets/../app/config.py").status_code == 404
    assert client.get("/assets/css/guide.css").status_code == 404


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"ok": True}


def test_unknown_page_is_404_html(client):
    response = client.get("/nowhere")
    assert response.status_code == 404 and "nothing at this address" in response.text


def test_manage_needs_sign_in(client):
    response = client.get("/manage")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_manage_page_shows_storage_builder_and_volumes(signed_in_client, data_dir):
    html = signed_in_client.get("/manage").get_data(as_text=True)
    assert "Local file" in html and str(data_dir.resolve()) in html
    assert "Test connection" in html and "Copy the volume-builder prompt" in html
    assert "[PASTE YOUR NOTES HERE]" in html
    assert "Built in (permanent)" in html


def test_repeat_views_skip_flask_and_answer_exactly_like_the_render(app, client, owner_headers):
    from flask import request_started

    entered = []
    request_started.connect(lambda sender, **extra: entered.append(1), app, weak=False)

    def answer(response):
        headers = {k: v for k, v in response.headers.items() if k.lower() != "date"}
        return response.status_code, headers, response.data

    for number, encoding in enumerate(("br", "gzip", "identity"), start=20):
        added = client.post("/api/volumes", headers=owner_headers,
                            json={"number": str(number), "title": f"Fresh {number}",
                                  "html": "<p>x</p>"})
        assert added.status_code == 201
        entered.clear()
        rendered = answer(client.get("/", headers={"Accept-Encoding": encoding}))
        assert entered == [1]  # the first view after a change renders in Flask
        repeat = answer(client.get("/", headers={"Accept-Encoding": encoding}))
        assert entered == [1]  # the next is answered from the cache, outside Flask
        assert repeat == rendered
        assert f">Fresh {number}</h2>" in client.get("/").get_data(as_text=True)
    head = client.head("/")
    assert head.data == b"" and head.headers["Content-Length"] == str(len(rendered[2]))
    not_modified = client.get("/", headers={"If-None-Match": rendered[1]["ETag"]})
    assert not_modified.status_code == 304 and not_modified.data == b""
    assert not_modified.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert entered == [1]
