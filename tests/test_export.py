import re
from datetime import UTC, datetime
from html import unescape

from conftest import OWNER_TOKEN

from study_guide.content.builtin import load_builtins


def test_download_is_an_attachment_with_a_dated_name(client):
    response = client.get("/download")
    today = datetime.now(UTC).date().isoformat()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="study-guide-{today}.html"')


def test_export_is_self_contained(client, owner_headers):
    client.post("/api/volumes", headers=owner_headers,
                json={"number": "10", "title": "Added", "html": "<p>added volume</p>"})
    html = client.get("/download").get_data(as_text=True)
    loads = re.findall(r'<(?:link|script|img|iframe)\b[^>]*(?:href|src)="([^"]*)"', html)
    assert all(url.startswith("data:") for url in loads)
    assert "url(\"../fonts" not in html and "data:font/woff2;base64," in html
    assert "<style>" in html and "<script>" in html
    for volume in load_builtins():
        assert f'id="vol-{volume.number}"' in html
    assert 'id="vol-10"' in html and "added volume" in html


def test_export_has_no_manage_tools_or_token(client):
    html = client.get("/download").get_data(as_text=True)
    assert "/manage" not in html and "/login" not in html and "csrf" not in html.lower()
    assert OWNER_TOKEN not in html


def test_export_carries_its_own_csp_with_the_script_hash(client):
    html = client.get("/download").get_data(as_text=True)
    csp = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"',
                             html).group(1))
    assert "default-src 'none'" in csp and "script-src 'sha256-" in csp
