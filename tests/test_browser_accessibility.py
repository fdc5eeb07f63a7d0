"""axe-core on every page the product shows: no serious or critical violations."""

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe
from conftest import OWNER_TOKEN, open_whole_guide

pytestmark = pytest.mark.browser
VOLUME = {"number": "10", "title": "Added",
          "html": '<div class="sl">01 — A</div><p>text</p><table><thead><tr><th>a</th></tr>'
                  '</thead><tbody><tr><td>1</td></tr></tbody></table>'
                  '<div class="qa"><div class="qa-q">q</div><div class="qa-a">a</div></div>'}


def serious(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
            for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]


@pytest.mark.parametrize("width", [1280, 375])
def test_pages_have_no_serious_accessibility_violations(run_server, chromium, tmp_path, width):
    server = run_server()
    requests.post(server.url + "/api/volumes", json=VOLUME, timeout=10,
                  headers={"Authorization": f"Bearer {OWNER_TOKEN}"})
    context = chromium.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    found = {}
    page.goto(server.url + "/login")
    found["/login"] = serious(page)
    open_whole_guide(page, server.url + "/")
    found["/"] = serious(page)
    page.goto(server.url + "/login")
    page.fill("#token", OWNER_TOKEN)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/manage")
    found["/manage"] = serious(page)
    export = tmp_path / "guide.html"
    export.write_bytes(requests.get(server.url + "/download", timeout=10).content)
    page.goto(export.as_uri())
    found["export"] = serious(page)
    context.close()
    assert found == {"/login": [], "/": [], "/manage": [], "export": []}
